/*
 * A growable byte buffer, always NUL-terminated, like git's strbuf.
 *
 * An awm_buf is initialised with AWM_BUF_INIT or awm_buf_init() and its
 * memory is freed with awm_buf_release().  Allocation failure aborts the
 * process: there is no sensible recovery from it in a command-line tool.
 */
#ifndef AWM_BUF_H
#define AWM_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct awm_buf {
	char *ptr;     /* never NULL after init; NUL-terminated */
	size_t size;   /* bytes in use, not counting the NUL */
	size_t asize;  /* bytes allocated; 0 while ptr is the static empty string */
} awm_buf;

extern char awm_buf__empty[];
#define AWM_BUF_INIT { awm_buf__empty, 0, 0 }

void awm_buf_init(awm_buf *buf);
void awm_buf_release(awm_buf *buf);
void awm_buf_clear(awm_buf *buf);          /* size = 0, memory kept */
void awm_buf_grow(awm_buf *buf, size_t extra);
void awm_buf_put(awm_buf *buf, const void *data, size_t len);
void awm_buf_puts(awm_buf *buf, const char *s);
void awm_buf_putc(awm_buf *buf, char c);
void awm_buf_printf(awm_buf *buf, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void awm_buf_vprintf(awm_buf *buf, const char *fmt, va_list ap);
void awm_buf_truncate(awm_buf *buf, size_t len);
void awm_buf_rtrim(awm_buf *buf);          /* drop trailing whitespace */

/* Take ownership of the buffer's memory; the buffer is re-initialised. */
char *awm_buf_detach(awm_buf *buf);

/* Allocation helpers that abort on failure. */
void *awm_malloc(size_t n);
void *awm_calloc(size_t n, size_t size);
void *awm_realloc(void *p, size_t n);
char *awm_strdup(const char *s);
char *awm_strndup(const char *s, size_t n);
char *awm_printf_alloc(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Grow an array `p` of `nr` items to hold at least `want`, in `*alloc`. */
#define AWM_ARRAY_GROW(p, want, alloc) do { \
	if ((want) > (alloc)) { \
		size_t awm__n = (alloc) ? (alloc) * 2 : 16; \
		while (awm__n < (want)) awm__n *= 2; \
		(p) = awm_realloc((p), awm__n * sizeof(*(p))); \
		(alloc) = awm__n; \
	} \
} while (0)

#endif
