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
#include "core/transport_appwrite.h"
#include "core/appwrite_plan.h"
#include "core/error.h"
#include "objects/oid.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static json_t *string_attr(const char *key, int size)
{
	return json_pack("{s:s, s:s, s:b, s:b, s:i, s:b, s:n}", "key", key, "type", "string",
			 "required", 1, "array", 0, "size", size, "encrypt", 0, "default");
}

static json_t *refs_collection(void)
{
	json_t *attrs = json_pack("[o, o, o]", string_attr("ref", 1024), string_attr("entry", 128),
				  string_attr("data", 4096));

	return json_pack("{s:s, s:s, s:{s:s, s:[], s:b, s:b, s:o, s:[]}}", "op", "createCollection",
			 "collection", AWM_AW_REFS, "spec", "name", AWM_AW_REFS, "$permissions",
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
	rc = awm_appwrite_call(&b, t->a, "GET", "/storage/buckets/" AWM_AW_BUCKET, NULL, NULL,
			       "reading the bucket");
	if (rc == AWM_ENOTFOUND) {
		awm_error_clear();
		body = json_pack("{s:s, s:s, s:[], s:b, s:b, s:s, s:b, s:b}", "bucketId", AWM_AW_BUCKET,
				 "name", AWM_AW_BUCKET, "permissions", "fileSecurity", 0, "enabled", 1,
				 "compression", "none", "encryption", 0, "antivirus", 0);
		rc = awm_appwrite_call(&b, t->a, "POST", "/storage/buckets", body, NULL,
				       "creating the bucket");
		json_decref(body);
		if (rc == AWM_EEXISTS) {
			awm_error_clear();
			rc = awm_appwrite_call(&b, t->a, "GET", "/storage/buckets/" AWM_AW_BUCKET, NULL, NULL,
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
		rc = awm_appwrite_create_database(t->a);
	}
	if (rc < 0)
		goto done;
	awm_buf_puts(&path, "/collections/" AWM_AW_REFS);
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

static int list_refs(aw_transport *t, awm_remote_files *out, const char *prefix)
{
	awm_buf path = AWM_BUF_INIT, name = AWM_BUF_INIT;
	json_t *docs, *d;
	size_t i;
	int rc;

	awm_buf_printf(&path, "/databases/%s/collections/" AWM_AW_REFS "/documents", t->a->database);
	if ((rc = awm_aw_list_all(&docs, t, path.ptr, "documents")) < 0)
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
	if (strncmp(prefix, "refs/", 5) && (rc = awm_aw_bucket_list(t, out, prefix)) < 0)
		goto fail;
	awm_remote_files_sort(out);
	return 0;
fail:
	awm_remote_files_release(out);
	return rc;
}

/* ---- refs ---- */

static void doc_path(awm_buf *out, aw_transport *t, const char *ref)
{
	awm_buf id = AWM_BUF_INIT;

	ref_doc(&id, ref);
	awm_buf_clear(out);
	awm_buf_printf(out, "/databases/%s/collections/" AWM_AW_REFS "/documents/%s", t->a->database,
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
	awm_buf_printf(&path, "/databases/%s/collections/" AWM_AW_REFS "/documents", t->a->database);
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
		return awm_aw_bucket_read(t, out, name);
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
	rc = awm_aw_bucket_write(t, name, data, len);
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
	return awm_aw_bucket_write(t, name, data, len);
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
	awm_buf ref = AWM_BUF_INIT, path = AWM_BUF_INIT, cond = AWM_BUF_INIT;
	const char *entry, *headers[2] = { NULL, NULL };
	json_t *doc = NULL;
	int rc;

	if ((rc = ensure(t)) < 0)
		return rc;
	if (strncmp(name, "refs/", 5)) {
		rc = awm_aw_bucket_remove(t, name);
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

static int aw_create_exclusive(awm_transport *base, const char *name, const void *data,
			       size_t len)
{
	return counted((aw_transport *)base, aw_create_exclusive_(base, name, data, len));
}

static int aw_replace(awm_transport *base, const char *name, const awm_remote_file *expected,
		      const void *data, size_t len)
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
