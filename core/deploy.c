/*
 * Running a plan on an environment (see deploy.h).
 */
#include "core/deploy.h"
#include "core/fs.h"
#include "core/scratch.h"
#include "core/env.h"
#include "core/error.h"

#include <stdlib.h>
#include <string.h>

void awm_deploy_release(awm_deploy *d)
{
	size_t i;

	for (i = 0; d->previews && i < d->plan.nr; i++)
		free(d->previews[i]);
	free(d->previews);
	awm_plan_release(&d->plan);
	awm_history_release(&d->history);
	awm_drift_release(&d->drift);
	awm_lock_info_release(&d->lock);
	awm_step_result_release(&d->last);
	memset(d, 0, sizeof(*d));
}

/* The step the engine runs for plan step `i` (`subj` holds its subject). */
static void make_step(awm_step *st, awm_buf *subj, awm_deploy *d, size_t i, awm_repo *repo,
		      const awm_deploy_opts *o, const awm_lock_request *req)
{
	const awm_plan_step *ps = &d->plan.steps[i];

	memset(st, 0, sizeof(*st));
	awm_commit_subject(subj, ps->commit);
	st->dir = ps->dir;
	st->repo = repo;
	st->commit = ps->commit;
	st->row_id = ps->row ? ps->row->id : 0;
	st->row_payload = ps->row ? ps->row->payload : NULL;
	st->resume = ps->resume;
	st->undo = ps->undo;
	st->head_before = ps->head_before;
	st->expect_schema = ps->check_schema ? &ps->expect_schema : NULL;
	st->accept_drift = o->accept_drift;
	st->replay_flags = o->rerun_scripts ? AWM_REPLAY_RERUN_SCRIPTS : 0;
	st->allow_data_loss = o->allow_data_loss;
	st->lock = req;
	st->release_lock = i + 1 == d->plan.nr;
	st->subject = subj->ptr;
}

static int schema_of(awm_oid *id, awm_schema **keep, awm_engine *e)
{
	awm_schema *s;
	awm_buf payload = AWM_BUF_INIT;
	int rc = awm_engine_snapshot(&s, e);

	if (rc < 0)
		return rc;
	awm_schema_serialize(&payload, s);
	awm_oid_hash(id, AWM_OBJ_SCHEMA, payload.ptr, payload.size);
	awm_buf_release(&payload);
	*keep = s;
	return 0;
}

/*
 * Before any step: the live schema must be the one the applied head left.
 * Fills `d->drift`; the error is for the caller to raise or not.
 */
static int precheck(awm_deploy *d, awm_schema **live_out, awm_repo *repo, awm_engine *e,
		    const awm_oid *empty)
{
	awm_schema *live = NULL, *want = NULL;
	int rc;

	if ((rc = schema_of(&d->live_schema, &live, e)) < 0)
		return rc;
	*live_out = live;
	live = NULL;
	if (awm_oid_equal(&d->live_schema, &d->plan.head_schema))
		goto done;
	d->drifted = 1;
	if (awm_oid_equal(&d->plan.head_schema, empty))
		want = awm_schema_new(e->ops->schema_engine);
	else if (awm_schema_read(&want, repo->odb, &d->plan.head_schema) < 0)
		awm_error_clear();   /* the drift is known; only its details are not */
	if (want)
		awm_drift_compare(&d->drift, want, *live_out);
done:
	awm_schema_free(live);
	awm_schema_free(want);
	return 0;
}

static int drift_error(const awm_deploy *d, const awm_engine *e)
{
	awm_buf report = AWM_BUF_INIT;
	int rc;

	awm_drift_format(&report, &d->drift, "  ");
	if (!report.size)
		awm_buf_printf(&report, "  schema %s, expected %s\n",
			       awm_oid_short(&d->live_schema, 10).s,
			       awm_oid_short(&d->plan.head_schema, 10).s);
	rc = awm_error_set(AWM_ERROR, "drift: the schema of '%s' is not the one the history "
			   "has at %s; nothing was changed:\n%sfix the database, or run again "
			   "with --accept-drift", e->url,
			   d->plan.has_head ? awm_oid_short(&d->plan.head, 10).s : "the start",
			   report.ptr);
	awm_buf_release(&report);
	return rc;
}

/* Every commit on the path must be one this engine can run. */
static int check_engines(const awm_plan *p, const awm_engine *e)
{
	size_t i;

	for (i = 0; i < p->nr; i++)
		if (strcmp(p->steps[i].commit->engine, e->ops->schema_engine))
			return awm_error_set(AWM_EINVALID, "commit %s is a migration for '%s', and "
					     "'%s' is a %s database; nothing was changed",
					     awm_oid_short(&p->steps[i].commit->oid, 10).s,
					     p->steps[i].commit->engine, e->url,
					     e->ops->schema_engine);
	return 0;
}

/* The commit a rollback goes back to; `*has` 0 for the empty database. */
static int rollback_target(awm_oid *out, int *has, const awm_deploy *d,
			   const awm_deploy_opts *o)
{
	if (o->target) {
		if (!awm_plan_in_stack(&d->history, o->target))
			return awm_error_set(AWM_EINVALID, "%s is not applied to this database; "
					     "rollback only goes back (use 'awm apply --to' to "
					     "move elsewhere)", awm_oid_short(o->target, 10).s);
		*out = *o->target;
		*has = 1;
	} else if (o->all) {
		*has = 0;
	} else {
		awm_plan_steps_back(out, has, &d->history, o->steps);
	}
	return 0;
}

/*
 * The schema the database has when plan step `i` starts, when it is not
 * the live one (the first step's): what the step before leaves, or NULL
 * when no stored schema says (the live one is then the best guess).
 */
static awm_schema *schema_before(const awm_deploy *d, size_t i, awm_repo *repo,
				 const awm_oid *empty, const char *engine)
{
	const awm_plan_step *prev = i ? &d->plan.steps[i - 1] : NULL;
	awm_schema *s = NULL;
	awm_oid id;

	if (!prev)
		return NULL;
	if (prev->dir == AWM_DIR_UP)
		id = prev->commit->schema;
	else if (prev->check_schema)
		id = prev->expect_schema;
	else
		return NULL;
	if (awm_oid_equal(&id, &d->live_schema))
		return NULL;
	if (awm_oid_equal(&id, empty))
		return awm_schema_new(engine);
	if (awm_schema_read(&s, repo->odb, &id) < 0)
		awm_error_clear();
	return s;
}

/*
 * Engines whose steps are operations list them per step; a step they
 * refuse (it would lose data) stops the run before anything is done.
 */
static int preview_steps(awm_deploy *d, awm_repo *repo, awm_engine *e,
			 const awm_deploy_opts *o, const awm_schema *live, const awm_oid *empty)
{
	awm_buf subj = AWM_BUF_INIT, text = AWM_BUF_INIT;
	char *msg = NULL;
	size_t i;
	int rc, first = 0;

	if (!awm_engine_has_preview(e))
		return 0;
	d->previews = awm_calloc(d->plan.nr ? d->plan.nr : 1, sizeof(char *));
	for (i = 0; i < d->plan.nr; i++) {
		awm_schema *before;
		awm_step st;

		make_step(&st, &subj, d, i, repo, o, NULL);
		awm_buf_clear(&text);
		before = schema_before(d, i, repo, empty, e->ops->schema_engine);
		rc = awm_engine_preview(&text, e, &st, before ? before : live);
		awm_schema_free(before);
		d->previews[i] = awm_strdup(text.ptr ? text.ptr : "");
		if (rc < 0 && !first) {
			first = rc;
			msg = awm_strdup(awm_error_last());
		}
	}
	if (first)
		awm_error_set(first, "%s", msg);
	free(msg);
	awm_buf_release(&subj);
	awm_buf_release(&text);
	return first;
}

static int run_steps(awm_deploy *d, awm_repo *repo, awm_engine *e, const awm_deploy_opts *o,
		     const awm_lock_request *req)
{
	awm_buf subj = AWM_BUF_INIT;
	size_t i;
	int rc = 0;

	for (i = 0; i < d->plan.nr; i++) {
		awm_step st;

		if (e->interrupted) {
			rc = awm_error_set(AWM_ERROR, "interrupted after %zu of %zu steps", i,
					   d->plan.nr);
			break;
		}
		make_step(&st, &subj, d, i, repo, o, req);
		awm_step_result_release(&d->last);
		if ((rc = awm_engine_step(&d->last, e, &st)) < 0)
			break;
		d->done++;
		d->released = st.release_lock;
		if (o->on_step)
			o->on_step(d, i, o->payload);
		if (o->progress)
			o->progress(o->mode == AWM_DEPLOY_APPLY ? "Applying" : "Rolling back",
				    i + 1, d->plan.nr, o->payload);
	}
	awm_buf_release(&subj);
	return rc;
}

int awm_deploy_run(awm_deploy *out, awm_repo *repo, awm_engine *e,
		   const awm_deploy_opts *o)
{
	awm_lock_request req = { AWM_ENV_LOCK_ID, o->owner, o->lock_ttl_ms, o->force, 0 };
	awm_lock_info holder;
	awm_schema *live = NULL;
	awm_oid empty, target;
	size_t i;
	int rc, urc, locked = 0, has_target = o->target != NULL;

	memset(out, 0, sizeof(*out));
	if (o->target)
		target = *o->target;
	if (o->dry_run) {
		if ((rc = awm_engine_lock_read(&out->lock, e, AWM_ENV_LOCK_ID)) < 0)
			goto done;
	} else {
		rc = awm_engine_lock(&holder, e, &req);
		awm_lock_info_release(&holder);
		if (rc < 0)
			goto done;
		locked = 1;
		awm_test_pause("AWM_TEST_HOLD_LOCK_MS");
	}
	if ((rc = awm_engine_history(&out->history, e)) < 0)
		goto done;
	if (o->mode == AWM_DEPLOY_ROLLBACK &&
	    (rc = rollback_target(&target, &has_target, out, o)) < 0)
		goto done;
	awm_engine_empty_schema(&empty, e);
	if ((rc = awm_plan_build(&out->plan, repo, &out->history, has_target ? &target : NULL,
				 &empty)) < 0 ||
	    (rc = precheck(out, &live, repo, e, &empty)) < 0)
		goto done;
	if ((rc = awm_plan_check(&out->plan)) < 0 || (rc = check_engines(&out->plan, e)) < 0 ||
	    (rc = preview_steps(out, repo, e, o, live, &empty)) < 0)
		goto done;
	/*
	 * A step that stopped half-way leaves a schema no commit describes;
	 * the engine's record of that step says exactly where it is, so the
	 * plan (which finishes or undoes it first) is not drift.
	 */
	for (i = 0; i < out->history.nr; i++)
		if (!strcmp(out->history.rows[i].record_type, "migration") &&
		    (out->history.rows[i].status == AWM_ROW_APPLIED ||
		     out->history.rows[i].status == AWM_ROW_PENDING))
			out->pending_top = out->history.rows[i].status == AWM_ROW_PENDING;
	if (out->drifted && !o->accept_drift && out->plan.nr &&
	    !(out->pending_top && !(e->ops->caps & AWM_ENGINE_ATOMIC))) {
		rc = drift_error(out, e);
		goto done;
	}
	if (!o->dry_run)
		rc = run_steps(out, repo, e, o, &req);
done:
	if (locked && !out->released && (urc = awm_engine_unlock(e, &req)) < 0 && rc == 0)
		rc = urc;
	awm_schema_free(live);
	return rc;
}
