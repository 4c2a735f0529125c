/*
 * `awm relationships` on an Appwrite environment (see
 * awm_appwrite_relationships in engine_appwrite.h): the relationship
 * operations between the live schema and the applied head's, run as a
 * history row of their own with the same cursor as a step.
 */
#include "core/engine_appwrite.h"
#include "core/error.h"

#include <stdlib.h>
#include <string.h>

void awm_aw_rel_result_release(awm_aw_rel_result *r)
{
	awm_buf_release(&r->plan);
	memset(r, 0, sizeof(*r));
}

int awm_appwrite_relationships(awm_aw_rel_result *out, awm_engine *base, awm_repo *repo,
			       const awm_lock_request *lock, int dry_run, int allow_data_loss)
{
	aw_engine *e = (aw_engine *)base;
	awm_aw_schema *live = NULL, *target = NULL;
	awm_commit *c = NULL;
	json_t *ops = NULL, *op, *payload = NULL, *left = NULL;
	awm_step s;
	aw_row top, row;
	awm_buf line = AWM_BUF_INIT;
	awm_aw_cursor cur;
	awm_aw_run r;
	size_t i;
	int rc, found;

	memset(out, 0, sizeof(*out));
	memset(&row, 0, sizeof(row));
	memset(&top, 0, sizeof(top));
	awm_buf_init(&out->plan);
	if (e->has_tables && (rc = awm_aw_row_top(&top, &found, e)) < 0)
		return rc;
	if (!e->has_tables || !found)
		return awm_error_set(AWM_EINVALID, "nothing is applied to '%s' yet, so it has no "
				     "relationships to make; run 'awm apply' first", e->a->shown);
	if (strcmp(top.status, "applied")) {
		rc = awm_error_set(AWM_EINVALID, "the last step on '%s' stopped half-way; finish "
				   "it with 'awm apply' first", e->a->shown);
		goto done;
	}
	if (awm_oid_fromhex(&out->head, top.record_id) < 0 ||
	    (rc = awm_commit_read(&c, repo->odb, &out->head)) < 0) {
		rc = awm_error_set(AWM_ENOTFOUND, "the database has commit %s applied, which this "
				   "repository does not have; fetch it first", top.record_id);
		goto done;
	}
	out->has_head = 1;
	if ((rc = awm_aw_engine_live(&live, e)) < 0 ||
	    (rc = awm_aw_read_schema(&target, base, repo, &c->schema)) < 0)
		goto done;
	ops = awm_aw_diff(live, target, 1);
	out->nops = json_array_size(ops);
	json_array_foreach(ops, i, op) {
		awm_buf_clear(&line);
		awm_aw_op_describe(&line, op);
		awm_buf_printf(&out->plan, "    %s\n", line.ptr);
	}
	memset(&s, 0, sizeof(s));
	s.commit = c;
	s.allow_data_loss = allow_data_loss;
	if ((rc = awm_aw_refuse_loss(&s, ops, 0)) < 0 || dry_run || !out->nops)
		goto done;
	if ((rc = awm_aw_check_lock(e, lock, 1)) < 0)
		goto done;
	payload = json_pack("{s:s, s:o, s:s, s:O}", "op", "relationships", "commit",
			    json_string(awm_oid_tohex(&c->oid).s), "by", lock ? lock->owner : "unknown", "ops", ops);
	memset(&cur, 0, sizeof(cur));
	cur.up = 1;
	awm_aw_cursor_store(payload, &cur);
	if ((rc = awm_aw_row_create(&row, e, "relationships", top.record_id, "pending",
				    payload)) < 0)
		goto done;
	out->row_id = row.seq;
	awm_aw_cursor_load(&cur, payload);
	r.e = e;
	r.row = &row;
	r.payload = payload;
	r.lock = lock;
	if ((rc = awm_aw_cursor_run(&r, &cur)) == 0) {
		/* Done when the relationships are exactly the head's. */
		awm_aw_schema_free(live);
		live = NULL;
		if ((rc = awm_aw_engine_live(&live, e)) == 0 &&
		    json_array_size(left = awm_aw_diff(live, target, 1)))
			rc = awm_error_set(AWM_ERROR, "the relationships of '%s' still differ from "
					   "the schema of %s after the run", e->a->shown,
					   awm_oid_short(&c->oid, 10).s);
	}
	json_object_del(payload, "progress");
	if (rc < 0 && !e->base.interrupted && rc != AWM_ELOCKED && awm_aw_turn_back(&r, &cur, rc) == 0) {
		char *msg = awm_strdup(awm_error_last());

		json_object_del(payload, "progress");
		json_object_set_new(payload, "error", json_string(msg));
		awm_aw_row_update(e, &row, "failed", payload);
		awm_error_set(rc, "%s", msg);
		free(msg);
	} else if (rc == 0) {
		rc = awm_aw_row_update(e, &row, "applied", payload);
	}
done:
	json_decref(left);
	json_decref(ops);
	json_decref(payload);
	awm_aw_schema_free(live);
	awm_aw_schema_free(target);
	awm_commit_free(c);
	awm_aw_row_release(&top);
	awm_aw_row_release(&row);
	awm_buf_release(&line);
	return rc;
}
