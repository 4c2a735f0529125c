/*
 * The objects side of a remote: packs named by their checksum under
 * store/, their indexes cached locally, building a pack to upload and
 * importing a downloaded one (see remote_internal.h).
 */
#include "core/remote_internal.h"
#include "core/error.h"
#include "core/fs.h"
#include "objects/commit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint32_t awm_remote_idx_count(const unsigned char *idx)
{
	return awm_get_be32(idx + 8);
}

const unsigned char *awm_remote_idx_id_table(const unsigned char *idx)
{
	return idx + AWM_IDX_HDRSZ + AWM_IDX_FANOUTSZ;
}

int awm_remote_idx_check(const unsigned char *idx, size_t len, const char *sum,
			 const char *what)
{
	unsigned char check[AWM_OID_RAWSZ];
	awm_oid packsum;
	uint64_t count, want;

	if (len < AWM_IDX_HDRSZ + AWM_IDX_FANOUTSZ + 2 * AWM_OID_RAWSZ ||
	    memcmp(idx, AWM_IDX_MAGIC, 4) || awm_get_be32(idx + 4) != AWM_PACK_VERSION)
		return awm_error_set(AWM_ECORRUPT, "'%s' is not a version %d pack index",
				     what, AWM_PACK_VERSION);
	count = awm_get_be32(idx + 8);
	want = AWM_IDX_HDRSZ + AWM_IDX_FANOUTSZ + count * 24 + 2 * AWM_OID_RAWSZ;
	if (want != len || awm_get_be32(idx + AWM_IDX_HDRSZ + 255 * 4) != count)
		return awm_error_set(AWM_ECORRUPT, "'%s' is damaged: its size or fan-out "
				     "disagrees with its count", what);
	awm_hash128(check, idx, len - AWM_OID_RAWSZ);
	if (memcmp(check, idx + len - AWM_OID_RAWSZ, AWM_OID_RAWSZ))
		return awm_error_set(AWM_ECORRUPT, "'%s' is damaged: checksum mismatch", what);
	memcpy(packsum.id, idx + len - 2 * AWM_OID_RAWSZ, AWM_OID_RAWSZ);
	if (strcmp(awm_oid_tohex(&packsum).s, sum))
		return awm_error_set(AWM_ECORRUPT, "'%s' indexes pack %s, not %s", what,
				     awm_oid_tohex(&packsum).s, sum);
	return 0;
}

static void idx_cache_path(awm_buf *out, awm_remote *r, const char *sum)
{
	awm_buf rel = AWM_BUF_INIT;

	awm_buf_printf(&rel, "idx/%s.idx", sum);
	awm_remote_state_path(out, r, rel.ptr);
	awm_buf_release(&rel);
}

int awm_remote_idx_store(awm_remote *r, const char *sum, const void *idx, size_t len)
{
	awm_buf path = AWM_BUF_INIT;
	int rc;

	awm_remote_state_path(&path, r, "idx");
	if ((rc = awm_fs_mkdir_p(path.ptr, 0755)) == 0) {
		idx_cache_path(&path, r, sum);
		rc = awm_fs_write_atomic(path.ptr, idx, len, 0644, 0);
	}
	awm_buf_release(&path);
	return rc;
}

int awm_remote_idx_read(awm_buf *out, awm_remote *r, const char *sum)
{
	awm_buf path = AWM_BUF_INIT;
	int rc;

	idx_cache_path(&path, r, sum);
	awm_buf_clear(out);
	if ((rc = awm_fs_read_file(out, path.ptr)) == 0)
		rc = awm_remote_idx_check((const unsigned char *)out->ptr, out->size, sum,
					  path.ptr);
	awm_buf_release(&path);
	return rc;
}

int awm_remote_idx_sync(awm_remote *r, const awm_remote_snapshot *s,
			awm_xfer_progress_cb progress, void *payload)
{
	awm_buf path = AWM_BUF_INIT, data = AWM_BUF_INIT, what = AWM_BUF_INIT;
	awm_xfer_progress p;
	size_t i;
	int rc = 0;

	memset(&p, 0, sizeof(p));
	p.what = "Reading pack indexes";
	for (i = 0; rc == 0 && i < s->npacks; i++) {
		const awm_remote_pack *pk = &s->packs[i];

		idx_cache_path(&path, r, pk->sum);
		if (awm_fs_exists(path.ptr))
			continue;
		if ((rc = awm_transport_get(r->t, &data, pk->idx->name, pk->idx->version)) < 0)
			break;
		awm_buf_clear(&what);
		awm_buf_printf(&what, "%s/%s", r->url, pk->idx->name);
		if ((rc = awm_remote_idx_check((const unsigned char *)data.ptr, data.size,
					       pk->sum, what.ptr)) < 0)
			break;
		rc = awm_remote_idx_store(r, pk->sum, data.ptr, data.size);
		p.objects++;
		p.bytes += data.size;
		if (progress)
			progress(&p, payload);
	}
	awm_buf_release(&path);
	awm_buf_release(&data);
	awm_buf_release(&what);
	return rc;
}

int awm_remote_idx_ids(awm_oidset *set, awm_remote *r, const awm_remote_snapshot *s)
{
	awm_buf data = AWM_BUF_INIT;
	size_t i;
	uint32_t j, n;
	int rc = 0;

	for (i = 0; rc == 0 && i < s->npacks; i++) {
		const unsigned char *ids;
		awm_oid oid;

		if ((rc = awm_remote_idx_read(&data, r, s->packs[i].sum)) < 0)
			break;
		n = awm_remote_idx_count((const unsigned char *)data.ptr);
		ids = awm_remote_idx_id_table((const unsigned char *)data.ptr);
		for (j = 0; j < n; j++) {
			memcpy(oid.id, ids + (size_t)j * AWM_OID_RAWSZ, AWM_OID_RAWSZ);
			awm_oidset_add(set, &oid);
		}
	}
	awm_buf_release(&data);
	return rc;
}

/* A temporary folder under the remote's state folder. */
static int make_tmpdir(char **out, awm_remote *r)
{
	awm_buf path = AWM_BUF_INIT;
	int rc;

	if ((rc = awm_fs_mkdir_p(r->state_dir, 0755)) < 0)
		goto done;
	awm_remote_state_path(&path, r, "tmp-XXXXXX");
	if (!mkdtemp(path.ptr)) {
		rc = awm_error_os(AWM_ERROR, "cannot create a folder in '%s'", r->state_dir);
		goto done;
	}
	*out = awm_buf_detach(&path);
done:
	awm_buf_release(&path);
	return rc;
}

void awm_remote_packfile_release(awm_remote_packfile *pf)
{
	awm_pack_free(pf->pack);
	awm_odb_free(pf->odb);
	if (pf->dir)
		awm_fs_rm_rf(pf->dir);
	free(pf->dir);
	memset(pf, 0, sizeof(*pf));
}

int awm_remote_pack_build(awm_remote_packfile *out, awm_remote *r, const awm_oid *oids,
			  size_t n)
{
	awm_packwriter *pw = NULL;
	awm_odb_record rec;
	awm_object *obj;
	awm_buf path = AWM_BUF_INIT;
	awm_oid sum;
	size_t i;
	int rc;

	memset(out, 0, sizeof(*out));
	awm_odb_record_init(&rec);
	if ((rc = make_tmpdir(&out->dir, r)) < 0)
		goto done;
	awm_path_join(&path, out->dir, "objects");
	if ((rc = awm_odb_open(&out->odb, path.ptr)) < 0 ||
	    (rc = awm_packwriter_new(&pw, out->odb, 0, AWM_PACKWRITER_KEEP_EXISTING)) < 0)
		goto done;
	for (i = 0; i < n; i++) {
		/* Never upload a damaged object: each is re-hashed on the way. */
		if ((rc = awm_odb_find_record(r->repo->odb, &rec, &oids[i])) < 0 ||
		    (rc = awm_odb_record_decode(&obj, awm_odb_zstd(r->repo->odb), &oids[i],
						&rec)) < 0)
			goto done;
		awm_object_free(obj);
		if ((rc = awm_packwriter_add_record(pw, &oids[i], &rec)) < 0)
			goto done;
	}
	if ((rc = awm_packwriter_commit(pw, &path)) < 0)
		goto done;
	/* .pack -> .idx */
	awm_buf_truncate(&path, path.size - 5);
	awm_buf_puts(&path, ".idx");
	if ((rc = awm_pack_open(&out->pack, path.ptr)) < 0)
		goto done;
	memcpy(sum.id, out->pack->pack + out->pack->pack_len - AWM_PACK_TRAILERSZ, AWM_OID_RAWSZ);
	memcpy(out->sum, awm_oid_tohex(&sum).s, sizeof(out->sum));
done:
	awm_packwriter_free(pw);
	awm_odb_record_release(&rec);
	awm_buf_release(&path);
	if (rc < 0)
		awm_remote_packfile_release(out);
	return rc;
}

typedef struct import_progress {
	awm_xfer_progress p;
	awm_xfer_progress_cb cb;
	void *payload;
	uint64_t base;                 /* bytes of earlier files of this pack */
} import_progress;

static void on_bytes(uint64_t done, uint64_t total, void *payload)
{
	import_progress *ip = payload;

	ip->p.bytes = ip->base + done;
	if (total)
		ip->p.bytes_total = ip->base + total;
	if (ip->cb)
		ip->cb(&ip->p, ip->payload);
}

int awm_remote_pack_import(size_t *objects, uint64_t *bytes, awm_oidset *fresh,
			   awm_remote *r, const awm_remote_pack *p, awm_packwriter *pw,
			   awm_xfer_progress_cb progress, void *payload)
{
	awm_buf idx = AWM_BUF_INIT, data = AWM_BUF_INIT, path = AWM_BUF_INIT;
	awm_buf where = AWM_BUF_INIT;
	import_progress ip;
	awm_odb_record rec;
	awm_pack *pack = NULL;
	awm_object *obj;
	char *dir = NULL;
	uint32_t i;
	int rc;

	memset(&ip, 0, sizeof(ip));
	ip.p.what = "Receiving objects";
	ip.p.bytes_total = p->pack->size;
	ip.cb = progress;
	ip.payload = payload;
	awm_odb_record_init(&rec);
	*objects = 0;
	awm_buf_printf(&where, "%s/%s", r->url, p->pack->name);
	if ((rc = awm_remote_idx_read(&idx, r, p->sum)) < 0 || (rc = make_tmpdir(&dir, r)) < 0)
		goto done;
	r->t->progress = on_bytes;
	r->t->payload = &ip;
	rc = awm_transport_get(r->t, &data, p->pack->name, p->pack->version);
	r->t->progress = NULL;
	if (rc < 0)
		goto done;
	ip.p.bytes = ip.p.bytes_total = data.size;
	ip.p.done = 1;
	if (progress)
		progress(&ip.p, payload);
	ip.p.done = 0;
	*bytes += data.size;
	awm_buf_printf(&path, "%s/%s.pack", dir, p->sum);
	if ((rc = awm_fs_write_atomic(path.ptr, data.ptr, data.size, 0644, 0)) < 0)
		goto done;
	awm_buf_clear(&path);
	awm_buf_printf(&path, "%s/%s.idx", dir, p->sum);
	if ((rc = awm_fs_write_atomic(path.ptr, idx.ptr, idx.size, 0644, 0)) < 0)
		goto done;
	if ((rc = awm_pack_open(&pack, path.ptr)) < 0) {
		awm_error_prefix("'%s' is damaged", where.ptr);
		goto done;
	}
	ip.p.what = "Checking objects";
	ip.p.objects_total = pack->count;
	ip.p.bytes = 0;
	/* Every object is decompressed and re-hashed before any is kept. */
	for (i = 0; i < pack->count; i++) {
		awm_oid oid;

		awm_pack_oid_at(&oid, pack, i);
		if ((rc = awm_pack_record_at(&rec, pack, i)) < 0)
			goto refused;
		awm_buf_clear(&rec.where);
		awm_buf_puts(&rec.where, where.ptr);
		if ((rc = awm_odb_record_decode(&obj, awm_odb_zstd(r->repo->odb), &oid, &rec)) < 0)
			goto refused;
		awm_object_free(obj);
		ip.p.objects = i + 1;
		ip.p.done = i + 1 == pack->count;
		if (progress && ((i + 1) % 1024 == 0 || ip.p.done))
			progress(&ip.p, payload);
	}
	if ((rc = awm_pack_verify_checksums(pack)) < 0)
		goto refused;
	for (i = 0; i < pack->count; i++) {
		awm_oid oid;

		awm_pack_oid_at(&oid, pack, i);
		if (awm_odb_exists(r->repo->odb, &oid) || awm_packwriter_has(pw, &oid))
			continue;
		if ((rc = awm_pack_record_at(&rec, pack, i)) < 0 ||
		    (rc = awm_packwriter_add_record(pw, &oid, &rec)) < 0)
			goto done;
		awm_oidset_add(fresh, &oid);
		(*objects)++;
	}
	goto done;
refused:
	awm_error_prefix("refusing '%s' from remote '%s'", p->pack->name, r->name);
done:
	awm_pack_free(pack);
	if (dir) {
		awm_fs_rm_rf(dir);
		free(dir);
	}
	awm_odb_record_release(&rec);
	awm_buf_release(&idx);
	awm_buf_release(&data);
	awm_buf_release(&path);
	awm_buf_release(&where);
	return rc;
}

static void add_object(awm_oid **list, size_t *nr, size_t *alloc, awm_oidset *seen,
		       const awm_oidset *has, const awm_oid *oid)
{
	if (awm_oidset_contains(has, oid) || !awm_oidset_add(seen, oid))
		return;
	AWM_ARRAY_GROW(*list, *nr + 1, *alloc);
	(*list)[(*nr)++] = *oid;
}

static int cmp_oid(const void *a, const void *b)
{
	return awm_oid_cmp(a, b);
}

int awm_remote_missing_objects(awm_oid **out, size_t *n, awm_repo *repo,
			       const awm_oidset *has, const awm_oid *tips, size_t ntips)
{
	awm_oidset seen = AWM_OIDSET_INIT, visited = AWM_OIDSET_INIT;
	awm_oid *stack = NULL, *list = NULL;
	size_t snr = 0, salloc = 0, nr = 0, alloc = 0, i;
	int rc = 0;

	for (i = 0; i < ntips; i++) {
		AWM_ARRAY_GROW(stack, snr + 1, salloc);
		stack[snr++] = tips[i];
	}
	while (snr) {
		awm_oid oid = stack[--snr];
		awm_commit *c;

		if (!awm_oidset_add(&visited, &oid) || awm_oidset_contains(has, &oid))
			continue;
		if ((rc = awm_commit_read(&c, repo->odb, &oid)) < 0)
			break;
		if (c->has_up)
			add_object(&list, &nr, &alloc, &seen, has, &c->up);
		if (c->has_down)
			add_object(&list, &nr, &alloc, &seen, has, &c->down);
		if (c->has_script)
			add_object(&list, &nr, &alloc, &seen, has, &c->script);
		if (c->has_changeset)
			add_object(&list, &nr, &alloc, &seen, has, &c->changeset);
		add_object(&list, &nr, &alloc, &seen, has, &c->schema);
		add_object(&list, &nr, &alloc, &seen, has, &oid);
		for (i = 0; i < c->nparents; i++) {
			AWM_ARRAY_GROW(stack, snr + 1, salloc);
			stack[snr++] = c->parents[i];
		}
		awm_commit_free(c);
	}
	/* Sorted, so an interrupted push rebuilds the very same pack. */
	if (nr)
		qsort(list, nr, sizeof(awm_oid), cmp_oid);
	free(stack);
	awm_oidset_release(&seen);
	awm_oidset_release(&visited);
	if (rc < 0) {
		free(list);
		return rc;
	}
	*out = list;
	*n = nr;
	return 0;
}
