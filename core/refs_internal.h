/*
 * Internal to refs*.c: the packed-refs cache and shared helpers.
 */
#ifndef AWM_REFS_INTERNAL_H
#define AWM_REFS_INTERNAL_H

#include <sys/stat.h>

#include "core/refs.h"

typedef struct awm_packed_refs {
	char **names;              /* sorted */
	awm_oid *oids;
	size_t nr, alloc;
	struct stat st;            /* of the file when read, to notice changes */
	int loaded;
} awm_packed_refs;

/* The current packed refs, re-read when the file changed. */
int awm_packed_refs_load(awm_packed_refs **out, awm_repo *repo);

/* Position of `name` in the packed refs, or -1. */
long awm_packed_refs_find(const awm_packed_refs *pr, const char *name);

/* Rewrite packed-refs without `name`, under packed-refs.lock. */
int awm_packed_refs_remove(awm_repo *repo, const char *name);

/* Parse "<32 hex>\n" ref content. */
int awm_ref_parse_content(awm_oid *out, const char *data, size_t len, const char *what);

#endif
