/*
 * Snapshot and page objects: a database image stored page by page
 * (docs/format.md).
 *
 * A snapshot object lists the page objects of one image in page order:
 *
 *   awm-snapshot 1
 *   commit <id>          the commit whose state the image holds
 *   engine sqlite
 *   page-size <bytes>
 *   pages <n>
 *   <page id>            n lines, page 1 first
 *
 * A page object's payload starts with one byte that says how it is held:
 *   0x00  the page's bytes follow as they are;
 *   0x01  a delta: the 16-byte id of a full page object (its base), then a
 *         zstd frame that decompresses, with the base page as dictionary,
 *         to the page's bytes.
 * A delta's base is always a full page, so any page is at most two reads
 * away.  Two images share every page object they have in common.
 */
#ifndef AWM_SNAPSHOT_OBJ_H
#define AWM_SNAPSHOT_OBJ_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "objects/odb.h"

#define AWM_SNAPSHOT_VERSION 1
#define AWM_PAGE_FULL 0x00
#define AWM_PAGE_DELTA 0x01
#define AWM_PAGE_DELTA_HDRSZ (1 + AWM_OID_RAWSZ)

typedef struct awm_snapshot {
	awm_oid commit;
	char *engine;
	uint32_t page_size;
	awm_oid *pages;
	size_t npages;
} awm_snapshot;

void awm_snapshot_free(awm_snapshot *s);

/* AWM_ECORRUPT naming the line on any deviation from the format. */
int awm_snapshot_parse(awm_snapshot **out, const char *data, size_t len);
void awm_snapshot_serialize(awm_buf *out, const awm_snapshot *s);
int awm_snapshot_read(awm_snapshot **out, awm_odb *odb, const awm_oid *oid);

/* The payload of a full page object holding `page`. */
void awm_page_full_payload(awm_buf *out, const void *page, size_t len);

/*
 * Check a page payload's header; `base` receives the base id of a delta.
 * AWM_ECORRUPT when it is neither form.
 */
int awm_page_parse(int *kind, awm_oid *base, const void *payload, size_t len);

/*
 * Turns page ids into page bytes, reading bases as needed.  The reader keeps
 * the most recent base, since consecutive deltas often share none but the
 * same page's history.  Freed with awm_page_reader_free (accepts NULL).
 */
typedef struct awm_page_reader awm_page_reader;

awm_page_reader *awm_page_reader_new(awm_odb *odb, uint32_t page_size);
void awm_page_reader_free(awm_page_reader *r);

/*
 * The bytes of page object `id` into `out` (replacing its content): exactly
 * the reader's page size, or AWM_ECORRUPT.  `anchor` (may be NULL) receives
 * the id of the full page it rests on: itself, or its base.
 */
int awm_page_reader_get(awm_page_reader *r, awm_buf *out, awm_oid *anchor,
			const awm_oid *id);

/*
 * The payload of a delta page object: `page` against `base`, the content of
 * the full page object `base_id`.  Used by the snapshot writer.
 */
int awm_page_delta_payload(awm_page_reader *r, awm_buf *out, const awm_oid *base_id,
			   const void *base, const void *page, size_t len);

#endif
