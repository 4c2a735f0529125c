/*
 * The libzstd wrapper behind zstd.h.
 */
#include <zstd.h>

#include "objects/zstd.h"
#include "core/error.h"

#include <stdarg.h>
#include <stdlib.h>

struct awm_zstd {
	ZSTD_CCtx *c;
	ZSTD_DCtx *d;
	int level;          /* for large payloads */
	int c_level;        /* the level the compression context is set to */
};

awm_zstd *awm_zstd_new(int level)
{
	awm_zstd *z = awm_calloc(1, sizeof(*z));

	z->level = level;
	return z;
}

void awm_zstd_free(awm_zstd *z)
{
	if (!z)
		return;
	ZSTD_freeCCtx(z->c);
	ZSTD_freeDCtx(z->d);
	free(z);
}

/* The sticky parameters serve awm_zstd_compress(); the delta calls pass their own. */
static int create_cctx(awm_zstd *z)
{
	if (z->c)
		return 0;
	if (!(z->c = ZSTD_createCCtx()))
		return awm_error_set(AWM_ERROR, "cannot create a zstd context");
	ZSTD_CCtx_setParameter(z->c, ZSTD_c_compressionLevel, z->level);
	ZSTD_CCtx_setParameter(z->c, ZSTD_c_checksumFlag, 1);
	ZSTD_CCtx_setParameter(z->c, ZSTD_c_contentSizeFlag, 1);
	return 0;
}

int awm_zstd_compress(awm_zstd *z, awm_buf *out, const void *src, size_t len)
{
	size_t bound = ZSTD_compressBound(len), n;
	int level = len < AWM_ZSTD_SMALL_SIZE ? AWM_ZSTD_SMALL_LEVEL : z->level;
	int rc;

	if (!z->c) {
		if ((rc = create_cctx(z)) < 0)
			return rc;
		z->c_level = z->level;
	}
	if (level != z->c_level) {
		/* Between frames, so it takes effect for this one. */
		ZSTD_CCtx_setParameter(z->c, ZSTD_c_compressionLevel, level);
		z->c_level = level;
	}
	awm_buf_grow(out, bound);
	n = ZSTD_compress2(z->c, out->ptr + out->size, bound, src, len);
	if (ZSTD_isError(n))
		return awm_error_set(AWM_ERROR, "zstd compression failed: %s",
				     ZSTD_getErrorName(n));
	out->size += n;
	out->ptr[out->size] = '\0';
	return 0;
}

/* "<what>: <msg>", or just "<msg>" when the caller adds the context. */
static int corrupt(const char *what, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int corrupt(const char *what, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	awm_error_vset(AWM_ECORRUPT, fmt, ap);
	va_end(ap);
	if (what)
		awm_error_prefix("%s", what);
	return AWM_ECORRUPT;
}

int awm_zstd_decompress(awm_zstd *z, awm_buf *out, const void *frame,
			size_t frame_len, size_t expected, const char *what)
{
	unsigned long long declared;
	size_t n;

	declared = ZSTD_getFrameContentSize(frame, frame_len);
	if (declared == ZSTD_CONTENTSIZE_ERROR || declared != expected)
		return corrupt(what, "compressed frame is damaged (bad zstd header)");
	if (!z->d && !(z->d = ZSTD_createDCtx()))
		return awm_error_set(AWM_ERROR, "cannot create a zstd context");
	awm_buf_grow(out, expected);
	n = ZSTD_decompressDCtx(z->d, out->ptr + out->size, expected + 1, frame, frame_len);
	if (ZSTD_isError(n))
		return corrupt(what, "compressed data is damaged (%s)", ZSTD_getErrorName(n));
	if (n != expected)
		return corrupt(what, "decompressed to %zu bytes, expected %zu", n, expected);
	out->size += n;
	out->ptr[out->size] = '\0';
	return 0;
}

static int contexts(awm_zstd *z)
{
	int rc;

	if ((rc = create_cctx(z)) < 0)
		return rc;
	if (!z->d && !(z->d = ZSTD_createDCtx()))
		return awm_error_set(AWM_ERROR, "cannot create a zstd context");
	return 0;
}

int awm_zstd_compress_delta(awm_zstd *z, awm_buf *out, const void *src, size_t len,
			    const void *base, size_t base_len)
{
	size_t bound = ZSTD_compressBound(len), n;
	int rc;

	if ((rc = contexts(z)) < 0)
		return rc;
	awm_buf_grow(out, bound);
	n = ZSTD_compress_usingDict(z->c, out->ptr + out->size, bound, src, len, base,
				    base_len, z->level);
	if (ZSTD_isError(n))
		return awm_error_set(AWM_ERROR, "zstd delta compression failed: %s",
				     ZSTD_getErrorName(n));
	out->size += n;
	out->ptr[out->size] = '\0';
	return 0;
}

int awm_zstd_decompress_delta(awm_zstd *z, awm_buf *out, const void *frame,
			      size_t frame_len, size_t expected, const void *base,
			      size_t base_len, const char *what)
{
	unsigned long long declared = ZSTD_getFrameContentSize(frame, frame_len);
	size_t n;
	int rc;

	if (declared == ZSTD_CONTENTSIZE_ERROR || declared != expected)
		return awm_error_set(AWM_ECORRUPT, "%s: delta frame is damaged (bad zstd header)",
				     what);
	if ((rc = contexts(z)) < 0)
		return rc;
	awm_buf_grow(out, expected);
	n = ZSTD_decompress_usingDict(z->d, out->ptr + out->size, expected + 1, frame,
				      frame_len, base, base_len);
	if (ZSTD_isError(n))
		return awm_error_set(AWM_ECORRUPT, "%s: delta data is damaged (%s)", what,
				     ZSTD_getErrorName(n));
	if (n != expected)
		return awm_error_set(AWM_ECORRUPT, "%s: delta decompressed to %zu bytes, "
				     "expected %zu", what, n, expected);
	out->size += n;
	out->ptr[out->size] = '\0';
	return 0;
}
