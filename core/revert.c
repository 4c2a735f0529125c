/*
 * Revert commits (see revert.h): the undo is built as a commit that is not
 * stored yet, whose parent is the reverted commit, and replayed on HEAD
 * with the checks of a rebase.
 */
#include "core/revert.h"
#include "core/cswrite.h"
#include "core/error.h"
#include "core/git.h"
#include "core/rebase_state.h"
#include "core/refs.h"
#include "core/replay.h"
#include "core/scratch.h"
#include "core/sqlite.h"
#include "core/sqltext.h"
#include "core/walk.h"
#include "objects/commit.h"
#include "objects/packwriter.h"
#include "objects/schema.h"

#include <stdlib.h>
#include <string.h>

void awm_revert_result_release(awm_revert_result *r)
{
	awm_conflict_list_release(&r->conflicts);
	memset(r, 0, sizeof(*r));
}

static int read_text(awm_buf *out, awm_repo *repo, const awm_oid *oid, awm_otype type)
{
	awm_object *o;
	int rc = awm_odb_read_typed(&o, repo->odb, oid, type);

	if (rc < 0)
		return rc;
	awm_buf_put(out, o->data, o->size);
	awm_object_free(o);
	return 0;
}

static int invert(awm_buf *out, const awm_buf *cs)
{
	void *inv = NULL;
	int n = 0, rc;

	if (!cs->size)
		return 0;
	if ((rc = sqlite3changeset_invert((int)cs->size, cs->ptr, &n, &inv)) != SQLITE_OK)
		return awm_sqlite_error(NULL, rc, "cannot invert the changeset");
	awm_buf_put(out, inv, (size_t)n);
	sqlite3_free(inv);
	return 0;
}

/*
 * `cs` without the changes to tables that `keep` lacks: rows of a table
 * the down section drops need no undoing, and a script that changes rows
 * of a table and then drops it cannot be recorded.
 */
static int only_tables_of(awm_buf *out, const awm_buf *cs, const awm_schema *keep)
{
	sqlite3_changeset_iter *it = NULL;
	const char *last = NULL;
	int rc;

	awm_buf_clear(out);
	if (!cs->size)
		return 0;
	rc = sqlite3changeset_start(&it, (int)cs->size, cs->ptr);
	while (rc == SQLITE_OK && sqlite3changeset_next(it) == SQLITE_ROW) {
		const char *tab;
		unsigned char *pk;
		int ncol, op, ind, npk;

		sqlite3changeset_op(it, &tab, &ncol, &op, &ind);
		if (!awm_schema_find(keep, "table", tab))
			continue;
		if (!last || strcmp(last, tab)) {
			sqlite3changeset_pk(it, &pk, &npk);
			awm_cs_table(out, tab, ncol, pk);
			last = tab;
		}
		awm_cs_copy_change(out, it, op, ncol);
	}
	if (it && (rc = sqlite3changeset_finalize(it)) != SQLITE_OK)
		return awm_sqlite_error(NULL, rc, "cannot read the changeset");
	return 0;
}

typedef struct undo {
	awm_commit *r;               /* the revert, not stored */
	awm_migration sections;      /* its up and down, when it is SQL */
	int has_sections;
	awm_buf cs, inverse;
} undo;

/* Decide how `c` is undone, and build the revert commit `u->r`. */
static int build(undo *u, awm_revert_result *out, awm_repo *repo, sqlite3 *db,
		 const awm_commit *c, const awm_oid *parent_schema)
{
	awm_buf up = AWM_BUF_INIT, down = AWM_BUF_INIT;
	int rc = 0;

	if (c->has_changeset &&
	    ((rc = read_text(&u->cs, repo, &c->changeset, AWM_OBJ_CHANGESET)) < 0 ||
	     (rc = invert(&u->inverse, &u->cs)) < 0))
		goto done;
	u->r->kind = AWM_KIND_DATA;
	if (c->kind == AWM_KIND_SQL && c->has_down) {
		out->how = "its down section";
		if ((rc = read_text(&down, repo, &c->down, AWM_OBJ_BLOB)) < 0 ||
		    (c->has_up && (rc = read_text(&up, repo, &c->up, AWM_OBJ_BLOB)) < 0))
			goto done;
	} else if (c->kind == AWM_KIND_SQL) {
		if (!awm_oid_equal(parent_schema, &c->schema)) {
			rc = awm_error_set(AWM_EINVALID, "%s has no down section and changes the "
					   "schema; an inverted changeset only restores rows, so it "
					   "cannot be reverted; write a migration that undoes it",
					   awm_oid_short(&c->oid, 10).s);
			goto done;
		}
		out->how = "its inverted changeset";
	} else if (c->has_down) {
		awm_schema *before = NULL;
		awm_buf rows = AWM_BUF_INIT;

		/* Rows back first, then the schema: as a rollback undoes it. */
		out->how = "its inverted changeset, then its down section";
		if (awm_oid_equal(parent_schema, &c->schema) ||
		    (rc = awm_schema_read(&before, repo->odb, parent_schema)) < 0)
			before = NULL;
		awm_error_clear();
		rc = before ? only_tables_of(&rows, &u->inverse, before) : 0;
		if (rc == 0 && !before)
			awm_buf_put(&rows, u->inverse.ptr, u->inverse.size);
		if (rc == 0)
			rc = awm_sql_from_changeset(&down, rows.ptr, rows.size, db);
		awm_schema_free(before);
		awm_buf_release(&rows);
		if (rc < 0 ||
		    (rc = read_text(&down, repo, &c->down, AWM_OBJ_BLOB)) < 0 ||
		    (c->has_up && (rc = read_text(&up, repo, &c->up, AWM_OBJ_BLOB)) < 0) ||
		    (rc = awm_sql_from_changeset(&up, u->cs.ptr, u->cs.size, db)) < 0)
			goto done;
	} else {
		out->how = "its inverted changeset";
	}
	if (!down.size && !u->inverse.size) {
		rc = awm_error_set(AWM_EINVALID, "%s changes nothing that can be undone: it has "
				   "neither a down section nor a changeset",
				   awm_oid_short(&c->oid, 10).s);
		goto done;
	}
	if (down.size) {
		u->r->kind = AWM_KIND_SQL;
		u->r->has_up = 1;
		memset(&u->sections, 0, sizeof(u->sections));
		awm_buf_init(&u->sections.up);
		awm_buf_init(&u->sections.down);
		awm_buf_put(&u->sections.up, down.ptr, down.size);
		awm_buf_put(&u->sections.down, up.ptr, up.size);
		u->sections.has_down = up.size && !awm_sqlite_script_is_empty(up.ptr);
		awm_oid_hash(&u->sections.up_oid, AWM_OBJ_BLOB, down.ptr, down.size);
		u->has_sections = 1;
	}
done:
	awm_buf_release(&up);
	awm_buf_release(&down);
	return rc;
}

static void message(awm_commit *r, const awm_commit *c, const char *msg)
{
	awm_buf b = AWM_BUF_INIT, subj = AWM_BUF_INIT;

	if (msg && *msg) {
		awm_buf_puts(&b, msg);
		awm_buf_rtrim(&b);
		awm_buf_putc(&b, '\n');
	} else {
		awm_commit_subject(&subj, c);
		awm_buf_printf(&b, "Revert \"%s\"\n\nThis reverts commit %s.\n", subj.ptr,
			       awm_oid_tohex(&c->oid).s);
	}
	r->message = awm_buf_detach(&b);
	awm_buf_release(&subj);
}

static int parent_schema(awm_oid *out, awm_repo *repo, const awm_commit *c)
{
	awm_commit *p;
	int rc;

	if (!c->nparents) {
		awm_schema_empty_id(out, c->engine);
		return 0;
	}
	if ((rc = awm_commit_read(&p, repo->odb, &c->parents[0])) < 0)
		return rc;
	*out = p->schema;
	awm_commit_free(p);
	return 0;
}

static int check_rev(awm_repo *repo, const awm_commit *c, const awm_oid *head)
{
	int rc;

	if (c->nparents > 1)
		return awm_error_set(AWM_EINVALID, "%s is a merge; revert the commits it merged "
				     "instead", awm_oid_short(&c->oid, 10).s);
	if ((rc = awm_is_ancestor(repo, &c->oid, head)) == 0)
		return awm_error_set(AWM_EINVALID, "%s is not in HEAD's history; there is "
				     "nothing to revert", awm_oid_short(&c->oid, 10).s);
	return rc < 0 ? rc : 0;
}

int awm_revert(awm_revert_result *out, awm_repo *repo, const awm_oid *rev, const char *msg)
{
	awm_replay_opts opts;
	awm_replay_out ro;
	awm_replayer *rp = NULL;
	awm_packwriter *pw = NULL;
	awm_signature who;
	awm_commit *c = NULL;
	awm_side side;
	awm_buf why = AWM_BUF_INIT, git = AWM_BUF_INIT;
	sqlite3 *db = NULL;
	undo u;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&u, 0, sizeof(u));
	memset(&side, 0, sizeof(side));
	memset(&who, 0, sizeof(who));
	memset(&ro, 0, sizeof(ro));
	awm_buf_init(&u.cs);
	awm_buf_init(&u.inverse);
	u.r = awm_commit_new();
	out->labels.theirs = "HEAD";
	out->labels.ours = "revert";
	if (awm_rebase_in_progress(repo)) {
		rc = awm_error_set(AWM_EINVALID, "a rebase or cherry-pick is stopped; finish it "
				   "(--continue, --skip) or drop it (--abort) first");
		goto done;
	}
	if ((rc = awm_ref_lookup(&out->old_head, repo, "HEAD")) < 0 ||
	    (rc = awm_commit_read(&c, repo->odb, rev)) < 0 ||
	    (rc = check_rev(repo, c, &out->old_head)) < 0 ||
	    (rc = awm_require_sqlite_history(repo, &out->old_head,
					     "to undo a schema file, write the schema before it "
					     "('awm export <rev>^') as a new migration")) < 0 ||
	    (rc = awm_git_identity(&who, repo->root)) < 0 ||
	    (rc = awm_scratch_open_ex(&db, repo, &out->old_head, AWM_SCRATCH_NO_SAVE)) < 0)
		goto done;
	out->new_head = out->old_head;
	/* The revert as if made right after `rev`: its parent is `rev`. */
	u.r->oid = c->oid;
	awm_commit_add_parent(u.r, rev);
	if ((rc = parent_schema(&u.r->schema, repo, c)) < 0 ||
	    (rc = build(&u, out, repo, db, c, &u.r->schema)) < 0)
		goto done;
	u.r->engine = awm_strdup(c->engine);
	awm_signature_copy(&u.r->author, &who);
	awm_git_head(&git, repo->root);
	u.r->gitcommit = git.size ? awm_buf_detach(&git) : NULL;
	message(u.r, c, msg);
	if ((rc = awm_side_load(&side, repo, &out->old_head, rev)) < 0 ||
	    (rc = awm_packwriter_new(&pw, repo->odb, 64, 0)) < 0 ||
	    (rc = awm_replayer_new(&rp, repo, db, &out->old_head, pw, &who)) < 0)
		goto done;
	db = NULL;
	awm_replayer_set_theirs(rp, &side);
	awm_replayer_set_labels(rp, &out->labels);
	memset(&opts, 0, sizeof(opts));
	opts.sections = u.has_sections ? &u.sections : NULL;
	opts.changeset = &u.inverse;
	opts.layout = &c->schema;
	opts.note = "awm revert";
	rc = awm_replayer_apply(&ro, rp, u.r, &opts);
	awm_conflict_list_take(&out->conflicts, &ro.conflicts);
	if (rc == AWM_ECONFLICT)
		awm_error_set(AWM_ECONFLICT, "cannot revert %s: undoing it conflicts with what "
			      "HEAD changed since; nothing was changed", awm_oid_short(rev, 10).s);
	if (rc < 0 || (rc = awm_packwriter_commit(pw, NULL)) < 0)
		goto done;
	awm_buf_printf(&why, "revert: %s", awm_oid_short(rev, 10).s);
	if ((rc = awm_ref_update(repo, "HEAD", &ro.commit, &out->old_head, why.ptr)) < 0) {
		if (rc == AWM_ECONFLICT)
			awm_error_prefix("HEAD moved while reverting; nothing was changed");
		goto done;
	}
	out->new_head = ro.commit;
	if (!awm_replayer_db_lost(rp))
		awm_scratch_save(repo, &out->new_head, awm_replayer_db(rp));
	awm_error_clear();
done:
	awm_replay_out_release(&ro);
	sqlite3_close(db);
	awm_replayer_free(rp);
	awm_packwriter_free(pw);
	awm_side_release(&side);
	awm_signature_release(&who);
	awm_commit_free(c);
	awm_commit_free(u.r);
	if (u.has_sections)
		awm_migration_release(&u.sections);
	awm_buf_release(&u.cs);
	awm_buf_release(&u.inverse);
	awm_buf_release(&why);
	awm_buf_release(&git);
	return rc;
}
