/*
 * Running Appwrite schema operations through the REST API (see
 * awm_aw_op_steps and awm_aw_op_run in appwrite_plan.h): the calls each
 * operation makes, and the waits for Appwrite's asynchronous attribute and
 * index lifecycle (processing -> available or failed; deleting -> gone).
 */
#include "core/appwrite_plan.h"
#include "core/error.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define POLL_FIRST_MS 20
#define POLL_CAP_MS 500

static const char *jstr(json_t *o, const char *k)
{
	const char *s = awm_appwrite_jstr(o, k);

	return s ? s : "";
}

static void add_call(json_t *steps, const char *method, const char *path, json_t *body,
		     const char *ok)
{
	json_t *call = json_pack("{s:s, s:s}", "method", method, "path", path);

	json_object_set_new(call, "body", body ? body : json_null());
	json_array_append_new(steps, json_pack("{s:o, s:[s?]}", "call", call, "ok", ok));
}

static void add_wait(json_t *steps, const char *what, const char *coll, const char *key,
		     const char *until)
{
	json_t *w = json_pack("{s:s, s:s, s:s}", "wait", what, "collection", coll, "until", until);

	if (key)
		json_object_set_new(w, "key", json_string(key));
	json_array_append_new(steps, w);
}

/* The attribute endpoint: string, email, enum, url, ip, integer, float, boolean, datetime. */
static const char *endpoint(json_t *a)
{
	const char *type = jstr(a, "type"), *fmt = awm_appwrite_jstr(a, "format");

	if (!strcmp(type, "string"))
		return fmt && *fmt ? fmt : "string";
	if (!strcmp(type, "double"))
		return "float";
	return type;
}

static json_t *attribute_body(json_t *a, int update)
{
	const char *ep = endpoint(a);
	json_t *b = json_object();

	if (!update) {
		json_object_set(b, "key", json_object_get(a, "key"));
		json_object_set(b, "array", json_object_get(a, "array"));
	}
	json_object_set(b, "required", json_object_get(a, "required"));
	json_object_set(b, "default", json_object_get(a, "default"));
	if (!strcmp(ep, "string")) {
		json_object_set(b, "size", json_object_get(a, "size"));
		if (!update)
			json_object_set(b, "encrypt", json_object_get(a, "encrypt"));
	} else if (!strcmp(ep, "enum")) {
		json_object_set(b, "elements", json_object_get(a, "elements"));
	} else if (!strcmp(ep, "integer") || !strcmp(ep, "float")) {
		json_object_set(b, "min", json_object_get(a, "min"));
		json_object_set(b, "max", json_object_get(a, "max"));
	}
	return b;
}

static void create_attribute(json_t *steps, const char *base, const char *coll, json_t *a)
{
	awm_buf path = AWM_BUF_INIT;

	awm_buf_printf(&path, "%s/%s/attributes/%s", base, coll, endpoint(a));
	add_call(steps, "POST", path.ptr, attribute_body(a, 0), "attribute_already_exists");
	add_wait(steps, "attribute", coll, jstr(a, "key"), "available");
	awm_buf_release(&path);
}

static void create_index(json_t *steps, const char *base, const char *coll, json_t *idx)
{
	awm_buf path = AWM_BUF_INIT;
	size_t i;
	json_t *v;

	/* Appwrite refuses an index on an attribute that is still being made. */
	json_array_foreach(json_object_get(idx, "attributes"), i, v)
		if (json_string_value(v)[0] != '$')
			add_wait(steps, "attribute", coll, json_string_value(v), "available");
	awm_buf_printf(&path, "%s/%s/indexes", base, coll);
	add_call(steps, "POST", path.ptr, json_pack("{s:O, s:O, s:O, s:O, s:O}",
		 "key", json_object_get(idx, "key"), "type", json_object_get(idx, "type"),
		 "attributes", json_object_get(idx, "attributes"),
		 "orders", json_object_get(idx, "orders"),
		 "lengths", json_object_get(idx, "lengths")), "index_already_exists");
	add_wait(steps, "index", coll, jstr(idx, "key"), "available");
	awm_buf_release(&path);
}

static json_t *collection_body(json_t *meta, const char *id)
{
	json_t *b = json_pack("{s:O, s:O, s:O, s:O}", "name", json_object_get(meta, "name"),
			      "permissions", json_object_get(meta, "$permissions"),
			      "documentSecurity", json_object_get(meta, "documentSecurity"),
			      "enabled", json_object_get(meta, "enabled"));

	if (id)
		json_object_set_new(b, "collectionId", json_string(id));
	return b;
}

json_t *awm_aw_op_steps(json_t *op, const char *database)
{
	const char *name = jstr(op, "op"), *coll = jstr(op, "collection"), *key = jstr(op, "key");
	json_t *spec = json_object_get(op, "spec"), *old = json_object_get(op, "old");
	json_t *steps = json_array(), *v;
	awm_buf base = AWM_BUF_INIT, path = AWM_BUF_INIT;
	size_t i;

	awm_buf_printf(&base, "/databases/%s/collections", database);
	awm_buf_printf(&path, "%s/%s", base.ptr, coll);
	if (!strcmp(name, "createCollection")) {
		add_call(steps, "POST", base.ptr, collection_body(spec, coll),
			 "collection_already_exists");
		/*
		 * An undone delete brings the whole collection back: every
		 * attribute asked for at once, then waited for (Appwrite's worker
		 * makes them in the background), then the indexes.
		 */
		json_array_foreach(json_object_get(spec, "attributes"), i, v) {
			awm_buf_clear(&path);
			awm_buf_printf(&path, "%s/%s/attributes/%s", base.ptr, coll, endpoint(v));
			add_call(steps, "POST", path.ptr, attribute_body(v, 0), "attribute_already_exists");
		}
		json_array_foreach(json_object_get(spec, "attributes"), i, v)
			add_wait(steps, "attribute", coll, jstr(v, "key"), "available");
		json_array_foreach(json_object_get(spec, "indexes"), i, v)
			create_index(steps, base.ptr, coll, v);
	} else if (!strcmp(name, "updateCollection")) {
		add_call(steps, "PUT", path.ptr, collection_body(spec, NULL), NULL);
	} else if (!strcmp(name, "deleteCollection")) {
		add_call(steps, "DELETE", path.ptr, NULL, "collection_not_found");
		add_wait(steps, "collection", coll, NULL, "gone");
	} else if (!strcmp(name, "createAttribute")) {
		create_attribute(steps, base.ptr, coll, spec);
	} else if (!strcmp(name, "updateAttribute")) {
		add_wait(steps, "attribute", coll, key, "available");
		awm_buf_printf(&path, "/attributes/%s/%s", endpoint(spec), key);
		add_call(steps, "PATCH", path.ptr, attribute_body(spec, 1), NULL);
	} else if (!strcmp(name, "deleteAttribute") || !strcmp(name, "deleteRelationship")) {
		awm_buf_printf(&path, "/attributes/%s", key);
		add_call(steps, "DELETE", path.ptr, NULL, "attribute_not_found");
		add_wait(steps, "attribute", coll, key, "gone");
		if (json_is_true(json_object_get(old, "twoWay")))
			add_wait(steps, "attribute", jstr(old, "relatedCollection"),
				 jstr(old, "twoWayKey"), "gone");
	} else if (!strcmp(name, "createIndex")) {
		create_index(steps, base.ptr, coll, spec);
	} else if (!strcmp(name, "deleteIndex")) {
		awm_buf_printf(&path, "/indexes/%s", key);
		add_call(steps, "DELETE", path.ptr, NULL, "index_not_found");
		add_wait(steps, "index", coll, key, "gone");
	} else if (!strcmp(name, "createRelationship")) {
		awm_buf_puts(&path, "/attributes/relationship");
		add_call(steps, "POST", path.ptr, json_pack("{s:O, s:O, s:O, s:O, s:O, s:O}",
			 "relatedCollectionId", json_object_get(spec, "relatedCollection"),
			 "type", json_object_get(spec, "relationType"),
			 "twoWay", json_object_get(spec, "twoWay"), "key", json_object_get(spec, "key"),
			 "twoWayKey", json_object_get(spec, "twoWayKey"),
			 "onDelete", json_object_get(spec, "onDelete")), "attribute_already_exists");
		add_wait(steps, "attribute", coll, key, "available");
		if (json_is_true(json_object_get(spec, "twoWay")))
			add_wait(steps, "attribute", jstr(spec, "relatedCollection"),
				 jstr(spec, "twoWayKey"), "available");
	} else if (!strcmp(name, "updateRelationship")) {
		add_wait(steps, "attribute", coll, key, "available");
		awm_buf_printf(&path, "/attributes/%s/relationship", key);
		add_call(steps, "PATCH", path.ptr, json_pack("{s:O}", "onDelete",
							     json_object_get(spec, "onDelete")), NULL);
	}
	awm_buf_release(&base);
	awm_buf_release(&path);
	return steps;
}

static void nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Poll until the attribute, index or collection is available, or gone. */
static int wait_for(awm_aw_exec *x, json_t *w)
{
	const char *what = jstr(w, "wait"), *coll = jstr(w, "collection");
	const char *key = awm_appwrite_jstr(w, "key");
	int gone = !strcmp(jstr(w, "until"), "gone");
	awm_buf path = AWM_BUF_INIT, label = AWM_BUF_INIT;
	int64_t start = now_ms();
	long nap = POLL_FIRST_MS;
	const char *status = "";
	json_t *obj = NULL;
	int rc;

	awm_buf_printf(&path, "/databases/%s/collections/%s", x->a->database, coll);
	if (strcmp(what, "collection"))
		awm_buf_printf(&path, "/%s/%s", !strcmp(what, "index") ? "indexes" : "attributes", key);
	awm_buf_printf(&label, key ? "%s %s.%s" : "%s %s", what, coll, key);
	for (;;) {
		json_decref(obj);
		obj = NULL;
		if (x->interrupted && *x->interrupted) {
			rc = awm_error_set(AWM_ERROR, "interrupted");
			break;
		}
		rc = awm_appwrite_call(&obj, x->a, "GET", path.ptr, NULL, NULL, "reading");
		if (rc == AWM_ENOTFOUND) {
			if (gone) {
				awm_error_clear();
				rc = 0;
			} else {
				rc = awm_error_set(AWM_ERROR, "%s disappeared while awm waited for it "
						   "on '%s'", label.ptr, x->a->shown);
			}
			break;
		}
		if (rc < 0)
			break;
		status = strcmp(what, "collection") ? jstr(obj, "status") : "available";
		if (!gone && !strcmp(status, "available"))
			break;
		if (!gone && !strcmp(status, "failed")) {
			rc = awm_error_set(AWM_ERROR, "Appwrite failed to create %s on '%s': %s", label.ptr,
					   x->a->shown, *jstr(obj, "error") ? jstr(obj, "error") :
					   "no reason given");
			break;
		}
		if (now_ms() - start > x->timeout_ms) {
			rc = awm_error_set(AWM_ERROR, "%s on '%s' is still '%s' after %lld s; Appwrite's "
					   "worker may be slow or stuck: run again later, or raise "
					   "appwrite.timeout", label.ptr, x->a->shown, status,
					   (long long)(x->timeout_ms / 1000));
			break;
		}
		nap_ms(nap);
		nap = nap * 3 / 2 > POLL_CAP_MS ? POLL_CAP_MS : nap * 3 / 2;
	}
	json_decref(obj);
	awm_buf_release(&path);
	awm_buf_release(&label);
	return rc;
}

int awm_aw_op_run(awm_aw_exec *x, json_t *op)
{
	json_t *steps = awm_aw_op_steps(op, x->a->database), *s;
	awm_buf what = AWM_BUF_INIT;
	size_t i;
	int rc = 0;

	awm_aw_op_describe(&what, op);
	json_array_foreach(steps, i, s) {
		json_t *call = json_object_get(s, "call"), *body;
		const char *ok;

		if (!call) {
			if ((rc = wait_for(x, s)) < 0)
				break;
			continue;
		}
		ok = json_string_value(json_array_get(json_object_get(s, "ok"), 0));
		body = json_object_get(call, "body");
		rc = awm_appwrite_call(NULL, x->a, jstr(call, "method"), jstr(call, "path"),
				       json_is_null(body) ? NULL : body, NULL, what.ptr);
		if (rc < 0 && ok && awm_appwrite_last_is(x->a, ok)) {
			awm_error_clear();   /* done before: an earlier attempt's answer was lost */
			rc = 0;
		}
		if (rc < 0)
			break;
	}
	json_decref(steps);
	awm_buf_release(&what);
	return rc;
}
