/*
 * The packwriter behind packwriter.h.  Entries stay in memory until the
 * batch outgrows `loose_limit`, then stream to a temporary pack file.
 */
#include "objects/packwriter.h"
#include "objects/pack.h"
#include "core/error.h"
#include "core/fs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FLUSH_AT (1u << 20)

typedef struct entry {
	awm_oid oid;
	uint64_t offset;    /* of the entry header, from the start of the pack */
} entry;

struct awm_packwriter {
	awm_odb *odb;
	size_t loose_limit;
	int flags;
	awm_oidset seen;
	entry *entries;
	size_t nr, alloc;
	awm_buf pending;    /* pack bytes not yet written to the file */
	uint64_t written;   /* pack bytes already in the file */
	int fd;
	awm_buf tmp_path;
	awm_buf frame;
};

int awm_packwriter_new(awm_packwriter **out, awm_odb *odb, size_t loose_limit,
		       int flags)
{
	awm_packwriter *pw = awm_calloc(1, sizeof(*pw));
	unsigned char hdr[AWM_PACK_HDRSZ];

	pw->odb = odb;
	pw->loose_limit = loose_limit;
	pw->flags = flags;
	pw->fd = -1;
	awm_buf_init(&pw->pending);
	awm_buf_init(&pw->tmp_path);
	awm_buf_init(&pw->frame);
	/* The count is patched in at commit; the checksum covers the final bytes. */
	memcpy(hdr, AWM_PACK_MAGIC, 4);
	awm_put_be32(hdr + 4, AWM_PACK_VERSION);
	awm_put_be32(hdr + 8, 0);
	awm_buf_put(&pw->pending, hdr, sizeof(hdr));
	*out = pw;
	return 0;
}

void awm_packwriter_free(awm_packwriter *pw)
{
	if (!pw)
		return;
	if (pw->fd >= 0)
		close(pw->fd);
	if (pw->tmp_path.size)
		unlink(pw->tmp_path.ptr);
	awm_oidset_release(&pw->seen);
	free(pw->entries);
	awm_buf_release(&pw->pending);
	awm_buf_release(&pw->tmp_path);
	awm_buf_release(&pw->frame);
	free(pw);
}

size_t awm_packwriter_count(const awm_packwriter *pw)
{
	return pw->nr;
}

int awm_packwriter_has(const awm_packwriter *pw, const awm_oid *oid)
{
	return awm_oidset_contains(&pw->seen, oid);
}

static int open_temp(awm_packwriter *pw)
{
	awm_buf base = AWM_BUF_INIT;
	int rc;

	awm_buf_printf(&base, "%s/pack/tmp-pack", awm_odb_dir(pw->odb));
	rc = awm_fs_mktemp(&pw->fd, &pw->tmp_path, base.ptr);
	awm_buf_release(&base);
	return rc;
}

static int flush(awm_packwriter *pw)
{
	int rc;

	if (pw->fd < 0 && (rc = open_temp(pw)) < 0)
		return rc;
	if ((rc = awm_fs_write_all(pw->fd, pw->pending.ptr, pw->pending.size,
				   pw->tmp_path.ptr)) < 0)
		return rc;
	pw->written += pw->pending.size;
	awm_buf_clear(&pw->pending);
	return 0;
}

static int append_entry(awm_packwriter *pw, const awm_oid *oid, awm_otype type,
			uint64_t size, const void *frame, size_t frame_len)
{
	unsigned char hdr[AWM_PACK_ENTRY_HDRSZ];

	if (frame_len > UINT32_MAX)
		return awm_error_set(AWM_EINVALID, "object %s is too large for a pack entry",
				     awm_oid_tohex(oid).s);
	AWM_ARRAY_GROW(pw->entries, pw->nr + 1, pw->alloc);
	pw->entries[pw->nr].oid = *oid;
	pw->entries[pw->nr].offset = pw->written + pw->pending.size;
	pw->nr++;
	hdr[0] = (unsigned char)type;
	awm_put_be64(hdr + 1, size);
	awm_put_be32(hdr + 9, (uint32_t)frame_len);
	awm_buf_put(&pw->pending, hdr, sizeof(hdr));
	awm_buf_put(&pw->pending, frame, frame_len);
	if (pw->nr >= pw->loose_limit && pw->pending.size >= FLUSH_AT)
		return flush(pw);
	return 0;
}

static int wanted(awm_packwriter *pw, const awm_oid *oid)
{
	if (awm_oidset_contains(&pw->seen, oid))
		return 0;
	if (!(pw->flags & AWM_PACKWRITER_KEEP_EXISTING) && awm_odb_exists(pw->odb, oid))
		return 0;
	awm_oidset_add(&pw->seen, oid);
	return 1;
}

int awm_packwriter_add(awm_packwriter *pw, awm_oid *out, awm_otype type,
		       const void *data, size_t len)
{
	awm_oid oid;
	int rc;

	awm_oid_hash(&oid, type, data, len);
	if (out)
		*out = oid;
	if (!wanted(pw, &oid))
		return 0;
	awm_buf_clear(&pw->frame);
	if ((rc = awm_zstd_compress(awm_odb_zstd(pw->odb), &pw->frame, data, len)) < 0)
		return rc;
	return append_entry(pw, &oid, type, len, pw->frame.ptr, pw->frame.size);
}

int awm_packwriter_add_record(awm_packwriter *pw, const awm_oid *oid,
			      const awm_odb_record *rec)
{
	if (!wanted(pw, oid))
		return 0;
	return append_entry(pw, oid, rec->type, rec->size, rec->frame, rec->frame_len);
}

/* A small batch: every entry becomes a loose file, from the in-memory bytes. */
static int commit_loose(awm_packwriter *pw)
{
	const unsigned char *base = (const unsigned char *)pw->pending.ptr;
	size_t i;
	int rc;

	for (i = 0; i < pw->nr; i++) {
		const unsigned char *e = base + pw->entries[i].offset;

		rc = awm_loose_write_record(awm_odb_dir(pw->odb), &pw->entries[i].oid,
					    (awm_otype)e[0], awm_get_be64(e + 1),
					    e + AWM_PACK_ENTRY_HDRSZ, awm_get_be32(e + 9));
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int cmp_entry(const void *a, const void *b)
{
	return awm_oid_cmp(&((const entry *)a)->oid, &((const entry *)b)->oid);
}

static void build_index(awm_buf *idx, entry *entries, size_t nr,
			const unsigned char pack_sum[AWM_OID_RAWSZ])
{
	unsigned char word[8], sum[AWM_OID_RAWSZ];
	uint32_t fan[256] = { 0 };
	size_t i;

	awm_buf_puts(idx, AWM_IDX_MAGIC);
	awm_put_be32(word, AWM_PACK_VERSION);
	awm_buf_put(idx, word, 4);
	awm_put_be32(word, (uint32_t)nr);
	awm_buf_put(idx, word, 4);
	for (i = 0; i < nr; i++)
		fan[entries[i].oid.id[0]]++;
	for (i = 1; i < 256; i++)
		fan[i] += fan[i - 1];
	for (i = 0; i < 256; i++) {
		awm_put_be32(word, fan[i]);
		awm_buf_put(idx, word, 4);
	}
	for (i = 0; i < nr; i++)
		awm_buf_put(idx, entries[i].oid.id, AWM_OID_RAWSZ);
	for (i = 0; i < nr; i++) {
		awm_put_be64(word, entries[i].offset);
		awm_buf_put(idx, word, 8);
	}
	awm_buf_put(idx, pack_sum, AWM_OID_RAWSZ);
	awm_hash128(sum, idx->ptr, idx->size);
	awm_buf_put(idx, sum, AWM_OID_RAWSZ);
}

/* The pack's name: the hash of its sorted ids, so equal sets share a name. */
static void pack_name(awm_buf *out, const char *objects_dir, entry *entries, size_t nr)
{
	awm_hasher *h = awm_hasher_new();
	unsigned char sum[AWM_OID_RAWSZ];
	awm_oid name;
	size_t i;

	for (i = 0; i < nr; i++)
		awm_hasher_update(h, entries[i].oid.id, AWM_OID_RAWSZ);
	awm_hasher_final(h, sum);
	awm_hasher_free(h);
	memcpy(name.id, sum, AWM_OID_RAWSZ);
	awm_buf_clear(out);
	awm_buf_printf(out, "%s/pack/pack-%s", objects_dir, awm_oid_tohex(&name).s);
}

/* Checksum the first `len` bytes of the temporary pack, in file order. */
static int hash_file(unsigned char out[AWM_OID_RAWSZ], int fd, uint64_t len,
		     const char *what)
{
	awm_hasher *h = awm_hasher_new();
	unsigned char *chunk = awm_malloc(FLUSH_AT);
	uint64_t off = 0;
	int rc = 0;

	while (off < len) {
		size_t want = len - off < FLUSH_AT ? (size_t)(len - off) : FLUSH_AT;
		ssize_t n = pread(fd, chunk, want, (off_t)off);

		if (n <= 0) {
			rc = awm_error_os(AWM_ERROR, "cannot read back '%s'", what);
			break;
		}
		awm_hasher_update(h, chunk, (size_t)n);
		off += (uint64_t)n;
	}
	awm_hasher_final(h, out);
	awm_hasher_free(h);
	free(chunk);
	return rc;
}

static int commit_pack(awm_packwriter *pw, awm_buf *pack_path)
{
	unsigned char word[4], sum[AWM_OID_RAWSZ];
	awm_buf base = AWM_BUF_INIT, path = AWM_BUF_INIT, idx = AWM_BUF_INIT;
	int rc;

	if ((rc = flush(pw)) < 0)
		goto done;
	/* Patch in the object count, then checksum the whole file. */
	awm_put_be32(word, (uint32_t)pw->nr);
	if (pwrite(pw->fd, word, 4, 8) != 4) {
		rc = awm_error_os(AWM_ERROR, "cannot write '%s'", pw->tmp_path.ptr);
		goto done;
	}
	if ((rc = hash_file(sum, pw->fd, pw->written, pw->tmp_path.ptr)) < 0)
		goto done;
	if ((rc = awm_fs_write_all(pw->fd, sum, sizeof(sum), pw->tmp_path.ptr)) < 0)
		goto done;
	/* Read-only like its index and loose objects: nothing rewrites a pack. */
	if (fchmod(pw->fd, 0444) < 0) {
		rc = awm_error_os(AWM_ERROR, "cannot chmod '%s'", pw->tmp_path.ptr);
		goto done;
	}
	if (fsync(pw->fd) < 0 || awm_fault("fsync")) {
		rc = awm_error_os(AWM_ERROR, "cannot fsync '%s'", pw->tmp_path.ptr);
		goto done;
	}
	close(pw->fd);
	pw->fd = -1;

	qsort(pw->entries, pw->nr, sizeof(entry), cmp_entry);
	pack_name(&base, awm_odb_dir(pw->odb), pw->entries, pw->nr);
	if (pack_path)
		awm_buf_printf(pack_path, "%s.pack", base.ptr);
	awm_buf_printf(&path, "%s.idx", base.ptr);
	if (awm_fs_exists(path.ptr))
		goto done;   /* an identical pack is already in place */
	awm_buf_clear(&path);
	awm_buf_printf(&path, "%s.pack", base.ptr);
	if (awm_fault("rename") || rename(pw->tmp_path.ptr, path.ptr) < 0) {
		rc = awm_error_os(AWM_ERROR, "cannot rename into '%s'", path.ptr);
		goto done;
	}
	awm_buf_clear(&pw->tmp_path);
	build_index(&idx, pw->entries, pw->nr, sum);
	awm_buf_clear(&path);
	awm_buf_printf(&path, "%s.idx", base.ptr);
	if ((rc = awm_fs_write_atomic(path.ptr, idx.ptr, idx.size, 0444, 0)) < 0)
		goto done;
	rc = awm_odb_refresh(pw->odb);
done:
	awm_buf_release(&base);
	awm_buf_release(&path);
	awm_buf_release(&idx);
	return rc;
}

int awm_packwriter_commit(awm_packwriter *pw, awm_buf *pack_path)
{
	if (pack_path)
		awm_buf_clear(pack_path);
	if (pw->nr == 0)
		return 0;
	if (pw->fd < 0 && pw->nr < pw->loose_limit)
		return commit_loose(pw);
	return commit_pack(pw, pack_path);
}
