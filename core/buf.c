/*
 * Growable buffers and the aborting allocators behind buf.h.
 */
#include "core/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char awm_buf__empty[1];

static void die_oom(size_t n)
{
	fprintf(stderr, "fatal: out of memory allocating %zu bytes\n", n);
	abort();
}

void *awm_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		die_oom(n);
	return p;
}

void *awm_calloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		die_oom(n * size);
	return p;
}

void *awm_realloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		die_oom(n);
	return q;
}

char *awm_strndup(const char *s, size_t n)
{
	char *p = awm_malloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *awm_strdup(const char *s)
{
	return awm_strndup(s, strlen(s));
}

char *awm_printf_alloc(const char *fmt, ...)
{
	awm_buf b = AWM_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	awm_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	return awm_buf_detach(&b);
}

void awm_buf_init(awm_buf *buf)
{
	buf->ptr = awm_buf__empty;
	buf->size = 0;
	buf->asize = 0;
}

void awm_buf_release(awm_buf *buf)
{
	if (buf->asize)
		free(buf->ptr);
	awm_buf_init(buf);
}

void awm_buf_clear(awm_buf *buf)
{
	buf->size = 0;
	if (buf->asize)
		buf->ptr[0] = '\0';
}

void awm_buf_grow(awm_buf *buf, size_t extra)
{
	size_t want = buf->size + extra + 1;
	size_t n;

	if (want <= buf->asize)
		return;
	n = buf->asize ? buf->asize : 64;
	while (n < want)
		n = n + n / 2 + 64;
	if (buf->asize) {
		buf->ptr = awm_realloc(buf->ptr, n);
	} else {
		buf->ptr = awm_malloc(n);
		buf->ptr[0] = '\0';
	}
	buf->asize = n;
}

void awm_buf_put(awm_buf *buf, const void *data, size_t len)
{
	if (!len)
		return;
	awm_buf_grow(buf, len);
	memmove(buf->ptr + buf->size, data, len);
	buf->size += len;
	buf->ptr[buf->size] = '\0';
}

void awm_buf_puts(awm_buf *buf, const char *s)
{
	awm_buf_put(buf, s, strlen(s));
}

void awm_buf_putc(awm_buf *buf, char c)
{
	awm_buf_grow(buf, 1);
	buf->ptr[buf->size++] = c;
	buf->ptr[buf->size] = '\0';
}

void awm_buf_vprintf(awm_buf *buf, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n <= 0)
		return;
	awm_buf_grow(buf, (size_t)n);
	vsnprintf(buf->ptr + buf->size, (size_t)n + 1, fmt, ap);
	buf->size += (size_t)n;
}

void awm_buf_printf(awm_buf *buf, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	awm_buf_vprintf(buf, fmt, ap);
	va_end(ap);
}

void awm_buf_truncate(awm_buf *buf, size_t len)
{
	if (len >= buf->size)
		return;
	buf->size = len;
	buf->ptr[len] = '\0';
}

void awm_buf_rtrim(awm_buf *buf)
{
	while (buf->size && (buf->ptr[buf->size - 1] == ' ' ||
			     buf->ptr[buf->size - 1] == '\t' ||
			     buf->ptr[buf->size - 1] == '\n' ||
			     buf->ptr[buf->size - 1] == '\r'))
		buf->size--;
	if (buf->asize)
		buf->ptr[buf->size] = '\0';
}

char *awm_buf_detach(awm_buf *buf)
{
	char *p = buf->asize ? buf->ptr : awm_strdup("");

	awm_buf_init(buf);
	return p;
}
