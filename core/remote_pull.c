/*
 * Pulling: fetch, then fast-forward or rebase the current branch onto its
 * remote counterpart (see remote_sync.h).
 */
#include "core/remote_internal.h"
#include "core/error.h"
#include "core/rebase.h"
#include "core/refs.h"
#include "core/walk.h"

#include <stdlib.h>
#include <string.h>

void awm_pull_report_release(awm_pull_report *rep)
{
	awm_push_report_release(&rep->settled);
	awm_fetch_report_release(&rep->fetch);
	awm_rebase_result_release(&rep->rebase);
	free(rep->branch);
	memset(rep, 0, sizeof(*rep));
}

static int move_branch(awm_repo *repo, const awm_oid *to, const awm_oid *from,
		       const char *why)
{
	int rc = awm_ref_update(repo, "HEAD", to, from, why);

	if (rc == AWM_ECONFLICT)
		awm_error_prefix("the branch moved while pulling; run 'awm pull' again");
	return rc;
}

static int integrate(awm_pull_report *out, awm_remote *r, const awm_oid *local, int has_local,
		     const awm_oid *base, int rebase)
{
	awm_rebase_opts opts;
	awm_oid zero;
	int rc;

	awm_oid_clear(&zero);
	out->new_oid = out->old_oid;
	if (!has_local) {
		out->status = AWM_PULL_FAST_FORWARD;
		out->new_oid = *base;
		return move_branch(r->repo, base, &zero, "pull: fast-forward");
	}
	if (awm_oid_equal(local, base)) {
		out->status = AWM_PULL_UP_TO_DATE;
		return 0;
	}
	if ((rc = awm_is_ancestor(r->repo, base, local)) != 0) {
		out->status = AWM_PULL_AHEAD;
		return rc < 0 ? rc : 0;
	}
	if ((rc = awm_is_ancestor(r->repo, local, base)) != 0) {
		if (rc < 0)
			return rc;
		out->status = AWM_PULL_FAST_FORWARD;
		out->new_oid = *base;
		return move_branch(r->repo, base, local, "pull: fast-forward");
	}
	if (!rebase)
		return awm_error_set(AWM_ENONFASTFORWARD, "your '%s' and '%s/%s' have both moved on; "
				     "run 'awm pull --rebase %s' to replay your commits on top",
				     out->branch, r->name, out->branch, r->name);
	memset(&opts, 0, sizeof(opts));
	opts.upstream = base;
	opts.reflog = "pull --rebase";
	rc = awm_rebase_start(&out->rebase, r->repo, &opts);
	out->status = AWM_PULL_REBASED;
	out->new_oid = out->rebase.new_tip;
	out->replayed = out->rebase.replayed;
	out->skipped = out->rebase.skipped;
	if (rc == AWM_ECONFLICT)
		awm_error_prefix("pull --rebase onto %s/%s", r->name, out->branch);
	return rc;
}

int awm_remote_pull(awm_pull_report *out, awm_remote *r, int rebase,
		    awm_xfer_progress_cb progress, void *payload)
{
	awm_buf target = AWM_BUF_INIT;
	const awm_fetch_ref *f = NULL;
	awm_oid local;
	size_t i;
	int rc, has_local;

	memset(out, 0, sizeof(*out));
	if ((rc = awm_ref_symbolic_target(&target, r->repo, "HEAD")) < 0 ||
	    strncmp(target.ptr, "refs/heads/", 11)) {
		rc = awm_error_set(AWM_EINVALID, "HEAD is detached; switch to a branch to pull");
		goto done;
	}
	out->branch = awm_strdup(target.ptr + 11);
	if ((rc = awm_remote_begin(r)) < 0)
		goto done;
	/* Our own unfinished pushes first, so that they are not taken for theirs. */
	if ((rc = awm_remote_settle(&out->settled, r)) < 0 ||
	    (rc = awm_remote_fetch(&out->fetch, r, progress, payload)) < 0)
		goto done;
	for (i = 0; i < out->fetch.nr && !f; i++)
		if (!strcmp(out->fetch.refs[i].ref, target.ptr))
			f = &out->fetch.refs[i];
	if (!f) {
		rc = awm_error_set(AWM_ENOTFOUND, "'%s' is not on remote '%s'; push it with "
				   "'awm push %s %s'", out->branch, r->name, r->name, out->branch);
		goto done;
	}
	rc = awm_ref_lookup(&local, r->repo, target.ptr);
	if (rc < 0 && rc != AWM_ENOTFOUND)
		goto done;
	awm_error_clear();
	has_local = rc == 0;
	if (has_local)
		out->old_oid = local;
	out->upstream = f->heads[0];
	if (f->nheads > 1 && !rebase) {
		rc = awm_error_set(AWM_ENONFASTFORWARD, "'%s' on remote '%s' has diverged into "
				   "%zu heads; run 'awm pull --rebase %s'", out->branch, r->name,
				   f->nheads, r->name);
		goto done;
	}
	if ((rc = integrate(out, r, &local, has_local, &f->heads[0], rebase)) < 0)
		goto done;
	out->integrated = 1;
	if (f->nheads > 1)
		rc = awm_error_set(AWM_ENONFASTFORWARD, "'%s' on remote '%s' has diverged into %zu "
				   "heads; your branch is now based on %s, the one with the longest "
				   "history; the others are pushes from other clones that have not "
				   "finished: they settle when those clones push or pull again",
				   out->branch, r->name, f->nheads, awm_oid_short(&f->heads[0], 10).s);
done:
	awm_remote_end(r);
	awm_buf_release(&target);
	return rc;
}
