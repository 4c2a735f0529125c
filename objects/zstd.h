/*
 * zstd compression; the only file that calls libzstd and translates its
 * size_t error returns.
 *
 * Every frame awm writes carries its content size and a content checksum,
 * so a flipped bit in a stored object is caught by decompression as well as
 * by the id re-check.
 */
#ifndef AWM_ZSTD_H
#define AWM_ZSTD_H

#include <stddef.h>

#include "core/buf.h"

typedef struct awm_zstd awm_zstd;

#define AWM_ZSTD_LEVEL 3

/*
 * Payloads smaller than AWM_ZSTD_SMALL_SIZE are compressed at
 * AWM_ZSTD_SMALL_LEVEL instead.  For migration-sized objects (a few hundred
 * bytes) level 3 spends most of its time, and most of the reader's, on a
 * Huffman table per frame that saves little: the fast level writes literals
 * raw, which decompress four to eight times faster, for about 12% more
 * bytes.  Larger objects (big changesets) keep the stronger level.  The
 * level is not part of the format; readers take any frame.
 */
#define AWM_ZSTD_SMALL_SIZE 4096
#define AWM_ZSTD_SMALL_LEVEL (-1)

/*
 * `level` applies to payloads of AWM_ZSTD_SMALL_SIZE bytes and more.
 * Contexts are reused between calls, which matters for many small objects.
 */
awm_zstd *awm_zstd_new(int level);
void awm_zstd_free(awm_zstd *z);

/* Append one frame holding `len` bytes of `src` to `out`. */
int awm_zstd_compress(awm_zstd *z, awm_buf *out, const void *src, size_t len);

/*
 * Append the decompressed content of one frame to `out`.  The frame must
 * decompress to exactly `expected` bytes; `what` names the object or file in
 * the error message (AWM_ECORRUPT), or is NULL when the caller adds that
 * context itself.
 */
int awm_zstd_decompress(awm_zstd *z, awm_buf *out, const void *frame,
			size_t frame_len, size_t expected, const char *what);

/*
 * Delta frames: `src` compressed with `base` (an earlier version of the same
 * bytes) as a raw-content dictionary, so only what changed costs space.
 * Decompression needs the identical `base`.  Snapshots store changed pages
 * this way (docs/format.md).
 */
int awm_zstd_compress_delta(awm_zstd *z, awm_buf *out, const void *src, size_t len,
			    const void *base, size_t base_len);
int awm_zstd_decompress_delta(awm_zstd *z, awm_buf *out, const void *frame,
			      size_t frame_len, size_t expected, const void *base,
			      size_t base_len, const char *what);

#endif
