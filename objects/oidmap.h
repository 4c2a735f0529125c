/*
 * A map from object ids to 32-bit values (open addressing), for walks and
 * indexes that number the commits they meet.
 */
#ifndef AWM_OIDMAP_H
#define AWM_OIDMAP_H

#include <stddef.h>
#include <stdint.h>

#include "objects/oid.h"

typedef struct awm_oidmap {
	awm_oid *keys;
	uint32_t *vals;
	unsigned char *used;
	size_t nr, cap;
} awm_oidmap;

#define AWM_OIDMAP_INIT { NULL, NULL, NULL, 0, 0 }

/* Set `oid` to `val`, replacing any earlier value. */
void awm_oidmap_put(awm_oidmap *m, const awm_oid *oid, uint32_t val);

/* 1 and `*val` set when present, else 0. */
int awm_oidmap_get(const awm_oidmap *m, const awm_oid *oid, uint32_t *val);

void awm_oidmap_release(awm_oidmap *m);

#endif
