/*
 * Reading packs: mapping, validation and lookups by id and by prefix.
 */
#include "objects/pack.h"
#include "core/error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static int map_file(const unsigned char **out, size_t *len, const char *path)
{
	struct stat st;
	void *m;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		if (errno == ENOENT)
			return awm_error_set(AWM_ENOTFOUND, "'%s' does not exist", path);
		return awm_error_os(AWM_ERROR, "cannot open '%s'", path);
	}
	if (fstat(fd, &st) < 0) {
		close(fd);
		return awm_error_os(AWM_ERROR, "cannot stat '%s'", path);
	}
	if (st.st_size == 0) {
		close(fd);
		return awm_error_set(AWM_ECORRUPT, "'%s' is empty", path);
	}
	m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return awm_error_os(AWM_ERROR, "cannot map '%s'", path);
	*out = m;
	*len = (size_t)st.st_size;
	return 0;
}

void awm_pack_free(awm_pack *p)
{
	if (!p)
		return;
	if (p->pack)
		munmap((void *)p->pack, p->pack_len);
	if (p->idx)
		munmap((void *)p->idx, p->idx_len);
	free(p->pack_path);
	free(p->idx_path);
	free(p);
}

static int check_headers(awm_pack *p)
{
	uint64_t want;

	if (p->idx_len < AWM_IDX_HDRSZ + AWM_IDX_FANOUTSZ + 32 ||
	    memcmp(p->idx, AWM_IDX_MAGIC, 4))
		return awm_error_set(AWM_ECORRUPT, "'%s' is not a pack index", p->idx_path);
	if (awm_get_be32(p->idx + 4) != AWM_PACK_VERSION)
		return awm_error_set(AWM_ECORRUPT, "'%s' has unsupported version %u",
				     p->idx_path, awm_get_be32(p->idx + 4));
	p->count = awm_get_be32(p->idx + 8);
	want = AWM_IDX_HDRSZ + AWM_IDX_FANOUTSZ + (uint64_t)p->count * 24 + 32;
	if (want != p->idx_len)
		return awm_error_set(AWM_ECORRUPT, "'%s' is %zu bytes, expected %llu",
				     p->idx_path, p->idx_len, (unsigned long long)want);
	p->fanout = p->idx + AWM_IDX_HDRSZ;
	p->ids = p->fanout + AWM_IDX_FANOUTSZ;
	p->offsets = p->ids + (size_t)p->count * AWM_OID_RAWSZ;
	if (awm_get_be32(p->fanout + 255 * 4) != p->count)
		return awm_error_set(AWM_ECORRUPT, "'%s': fan-out table disagrees with the count",
				     p->idx_path);
	if (p->pack_len < AWM_PACK_HDRSZ + AWM_PACK_TRAILERSZ ||
	    memcmp(p->pack, AWM_PACK_MAGIC, 4) ||
	    awm_get_be32(p->pack + 4) != AWM_PACK_VERSION)
		return awm_error_set(AWM_ECORRUPT, "'%s' is not a version %d pack",
				     p->pack_path, AWM_PACK_VERSION);
	if (awm_get_be32(p->pack + 8) != p->count)
		return awm_error_set(AWM_ECORRUPT, "'%s' holds %u objects but its index lists %u",
				     p->pack_path, awm_get_be32(p->pack + 8), p->count);
	if (memcmp(p->pack + p->pack_len - AWM_PACK_TRAILERSZ,
		   p->offsets + (size_t)p->count * 8, AWM_PACK_TRAILERSZ))
		return awm_error_set(AWM_ECORRUPT, "'%s' does not belong to index '%s'",
				     p->pack_path, p->idx_path);
	return 0;
}

int awm_pack_open(awm_pack **out, const char *idx_path)
{
	awm_pack *p = awm_calloc(1, sizeof(*p));
	size_t n = strlen(idx_path);
	int rc;

	p->idx_path = awm_strdup(idx_path);
	p->pack_path = awm_strdup(idx_path);
	if (n < 4 || strcmp(idx_path + n - 4, ".idx")) {
		awm_pack_free(p);
		return awm_error_set(AWM_EINVALID, "'%s' is not an .idx file", idx_path);
	}
	p->pack_path = awm_realloc(p->pack_path, n + 2);   /* .idx -> .pack */
	memcpy(p->pack_path + n - 4, ".pack", 6);
	if ((rc = map_file(&p->idx, &p->idx_len, p->idx_path)) < 0 ||
	    (rc = map_file(&p->pack, &p->pack_len, p->pack_path)) < 0 ||
	    (rc = check_headers(p)) < 0) {
		awm_pack_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

void awm_pack_oid_at(awm_oid *out, const awm_pack *p, uint32_t i)
{
	memcpy(out->id, p->ids + (size_t)i * AWM_OID_RAWSZ, AWM_OID_RAWSZ);
}

/* Index range [lo, hi) of ids whose first byte is `b`. */
static void fan_range(const awm_pack *p, unsigned b, uint32_t *lo, uint32_t *hi)
{
	*lo = b ? awm_get_be32(p->fanout + (b - 1) * 4) : 0;
	*hi = awm_get_be32(p->fanout + b * 4);
	if (*hi > p->count)
		*hi = p->count;
	if (*lo > *hi)
		*lo = *hi;
}

/* First index position in the fan-out slot whose id is >= `key`. */
static uint32_t lower_bound(const awm_pack *p, const unsigned char *key)
{
	uint32_t lo, hi;

	fan_range(p, key[0], &lo, &hi);
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (memcmp(p->ids + (size_t)mid * AWM_OID_RAWSZ, key, AWM_OID_RAWSZ) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int64_t awm_pack_find(const awm_pack *p, const awm_oid *oid)
{
	uint32_t i = lower_bound(p, oid->id);

	if (i < p->count && !memcmp(p->ids + (size_t)i * AWM_OID_RAWSZ, oid->id,
				    AWM_OID_RAWSZ))
		return i;
	return -1;
}

int awm_pack_record_at(awm_odb_record *rec, const awm_pack *p, uint32_t i)
{
	uint64_t off = awm_get_be64(p->offsets + (size_t)i * 8);
	uint64_t end = p->pack_len - AWM_PACK_TRAILERSZ;
	const unsigned char *e;
	uint32_t flen;

	awm_buf_clear(&rec->where);
	awm_buf_puts(&rec->where, p->pack_path);
	if (off < AWM_PACK_HDRSZ || off + AWM_PACK_ENTRY_HDRSZ > end)
		return awm_error_set(AWM_ECORRUPT, "'%s': entry %u has offset %llu outside the pack",
				     p->pack_path, i, (unsigned long long)off);
	e = p->pack + off;
	flen = awm_get_be32(e + 9);
	if (off + AWM_PACK_ENTRY_HDRSZ + flen > end)
		return awm_error_set(AWM_ECORRUPT, "'%s': entry %u runs past the end of the pack",
				     p->pack_path, i);
	rec->type = (awm_otype)e[0];
	rec->size = awm_get_be64(e + 1);
	rec->frame = e + AWM_PACK_ENTRY_HDRSZ;
	rec->frame_len = flen;
	return 0;
}

int awm_pack_verify_checksums(const awm_pack *p)
{
	unsigned char sum[AWM_OID_RAWSZ];
	size_t body = p->pack_len - AWM_PACK_TRAILERSZ;

	awm_hash128(sum, p->pack, body);
	if (memcmp(sum, p->pack + body, AWM_OID_RAWSZ))
		return awm_error_set(AWM_ECORRUPT, "'%s': pack checksum mismatch", p->pack_path);
	body = p->idx_len - AWM_OID_RAWSZ;
	awm_hash128(sum, p->idx, body);
	if (memcmp(sum, p->idx + body, AWM_OID_RAWSZ))
		return awm_error_set(AWM_ECORRUPT, "'%s': index checksum mismatch", p->idx_path);
	return 0;
}

/* Prefix search within one pack; `hex` has at least 2 digits. */
int awm_pack_prefix(const awm_pack *p, const char *hex, size_t len,
		    awm_prefix_matches *m)
{
	char padded[AWM_OID_HEXSZ + 1];
	awm_oid key, cur;
	uint32_t i;

	memset(padded, '0', AWM_OID_HEXSZ);
	padded[AWM_OID_HEXSZ] = '\0';
	memcpy(padded, hex, len);
	if (awm_oid_fromhex(&key, padded) < 0)
		return 0;
	for (i = lower_bound(p, key.id); i < p->count; i++) {
		awm_pack_oid_at(&cur, p, i);
		if (!awm_oid_has_prefix(&cur, hex, len))
			break;
		awm_prefix_matches_add(m, &cur);
		if (m->more)
			break;
	}
	return 0;
}
