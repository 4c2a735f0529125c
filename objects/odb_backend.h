/*
 * Internal: the storage backends behind the object database, and the
 * on-disk record they share.
 *
 * A record is an object as stored: its type, its payload size and one zstd
 * frame holding the payload.  Loose files and pack entries carry the same
 * record, so gc and transfers copy frames without recompressing them.
 * docs/format.md describes the bytes.
 */
#ifndef AWM_ODB_BACKEND_H
#define AWM_ODB_BACKEND_H

#include <stdint.h>

#include "core/buf.h"
#include "objects/odb.h"
#include "objects/oidset.h"
#include "objects/zstd.h"

#define AWM_LOOSE_MAGIC "AWMO"
#define AWM_LOOSE_VERSION 1
#define AWM_LOOSE_HDRSZ 14          /* magic 4, version 1, type 1, size 8 */

#define AWM_PACK_MAGIC "AWMP"
#define AWM_IDX_MAGIC "AWMI"
#define AWM_PACK_VERSION 1
#define AWM_PACK_HDRSZ 12           /* magic 4, version 4, count 4 */
#define AWM_PACK_ENTRY_HDRSZ 13     /* type 1, size 8, frame length 4 */
#define AWM_PACK_TRAILERSZ 16       /* XXH3-128 of everything before it */
#define AWM_IDX_HDRSZ 12
#define AWM_IDX_FANOUTSZ (256 * 4)

typedef struct awm_odb_record {
	awm_otype type;
	uint64_t size;                  /* payload bytes once decompressed */
	const unsigned char *frame;     /* one zstd frame */
	size_t frame_len;
	awm_buf hold;                   /* owns the bytes for loose records */
	awm_buf where;                  /* file the record came from */
} awm_odb_record;

void awm_odb_record_init(awm_odb_record *rec);
void awm_odb_record_release(awm_odb_record *rec);

/* Decompress a record and check that it hashes to `oid`. */
int awm_odb_record_decode(awm_object **out, awm_zstd *z, const awm_oid *oid,
		      const awm_odb_record *rec);

typedef struct awm_prefix_matches {
	awm_oid oid[8];
	size_t nr;                      /* distinct matches, capped at 8 */
	int more;                       /* more than 8 matched */
} awm_prefix_matches;

void awm_prefix_matches_add(awm_prefix_matches *m, const awm_oid *oid);

/* 1 when the hex rendering of `oid` starts with `hex` (len digits). */
int awm_oid_has_prefix(const awm_oid *oid, const char *hex, size_t len);

typedef struct awm_record_cb_ctx awm_record_cb_ctx;
typedef int (*awm_odb_record_cb)(const awm_oid *oid, const awm_odb_record *rec,
			     void *payload);

typedef struct awm_odb_backend {
	const char *name;
	int (*lookup)(struct awm_odb_backend *b, awm_odb_record *out, const awm_oid *oid);
	int (*exists)(struct awm_odb_backend *b, const awm_oid *oid);
	int (*prefix)(struct awm_odb_backend *b, const char *hex, size_t len,
		      awm_prefix_matches *m);
	int (*foreach)(struct awm_odb_backend *b, awm_odb_record_cb cb, void *payload);
	int (*refresh)(struct awm_odb_backend *b);
	void (*count)(struct awm_odb_backend *b, size_t *files, size_t *objects);
	void (*free)(struct awm_odb_backend *b);
} awm_odb_backend;

int awm_odb_loose_new(awm_odb_backend **out, const char *objects_dir);
int awm_odb_pack_new(awm_odb_backend **out, const char *objects_dir);

/* Write a loose record file; shared by awm_odb_write and small packwriters. */
int awm_loose_write_record(const char *objects_dir, const awm_oid *oid,
			   awm_otype type, uint64_t size,
			   const void *frame, size_t frame_len);

/* Visit every stored record, loose and packed (gc, fsck, transfers). */
int awm_odb_foreach_record(awm_odb *odb, awm_odb_record_cb cb, void *payload);

/* Find the record of one object (no decompression, no verification). */
int awm_odb_find_record(awm_odb *odb, awm_odb_record *out, const awm_oid *oid);

awm_zstd *awm_odb_zstd(awm_odb *odb);

void awm_put_be32(unsigned char *p, uint32_t v);
void awm_put_be64(unsigned char *p, uint64_t v);
uint32_t awm_get_be32(const unsigned char *p);
uint64_t awm_get_be64(const unsigned char *p);

#endif
