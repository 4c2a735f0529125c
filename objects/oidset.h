/*
 * A set of object ids (open addressing).  Ids are uniformly distributed
 * hashes already, so their first bytes serve as the hash.
 */
#ifndef AWM_OIDSET_H
#define AWM_OIDSET_H

#include <stddef.h>

#include "objects/oid.h"

typedef struct awm_oidset {
	awm_oid *slots;
	unsigned char *used;
	size_t nr, cap;
} awm_oidset;

#define AWM_OIDSET_INIT { NULL, NULL, 0, 0 }

/* 1 if `oid` was added, 0 if it was already present. */
int awm_oidset_add(awm_oidset *set, const awm_oid *oid);
int awm_oidset_contains(const awm_oidset *set, const awm_oid *oid);
void awm_oidset_release(awm_oidset *set);

/* Iterate: for (i = 0; awm_oidset_next(set, &i, &oid); ) ... */
int awm_oidset_next(const awm_oidset *set, size_t *iter, awm_oid *out);

#endif
