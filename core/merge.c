/*
 * Merge commits (see merge.h).
 */
#include "core/merge.h"
#include "core/error.h"
#include "core/git.h"
#include "core/rebase_state.h"
#include "core/refs.h"
#include "core/replay.h"
#include "core/scratch.h"
#include "core/sqlite_schema.h"
#include "core/walk.h"
#include "objects/commit.h"
#include "objects/packwriter.h"
#include "objects/schema.h"

#include <stdlib.h>
#include <string.h>

void awm_merge_result_release(awm_merge_result *r)
{
	awm_conflict_list_release(&r->conflicts);
	memset(r, 0, sizeof(*r));
}

/*
 * HEAD's state, then every merged-in commit replayed with the checks, in
 * the canonical order: the state the merge commit stands for.  Refuses
 * (AWM_ECONFLICT) at the first commit that conflicts.
 */
static int play(awm_merge_result *out, awm_replayer *rp, awm_repo *repo, const awm_side *ours_side,
		const awm_oid *rev, const awm_oid *head)
{
	awm_oid *list = NULL;
	size_t n, i;
	int rc;

	if ((rc = awm_walk_canonical_list(&list, &n, repo, rev, head)) < 0)
		return rc;
	for (i = 0; i < n && rc == 0; i++) {
		awm_replay_out ro;
		awm_commit *c;

		if ((rc = awm_commit_read(&c, repo->odb, &list[i])) < 0)
			break;
		memset(&ro, 0, sizeof(ro));
		if (c->nparents > 1) {
			awm_commit_free(c);   /* its sides are in the list */
			continue;
		}
		out->merged++;
		rc = awm_side_has_migration(ours_side, c, &c->up, c->has_up, 1, &ro.conflicts);
		if (rc == 0) {
			awm_replay_out_release(&ro);
			rc = awm_replayer_apply(&ro, rp, c, NULL);
		}
		if (rc == AWM_ECONFLICT)
			awm_error_set(AWM_ECONFLICT, "cannot merge: %s (%s) conflicts with HEAD's side; "
				      "nothing was changed", awm_oid_short(&c->oid, 10).s,
				      c->migration ? c->migration : "a data migration");
		awm_conflict_list_take(&out->conflicts, &ro.conflicts);
		awm_replay_out_release(&ro);
		awm_commit_free(c);
	}
	free(list);
	return rc;
}

static int write_merge(awm_oid *out, awm_repo *repo, sqlite3 *db, const awm_oid *head,
		       const awm_oid *rev, const char *message)
{
	awm_packwriter *pw = NULL;
	awm_commit *m = awm_commit_new();
	awm_schema *schema = NULL;
	awm_buf payload = AWM_BUF_INIT, msg = AWM_BUF_INIT;
	awm_signature who;
	int rc;

	memset(&who, 0, sizeof(who));
	if ((rc = awm_git_identity(&who, repo->root)) < 0 ||
	    (rc = awm_sqlite_schema_snapshot(&schema, db)) < 0 ||
	    (rc = awm_packwriter_new(&pw, repo->odb, 64, 0)) < 0)
		goto done;
	awm_schema_serialize(&payload, schema);
	if ((rc = awm_packwriter_add(pw, &m->schema, AWM_OBJ_SCHEMA, payload.ptr, payload.size)) < 0)
		goto done;
	awm_commit_add_parent(m, head);
	awm_commit_add_parent(m, rev);
	m->engine = awm_strdup("sqlite");
	awm_buf_puts(&msg, message);
	awm_buf_rtrim(&msg);
	awm_buf_putc(&msg, '\n');
	m->message = awm_buf_detach(&msg);
	awm_signature_copy(&m->author, &who);
	awm_signature_copy(&m->committer, &who);
	awm_git_head(&msg, repo->root);
	m->gitcommit = msg.size ? awm_buf_detach(&msg) : NULL;
	awm_buf_clear(&payload);
	if ((rc = awm_commit_serialize(&payload, m)) < 0 ||
	    (rc = awm_packwriter_add(pw, out, AWM_OBJ_COMMIT, payload.ptr, payload.size)) < 0)
		goto done;
	rc = awm_packwriter_commit(pw, NULL);
done:
	awm_packwriter_free(pw);
	awm_commit_free(m);
	awm_schema_free(schema);
	awm_signature_release(&who);
	awm_buf_release(&payload);
	awm_buf_release(&msg);
	return rc;
}

int awm_merge(awm_merge_result *out, awm_repo *repo, const awm_merge_opts *o)
{
	awm_replayer *rp = NULL;
	awm_signature who;
	awm_side side;
	awm_buf why = AWM_BUF_INIT;
	sqlite3 *db = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&side, 0, sizeof(side));
	memset(&who, 0, sizeof(who));
	out->labels.theirs = o->their_label ? o->their_label : "HEAD";
	out->labels.ours = o->our_label ? o->our_label : "merged";
	if (awm_rebase_in_progress(repo)) {
		rc = awm_error_set(AWM_EINVALID, "a rebase or cherry-pick is stopped; finish it "
				   "(--continue, --skip) or drop it (--abort) first");
		goto done;
	}
	if ((rc = awm_ref_lookup(&out->old_head, repo, "HEAD")) < 0) {
		if (rc == AWM_ENOTFOUND)
			rc = awm_error_set(AWM_EINVALID, "HEAD has no commits yet; nothing to merge "
					   "into");
		goto done;
	}
	out->new_head = out->old_head;
	if ((rc = awm_is_ancestor(repo, o->rev, &out->old_head)) != 0) {
		out->up_to_date = rc > 0;
		rc = rc < 0 ? rc : 0;
		goto done;
	}
	if (!o->no_ff && (rc = awm_is_ancestor(repo, &out->old_head, o->rev)) != 0) {
		if (rc < 0)
			goto done;
		out->fast_forward = 1;
		awm_buf_printf(&why, "merge %s: fast-forward", out->labels.ours);
		if ((rc = awm_ref_update(repo, "HEAD", o->rev, &out->old_head, why.ptr)) == 0)
			out->new_head = *o->rev;
		goto done;
	}
	if ((rc = awm_require_sqlite_history(repo, &out->old_head,
					     "a merge needs the database on both sides; rebase one "
					     "line onto the other instead")) < 0 ||
	    (rc = awm_git_identity(&who, repo->root)) < 0 ||
	    (rc = awm_side_load(&side, repo, &out->old_head, o->rev)) < 0 ||
	    (rc = awm_scratch_open_ex(&db, repo, &out->old_head, AWM_SCRATCH_NO_SAVE)) < 0 ||
	    (rc = awm_replayer_new(&rp, repo, db, &out->old_head, NULL, &who)) < 0)
		goto done;
	db = NULL;   /* the replayer has it */
	awm_replayer_set_theirs(rp, &side);
	awm_replayer_set_labels(rp, &out->labels);
	if ((rc = play(out, rp, repo, &side, o->rev, &out->old_head)) < 0 ||
	    (rc = write_merge(&out->new_head, repo, awm_replayer_db(rp), &out->old_head, o->rev,
			      o->message)) < 0)
		goto done;
	awm_buf_printf(&why, "merge %s", out->labels.ours);
	if ((rc = awm_ref_update(repo, "HEAD", &out->new_head, &out->old_head, why.ptr)) < 0) {
		if (rc == AWM_ECONFLICT)
			awm_error_prefix("HEAD moved while merging; nothing was merged");
		out->new_head = out->old_head;
		goto done;
	}
	awm_scratch_save(repo, &out->new_head, awm_replayer_db(rp));
	awm_error_clear();
done:
	sqlite3_close(db);
	awm_replayer_free(rp);
	awm_side_release(&side);
	awm_signature_release(&who);
	awm_buf_release(&why);
	return rc;
}
