/*
 * The Appwrite engine (see engine_appwrite.h and docs/appwrite.md):
 * opening a database, awm's two collections in it, the live schema and
 * the history documents.  The lock is in engine_appwrite_lock.c, steps in
 * engine_appwrite_step.c.
 */
#include "core/engine_appwrite.h"
#include "core/config.h"
#include "core/crypto.h"
#include "core/env.h"
#include "core/error.h"

#include <stdlib.h>
#include <string.h>

#define PAGE 100

int awm_engine_is_appwrite(const awm_engine *e)
{
	return e && (e->ops == &awm_engine_appwrite || e->ops == &awm_engine_appwrite_http);
}

void awm_aw_coll_path(awm_buf *out, aw_engine *e, const char *coll, const char *rest)
{
	awm_buf_clear(out);
	awm_buf_printf(out, "/databases/%s/collections", e->a->database);
	if (coll)
		awm_buf_printf(out, "/%s", coll);
	if (rest)
		awm_buf_puts(out, rest);
}

static json_t *string_attr(const char *key, long long size)
{
	return json_pack("{s:s, s:s, s:b, s:b, s:I, s:b, s:n}", "key", key, "type", "string",
			 "required", 1, "array", 0, "size", (json_int_t)size, "encrypt", 0,
			 "default");
}

static json_t *key_index(const char *key, const char *a, const char *b)
{
	json_t *attrs = b ? json_pack("[s, s]", a, b) : json_pack("[s]", a);
	json_t *lengths = b ? json_pack("[n, n]") : json_pack("[n]");

	return json_pack("{s:s, s:s, s:o, s:[], s:o}", "key", key, "type", "key", "attributes",
			 attrs, "orders", "lengths", lengths);
}

/* awm's collections, whole, as createCollection operations (which are idempotent). */
static json_t *bookkeeping_op(const char *which)
{
	json_t *spec = json_pack("{s:s, s:[], s:b, s:b}", "name", which, "$permissions",
				 "documentSecurity", 0, "enabled", 1);
	json_t *attrs = json_array(), *idx = json_array();

	if (!strcmp(which, AWM_APPWRITE_STATE)) {
		json_array_append_new(attrs, string_attr("record_type", 64));
		json_array_append_new(attrs, string_attr("record_id", 64));
		json_array_append_new(attrs, string_attr("status", 16));
		json_array_append_new(attrs, string_attr("payload", 1048576));
		json_array_append_new(attrs, string_attr("created_at", 32));
		json_array_append_new(attrs, string_attr("updated_at", 32));
		json_array_append_new(idx, key_index("record", "record_type", "record_id"));
		json_array_append_new(idx, key_index("status", "status", NULL));
	} else {
		json_array_append_new(attrs, string_attr("owner", 255));
		json_array_append_new(attrs, string_attr("acquired_at", 32));
		json_array_append_new(attrs, string_attr("expires_at", 32));
	}
	json_object_set_new(spec, "attributes", attrs);
	json_object_set_new(spec, "indexes", idx);
	return json_pack("{s:s, s:s, s:o}", "op", "createCollection", "collection", which,
			 "spec", spec);
}

/* Whether `which` exists with every attribute and index it needs available. */
static int bookkeeping_ready(int *ready, aw_engine *e, const char *which, json_t *op)
{
	awm_buf path = AWM_BUF_INIT;
	json_t *c = NULL, *spec = json_object_get(op, "spec"), *v, *have;
	size_t i;
	int rc;

	*ready = 0;
	awm_aw_coll_path(&path, e, which, NULL);
	rc = awm_appwrite_call(&c, e->a, "GET", path.ptr, NULL, NULL, "reading awm's collections");
	if (rc == AWM_ENOTFOUND) {
		awm_error_clear();
		rc = 0;
		goto done;
	}
	if (rc < 0)
		goto done;
	*ready = 1;
	json_array_foreach(json_object_get(spec, "attributes"), i, v) {
		have = awm_aw_find_key(json_object_get(c, "attributes"), awm_appwrite_jstr(v, "key"));
		if (!have || strcmp(awm_appwrite_jstr(have, "status") ? awm_appwrite_jstr(have, "status")
					: "", "available"))
			*ready = 0;
	}
	json_array_foreach(json_object_get(spec, "indexes"), i, v) {
		have = awm_aw_find_key(json_object_get(c, "indexes"), awm_appwrite_jstr(v, "key"));
		if (!have || strcmp(awm_appwrite_jstr(have, "status") ? awm_appwrite_jstr(have, "status")
					: "", "available"))
			*ready = 0;
	}
done:
	json_decref(c);
	awm_buf_release(&path);
	return rc;
}

/*
 * The database, then awm_state and awm_locks with their attributes and
 * indexes, made on first use.  Every creation is idempotent, so two runs
 * doing this at once, or one after an interrupted first, both end well.
 */
static int ensure_tables(aw_engine *e)
{
	static const char *const colls[] = { AWM_APPWRITE_STATE, AWM_APPWRITE_LOCKS };
	awm_aw_exec x = { e->a, e->timeout_ms, &e->base.interrupted };
	awm_buf path = AWM_BUF_INIT;
	json_t *body, *op;
	size_t i;
	int rc = 0, ready;

	if (!e->has_db) {
		body = json_pack("{s:s, s:s}", "databaseId", e->a->database, "name", e->a->database);
		rc = awm_appwrite_call(NULL, e->a, "POST", "/databases", body, NULL,
				       "creating the database");
		json_decref(body);
		if (rc == AWM_EEXISTS) {
			awm_error_clear();
			rc = 0;
		}
		if (rc < 0)
			return rc;
		e->has_db = 1;
	}
	for (i = 0; rc == 0 && i < 2; i++) {
		op = bookkeeping_op(colls[i]);
		if ((rc = bookkeeping_ready(&ready, e, colls[i], op)) == 0 && !ready)
			rc = awm_aw_op_run(&x, op);
		json_decref(op);
	}
	if (rc < 0)
		awm_error_prefix("cannot set up awm's collections in '%s'", e->base.url ? e->base.url
				 : e->a->shown);
	else
		e->has_tables = 1;
	awm_buf_release(&path);
	return rc;
}

static void aw_close(awm_engine *base)
{
	aw_engine *e = (aw_engine *)base;

	awm_appwrite_free(e->a);
	free(e);
}

static int read_timeout(int64_t *out, awm_repo *repo)
{
	awm_buf v = AWM_BUF_INIT;
	int rc = 0;

	*out = AWM_APPWRITE_TIMEOUT_MS;
	if (repo && awm_config_get_string(&v, repo->config, "appwrite.timeout") == 0) {
		if ((rc = awm_env_parse_duration(out, v.ptr)) < 0)
			awm_error_prefix("configuration key 'appwrite.timeout'");
	} else {
		awm_error_clear();
	}
	awm_buf_release(&v);
	return rc;
}

static int open_url(awm_engine **out, awm_repo *repo, const char *url, unsigned flags)
{
	aw_engine *e = awm_calloc(1, sizeof(*e));
	json_t *db = NULL;
	awm_buf path = AWM_BUF_INIT;
	int rc, ready = 0;

	e->repo = repo;
	if ((rc = read_timeout(&e->timeout_ms, repo)) < 0 || (rc = awm_appwrite_new(&e->a, url)) < 0)
		goto fail;
	e->a->interrupted = &e->base.interrupted;
	awm_buf_printf(&path, "/databases/%s", e->a->database);
	rc = awm_appwrite_call(&db, e->a, "GET", path.ptr, NULL, NULL, "reading the database");
	json_decref(db);
	if (rc == AWM_ENOTFOUND) {
		awm_error_clear();
		rc = 0;
	} else if (rc == 0) {
		e->has_db = 1;
	}
	if (rc < 0)
		goto fail;
	if (flags & AWM_ENGINE_WRITE) {
		if ((rc = ensure_tables(e)) < 0)
			goto fail;
	} else if (e->has_db) {
		json_t *op = bookkeeping_op(AWM_APPWRITE_STATE);

		rc = bookkeeping_ready(&ready, e, AWM_APPWRITE_STATE, op);
		json_decref(op);
		e->has_tables = ready;
		if (rc < 0)
			goto fail;
	}
	awm_buf_release(&path);
	*out = &e->base;
	return 0;
fail:
	awm_buf_release(&path);
	aw_close(&e->base);
	return rc;
}

static int open_https(awm_engine **out, awm_repo *repo, const char *location, unsigned flags)
{
	awm_buf url = AWM_BUF_INIT;
	int rc;

	awm_buf_printf(&url, "appwrite://%s", location);
	rc = open_url(out, repo, url.ptr, flags);
	awm_buf_release(&url);
	return rc;
}

static int open_http(awm_engine **out, awm_repo *repo, const char *location, unsigned flags)
{
	awm_buf url = AWM_BUF_INIT;
	int rc;

	awm_buf_printf(&url, "appwrite+http://%s", location);
	rc = open_url(out, repo, url.ptr, flags);
	awm_buf_release(&url);
	return rc;
}

static int check_url(const char *url)
{
	awm_appwrite_url u;
	int rc = awm_appwrite_url_parse(&u, url);

	awm_appwrite_url_release(&u);
	return rc;
}

/* ---- the live schema ---- */

int awm_aw_engine_live(awm_aw_schema **out, aw_engine *e)
{
	json_t *all = json_array(), *page = NULL, *q;
	awm_buf path = AWM_BUF_INIT, base = AWM_BUF_INIT;
	const char *last = NULL;
	char *cursor = NULL;
	int rc = 0;

	if (!e->has_db) {
		json_decref(all);
		*out = awm_aw_schema_new();
		return 0;
	}
	awm_aw_coll_path(&base, e, NULL, NULL);
	do {
		q = json_pack("[o]", awm_appwrite_query("limit", NULL, json_pack("[i]", PAGE)));
		if (cursor)
			json_array_append_new(q, awm_appwrite_query("cursorAfter", NULL,
								    json_pack("[s]", cursor)));
		awm_appwrite_query_path(&path, base.ptr, q);
		json_decref(page);
		if ((rc = awm_appwrite_call(&page, e->a, "GET", path.ptr, NULL, NULL,
					    "reading the collections")) < 0)
			break;
		json_array_extend(all, json_object_get(page, "collections"));
		free(cursor);
		cursor = NULL;
		if (json_array_size(json_object_get(page, "collections")) == PAGE) {
			last = awm_appwrite_jstr(json_array_get(json_object_get(page, "collections"),
							       PAGE - 1), "$id");
			cursor = last ? awm_strdup(last) : NULL;
		}
	} while (cursor);
	if (rc == 0)
		rc = awm_aw_schema_from_api(out, all, e->a->shown);
	free(cursor);
	json_decref(page);
	json_decref(all);
	awm_buf_release(&path);
	awm_buf_release(&base);
	return rc;
}

static int aw_snapshot(awm_schema **out, awm_engine *base)
{
	awm_aw_schema *s;
	int rc = awm_aw_engine_live(&s, (aw_engine *)base);

	if (rc < 0)
		return rc;
	rc = awm_aw_schema_to_awm(out, s);
	awm_aw_schema_free(s);
	return rc;
}

/* ---- history documents ---- */

void awm_aw_row_release(aw_row *r)
{
	free(r->doc_id);
	free(r->record_id);
	free(r->status);
	json_decref(r->payload);
	memset(r, 0, sizeof(*r));
}

static void row_from_doc(aw_row *out, json_t *doc)
{
	const char *payload = awm_appwrite_jstr(doc, "payload");

	memset(out, 0, sizeof(*out));
	out->doc_id = awm_strdup(awm_appwrite_jstr(doc, "$id") ? awm_appwrite_jstr(doc, "$id") : "");
	out->seq = json_integer_value(json_object_get(doc, "$sequence"));
	out->record_id = awm_strdup(awm_appwrite_jstr(doc, "record_id") ?
				    awm_appwrite_jstr(doc, "record_id") : "");
	out->status = awm_strdup(awm_appwrite_jstr(doc, "status") ? awm_appwrite_jstr(doc, "status")
				 : "");
	out->payload = payload ? json_loads(payload, 0, NULL) : NULL;
	if (!json_is_object(out->payload)) {
		json_decref(out->payload);
		out->payload = json_object();
	}
}

/* Documents of awm_state matching `filters` (stolen), in $sequence order. */
static int list_rows(json_t **out, aw_engine *e, json_t *filters, int desc, int limit)
{
	awm_buf base = AWM_BUF_INIT, path = AWM_BUF_INIT;
	json_t *all = json_array(), *page = NULL, *q;
	char *cursor = NULL;
	size_t i;
	int rc = 0;

	awm_aw_coll_path(&base, e, AWM_APPWRITE_STATE, "/documents");
	do {
		int n = limit && limit < PAGE ? limit : PAGE;

		q = json_deep_copy(filters);
		json_array_append_new(q, awm_appwrite_query(desc ? "orderDesc" : "orderAsc",
							    "$sequence", NULL));
		json_array_append_new(q, awm_appwrite_query("limit", NULL, json_pack("[i]", n)));
		if (cursor)
			json_array_append_new(q, awm_appwrite_query("cursorAfter", NULL,
								    json_pack("[s]", cursor)));
		awm_appwrite_query_path(&path, base.ptr, q);
		json_decref(page);
		if ((rc = awm_appwrite_call(&page, e->a, "GET", path.ptr, NULL, NULL,
					    "reading the history")) < 0)
			break;
		json_array_extend(all, json_object_get(page, "documents"));
		free(cursor);
		cursor = NULL;
		i = json_array_size(json_object_get(page, "documents"));
		if (i == (size_t)n && (!limit || json_array_size(all) < (size_t)limit))
			cursor = awm_strdup(awm_appwrite_jstr(json_array_get(
				json_object_get(page, "documents"), i - 1), "$id"));
	} while (cursor);
	json_decref(filters);
	json_decref(page);
	free(cursor);
	awm_buf_release(&base);
	awm_buf_release(&path);
	if (rc < 0)
		json_decref(all);
	else
		*out = all;
	return rc;
}

static int aw_history(awm_history *out, awm_engine *base)
{
	aw_engine *e = (aw_engine *)base;
	json_t *docs, *d;
	size_t i;
	int rc;

	if (!e->has_tables)
		return 0;
	if ((rc = list_rows(&docs, e, json_array(), 0, 0)) < 0)
		return rc;
	json_array_foreach(docs, i, d) {
		awm_history_row *r;
		const char *st = awm_appwrite_jstr(d, "status"), *p = awm_appwrite_jstr(d, "payload");
		int status = st ? awm_row_status_parse(st) : -1;

		AWM_ARRAY_GROW(out->rows, out->nr + 1, out->alloc);
		r = &out->rows[out->nr++];
		memset(r, 0, sizeof(*r));
		r->id = json_integer_value(json_object_get(d, "$sequence"));
		r->record_type = awm_strdup(awm_appwrite_jstr(d, "record_type") ?
					    awm_appwrite_jstr(d, "record_type") : "");
		r->record_id = awm_strdup(awm_appwrite_jstr(d, "record_id") ?
					  awm_appwrite_jstr(d, "record_id") : "");
		if (awm_oid_fromhex(&r->commit, r->record_id) < 0)
			awm_oid_clear(&r->commit);
		r->status = status < 0 ? AWM_ROW_FAILED : (awm_row_status)status;
		r->created_at = awm_strdup(awm_appwrite_jstr(d, "created_at") ?
					   awm_appwrite_jstr(d, "created_at") : "");
		r->updated_at = awm_strdup(awm_appwrite_jstr(d, "updated_at") ?
					   awm_appwrite_jstr(d, "updated_at") : "");
		r->payload = awm_strdup(p ? p : "{}");
	}
	json_decref(docs);
	return 0;
}

int awm_aw_row_load(aw_row *out, aw_engine *e, int64_t seq)
{
	json_t *docs;
	int rc = list_rows(&docs, e, json_pack("[o]", awm_appwrite_query("equal", "$sequence",
							       json_pack("[I]", (json_int_t)seq))), 0, 1);

	memset(out, 0, sizeof(*out));
	if (rc < 0)
		return rc;
	if (!json_array_size(docs))
		rc = awm_error_set(AWM_ENOTFOUND, "history row %lld of '%s' is gone",
				   (long long)seq, e->a->shown);
	else
		row_from_doc(out, json_array_get(docs, 0));
	json_decref(docs);
	return rc;
}

int awm_aw_row_top(aw_row *out, int *found, aw_engine *e)
{
	json_t *f = json_pack("[o, o]",
			      awm_appwrite_query("equal", "record_type", json_pack("[s]", "migration")),
			      awm_appwrite_query("equal", "status", json_pack("[s, s]", "applied",
										 "pending")));
	json_t *docs;
	int rc = list_rows(&docs, e, f, 1, 1);

	memset(out, 0, sizeof(*out));
	*found = 0;
	if (rc < 0)
		return rc;
	if (json_array_size(docs)) {
		row_from_doc(out, json_array_get(docs, 0));
		*found = 1;
	}
	json_decref(docs);
	return 0;
}

int awm_aw_row_create(aw_row *out, aw_engine *e, const char *record_type,
		      const char *record_id, const char *status, json_t *payload)
{
	awm_buf path = AWM_BUF_INIT, now = AWM_BUF_INIT;
	json_t *body, *doc = NULL;
	char id[21], *text = json_dumps(payload, JSON_COMPACT);
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = awm_random_hex(id, 10)) < 0)
		goto done;
	awm_engine_format_time(&now, awm_engine_now_ms());
	awm_aw_coll_path(&path, e, AWM_APPWRITE_STATE, "/documents");
	body = json_pack("{s:s, s:{s:s, s:s, s:s, s:s, s:s, s:s}}", "documentId", id, "data",
			 "record_type", record_type, "record_id", record_id, "status", status,
			 "payload", text, "created_at", now.ptr, "updated_at", now.ptr);
	rc = awm_appwrite_call(&doc, e->a, "POST", path.ptr, body, NULL, "writing the history");
	json_decref(body);
	if (rc == AWM_EEXISTS) {
		/* Our own create, whose answer was lost and which was sent again. */
		awm_error_clear();
		awm_buf_printf(&path, "/%s", id);
		rc = awm_appwrite_call(&doc, e->a, "GET", path.ptr, NULL, NULL, "reading the history");
	}
	if (rc == 0) {
		row_from_doc(out, doc);
		json_decref(out->payload);
		out->payload = json_incref(payload);
	}
done:
	json_decref(doc);
	free(text);
	awm_buf_release(&path);
	awm_buf_release(&now);
	return rc;
}

int awm_aw_row_update(aw_engine *e, aw_row *row, const char *status, json_t *payload)
{
	awm_buf path = AWM_BUF_INIT, now = AWM_BUF_INIT;
	json_t *data = json_object(), *body;
	char *text = payload ? json_dumps(payload, JSON_COMPACT) : NULL;
	int rc;

	awm_engine_format_time(&now, awm_engine_now_ms());
	json_object_set_new(data, "updated_at", json_string(now.ptr));
	if (status)
		json_object_set_new(data, "status", json_string(status));
	if (text)
		json_object_set_new(data, "payload", json_string(text));
	body = json_pack("{s:o}", "data", data);
	awm_aw_coll_path(&path, e, AWM_APPWRITE_STATE, "/documents/");
	awm_buf_puts(&path, row->doc_id);
	rc = awm_appwrite_call(NULL, e->a, "PATCH", path.ptr, body, NULL, "writing the history");
	if (rc == 0 && status) {
		free(row->status);
		row->status = awm_strdup(status);
	}
	json_decref(body);
	free(text);
	awm_buf_release(&path);
	awm_buf_release(&now);
	return rc;
}

static int aw_reset(size_t *removed, awm_engine *base, const awm_lock_request *held)
{
	aw_engine *e = (aw_engine *)base;
	awm_buf path = AWM_BUF_INIT;
	json_t *docs, *d;
	size_t i;
	int rc;

	if (!e->has_tables)
		return 0;
	if ((rc = awm_aw_check_lock(e, held, 1)) < 0 ||
	    (rc = list_rows(&docs, e, json_array(), 0, 0)) < 0)
		return rc;
	json_array_foreach(docs, i, d) {
		awm_aw_coll_path(&path, e, AWM_APPWRITE_STATE, "/documents/");
		awm_buf_puts(&path, awm_appwrite_jstr(d, "$id"));
		rc = awm_appwrite_call(NULL, e->a, "DELETE", path.ptr, NULL, NULL,
				       "deleting the history");
		if (rc == AWM_ENOTFOUND) {
			awm_error_clear();
			rc = 0;
		}
		if (rc < 0)
			break;
		(*removed)++;
	}
	json_decref(docs);
	awm_buf_release(&path);
	return rc;
}

static void aw_interrupt(awm_engine *base)
{
	(void)base;   /* the flag in the handle is what every loop checks */
}

#define APPWRITE_OPS(name, scheme_, open_)			\
	const awm_engine_ops name = {				\
		.scheme = scheme_,				\
		.schema_engine = AWM_APPWRITE_ENGINE,		\
		.caps = 0,					\
		.open = open_,					\
		.close = aw_close,				\
		.snapshot = aw_snapshot,			\
		.history = aw_history,				\
		.step = awm_aw_engine_step,			\
		.lock = awm_aw_lock,				\
		.unlock = awm_aw_unlock,				\
		.lock_read = awm_aw_lock_read,			\
		.reset = aw_reset,				\
		.interrupt = aw_interrupt,			\
		.preview = awm_aw_engine_preview,		\
		.check_url = check_url,				\
	}

APPWRITE_OPS(awm_engine_appwrite, "appwrite", open_https);
APPWRITE_OPS(awm_engine_appwrite_http, "appwrite+http", open_http);
