/*
 * Object ids and XXH3-128 hashing; the only file that calls xxHash.
 */
#define XXH_STATIC_LINKING_ONLY
#include <xxhash.h>

#include "objects/oid.h"
#include "core/buf.h"
#include "core/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const type_names[] = {
	[AWM_OBJ_BLOB] = "blob",
	[AWM_OBJ_CHANGESET] = "changeset",
	[AWM_OBJ_SCHEMA] = "schema",
	[AWM_OBJ_COMMIT] = "commit",
	[AWM_OBJ_PAGE] = "page",
	[AWM_OBJ_SNAPSHOT] = "snapshot",
};

const char *awm_otype_name(awm_otype type)
{
	if ((int)type <= 0 || type > AWM_OBJ_MAX)
		return NULL;
	return type_names[type];
}

awm_otype awm_otype_from_name(const char *name)
{
	int t;

	for (t = 1; t <= AWM_OBJ_MAX; t++)
		if (!strcmp(type_names[t], name))
			return (awm_otype)t;
	return AWM_OBJ_NONE;
}

static const char hexdigits[] = "0123456789abcdef";

awm_oid_hex awm_oid_tohex(const awm_oid *oid)
{
	awm_oid_hex h;
	int i;

	for (i = 0; i < AWM_OID_RAWSZ; i++) {
		h.s[2 * i] = hexdigits[oid->id[i] >> 4];
		h.s[2 * i + 1] = hexdigits[oid->id[i] & 15];
	}
	h.s[AWM_OID_HEXSZ] = '\0';
	return h;
}

awm_oid_hex awm_oid_short(const awm_oid *oid, size_t n)
{
	awm_oid_hex h = awm_oid_tohex(oid);

	if (n < AWM_OID_HEXSZ)
		h.s[n] = '\0';
	return h;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int awm_is_hex(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (hexval(s[i]) < 0)
			return 0;
	return 1;
}

int awm_oid_fromhex(awm_oid *out, const char *hex)
{
	int i;

	if (strlen(hex) != AWM_OID_HEXSZ || !awm_is_hex(hex, AWM_OID_HEXSZ))
		return AWM_EINVALID;
	for (i = 0; i < AWM_OID_RAWSZ; i++)
		out->id[i] = (unsigned char)(hexval(hex[2 * i]) << 4 | hexval(hex[2 * i + 1]));
	return 0;
}

int awm_oid_cmp(const awm_oid *a, const awm_oid *b)
{
	return memcmp(a->id, b->id, AWM_OID_RAWSZ);
}

int awm_oid_equal(const awm_oid *a, const awm_oid *b)
{
	return memcmp(a->id, b->id, AWM_OID_RAWSZ) == 0;
}

int awm_oid_is_zero(const awm_oid *oid)
{
	static const awm_oid zero;

	return awm_oid_equal(oid, &zero);
}

void awm_oid_clear(awm_oid *oid)
{
	memset(oid, 0, sizeof(*oid));
}

static void canonical(unsigned char out[AWM_OID_RAWSZ], XXH128_hash_t h)
{
	XXH128_canonical_t c;

	XXH128_canonicalFromHash(&c, h);
	memcpy(out, c.digest, AWM_OID_RAWSZ);
}

void awm_oid_hash(awm_oid *out, awm_otype type, const void *data, size_t len)
{
	XXH3_state_t st;
	char hdr[64];
	int n = snprintf(hdr, sizeof(hdr), "%s %zu", awm_otype_name(type), len);

	XXH3_128bits_reset(&st);
	XXH3_128bits_update(&st, hdr, (size_t)n + 1);   /* with the NUL */
	XXH3_128bits_update(&st, data, len);
	canonical(out->id, XXH3_128bits_digest(&st));
}

void awm_hash128(unsigned char out[AWM_OID_RAWSZ], const void *data, size_t len)
{
	canonical(out, XXH3_128bits(data, len));
}

struct awm_hasher {
	XXH3_state_t st;
};

awm_hasher *awm_hasher_new(void)
{
	awm_hasher *h = aligned_alloc(64, sizeof(*h));

	if (!h)
		h = awm_malloc(sizeof(*h));   /* aborts */
	XXH3_128bits_reset(&h->st);
	return h;
}

void awm_hasher_update(awm_hasher *h, const void *data, size_t len)
{
	XXH3_128bits_update(&h->st, data, len);
}

void awm_hasher_final(awm_hasher *h, unsigned char out[AWM_OID_RAWSZ])
{
	canonical(out, XXH3_128bits_digest(&h->st));
}

void awm_hasher_free(awm_hasher *h)
{
	free(h);
}
