/*
 * The Appwrite engine's history (see engine_appwrite.h): documents of
 * awm_state, in $sequence order, which is their row id; reading, writing
 * and wiping them.
 */
#include "core/engine_appwrite.h"
#include "core/crypto.h"
#include "core/error.h"

#include <stdlib.h>
#include <string.h>

#define PAGE 100

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
	awm_buf base = AWM_BUF_INIT;
	int rc;

	awm_aw_coll_path(&base, e, AWM_APPWRITE_STATE, "/documents");
	json_array_append_new(filters, awm_appwrite_query(desc ? "orderDesc" : "orderAsc",
							  "$sequence", NULL));
	rc = awm_appwrite_list(out, e->a, base.ptr, "documents", filters, PAGE,
			       limit > 0 ? (size_t)limit : 0, "reading the history");
	awm_buf_release(&base);
	return rc;
}

int awm_aw_history(awm_history *out, awm_engine *base)
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

int awm_aw_reset(size_t *removed, awm_engine *base, const awm_lock_request *held)
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

