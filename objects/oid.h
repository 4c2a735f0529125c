/*
 * Object ids: XXH3-128 over "<type> <length>\0" followed by the payload,
 * in XXH128's canonical big-endian byte order, written as 32 lowercase hex
 * digits (what `xxhsum -H2` prints).
 */
#ifndef AWM_OID_H
#define AWM_OID_H

#include <stddef.h>

#include "objects/object_type.h"

#define AWM_OID_RAWSZ 16
#define AWM_OID_HEXSZ 32
#define AWM_OID_MINPREFIX 4

typedef struct awm_oid {
	unsigned char id[AWM_OID_RAWSZ];
} awm_oid;

/* A hex rendering returned by value, so it needs no freeing. */
typedef struct awm_oid_hex {
	char s[AWM_OID_HEXSZ + 1];
} awm_oid_hex;

awm_oid_hex awm_oid_tohex(const awm_oid *oid);

/* The first `n` hex digits (n <= 32), for short ids in listings. */
awm_oid_hex awm_oid_short(const awm_oid *oid, size_t n);

/* Parse exactly 32 hex digits. AWM_EINVALID otherwise (no message set). */
int awm_oid_fromhex(awm_oid *out, const char *hex);

/* 1 when `s` has `len` characters that are all hex digits. */
int awm_is_hex(const char *s, size_t len);

int awm_oid_cmp(const awm_oid *a, const awm_oid *b);
int awm_oid_equal(const awm_oid *a, const awm_oid *b);
int awm_oid_is_zero(const awm_oid *oid);
void awm_oid_clear(awm_oid *oid);

/* The id of an object of `type` with this payload. */
void awm_oid_hash(awm_oid *out, awm_otype type, const void *data, size_t len);

/* XXH3-128 of plain bytes, canonical form; used for pack checksums. */
void awm_hash128(unsigned char out[AWM_OID_RAWSZ], const void *data, size_t len);

/* Streaming XXH3-128, for checksums over data written piece by piece. */
typedef struct awm_hasher awm_hasher;
awm_hasher *awm_hasher_new(void);
void awm_hasher_update(awm_hasher *h, const void *data, size_t len);
void awm_hasher_final(awm_hasher *h, unsigned char out[AWM_OID_RAWSZ]);
void awm_hasher_free(awm_hasher *h);

#endif
