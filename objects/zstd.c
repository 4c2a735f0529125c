/*
 * The libzstd wrapper behind zstd.h.
 */
#include <zstd.h>

#include "objects/zstd.h"
#include "core/error.h"

#include <stdlib.h>

struct awm_zstd {
	ZSTD_CCtx *c;
	ZSTD_DCtx *d;
	int level;
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
	int rc;

	if ((rc = create_cctx(z)) < 0)
		return rc;
	awm_buf_grow(out, bound);
	n = ZSTD_compress2(z->c, out->ptr + out->size, bound, src, len);
	if (ZSTD_isError(n))
		return awm_error_set(AWM_ERROR, "zstd compression failed: %s",
				     ZSTD_getErrorName(n));
	out->size += n;
	out->ptr[out->size] = '\0';
	return 0;
}

int awm_zstd_decompress(awm_zstd *z, awm_buf *out, const void *frame,
			size_t frame_len, size_t expected, const char *what)
{
	unsigned long long declared;
	size_t n;

	declared = ZSTD_getFrameContentSize(frame, frame_len);
	if (declared == ZSTD_CONTENTSIZE_ERROR || declared != expected)
		return awm_error_set(AWM_ECORRUPT,
				     "%s: compressed frame is damaged (bad zstd header)", what);
	if (!z->d && !(z->d = ZSTD_createDCtx()))
		return awm_error_set(AWM_ERROR, "cannot create a zstd context");
	awm_buf_grow(out, expected);
	n = ZSTD_decompressDCtx(z->d, out->ptr + out->size, expected + 1, frame, frame_len);
	if (ZSTD_isError(n))
		return awm_error_set(AWM_ECORRUPT, "%s: compressed data is damaged (%s)",
				     what, ZSTD_getErrorName(n));
	if (n != expected)
		return awm_error_set(AWM_ECORRUPT, "%s: decompressed to %zu bytes, expected %zu",
				     what, n, expected);
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
