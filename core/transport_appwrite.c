/*
 * The Appwrite transport (docs/remote-protocol.md, section 9b): a remote
 * kept in an Appwrite project, appwrite://<host>/<projectId>/<databaseId>.
 *
 *   store/<sum>.pack       file <sum> in the Storage bucket awm-objects (the
 *                          pack's own id), or, when it is larger than the
 *                          bucket allows, parts <sum>.1 .. <sum>.<n> and
 *                          then a manifest <sum>.m naming them
 *   store/<sum>.idx        file <sum>.idx
 *   awm-remote-v1          file awm-remote-v1
 *   locks/<seq>            file lock-<seq>
 *   refs/<ref>/<entry>     document <hash of ref> of collection awm_refs in
 *                          the database, holding the ref's one entry
 *
 * Files above 5 MiB are uploaded in chunks, as Appwrite's SDKs do: each a
 * multipart POST with Content-Range, the second on with x-appwrite-id.  A
 * file counts only once every chunk is there (Appwrite serves it only
 * then), and a manifest is written after its parts, so files are seen
 * whole or not at all.  Creating a file with a taken id is 409, which
 * gives create_exclusive.  A ref is one document, replaced by
 * compare-and-swap: a conditional PATCH carrying the $updatedAt that was
 * listed (X-Appwrite-Timestamp), which Appwrite refuses with 409
 * document_update_conflict when anything wrote it since.
 */
#include "core/transport.h"
#include "core/appwrite_api.h"
#include "core/appwrite_plan.h"
#include "core/error.h"
#include "objects/oid.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUCKET "awm-objects"
#define REFS "awm_refs"
#define CHUNK (5 * 1024 * 1024)
#define PAGE 1000

typedef struct aw_transport {
	awm_transport base;
	awm_appwrite *a;
	int ready;                   /* the bucket and awm_refs exist */
	uint64_t max_file;           /* the bucket's maximumFileSize */
} aw_transport;

/* ---- names ---- */

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

/* "refs/heads/main/<entry>" -> ref "refs/heads/main", entry "<entry>". */
static int split_ref(awm_buf *ref, const char **entry, const char *name)
{
	const char *slash = strrchr(name, '/');

	if (strncmp(name, "refs/", 5) || !slash || !slash[1])
		return awm_error_set(AWM_EINVALID, "'%s' is not a ref entry", name);
	awm_buf_clear(ref);
	awm_buf_put(ref, name, (size_t)(slash - name));
	*entry = slash + 1;
	return 0;
}

/* A ref's document id: its name hashed, since names do not fit Appwrite's ids. */
static void ref_doc(awm_buf *out, const char *ref)
{
	unsigned char raw[AWM_OID_RAWSZ];
	awm_oid oid;

	awm_hash128(raw, ref, strlen(ref));
	memcpy(oid.id, raw, sizeof(raw));
	awm_buf_clear(out);
	awm_buf_puts(out, awm_oid_tohex(&oid).s);
}

/* ---- setting up ---- */

static json_t *refs_collection(void)
{
	json_t *attrs = json_pack("[{s:s, s:s, s:b, s:b, s:i, s:b, s:n},"
				  " {s:s, s:s, s:b, s:b, s:i, s:b, s:n},"
				  " {s:s, s:s, s:b, s:b, s:i, s:b, s:n}]",
				  "key", "ref", "type", "string", "required", 1, "array", 0, "size", 1024,
				  "encrypt", 0, "default",
				  "key", "entry", "type", "string", "required", 1, "array", 0, "size", 128,
				  "encrypt", 0, "default",
				  "key", "data", "type", "string", "required", 1, "array", 0, "size", 4096,
				  "encrypt", 0, "default");

	return json_pack("{s:s, s:s, s:{s:s, s:[], s:b, s:b, s:o, s:[]}}", "op", "createCollection",
			 "collection", REFS, "spec", "name", REFS, "$permissions",
			 "documentSecurity", 0, "enabled", 1, "attributes", attrs, "indexes");
}

/* The bucket and awm_refs, made on first use (idempotently: others may race). */
static int ensure(aw_transport *t)
{
	awm_aw_exec x = { t->a, AWM_APPWRITE_TIMEOUT_MS, NULL };
	awm_buf path = AWM_BUF_INIT;
	json_t *b = NULL, *body, *op, *c = NULL;
	int rc;

	if (t->ready)
		return 0;
	rc = awm_appwrite_call(&b, t->a, "GET", "/storage/buckets/" BUCKET, NULL, NULL,
			       "reading the bucket");
	if (rc == AWM_ENOTFOUND) {
		awm_error_clear();
		body = json_pack("{s:s, s:s, s:[], s:b, s:b, s:s, s:b, s:b}", "bucketId", BUCKET,
				 "name", BUCKET, "permissions", "fileSecurity", 0, "enabled", 1,
				 "compression", "none", "encryption", 0, "antivirus", 0);
		rc = awm_appwrite_call(&b, t->a, "POST", "/storage/buckets", body, NULL,
				       "creating the bucket");
		json_decref(body);
		if (rc == AWM_EEXISTS) {
			awm_error_clear();
			rc = awm_appwrite_call(&b, t->a, "GET", "/storage/buckets/" BUCKET, NULL, NULL,
					       "reading the bucket");
		}
	}
	if (rc < 0)
		goto done;
	t->max_file = (uint64_t)json_integer_value(json_object_get(b, "maximumFileSize"));
	if (t->max_file < 1024)
		t->max_file = 30000000;
	awm_buf_printf(&path, "/databases/%s", t->a->database);
	rc = awm_appwrite_call(NULL, t->a, "GET", path.ptr, NULL, NULL, "reading the database");
	if (rc == AWM_ENOTFOUND) {
		awm_error_clear();
		body = json_pack("{s:s, s:s}", "databaseId", t->a->database, "name", t->a->database);
		rc = awm_appwrite_call(NULL, t->a, "POST", "/databases", body, NULL,
				       "creating the database");
		json_decref(body);
		if (rc == AWM_EEXISTS) {
			awm_error_clear();
			rc = 0;
		}
	}
	if (rc < 0)
		goto done;
	awm_buf_puts(&path, "/collections/" REFS);
	rc = awm_appwrite_call(&c, t->a, "GET", path.ptr, NULL, NULL, "reading the refs");
	if (rc == 0 && json_array_size(json_object_get(c, "attributes")) == 3) {
		size_t i;
		json_t *v;

		json_array_foreach(json_object_get(c, "attributes"), i, v)
			if (!awm_appwrite_jstr(v, "status") ||
			    strcmp(awm_appwrite_jstr(v, "status"), "available"))
				rc = AWM_ENOTFOUND;
	} else if (rc == 0) {
		rc = AWM_ENOTFOUND;
	}
	if (rc == AWM_ENOTFOUND) {
		awm_error_clear();
		op = refs_collection();
		rc = awm_aw_op_run(&x, op);
		json_decref(op);
	}
	t->ready = rc == 0;
done:
	if (rc < 0)
		awm_error_prefix("cannot set up remote '%s'", t->base.url);
	json_decref(b);
	json_decref(c);
	awm_buf_release(&path);
	return rc;
}

/* ---- listing ---- */

/* Every item of a paged list (files or documents), in id order. */
static int list_all(json_t **out, aw_transport *t, const char *path, const char *member)
{
	awm_buf p = AWM_BUF_INIT;
	json_t *all = json_array(), *page = NULL, *q;
	char *cursor = NULL;
	size_t n;
	int rc;

	do {
		q = json_pack("[o, o]", awm_appwrite_query("orderAsc", "$id", NULL),
			      awm_appwrite_query("limit", NULL, json_pack("[i]", PAGE)));
		if (cursor)
			json_array_append_new(q, awm_appwrite_query("cursorAfter", NULL,
								    json_pack("[s]", cursor)));
		awm_appwrite_query_path(&p, path, q);
		json_decref(page);
		if ((rc = awm_appwrite_call(&page, t->a, "GET", p.ptr, NULL, NULL, "listing")) < 0)
			break;
		json_array_extend(all, json_object_get(page, member));
		free(cursor);
		cursor = NULL;
		n = json_array_size(json_object_get(page, member));
		if (n == PAGE)
			cursor = awm_strdup(awm_appwrite_jstr(json_array_get(json_object_get(page, member),
									 n - 1), "$id"));
	} while (cursor);
	json_decref(page);
	free(cursor);
	awm_buf_release(&p);
	if (rc < 0)
		json_decref(all);
	else
		*out = all;
	return rc;
}

static int list_files(aw_transport *t, awm_remote_files *out, const char *prefix)
{
	awm_buf name = AWM_BUF_INIT;
	json_t *files, *f;
	size_t i;
	int rc = list_all(&files, t, "/storage/buckets/" BUCKET "/files", "files");

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

static int list_refs(aw_transport *t, awm_remote_files *out, const char *prefix)
{
	awm_buf path = AWM_BUF_INIT, name = AWM_BUF_INIT;
	json_t *docs, *d;
	size_t i;
	int rc;

	awm_buf_printf(&path, "/databases/%s/collections/" REFS "/documents", t->a->database);
	if ((rc = list_all(&docs, t, path.ptr, "documents")) < 0)
		goto done;
	json_array_foreach(docs, i, d) {
		const char *ref = awm_appwrite_jstr(d, "ref"), *entry = awm_appwrite_jstr(d, "entry");
		const char *data = awm_appwrite_jstr(d, "data");

		if (!ref || !entry || !data)
			continue;
		awm_buf_clear(&name);
		awm_buf_printf(&name, "%s/%s", ref, entry);
		if (!strncmp(name.ptr, prefix, strlen(prefix)))
			awm_remote_files_add(out, name.ptr, strlen(data),
					     awm_appwrite_jstr(d, "$updatedAt"));
	}
	json_decref(docs);
done:
	awm_buf_release(&path);
	awm_buf_release(&name);
	return rc;
}

static int aw_list_(awm_transport *base, awm_remote_files *out, const char *prefix)
{
	aw_transport *t = (aw_transport *)base;
	int rc;

	if ((rc = ensure(t)) < 0)
		return rc;
	if ((!*prefix || !strncmp(prefix, "refs/", 5) || !strncmp("refs/", prefix, strlen(prefix))) &&
	    (rc = list_refs(t, out, prefix)) < 0)
		goto fail;
	if (strncmp(prefix, "refs/", 5) && (rc = list_files(t, out, prefix)) < 0)
		goto fail;
	awm_remote_files_sort(out);
	return 0;
fail:
	awm_remote_files_release(out);
	return rc;
}

/* ---- files ---- */

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
		size_t n = len - off > CHUNK ? CHUNK : len - off;
		int h = 0;

		parts[1].data = (const char *)data + off;
		parts[1].len = n;
		if (len > CHUNK) {
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
		rc = awm_appwrite_upload(NULL, t->a, "/storage/buckets/" BUCKET "/files", parts, 2,
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

	awm_buf_printf(&path, "/storage/buckets/" BUCKET "/files/%s", id);
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
		awm_buf_printf(&part, "/storage/buckets/" BUCKET "/files/%s.%lu", id, k);
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
static int write_file(aw_transport *t, const char *name, const void *data, size_t len)
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
		rc = awm_error_set(AWM_EINVALID, "'%s' is larger than the bucket '" BUCKET "' of "
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

	awm_buf_printf(&path, "/storage/buckets/" BUCKET "/files/%s/download", id);
	rc = awm_appwrite_download(out, t->a, path.ptr, "downloading");
	awm_buf_release(&path);
	return rc;
}

static int read_file(aw_transport *t, awm_buf *out, const char *name)
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

/* ---- refs ---- */

static void doc_path(awm_buf *out, aw_transport *t, const char *ref)
{
	awm_buf id = AWM_BUF_INIT;

	ref_doc(&id, ref);
	awm_buf_clear(out);
	awm_buf_printf(out, "/databases/%s/collections/" REFS "/documents/%s", t->a->database,
		       id.ptr);
	awm_buf_release(&id);
}

static int read_ref(json_t **doc, aw_transport *t, const char *ref)
{
	awm_buf path = AWM_BUF_INIT;
	int rc;

	doc_path(&path, t, ref);
	rc = awm_appwrite_call(doc, t->a, "GET", path.ptr, NULL, NULL, "reading");
	awm_buf_release(&path);
	return rc;
}

static int write_ref(aw_transport *t, const char *name, const awm_remote_file *expected,
		     int create_only, const void *data, size_t len)
{
	awm_buf ref = AWM_BUF_INIT, path = AWM_BUF_INIT, cond = AWM_BUF_INIT, id = AWM_BUF_INIT;
	const char *entry, *headers[2] = { NULL, NULL };
	char *text = awm_strndup(data, len);
	json_t *body;
	int rc;

	if ((rc = split_ref(&ref, &entry, name)) < 0)
		goto done;
	if (expected) {
		/* Compare and swap: only if the slot holds exactly what was listed. */
		const char *xentry;

		if ((rc = split_ref(&id, &xentry, expected->name)) < 0)
			goto done;
		if (strcmp(id.ptr, ref.ptr) || !expected->version) {
			rc = awm_error_set(AWM_EUSAGE, "'%s' cannot replace '%s'", name, expected->name);
			goto done;
		}
		doc_path(&path, t, ref.ptr);
		awm_buf_printf(&cond, "X-Appwrite-Timestamp: %s", expected->version);
		headers[0] = cond.ptr;
		body = json_pack("{s:{s:s, s:s}}", "data", "entry", entry, "data", text);
		rc = awm_appwrite_call(NULL, t->a, "PATCH", path.ptr, body, headers, "updating");
		json_decref(body);
		if (rc == AWM_ENOTFOUND)
			rc = AWM_ECONFLICT;
		goto done;
	}
	ref_doc(&id, ref.ptr);
	awm_buf_printf(&path, "/databases/%s/collections/" REFS "/documents", t->a->database);
	body = json_pack("{s:s, s:{s:s, s:s, s:s}}", "documentId", id.ptr, "data", "ref", ref.ptr,
			 "entry", entry, "data", text);
	rc = awm_appwrite_call(NULL, t->a, "POST", path.ptr, body, NULL, "writing");
	json_decref(body);
	if (rc == AWM_EEXISTS && create_only) {
		rc = AWM_ECONFLICT;
	} else if (rc == AWM_EEXISTS) {
		/* A plain put: the slot gets the entry, whatever it held. */
		awm_error_clear();
		doc_path(&path, t, ref.ptr);
		body = json_pack("{s:{s:s, s:s}}", "data", "entry", entry, "data", text);
		rc = awm_appwrite_call(NULL, t->a, "PATCH", path.ptr, body, NULL, "updating");
		json_decref(body);
	}
done:
	if (rc == AWM_ECONFLICT)
		rc = awm_error_set(AWM_ECONFLICT, "'%s' on remote '%s' changed since it was read",
				   ref.ptr, t->base.url);
	free(text);
	awm_buf_release(&ref);
	awm_buf_release(&path);
	awm_buf_release(&cond);
	awm_buf_release(&id);
	return rc;
}

/* ---- the vtable ---- */

/* The client counts requests and bytes; the transport reports them. */
static int counted(aw_transport *t, int rc)
{
	t->base.stats.requests = t->a->requests;
	t->base.stats.bytes_sent = t->a->bytes_sent;
	t->base.stats.bytes_received = t->a->bytes_received;
	return rc;
}

static int aw_get_(awm_transport *base, awm_buf *out, const char *name, const char *version)
{
	aw_transport *t = (aw_transport *)base;
	awm_buf ref = AWM_BUF_INIT;
	const char *entry;
	json_t *doc = NULL;
	int rc;

	(void)version;
	if ((rc = ensure(t)) < 0)
		return rc;
	if (strncmp(name, "refs/", 5))
		return read_file(t, out, name);
	if ((rc = split_ref(&ref, &entry, name)) == 0 && (rc = read_ref(&doc, t, ref.ptr)) == 0) {
		if (strcmp(awm_appwrite_jstr(doc, "entry") ? awm_appwrite_jstr(doc, "entry") : "",
			   entry)) {
			rc = awm_error_set(AWM_ENOTFOUND, "'%s' is not on remote '%s'", name,
					   base->url);
		} else {
			awm_buf_clear(out);
			awm_buf_puts(out, awm_appwrite_jstr(doc, "data"));
		}
	}
	json_decref(doc);
	awm_buf_release(&ref);
	return rc;
}

static int aw_put_(awm_transport *base, const char *name, const void *data, size_t len)
{
	aw_transport *t = (aw_transport *)base;
	int rc;

	if ((rc = ensure(t)) < 0)
		return rc;
	if (!strncmp(name, "refs/", 5))
		return write_ref(t, name, NULL, 0, data, len);
	rc = write_file(t, name, data, len);
	if (rc == AWM_EEXISTS) {   /* immutable names: the same bytes are there */
		awm_error_clear();
		rc = 0;
	}
	return rc;
}

static int aw_create_exclusive_(awm_transport *base, const char *name, const void *data,
			       size_t len)
{
	aw_transport *t = (aw_transport *)base;
	int rc;

	if ((rc = ensure(t)) < 0)
		return rc;
	if (!strncmp(name, "refs/", 5)) {
		rc = write_ref(t, name, NULL, 1, data, len);
		return rc == AWM_ECONFLICT ? AWM_EEXISTS : rc;
	}
	return write_file(t, name, data, len);
}

static int aw_replace_(awm_transport *base, const char *name, const awm_remote_file *expected,
		      const void *data, size_t len)
{
	aw_transport *t = (aw_transport *)base;
	int rc;

	if ((rc = ensure(t)) < 0)
		return rc;
	return write_ref(t, name, expected, 1, data, len);
}

static int aw_remove_(awm_transport *base, const char *name)
{
	aw_transport *t = (aw_transport *)base;
	awm_buf ref = AWM_BUF_INIT, path = AWM_BUF_INIT, cond = AWM_BUF_INIT, id = AWM_BUF_INIT;
	const char *entry, *headers[2] = { NULL, NULL };
	json_t *doc = NULL;
	int rc;

	if ((rc = ensure(t)) < 0)
		return rc;
	if (strncmp(name, "refs/", 5)) {
		if ((rc = file_id(&id, name)) < 0 || (rc = delete_file(t, id.ptr)) < 0)
			goto done;
		if (id.size == AWM_OID_HEXSZ)   /* a pack in parts, if it was one */
			rc = delete_parts(t, id.ptr);
		goto done;
	}
	/* A ref entry: delete the slot only if it still holds this entry. */
	if ((rc = split_ref(&ref, &entry, name)) < 0)
		goto done;
	rc = read_ref(&doc, t, ref.ptr);
	if (rc == AWM_ENOTFOUND) {
		awm_error_clear();
		rc = 0;
		goto done;
	}
	if (rc < 0 || strcmp(awm_appwrite_jstr(doc, "entry") ? awm_appwrite_jstr(doc, "entry") : "",
			     entry))
		goto done;
	doc_path(&path, t, ref.ptr);
	awm_buf_printf(&cond, "X-Appwrite-Timestamp: %s", awm_appwrite_jstr(doc, "$updatedAt"));
	headers[0] = cond.ptr;
	rc = awm_appwrite_call(NULL, t->a, "DELETE", path.ptr, NULL, headers, "deleting");
	if (rc == AWM_ENOTFOUND || rc == AWM_ECONFLICT) {
		awm_error_clear();   /* it changed: the entry we meant is gone already */
		rc = 0;
	}
done:
	json_decref(doc);
	awm_buf_release(&ref);
	awm_buf_release(&path);
	awm_buf_release(&cond);
	awm_buf_release(&id);
	return rc;
}


static int aw_get(awm_transport *base, awm_buf *out, const char *name, const char *version)
{
	return counted((aw_transport *)base, aw_get_(base, out, name, version));
}

static int aw_put(awm_transport *base, const char *name, const void *data, size_t len)
{
	return counted((aw_transport *)base, aw_put_(base, name, data, len));
}

static int aw_create_exclusive(awm_transport *base, const char *name, const void *data, size_t len)
{
	return counted((aw_transport *)base, aw_create_exclusive_(base, name, data, len));
}

static int aw_replace(awm_transport *base, const char *name, const awm_remote_file *expected, const void *data, size_t len)
{
	return counted((aw_transport *)base, aw_replace_(base, name, expected, data, len));
}

static int aw_remove(awm_transport *base, const char *name)
{
	return counted((aw_transport *)base, aw_remove_(base, name));
}

static int aw_list(awm_transport *base, awm_remote_files *out, const char *prefix)
{
	return counted((aw_transport *)base, aw_list_(base, out, prefix));
}

static void aw_free(awm_transport *base)
{
	aw_transport *t = (aw_transport *)base;

	awm_appwrite_free(t->a);
	free(base->url);
	free(t);
}

int awm_transport_appwrite_new(awm_transport **out, const char *url)
{
	aw_transport *t = awm_calloc(1, sizeof(*t));
	int rc;

	if ((rc = awm_appwrite_new(&t->a, url)) < 0) {
		free(t);
		return rc;
	}
	t->base.kind = "appwrite";
	t->base.url = awm_strdup(url);
	t->base.caps = AWM_TRANSPORT_EXCLUSIVE | AWM_TRANSPORT_CAS;
	t->base.list = aw_list;
	t->base.get = aw_get;
	t->base.put = aw_put;
	t->base.create_exclusive = aw_create_exclusive;
	t->base.remove = aw_remove;
	t->base.replace = aw_replace;
	t->base.free = aw_free;
	*out = &t->base;
	return 0;
}
