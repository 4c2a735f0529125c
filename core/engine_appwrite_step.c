/*
 * The Appwrite engine's steps (see engine.h, awm_step; docs/appwrite.md,
 * "Steps that can stop half-way").
 *
 * Appwrite has no transactions, so a step is a list F of operations
 * (appwrite_plan.h) and a cursor over it, both kept in the step's history
 * document: payload.ops is F, fixed when the row is created, and
 * payload.progress is {"at": k, "moving": "up"|"down"}:
 *
 *   moving up at k     F[0..k) are in effect; F[k] may be half-done
 *   moving down at k   F[0..k) are in effect, but F[k-1] may be half-undone
 *
 * Moving up runs F[k] and moves to k + 1; moving down runs the inverse of
 * F[k-1] and moves to k - 1; the row is written after every operation.
 * Every operation is idempotent, so whatever stopped the process, a later
 * run reads the cursor and goes on either way: to the end (the row becomes
 * applied) or back to the start (rolled back, or failed).  Turning round
 * first redoes (or undoes) the operation that may have been half-done.
 * So each operation of F is recorded exactly once, and an interrupted
 * step resumes or rolls back exactly.
 */
#include "core/engine_appwrite.h"
#include "core/error.h"
#include "core/fs.h"

#include <stdlib.h>
#include <string.h>

static json_t *hex(const awm_oid *oid)
{
	return json_string(awm_oid_tohex(oid).s);
}

/* What the payload of every row says: the commit and who acted. */
static json_t *base_payload(const awm_step *s)
{
	const awm_commit *c = s->commit;
	json_t *j = json_object(), *parents = json_array();
	size_t i;

	json_object_set_new(j, "op", json_string("apply"));
	json_object_set_new(j, "commit", hex(&c->oid));
	for (i = 0; i < c->nparents; i++)
		json_array_append_new(parents, hex(&c->parents[i]));
	json_object_set_new(j, "parents", parents);
	json_object_set_new(j, "kind", json_string("schema"));
	json_object_set_new(j, "migration", c->migration ? json_string(c->migration) : json_null());
	if (s->subject)
		json_object_set_new(j, "subject", json_string(s->subject));
	json_object_set_new(j, "by", json_string(s->lock ? s->lock->owner : "unknown"));
	return j;
}

static int schema_id(awm_oid *out, const awm_aw_schema *s, awm_schema **keep)
{
	awm_schema *as;
	awm_buf payload = AWM_BUF_INIT;
	int rc = awm_aw_schema_to_awm(&as, s);

	if (rc < 0)
		return rc;
	awm_schema_serialize(&payload, as);
	awm_oid_hash(out, AWM_OBJ_SCHEMA, payload.ptr, payload.size);
	awm_buf_release(&payload);
	if (keep)
		*keep = as;
	else
		awm_schema_free(as);
	return 0;
}

/* The schema object `id` as a model; the engine's empty schema need not be stored. */
int awm_aw_read_schema(awm_aw_schema **out, awm_engine *e, awm_repo *repo, const awm_oid *id)
{
	awm_schema *s;
	awm_oid empty;
	int rc;

	awm_engine_empty_schema(&empty, e);
	if (awm_oid_equal(id, &empty)) {
		*out = awm_aw_schema_new();
		return 0;
	}
	if ((rc = awm_schema_read(&s, repo->odb, id)) < 0)
		return rc;
	rc = awm_aw_schema_from_awm(out, s);
	awm_schema_free(s);
	return rc;
}

/* ---- the cursor ---- */

void awm_aw_cursor_load(awm_aw_cursor *c, json_t *payload)
{
	json_t *prog = json_object_get(payload, "progress");
	const char *moving = awm_appwrite_jstr(prog, "moving");

	c->ops = json_object_get(payload, "ops");
	c->n = json_array_size(c->ops);
	c->at = (size_t)json_integer_value(json_object_get(prog, "at"));
	if (c->at > c->n)
		c->at = c->n;
	c->up = !moving || strcmp(moving, "down");
}

void awm_aw_cursor_store(json_t *payload, const awm_aw_cursor *c)
{
	json_object_set_new(payload, "progress", json_pack("{s:I, s:s}", "at", (json_int_t)c->at,
							   "moving", c->up ? "up" : "down"));
}

/* Turn round: the operation that may be half-done is the first one done again. */
static void cursor_turn(awm_aw_cursor *c, int up)
{
	if (c->up == up)
		return;
	if (up)
		c->at = c->at > 0 ? c->at - 1 : 0;
	else
		c->at = c->at < c->n ? c->at + 1 : c->n;
	c->up = up;
}

/* The operations the cursor runs from here to its end, in order (a new reference). */
static json_t *cursor_remaining(const awm_aw_cursor *c)
{
	json_t *out;
	size_t i;

	if (!c->up)
		return awm_aw_inverse(c->ops, c->at);
	out = json_array();
	for (i = c->at; i < c->n; i++)
		json_array_append(out, json_array_get(c->ops, i));
	return out;
}

/* Move the cursor to its end, writing the row after each operation. */
int awm_aw_cursor_run(awm_aw_run *r, awm_aw_cursor *c)
{
	awm_aw_exec x = { r->e->a, r->e->timeout_ms, &r->e->base.interrupted };
	int rc = 0;

	awm_aw_cursor_store(r->payload, c);
	if ((rc = awm_aw_row_update(r->e, r->row, "pending", r->payload)) < 0)
		return rc;
	while (c->up ? c->at < c->n : c->at > 0) {
		json_t *op, *inv = NULL;

		if (r->e->base.interrupted)
			return awm_error_set(AWM_ERROR, "interrupted");
		/* A long step keeps its lock alive. */
		if (r->lock && awm_engine_now_ms() - r->e->renewed_ms > r->lock->ttl_ms / 3 &&
		    (rc = awm_aw_check_lock(r->e, r->lock, 1)) < 0)
			return rc;
		if (c->up) {
			op = json_array_get(c->ops, c->at);
		} else {
			inv = awm_aw_inverse(c->ops, c->at);
			op = json_array_get(inv, 0);
		}
		rc = awm_aw_op_run(&x, op);
		json_decref(inv);
		if (rc < 0)
			return rc;
		c->at = c->up ? c->at + 1 : c->at - 1;
		awm_aw_cursor_store(r->payload, c);
		if ((rc = awm_aw_row_update(r->e, r->row, NULL, r->payload)) < 0)
			return rc;
		/* Tests: a moment between two operations to kill the run in. */
		awm_test_pause("AWM_TEST_OP_PAUSE_MS");
	}
	return 0;
}

/*
 * After a failure: go back the way the cursor came.  0 when that worked;
 * otherwise the row stays pending, and the message says both errors.
 */
int awm_aw_turn_back(awm_aw_run *r, awm_aw_cursor *c, int rc)
{
	char *first = awm_strdup(awm_error_last());
	int urc;

	cursor_turn(c, !c->up);
	if ((urc = awm_aw_cursor_run(r, c)) < 0) {
		char *second = awm_strdup(awm_error_last());

		awm_error_set(rc, "%s; undoing what it did failed too (%s): its history row stays "
			      "pending, to be finished or undone by the next apply or rollback",
			      first, second);
		free(first);
		free(second);
		return rc;
	}
	awm_error_set(rc, "%s", first);
	free(first);
	return 0;
}

/* The applied head must still be what the plan started from. */
static int check_head(aw_engine *e, const awm_step *s)
{
	awm_oid cur, want = s->dir == AWM_DIR_DOWN ? s->commit->oid : s->head_before;
	aw_row top;
	int found, rc;

	awm_oid_clear(&cur);
	if ((rc = awm_aw_row_top(&top, &found, e)) < 0)
		return rc;
	if (found && awm_oid_fromhex(&cur, top.record_id) < 0)
		awm_oid_clear(&cur);
	if (found ? !awm_oid_equal(&cur, &want) || (s->dir == AWM_DIR_DOWN && top.seq != s->row_id)
		  : !awm_oid_is_zero(&want))
		rc = awm_error_set(AWM_ECONFLICT, "database '%s' moved while this run was planning "
				   "(its applied head is now %s); run again", e->a->shown,
				   found ? awm_oid_short(&cur, 10).s : "nothing");
	awm_aw_row_release(&top);
	return rc;
}

int awm_aw_refuse_loss(const awm_step *s, json_t *ops, int down)
{
	awm_buf why = AWM_BUF_INIT;
	int rc = 0;

	if (!s->allow_data_loss && awm_aw_ops_lossy(&why, ops, down))
		rc = awm_error_set(AWM_EINVALID, "%s %s would lose data (%s); nothing was changed; "
				   "run again with --allow-data-loss if that is what you mean",
				   down ? "rolling back" : "applying",
				   awm_oid_short(&s->commit->oid, 10).s, why.ptr);
	awm_buf_release(&why);
	return rc;
}

/* After the work: the live schema, and drift against what the history expects. */
static int check_result(awm_step_result *out, aw_engine *e, const awm_step *s,
			const awm_oid *expect)
{
	awm_aw_schema *live = NULL, *want_m = NULL;
	awm_schema *live_s = NULL, *want = NULL;
	awm_buf report = AWM_BUF_INIT;
	int rc;

	if ((rc = awm_aw_engine_live(&live, e)) < 0 || (rc = schema_id(&out->schema, live, &live_s)) < 0)
		goto done;
	if (!expect || awm_oid_equal(&out->schema, expect))
		goto done;
	if ((rc = awm_aw_read_schema(&want_m, &e->base, s->repo, expect)) < 0 ||
	    (rc = awm_aw_schema_to_awm(&want, want_m)) < 0)
		goto done;
	awm_drift_compare(&out->drift, want, live_s);
	if (s->accept_drift)
		goto done;
	awm_drift_format(&report, &out->drift, "  ");
	rc = awm_error_set(AWM_ERROR, "drift: after %s %s the schema of '%s' is not the one the "
			   "history records:\n%sfix the database, or run again with --accept-drift",
			   s->dir == AWM_DIR_UP ? "applying" : "rolling back",
			   awm_oid_short(&s->commit->oid, 10).s, e->a->shown, report.ptr);
done:
	awm_aw_schema_free(live);
	awm_aw_schema_free(want_m);
	awm_schema_free(live_s);
	awm_schema_free(want);
	awm_buf_release(&report);
	return rc;
}

/* A failed rollback leaves its row applied and gets a failed row of its own. */
static void record_failure(aw_engine *e, const awm_step *s)
{
	char *msg = awm_strdup(awm_error_last());
	int code = awm_error_code();
	json_t *payload = base_payload(s);
	aw_row row;

	json_object_set_new(payload, "op", json_string("rollback"));
	json_object_set_new(payload, "error", json_string(msg));
	json_object_set_new(payload, "row", json_integer(s->row_id));
	if (awm_aw_row_create(&row, e, "migration", awm_oid_tohex(&s->commit->oid).s, "failed",
			      payload) == 0)
		awm_aw_row_release(&row);
	json_decref(payload);
	awm_error_set(code, "%s", msg);
	free(msg);
}

/* Fill in a finished row: applied (up) or rolled back (down). */
static void finish_payload(json_t *payload, const awm_step *s, const awm_step_result *out,
			   const awm_oid *before, int up)
{
	awm_buf now = AWM_BUF_INIT;

	json_object_del(payload, "progress");
	json_object_del(payload, "error");
	if (up) {
		json_object_set_new(payload, "checksum", hex(&out->schema));
		if (before)
			json_object_set_new(payload, "schema_before", hex(before));
		json_object_del(payload, "rollback");
		awm_drift_json(payload, &out->drift);
		return;
	}
	awm_engine_format_time(&now, awm_engine_now_ms());
	json_object_set_new(payload, "rollback", json_pack("{s:s, s:s, s:s, s:o}", "at", now.ptr,
		"by", s->lock ? s->lock->owner : "unknown", "method", "inverse", "checksum",
		hex(&out->schema)));
	/* Before the rollback, the database was as the step had left it. */
	if (json_is_string(json_object_get(payload, "checksum")))
		json_object_set(json_object_get(payload, "rollback"), "schema_before",
				json_object_get(payload, "checksum"));
	awm_drift_json(json_object_get(payload, "rollback"), &out->drift);
	awm_buf_release(&now);
}

/* Start a new up step: the diff from the live schema to the commit's, as a pending row. */
static int start_up(aw_row *row, json_t **payload, aw_engine *e, const awm_step *s,
		    awm_oid *before)
{
	awm_aw_schema *live = NULL, *target = NULL;
	json_t *ops = NULL;
	awm_aw_cursor c;
	int rc;

	if ((rc = awm_aw_engine_live(&live, e)) < 0 || (rc = schema_id(before, live, NULL)) < 0 ||
	    (rc = awm_aw_read_schema(&target, &e->base, s->repo, &s->commit->schema)) < 0)
		goto done;
	ops = awm_aw_diff(live, target, 0);
	if ((rc = awm_aw_refuse_loss(s, ops, 0)) < 0)
		goto done;
	*payload = base_payload(s);
	json_object_set_new(*payload, "schema_before", hex(before));
	json_object_set(*payload, "ops", ops);
	memset(&c, 0, sizeof(c));
	c.up = 1;
	awm_aw_cursor_store(*payload, &c);
	rc = awm_aw_row_create(row, e, "migration", awm_oid_tohex(&s->commit->oid).s, "pending",
			       *payload);
done:
	json_decref(ops);
	awm_aw_schema_free(live);
	awm_aw_schema_free(target);
	return rc;
}

int awm_aw_engine_step(awm_step_result *out, awm_engine *base, const awm_step *s)
{
	aw_engine *e = (aw_engine *)base;
	aw_row row;
	json_t *payload = NULL;
	awm_oid before, *has_before = NULL;
	awm_aw_cursor c;
	awm_aw_run r;
	char *msg;
	int rc, fresh_up = 0, want_up = s->dir == AWM_DIR_UP;
	const awm_oid *expect = want_up ? &s->commit->schema : s->expect_schema;

	memset(&row, 0, sizeof(row));
	if (!e->has_tables)
		return awm_error_set(AWM_EINVALID, "'%s' was opened read-only", e->a->shown);
	if ((rc = awm_aw_check_lock(e, s->lock, 1)) < 0 || (rc = check_head(e, s)) < 0)
		return rc;
	if (want_up && !s->resume) {
		if ((rc = start_up(&row, &payload, e, s, &before)) < 0)
			goto done;
		has_before = &before;
		fresh_up = 1;
	} else {
		if ((rc = awm_aw_row_load(&row, e, s->row_id)) < 0)
			goto done;
		payload = json_incref(row.payload);
		if (!json_is_array(json_object_get(payload, "ops"))) {
			rc = awm_error_set(AWM_EINVALID, "history row %lld of '%s' records no "
					   "operations, so awm cannot undo it", (long long)s->row_id,
					   e->a->shown);
			goto done;
		}
		if (!s->resume) {
			json_t *inv = awm_aw_inverse(json_object_get(payload, "ops"),
						     json_array_size(json_object_get(payload, "ops")));

			rc = awm_aw_refuse_loss(s, inv, 1);
			json_decref(inv);
			if (rc < 0)
				goto done;
			json_object_set_new(payload, "progress", json_pack("{s:I, s:s}", "at",
				(json_int_t)json_array_size(json_object_get(payload, "ops")),
				"moving", "down"));
		}
	}
	awm_aw_cursor_load(&c, payload);
	cursor_turn(&c, want_up);
	r.e = e;
	r.row = &row;
	r.payload = payload;
	r.lock = s->lock;
	out->row_id = row.seq;
	if ((rc = awm_aw_cursor_run(&r, &c)) == 0)
		rc = check_result(out, e, s, expect);
	if (rc < 0) {
		if (e->base.interrupted || rc == AWM_ELOCKED) {
			if (e->base.interrupted)
				rc = awm_error_set(AWM_ERROR, "interrupted; %s %s was left half-done "
						   "(pending in the history): run apply again to "
						   "finish it, or rollback to undo it",
						   want_up ? "applying" : "rolling back",
						   awm_oid_short(&s->commit->oid, 10).s);
			goto done;
		}
		if (rc == AWM_ECONFLICT) {   /* a failing operation, not a moved database */
			msg = awm_strdup(awm_error_last());
			rc = awm_error_set(AWM_ERROR, "%s", msg);
			free(msg);
		}
		if (s->resume) {
			/* Finishing or undoing a stopped step: it stays as far as it got. */
			msg = awm_strdup(awm_error_last());
			rc = awm_error_set(rc, "%s; the half-done step of %s stays pending, to be "
					   "finished or undone by the next apply or rollback", msg,
					   awm_oid_short(&s->commit->oid, 10).s);
			free(msg);
			goto done;
		}
		if (awm_aw_turn_back(&r, &c, rc) < 0)
			goto done;
		/* Undone: the row says how it ended. */
		msg = awm_strdup(awm_error_last());
		json_object_del(payload, "progress");
		if (fresh_up) {
			json_object_set_new(payload, "error", json_string(msg));
			awm_aw_row_update(e, &row, "failed", payload);
			awm_error_set(rc, "%s", msg);
		} else {
			awm_aw_row_update(e, &row, "applied", payload);
			awm_error_set(rc, "%s", msg);
			record_failure(e, s);
		}
		free(msg);
		goto done;
	}
	finish_payload(payload, s, out, has_before, want_up);
	if ((rc = awm_aw_row_update(e, &row, want_up ? "applied" : "rolled_back", payload)) < 0)
		goto done;
	rc = s->release_lock ? awm_aw_drop_lock(e, s->lock) : awm_aw_check_lock(e, s->lock, 1);
done:
	json_decref(payload);
	awm_aw_row_release(&row);
	return rc;
}

int awm_aw_engine_preview(awm_buf *out, awm_engine *base, const awm_step *s,
			  const awm_schema *before)
{
	awm_aw_schema *from = NULL, *target = NULL;
	json_t *payload = NULL, *ops = NULL, *op;
	awm_buf line = AWM_BUF_INIT;
	awm_aw_cursor c;
	size_t i;
	int rc = 0, down;

	if (s->dir == AWM_DIR_UP && !s->resume) {
		if ((rc = awm_aw_schema_from_awm(&from, before)) < 0 ||
		    (rc = awm_aw_read_schema(&target, base, s->repo, &s->commit->schema)) < 0)
			goto done;
		ops = awm_aw_diff(from, target, 0);
		down = 0;
	} else {
		payload = s->row_payload ? json_loads(s->row_payload, 0, NULL) : NULL;
		if (!json_is_array(json_object_get(payload, "ops"))) {
			awm_buf_puts(out, "    (the history row records no operations)\n");
			goto done;
		}
		if (!s->resume)
			json_object_set_new(payload, "progress", json_pack("{s:I, s:s}", "at",
				(json_int_t)json_array_size(json_object_get(payload, "ops")),
				"moving", "down"));
		awm_aw_cursor_load(&c, payload);
		cursor_turn(&c, s->dir == AWM_DIR_UP);
		ops = cursor_remaining(&c);
		down = !c.up;
	}
	json_array_foreach(ops, i, op) {
		awm_buf_clear(&line);
		awm_aw_op_describe(&line, op);
		awm_buf_printf(out, "    %s\n", line.ptr);
	}
	if (!json_array_size(ops))
		awm_buf_puts(out, "    (no operation: the schema is already the target)\n");
	rc = awm_aw_refuse_loss(s, ops, down);
done:
	json_decref(payload);
	json_decref(ops);
	awm_aw_schema_free(from);
	awm_aw_schema_free(target);
	awm_buf_release(&line);
	return rc;
}
