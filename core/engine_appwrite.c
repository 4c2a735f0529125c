/*
 * The Appwrite engine (see engine_appwrite.h and docs/appwrite.md):
 * opening a database, awm's two collections in it, and the live schema.
 * The history is in engine_appwrite_rows.c, the lock in
 * engine_appwrite_lock.c, steps in engine_appwrite_step.c, and `awm
 * relationships` in engine_appwrite_rel.c.
 */
#include "core/engine_appwrite.h"
#include "core/config.h"
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

static int available(json_t *item)
{
	const char *st = awm_appwrite_jstr(item, "status");

	return item && st && !strcmp(st, "available");
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
		*ready &= available(have);
	}
	json_array_foreach(json_object_get(spec, "indexes"), i, v) {
		have = awm_aw_find_key(json_object_get(c, "indexes"), awm_appwrite_jstr(v, "key"));
		*ready &= available(have);
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
	json_t *op;
	size_t i;
	int rc = 0, ready;

	if (!e->has_db) {
		if ((rc = awm_appwrite_create_database(e->a)) < 0)
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
	json_t *all = NULL;
	awm_buf base = AWM_BUF_INIT;
	int rc;

	if (!e->has_db) {
		*out = awm_aw_schema_new();
		return 0;
	}
	awm_aw_coll_path(&base, e, NULL, NULL);
	rc = awm_appwrite_list(&all, e->a, base.ptr, "collections", json_array(), PAGE, 0,
			       "reading the collections");
	if (rc == 0)
		rc = awm_aw_schema_from_api(out, all, e->a->shown);
	json_decref(all);
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
		.history = awm_aw_history,				\
		.step = awm_aw_engine_step,			\
		.lock = awm_aw_lock,				\
		.unlock = awm_aw_unlock,				\
		.lock_read = awm_aw_lock_read,			\
		.reset = awm_aw_reset,				\
		.interrupt = aw_interrupt,			\
		.preview = awm_aw_engine_preview,		\
		.check_url = check_url,				\
	}

APPWRITE_OPS(awm_engine_appwrite, "appwrite", open_https);
APPWRITE_OPS(awm_engine_appwrite_http, "appwrite+http", open_http);
