/*
 * The object database: immutable, content-addressed objects stored
 * zstd-compressed, loose (objects/xx/...) or in packs (objects/pack/).
 *
 * Every read decompresses the object and re-hashes it; an object whose
 * content does not hash to its id is reported as AWM_ECORRUPT, naming the
 * id and the file it came from.
 */
#ifndef AWM_ODB_H
#define AWM_ODB_H

#include <stddef.h>
#include <stdint.h>

#include "objects/oid.h"

typedef struct awm_odb awm_odb;

typedef struct awm_object {
	awm_oid oid;
	awm_otype type;
	size_t size;
	unsigned char *data;   /* `size` bytes, followed by a NUL for text use */
} awm_object;

/* Frees the object and its data; accepts NULL. */
void awm_object_free(awm_object *obj);

/* Progress reports from long operations; `total` is 0 when unknown. */
typedef void (*awm_progress_cb)(const char *what, uint64_t done, uint64_t total,
				void *payload);

/* Open the store in `objects_dir` (it is created when missing). */
int awm_odb_open(awm_odb **out, const char *objects_dir);
void awm_odb_free(awm_odb *odb);
const char *awm_odb_dir(const awm_odb *odb);

/* Read and verify an object. AWM_ENOTFOUND or AWM_ECORRUPT on failure. */
int awm_odb_read(awm_object **out, awm_odb *odb, const awm_oid *oid);

/* As awm_odb_read, and AWM_EINVALID when the object is not of `type`. */
int awm_odb_read_typed(awm_object **out, awm_odb *odb, const awm_oid *oid,
		       awm_otype type);

/* The type and size of an object, without verifying its content. */
int awm_odb_read_header(awm_otype *type, size_t *size, awm_odb *odb,
			const awm_oid *oid);

int awm_odb_exists(awm_odb *odb, const awm_oid *oid);

/* Write one object as a loose file, atomically; a no-op if it exists. */
int awm_odb_write(awm_oid *out, awm_odb *odb, awm_otype type,
		  const void *data, size_t len);

/*
 * Resolve a hex prefix of at least AWM_OID_MINPREFIX digits.  An unknown
 * prefix gives AWM_ENOTFOUND; an ambiguous one AWM_EAMBIGUOUS, with the
 * candidates listed in the message.
 */
int awm_odb_resolve_prefix(awm_oid *out, awm_odb *odb, const char *hex);

/* Look again for packs written by another process since the odb opened. */
int awm_odb_refresh(awm_odb *odb);

/* Called for each stored copy of each object; `where` names its file. */
typedef int (*awm_odb_foreach_cb)(const awm_oid *oid, const char *where,
				  void *payload);
int awm_odb_foreach(awm_odb *odb, awm_odb_foreach_cb cb, void *payload);

/* Number of loose objects and of packs, for `gc` hints and `count-objects`. */
void awm_odb_count(awm_odb *odb, size_t *loose, size_t *packs, size_t *packed);

#endif
