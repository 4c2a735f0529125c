/*
 * Pack files: many objects in one file, found through a sorted index with a
 * 256-entry fan-out table, read through mmap (docs/format.md, "Packs").
 */
#ifndef AWM_PACK_H
#define AWM_PACK_H

#include <stddef.h>
#include <stdint.h>

#include "objects/odb_backend.h"

typedef struct awm_pack {
	char *pack_path, *idx_path;
	const unsigned char *pack, *idx;    /* read-only mappings */
	size_t pack_len, idx_len;
	uint32_t count;
	const unsigned char *fanout, *ids, *offsets;
} awm_pack;

/* Map a pack and its index and check their headers and sizes. */
int awm_pack_open(awm_pack **out, const char *idx_path);
void awm_pack_free(awm_pack *p);

/* Position of `oid` in the index, or -1. */
int64_t awm_pack_find(const awm_pack *p, const awm_oid *oid);

/* The id at index position `i` (0 <= i < count). */
void awm_pack_oid_at(awm_oid *out, const awm_pack *p, uint32_t i);

/* The record at index position `i`; `rec->where` names the pack. */
int awm_pack_record_at(awm_odb_record *rec, const awm_pack *p, uint32_t i);

/*
 * Check the pack's trailing checksum against its content and the index's
 * against the index.  Both messages name the file.
 */
int awm_pack_verify_checksums(const awm_pack *p);

/* Add to `m` the ids in this pack that start with `hex` (len >= 2 digits). */
int awm_pack_prefix(const awm_pack *p, const char *hex, size_t len,
		    awm_prefix_matches *m);

/* The packs a pack backend has open. */
size_t awm_pack_list(awm_odb_backend *b, const awm_pack ***out);

/* The packs the store has open, for gc and fsck. */
size_t awm_odb_packs(awm_odb *odb, const awm_pack ***out);

#endif
