/*
 * The sqlite engine's steps (see engine.h, awm_step): one commit applied
 * or rolled back, its history row, the lock check and the drift check, in
 * one transaction.  Either all of it happens or none of it does; a
 * failure then gets a `failed` row of its own.
 *
 * A SQL commit's up script runs under a session: what it changed on this
 * database (which holds data no scratch database saw) is kept with its
 * history row, and rolling back without a down section inverts exactly
 * that.  DATA and SCRIPT commits apply their changeset, which is already
 * their whole effect.
 */
#include "core/engine_sqlite.h"
#include "core/capture.h"
#include "core/changeset.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/sqlite.h"
#include "core/sqlite_schema.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const char *const undo_names[] = { "none", "down", "inverse", "inverse+down" };

int awm_sqlite_engine_schema_id(awm_oid *out, awm_schema **keep, sqlite_engine *e)
{
	awm_schema *s;
	awm_buf payload = AWM_BUF_INIT;
	int rc = awm_sqlite_schema_snapshot(&s, e->db);

	if (rc < 0)
		return rc;
	awm_schema_serialize(&payload, s);
	awm_oid_hash(out, AWM_OBJ_SCHEMA, payload.ptr, payload.size);
	awm_buf_release(&payload);
	if (keep)
		*keep = s;
	else
		awm_schema_free(s);
	return 0;
}

static json_t *hex(const awm_oid *oid)
{
	return json_string(awm_oid_tohex(oid).s);
}

/* What the payload of every row says: the commit and who acted. */
static json_t *base_payload(const awm_step *s, const char *op)
{
	const awm_commit *c = s->commit;
	json_t *j = json_object(), *parents = json_array();
	size_t i;

	json_object_set_new(j, "op", json_string(op));
	json_object_set_new(j, "commit", hex(&c->oid));
	for (i = 0; i < c->nparents; i++)
		json_array_append_new(parents, hex(&c->parents[i]));
	json_object_set_new(j, "parents", parents);
	json_object_set_new(j, "kind", json_string(awm_commit_kind_name(c->kind)));
	json_object_set_new(j, "migration", c->migration ? json_string(c->migration) : json_null());
	if (s->subject)
		json_object_set_new(j, "subject", json_string(s->subject));
	json_object_set_new(j, "by", json_string(s->lock ? s->lock->owner : "unknown"));
	return j;
}

/* {"table": t, "inserts": n, "updates": n, "deletes": n} per table. */
static int tables_json(json_t **out, const void *cs, size_t len)
{
	awm_changeset_summary sum;
	size_t i;
	int rc;

	*out = json_array();
	if (!len)
		return 0;
	if ((rc = awm_changeset_summarize(&sum, cs, len, NULL, 0)) < 0)
		return rc;
	for (i = 0; i < sum.nr; i++)
		json_array_append_new(*out, json_pack("{s:s, s:I, s:I, s:I}", "table",
						       sum.tables[i].name,
						       "inserts", (json_int_t)sum.tables[i].inserts,
						       "updates", (json_int_t)sum.tables[i].updates,
						       "deletes", (json_int_t)sum.tables[i].deletes));
	awm_changeset_summary_release(&sum);
	return 0;
}

/* The applied head must still be what the plan started from. */
static int check_head(sqlite_engine *e, const awm_step *s)
{
	sqlite3_stmt *st = NULL;
	awm_oid cur, want = s->dir == AWM_DIR_DOWN ? s->commit->oid : s->head_before;
	int64_t id = 0;
	int rc, have = 0;

	awm_oid_clear(&cur);
	rc = sqlite3_prepare_v2(e->db, "SELECT id, record_id FROM awm_state WHERE status IN "
				"('applied', 'pending') ORDER BY id DESC LIMIT 1", -1, &st, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		have = 1;
		id = sqlite3_column_int64(st, 0);
		if (awm_oid_fromhex(&cur, (const char *)sqlite3_column_text(st, 1)) < 0)
			awm_oid_clear(&cur);
		rc = SQLITE_DONE;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return awm_sqlite_error(e->db, rc, "cannot read the history in '%s'", e->shown);
	if (have ? !awm_oid_equal(&cur, &want) || (s->dir == AWM_DIR_DOWN && id != s->row_id)
		 : !awm_oid_is_zero(&want))
		return awm_error_set(AWM_ECONFLICT, "database '%s' moved while this run was "
				     "planning (its applied head is now %s); run again", e->shown,
				     have ? awm_oid_short(&cur, 10).s : "nothing");
	return 0;
}

static int load_capture(awm_buf *out, int *has, sqlite_engine *e, int64_t row_id)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(e->db, "SELECT changeset FROM awm_state WHERE id = ?1",
				    -1, &st, NULL);

	*has = 0;
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, row_id);
		rc = sqlite3_step(st);
	}
	if (rc == SQLITE_ROW) {
		if (sqlite3_column_type(st, 0) != SQLITE_NULL) {
			*has = 1;
			awm_buf_put(out, sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0));
		}
		rc = SQLITE_DONE;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : awm_sqlite_error(e->db, rc, "cannot read row %lld of "
							 "the history", (long long)row_id);
}

int awm_sqlite_engine_insert_row(int64_t *row_id, sqlite_engine *e, const char *status,
				 const awm_oid *commit, json_t *payload, const awm_buf *cs)
{
	awm_buf now = AWM_BUF_INIT;
	sqlite3_stmt *st = NULL;
	char *text = json_dumps(payload, JSON_COMPACT);
	int rc;

	awm_engine_format_time(&now, awm_engine_now_ms());
	rc = sqlite3_prepare_v2(e->db, "INSERT INTO awm_state (record_type, record_id, status, "
				"created_at, updated_at, payload, changeset) VALUES ('migration', "
				"?1, ?2, ?3, ?3, ?4, ?5)", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, awm_oid_tohex(commit).s, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, now.ptr, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, text, -1, SQLITE_STATIC);
		if (cs)   /* an empty capture is a zero-length blob, not NULL */
			sqlite3_bind_blob(st, 5, cs->ptr, (int)cs->size, SQLITE_STATIC);
		rc = sqlite3_step(st);
	}
	if (rc == SQLITE_DONE && row_id)
		*row_id = sqlite3_last_insert_rowid(e->db);
	rc = rc == SQLITE_DONE ? 0 : awm_sqlite_error(e->db, rc, "cannot write the history "
						       "in '%s'", e->shown);
	sqlite3_finalize(st);
	free(text);
	awm_buf_release(&now);
	return rc;
}

/* The row keeps its payload and gains "rollback": who, when, how. */
static int mark_rolled_back(sqlite_engine *e, int64_t row_id, json_t *rollback)
{
	sqlite3_stmt *st = NULL;
	json_t *payload = NULL;
	awm_buf now = AWM_BUF_INIT;
	char *text = NULL;
	int rc = sqlite3_prepare_v2(e->db, "SELECT payload FROM awm_state WHERE id = ?1",
				    -1, &st, NULL);

	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, row_id);
		if ((rc = sqlite3_step(st)) == SQLITE_ROW)
			payload = json_loads((const char *)sqlite3_column_text(st, 0), 0, NULL);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (!payload || !json_is_object(payload)) {
		json_decref(payload);
		payload = json_object();
	}
	awm_engine_format_time(&now, awm_engine_now_ms());
	json_object_set_new(rollback, "at", json_string(now.ptr));
	json_object_set(payload, "rollback", rollback);
	text = json_dumps(payload, JSON_COMPACT);
	rc = sqlite3_prepare_v2(e->db, "UPDATE awm_state SET status = 'rolled_back', "
				"updated_at = ?1, payload = ?2 WHERE id = ?3 AND status = 'applied'",
				-1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, now.ptr, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, row_id);
		rc = sqlite3_step(st);
	}
	if (rc != SQLITE_DONE)
		rc = awm_sqlite_error(e->db, rc, "cannot update the history in '%s'", e->shown);
	else if (sqlite3_changes(e->db) != 1)
		rc = awm_error_set(AWM_ECONFLICT, "history row %lld of '%s' is no longer applied",
				   (long long)row_id, e->shown);
	else
		rc = 0;
	sqlite3_finalize(st);
	json_decref(payload);
	free(text);
	awm_buf_release(&now);
	return rc;
}

/* The schema the history expects; the empty one need not be stored. */
static int expected_schema(awm_schema **out, sqlite_engine *e, const awm_step *s)
{
	awm_oid empty;

	awm_engine_empty_schema(&empty, &e->base);
	if (awm_oid_equal(s->expect_schema, &empty)) {
		*out = awm_schema_new(e->base.ops->schema_engine);
		return 0;
	}
	return awm_schema_read(out, s->repo->odb, s->expect_schema);
}

static int check_drift(awm_step_result *out, sqlite_engine *e, const awm_step *s,
		       const awm_schema *live)
{
	awm_schema *want = NULL;
	awm_buf report = AWM_BUF_INIT;
	int rc;

	if (!s->expect_schema || awm_oid_equal(&out->schema, s->expect_schema))
		return 0;
	if ((rc = expected_schema(&want, e, s)) < 0)
		return rc;
	awm_drift_compare(&out->drift, want, live);
	awm_schema_free(want);
	if (s->accept_drift)
		return 0;
	awm_drift_format(&report, &out->drift, "  ");
	rc = awm_error_set(AWM_ERROR, "drift: after %s %s the schema of '%s' is not the one "
			   "the history records; nothing of this step was kept:\n%s"
			   "fix the database, or run again with --accept-drift",
			   s->dir == AWM_DIR_UP ? "applying" : "rolling back",
			   awm_oid_short(&s->commit->oid, 10).s, e->shown, report.ptr);
	awm_buf_release(&report);
	return rc;
}

/* The work of an up step, and the "changes" its row records. */
static int run_up(json_t *changes, awm_buf *captured, int *has_captured,
		  sqlite_engine *e, const awm_step *s)
{
	const awm_commit *c = s->commit;
	awm_capture_session *sess = NULL;
	awm_capture cap;
	json_t *tables = NULL, *untracked;
	size_t i;
	int rc;

	memset(&cap, 0, sizeof(cap));
	if (c->kind != AWM_KIND_SQL) {
		/*
		 * The commit's changeset is the whole effect: the row names it
		 * rather than counting it again, which would cost as much as a
		 * good part of applying it.
		 */
		if ((rc = awm_replay_up_ex(e->db, s->repo, c, s->replay_flags)) < 0)
			return rc;
		json_object_set_new(changes, "method", json_string(
			c->kind == AWM_KIND_SCRIPT && (s->replay_flags & AWM_REPLAY_RERUN_SCRIPTS) ?
			"script" : c->has_up ? "sql+changeset" : "changeset"));
		if (c->has_changeset)
			json_object_set_new(changes, "changeset", hex(&c->changeset));
		return 0;
	}
	if ((rc = awm_capture_begin(&sess, e->db)) < 0)
		return rc;
	if ((rc = awm_replay_up(e->db, s->repo, c)) < 0) {
		awm_capture_abort(sess);
		return rc;
	}
	if ((rc = awm_capture_end(&cap, sess)) < 0)
		return rc;
	if (rc == AWM_CAPTURE_SHAPE_CHANGED) {
		/*
		 * A table rebuild: its rows moved with a schema change, which only
		 * a down section can undo (a rollback without one is refused).
		 */
		json_object_set_new(changes, "method", json_string("sql"));
		json_object_set_new(changes, "captured", json_false());
		return 0;
	}
	*has_captured = 1;
	awm_buf_put(captured, cap.changeset.ptr, cap.changeset.size);
	json_object_set_new(changes, "method", json_string("sql"));
	rc = tables_json(&tables, cap.changeset.ptr, cap.changeset.size);
	if (cap.no_pk_nr) {
		/* Rows a changeset cannot describe: only a down section undoes them. */
		untracked = json_array();
		for (i = 0; i < cap.no_pk_nr; i++)
			json_array_append_new(untracked, json_string(cap.no_pk_tables[i]));
		json_object_set_new(changes, "untracked", untracked);
	}
	if (tables)
		json_object_set_new(changes, "tables", tables);
	awm_capture_release(&cap);
	return rc;
}

/* A failed step gets a row of its own, outside the undone transaction. */
static void record_failure(sqlite_engine *e, const awm_step *s)
{
	char *msg = awm_strdup(awm_error_last());
	int code = awm_error_code();
	json_t *payload = base_payload(s, s->dir == AWM_DIR_UP ? "apply" : "rollback");

	json_object_set_new(payload, "error", json_string(msg));
	if (s->dir == AWM_DIR_DOWN)
		json_object_set_new(payload, "row", json_integer(s->row_id));
	if (awm_sqlite_engine_begin(e) == 0) {
		if (awm_sqlite_engine_insert_row(NULL, e, "failed", &s->commit->oid, payload,
						 NULL) == 0)
			awm_sqlite_exec(e->db, "COMMIT");
		awm_sqlite_engine_rollback(e);
	}
	json_decref(payload);
	awm_error_set(code, "%s", msg);   /* the step's error, not the bookkeeping's */
	free(msg);
}

int awm_sqlite_engine_step(awm_step_result *out, awm_engine *base, const awm_step *s)
{
	sqlite_engine *e = (sqlite_engine *)base;
	awm_buf captured = AWM_BUF_INIT;
	awm_schema *live = NULL;
	awm_oid before;
	json_t *payload = base_payload(s, s->dir == AWM_DIR_UP ? "apply" : "rollback");
	json_t *changes = json_object();
	int rc, has_captured = 0, failed_row = 0;

	if (s->resume) {
		rc = awm_error_set(AWM_EINVALID, "sqlite steps are atomic; there is no half-done "
				   "step to resume");
		goto done;
	}
	if ((rc = awm_sqlite_engine_begin(e)) < 0)
		goto done;
	/* Still ours, and still where the plan started: else nothing is written. */
	if ((rc = awm_sqlite_engine_check_lock(e, s->lock, 0)) < 0 || (rc = check_head(e, s)) < 0)
		goto done;
	failed_row = 1;
	if ((rc = awm_sqlite_engine_schema_id(&before, NULL, e)) < 0)
		goto done;
	if (s->dir == AWM_DIR_UP) {
		rc = run_up(changes, &captured, &has_captured, e, s);
	} else if ((rc = load_capture(&captured, &has_captured, e, s->row_id)) == 0) {
		rc = awm_replay_down(e->db, s->repo, s->commit, captured.ptr, captured.size,
				     has_captured);
	}
	if (rc < 0 || (rc = awm_sqlite_engine_schema_id(&out->schema, &live, e)) < 0 ||
	    (rc = check_drift(out, e, s, live)) < 0)
		goto done;
	if (s->dir == AWM_DIR_UP) {
		json_object_set_new(payload, "checksum", hex(&out->schema));
		json_object_set_new(payload, "schema_before", hex(&before));
		json_object_set(payload, "changes", changes);
		awm_drift_json(payload, &out->drift);
		rc = awm_sqlite_engine_insert_row(&out->row_id, e, "applied", &s->commit->oid,
						  payload, has_captured ? &captured : NULL);
	} else {
		json_t *rb = json_pack("{s:s, s:s, s:o, s:o}", "by", s->lock ? s->lock->owner : "unknown",
				       "method", undo_names[s->undo], "checksum", hex(&out->schema),
				       "schema_before", hex(&before));

		awm_drift_json(rb, &out->drift);
		out->row_id = s->row_id;
		rc = mark_rolled_back(e, s->row_id, rb);
		json_decref(rb);
	}
	if (rc < 0 || (rc = s->release_lock ? awm_sqlite_engine_drop_lock(e, s->lock)
					      : awm_sqlite_engine_check_lock(e, s->lock, 1)) < 0)
		goto done;
	if (awm_fault("step-commit")) {
		rc = awm_error_set(AWM_ERROR, "fault injected before committing %s",
				   awm_oid_short(&s->commit->oid, 10).s);
		goto done;
	}
	rc = awm_sqlite_exec(e->db, "COMMIT");
done:
	if (rc < 0) {
		awm_sqlite_engine_rollback(e);
		/* A failing migration is an error, not a rebase-style conflict (exit 4). */
		if (failed_row && rc == AWM_ECONFLICT) {
			char *msg = awm_strdup(awm_error_last());

			rc = awm_error_set(AWM_ERROR, "%s", msg);
			free(msg);
		}
		if (failed_row && rc != AWM_ELOCKED && !e->base.interrupted)
			record_failure(e, s);
		else if (e->base.interrupted)
			rc = awm_error_set(AWM_ERROR, "interrupted; %s %s was undone",
					   s->dir == AWM_DIR_UP ? "applying" : "rolling back",
					   awm_oid_short(&s->commit->oid, 10).s);
	}
	awm_schema_free(live);
	awm_buf_release(&captured);
	json_decref(payload);
	json_decref(changes);
	return rc;
}
