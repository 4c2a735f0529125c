/*
 * The Appwrite transport's files (see transport_appwrite.c for the
 * layout): names mapped to ids of the bucket awm-objects, uploads in 5 MiB
 * chunks as the SDKs send them, packs larger than the bucket allows split
 * into parts behind a manifest, downloads, and listings that count only
 * complete files.
 */
#include "core/transport_appwrite.h"
#include "core/error.h"
#include "objects/oid.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int all_digits(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* The bucket file id of a (non-ref) remote file name; AWM_EINVALID for others. */
static int file_id(awm_buf *out, const char *name)
{
	const char *p = name + 6;

	awm_buf_clear(out);
	if (!strncmp(name, "store/", 6) && strlen(p) > AWM_OID_HEXSZ &&
	    awm_is_hex(p, AWM_OID_HEXSZ)) {
		if (!strcmp(p + AWM_OID_HEXSZ, ".pack")) {
			awm_buf_put(out, p, AWM_OID_HEXSZ);
			return 0;
		}
		if (!strcmp(p + AWM_OID_HEXSZ, ".idx")) {
			awm_buf_puts(out, p);
			return 0;
		}
	}
	if (!strncmp(name, "awm-remote-v", 12) && all_digits(name + 12)) {
		awm_buf_puts(out, name);
		return 0;
	}
	if (!strncmp(name, "locks/", 6) && all_digits(name + 6) && strlen(name + 6) < 20) {
		awm_buf_printf(out, "lock-%s", name + 6);
		return 0;
	}
	return awm_error_set(AWM_EINVALID, "'%s' is not a name awm keeps on Appwrite", name);
}

/* The remote file name of a bucket file id, or 0 for files that are not awm's. */
static int file_name(awm_buf *out, const char *id)
{
	size_t n = strlen(id);

	awm_buf_clear(out);
	if (n == AWM_OID_HEXSZ && awm_is_hex(id, n))
		awm_buf_printf(out, "store/%s.pack", id);
	else if (n == AWM_OID_HEXSZ + 2 && awm_is_hex(id, AWM_OID_HEXSZ) && !strcmp(id + n - 2, ".m"))
		awm_buf_printf(out, "store/%.*s.pack", AWM_OID_HEXSZ, id);
	else if (n == AWM_OID_HEXSZ + 4 && awm_is_hex(id, AWM_OID_HEXSZ) &&
		 !strcmp(id + AWM_OID_HEXSZ, ".idx"))
		awm_buf_printf(out, "store/%s", id);
	else if (!strncmp(id, "awm-remote-v", 12) && all_digits(id + 12))
		awm_buf_puts(out, id);
	else if (!strncmp(id, "lock-", 5) && all_digits(id + 5))
		awm_buf_printf(out, "locks/%s", id + 5);
	else
		return 0;
	return 1;
}

/* Every item of a paged list (files or documents), in id order. */
int awm_aw_list_all(json_t **out, aw_transport *t, const char *path, const char *member)
{
	return awm_appwrite_list(out, t->a, path, member,
				 json_pack("[o]", awm_appwrite_query("orderAsc", "$id", NULL)),
				 AWM_APPWRITE_PAGE, 0, "listing");
}

int awm_aw_bucket_list(aw_transport *t, awm_remote_files *out, const char *prefix)
{
	awm_buf name = AWM_BUF_INIT;
	json_t *files, *f;
	size_t i;
	int rc = awm_aw_list_all(&files, t, "/storage/buckets/" AWM_AW_BUCKET "/files", "files");

	if (rc < 0)
		return rc;
	json_array_foreach(files, i, f) {
		const char *id = awm_appwrite_jstr(f, "$id");
		json_int_t total = json_integer_value(json_object_get(f, "chunksTotal"));
		uint64_t size = (uint64_t)json_integer_value(json_object_get(f, "sizeOriginal"));

		/* Half-uploaded files do not count: Appwrite does not serve them yet. */
		if (!id || total < 1 || json_integer_value(json_object_get(f, "chunksUploaded")) != total)
			continue;
		if (!file_name(&name, id) || strncmp(name.ptr, prefix, strlen(prefix)))
			continue;
		if (strlen(id) == AWM_OID_HEXSZ + 2)   /* a manifest: its name holds the size */
			size = strtoull(awm_appwrite_jstr(f, "name") ? awm_appwrite_jstr(f, "name") :
					"0", NULL, 10);
		awm_remote_files_add(out, name.ptr, size, NULL);
	}
	json_decref(files);
	awm_buf_release(&name);
	return 0;
}

static void on_progress(uint64_t done, uint64_t total, void *payload)
{
	aw_transport *t = payload;

	if (t->base.progress)
		t->base.progress(done, total, t->base.payload);
}

/*
 * Upload one bucket file, in chunks above 5 MiB.  A file with the id that
 * is whole already is left as it is (AWM_EEXISTS); one an interrupted
 * upload left half-done gets the chunks sent again.
 */
static int upload(aw_transport *t, const char *id, const char *fname, const void *data,
		  size_t len, uint64_t base, uint64_t total)
{
	awm_buf range = AWM_BUF_INIT, xid = AWM_BUF_INIT;
	awm_http_part parts[2];
	const char *headers[3];
	size_t off = 0;
	int rc = 0;

	memset(parts, 0, sizeof(parts));
	parts[0].name = "fileId";
	parts[0].value = id;
	parts[1].name = "file";
	parts[1].filename = fname;
	t->a->progress = on_progress;
	t->a->progress_payload = t;
	t->a->progress_total = total;
	do {
		size_t n = len - off > AWM_AW_CHUNK ? AWM_AW_CHUNK : len - off;
		int h = 0;

		parts[1].data = (const char *)data + off;
		parts[1].len = n;
		if (len > AWM_AW_CHUNK) {
			awm_buf_clear(&range);
			awm_buf_printf(&range, "Content-Range: bytes %zu-%zu/%zu", off, off + n - 1, len);
			headers[h++] = range.ptr;
			if (off) {
				awm_buf_clear(&xid);
				awm_buf_printf(&xid, "x-appwrite-id: %s", id);
				headers[h++] = xid.ptr;
			}
		}
		headers[h] = NULL;
		t->a->progress_base = base + off;
		rc = awm_appwrite_upload(NULL, t->a, "/storage/buckets/" AWM_AW_BUCKET "/files", parts, 2,
					 headers, "uploading");
		off += n;
	} while (rc == 0 && off < len);
	t->a->progress = NULL;
	awm_buf_release(&range);
	awm_buf_release(&xid);
	return rc;
}

static int delete_file(aw_transport *t, const char *id)
{
	awm_buf path = AWM_BUF_INIT;
	int rc;

	awm_buf_printf(&path, "/storage/buckets/" AWM_AW_BUCKET "/files/%s", id);
	rc = awm_appwrite_call(NULL, t->a, "DELETE", path.ptr, NULL, NULL, "deleting");
	if (rc == AWM_ENOTFOUND) {
		awm_error_clear();
		rc = 0;
	}
	awm_buf_release(&path);
	return rc;
}

/* The manifest first, so the pack stops counting, then its parts. */
static int delete_parts(aw_transport *t, const char *id)
{
	awm_buf part = AWM_BUF_INIT;
	unsigned long k;
	int rc;

	awm_buf_printf(&part, "%s.m", id);
	rc = delete_file(t, part.ptr);
	for (k = 1; rc == 0; k++) {
		awm_buf_clear(&part);
		awm_buf_printf(&part, "/storage/buckets/" AWM_AW_BUCKET "/files/%s.%lu", id, k);
		rc = awm_appwrite_call(NULL, t->a, "DELETE", part.ptr, NULL, NULL, "deleting");
	}
	if (rc == AWM_ENOTFOUND) {
		awm_error_clear();
		rc = 0;
	}
	awm_buf_release(&part);
	return rc;
}

/* Upload, and when a half-done upload of other bytes is in the way, start it afresh. */
static int upload_file(aw_transport *t, const char *id, const char *fname, const void *data,
		       size_t len, uint64_t base, uint64_t total)
{
	int rc = upload(t, id, fname, data, len, base, total);

	if (rc < 0 && awm_appwrite_last_is(t->a, "storage_invalid_content_range")) {
		awm_error_clear();
		if ((rc = delete_file(t, id)) == 0)
			rc = upload(t, id, fname, data, len, base, total);
	}
	return rc;
}

/*
 * Write a file.  Larger than the bucket allows: parts <id>.1 .. <id>.<n>,
 * then the manifest <id>.m (whose file name holds the whole size), so the
 * file appears only when all of it is there.
 */
int awm_aw_bucket_write(aw_transport *t, const char *name, const void *data, size_t len)
{
	awm_buf id = AWM_BUF_INIT, part = AWM_BUF_INIT, fname = AWM_BUF_INIT;
	const char *slash = strrchr(name, '/');
	size_t off, k = 0;
	int rc;

	if ((rc = file_id(&id, name)) < 0)
		goto done;
	if (len <= t->max_file) {
		rc = upload_file(t, id.ptr, slash ? slash + 1 : name, data, len, 0, len);
		goto done;
	}
	if (id.size != AWM_OID_HEXSZ) {
		rc = awm_error_set(AWM_EINVALID, "'%s' is larger than the bucket '" AWM_AW_BUCKET "' of "
				   "'%s' allows (%llu bytes)", name, t->base.url,
				   (unsigned long long)t->max_file);
		goto done;
	}
	for (off = 0; rc == 0 && off < len; off += t->max_file) {
		size_t n = len - off > t->max_file ? t->max_file : len - off;

		awm_buf_clear(&part);
		awm_buf_printf(&part, "%s.%zu", id.ptr, ++k);
		rc = upload_file(t, part.ptr, part.ptr, (const char *)data + off, n, off, len);
		if (rc == AWM_EEXISTS) {
			awm_error_clear();
			rc = 0;
		}
	}
	if (rc < 0)
		goto done;
	awm_buf_clear(&part);
	awm_buf_printf(&part, "%s.m", id.ptr);
	awm_buf_printf(&fname, "%zu", len);
	awm_buf_printf(&id, "\n%zu\n", k);   /* the manifest: the pack id and its parts */
	rc = upload_file(t, part.ptr, fname.ptr, id.ptr, id.size, len, len);
done:
	awm_buf_release(&id);
	awm_buf_release(&part);
	awm_buf_release(&fname);
	return rc;
}

static int download(awm_buf *out, aw_transport *t, const char *id)
{
	awm_buf path = AWM_BUF_INIT;
	int rc;

	awm_buf_printf(&path, "/storage/buckets/" AWM_AW_BUCKET "/files/%s/download", id);
	rc = awm_appwrite_download(out, t->a, path.ptr, "downloading");
	awm_buf_release(&path);
	return rc;
}

int awm_aw_bucket_read(aw_transport *t, awm_buf *out, const char *name)
{
	awm_buf id = AWM_BUF_INIT, part = AWM_BUF_INIT, piece = AWM_BUF_INIT;
	unsigned long k, n;
	int rc;

	if ((rc = file_id(&id, name)) < 0)
		goto done;
	rc = download(out, t, id.ptr);
	if (rc != AWM_ENOTFOUND || id.size != AWM_OID_HEXSZ)
		goto done;
	/* A pack in parts: the manifest says how many. */
	awm_error_clear();
	awm_buf_printf(&part, "%s.m", id.ptr);
	if ((rc = download(&piece, t, part.ptr)) < 0)
		goto done;
	if (sscanf(piece.ptr ? piece.ptr : "", "%*s %lu", &n) != 1 || n == 0 || n > 100000) {
		rc = awm_error_set(AWM_ECORRUPT, "the manifest of '%s' on '%s' is damaged", name,
				   t->base.url);
		goto done;
	}
	awm_buf_clear(out);
	for (k = 1; rc == 0 && k <= n; k++) {
		awm_buf_clear(&part);
		awm_buf_printf(&part, "%s.%lu", id.ptr, k);
		if ((rc = download(&piece, t, part.ptr)) == 0)
			awm_buf_put(out, piece.ptr, piece.size);
	}
done:
	if (rc == AWM_ENOTFOUND)
		rc = awm_error_set(AWM_ENOTFOUND, "'%s' is not on remote '%s'", name, t->base.url);
	awm_buf_release(&id);
	awm_buf_release(&part);
	awm_buf_release(&piece);
	return rc;
}

int awm_aw_bucket_remove(aw_transport *t, const char *name)
{
	awm_buf id = AWM_BUF_INIT;
	int rc;

	if ((rc = file_id(&id, name)) == 0 && (rc = delete_file(t, id.ptr)) == 0 &&
	    id.size == AWM_OID_HEXSZ)
		rc = delete_parts(t, id.ptr);   /* a pack in parts, if it was one */
	awm_buf_release(&id);
	return rc;
}
