/*
 * Writing many objects at once.  Objects added to a packwriter are hashed,
 * deduplicated, compressed and collected; commit makes them durable with a
 * single pack (one pack file, one index) instead of thousands of loose
 * files.  Small batches are written loose instead, where a pack would only
 * add files for gc to merge later.
 */
#ifndef AWM_PACKWRITER_H
#define AWM_PACKWRITER_H

#include <stddef.h>

#include "objects/odb_backend.h"

typedef struct awm_packwriter awm_packwriter;

/* Keep objects the store already has (gc repacks them); default skips them. */
#define AWM_PACKWRITER_KEEP_EXISTING 1

/*
 * A batch of fewer than `loose_limit` objects is committed as loose files;
 * 0 means always write a pack.  The writer must be freed with
 * awm_packwriter_free(), which discards whatever was not committed.
 */
int awm_packwriter_new(awm_packwriter **out, awm_odb *odb, size_t loose_limit,
		       int flags);

/* Add an object; `out` (may be NULL) receives its id. */
int awm_packwriter_add(awm_packwriter *pw, awm_oid *out, awm_otype type,
		       const void *data, size_t len);

/* Add an already-compressed record, copying its frame; the caller verified it. */
int awm_packwriter_add_record(awm_packwriter *pw, const awm_oid *oid,
			      const awm_odb_record *rec);

/* 1 if the batch already holds `oid`. */
int awm_packwriter_has(const awm_packwriter *pw, const awm_oid *oid);

size_t awm_packwriter_count(const awm_packwriter *pw);

/*
 * Make the batch durable and visible.  The pack is fsynced and renamed into
 * place before its index, so readers never see an index without its pack.
 * `pack_path` (may be NULL) receives the pack's path (an identical pack
 * already in place counts), empty when the batch went loose or was empty.
 */
int awm_packwriter_commit(awm_packwriter *pw, awm_buf *pack_path);

void awm_packwriter_free(awm_packwriter *pw);

#endif
