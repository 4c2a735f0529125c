/*
 * Object ids and XXH3-128 hashing; the only file that calls xxHash.
 */
#define XXH_STATIC_LINKING_ONLY
#include <xxhash.h>

#include "objects/oid.h"
#include "core/buf.h"
#include "core/error.h"

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

/* The first `n` (<= 32) hex digits of `oid` into `s`, NUL-terminated. */
static void render_hex(char *s, const awm_oid *oid, size_t n)
{
	size_t i;

	for (i = 0; i < n / 2; i++) {
		s[2 * i] = hexdigits[oid->id[i] >> 4];
		s[2 * i + 1] = hexdigits[oid->id[i] & 15];
	}
	if (n & 1)
		s[n - 1] = hexdigits[oid->id[n / 2] >> 4];
	s[n] = '\0';
}

awm_oid_hex awm_oid_tohex(const awm_oid *oid)
{
	awm_oid_hex h;

	render_hex(h.s, oid, AWM_OID_HEXSZ);
	return h;
}

awm_oid_hex awm_oid_short(const awm_oid *oid, size_t n)
{
	awm_oid_hex h;

	render_hex(h.s, oid, n < AWM_OID_HEXSZ ? n : AWM_OID_HEXSZ);
	return h;
}

/* Hex digit values, -1 for anything else; ids are parsed by the million. */
static const signed char hexvals[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7,
	['7'] = 8, ['8'] = 9, ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13,
	['d'] = 14, ['e'] = 15, ['f'] = 16, ['A'] = 11, ['B'] = 12, ['C'] = 13,
	['D'] = 14, ['E'] = 15, ['F'] = 16,
};

static int hexval(char c)
{
	return hexvals[(unsigned char)c] - 1;   /* stored +1 so that 0 means "not hex" */
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
	unsigned char id[AWM_OID_RAWSZ];
	int i;

	for (i = 0; i < AWM_OID_RAWSZ; i++) {
		int hi = hexval(hex[2 * i]), lo;

		if (hi < 0 || (lo = hexval(hex[2 * i + 1])) < 0)
			return AWM_EINVALID;
		id[i] = (unsigned char)(hi << 4 | lo);
	}
	if (hex[AWM_OID_HEXSZ] != '\0')
		return AWM_EINVALID;
	memcpy(out->id, id, AWM_OID_RAWSZ);
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

/*
 * "<type> <decimal length>\0" into `hdr`; its length with the NUL.  Written
 * by hand rather than with snprintf, which cost more than hashing a small
 * object.
 */
static size_t object_header(char hdr[64], awm_otype type, size_t len)
{
	const char *name = awm_otype_name(type) ? awm_otype_name(type) : "";
	char digits[24];
	size_t n = strlen(name), d = 0;

	memcpy(hdr, name, n);
	hdr[n++] = ' ';
	do {
		digits[d++] = (char)('0' + len % 10);
		len /= 10;
	} while (len);
	while (d)
		hdr[n++] = digits[--d];
	hdr[n++] = '\0';
	return n;
}

void awm_oid_hash(awm_oid *out, awm_otype type, const void *data, size_t len)
{
	XXH3_state_t st;
	char hdr[64];
	size_t n = object_header(hdr, type, len);

	XXH3_128bits_reset(&st);
	XXH3_128bits_update(&st, hdr, n);
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
