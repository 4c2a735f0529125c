/*
 * Replaying commits onto a new base (see rebase.h).
 */
#include "core/rebase.h"
#include "core/capture.h"
#include "core/error.h"
#include "core/git.h"
#include "core/scratch.h"
#include "core/sqlite.h"
#include "core/sqlite_schema.h"
#include "core/walk.h"
#include "objects/commit.h"
#include "objects/packwriter.h"
#include "objects/schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOOSE_LIMIT 64

typedef struct upstream_mig {
	char *path;
	awm_oid up;
	int has_up;
} upstream_mig;

typedef struct plan {
	awm_commit **todo;            /* oldest first */
	size_t nr, alloc;
	upstream_mig *up;             /* migrations only upstream has */
	size_t nup, aup;
} plan;

static void plan_release(plan *p)
{
	size_t i;

	for (i = 0; i < p->nr; i++)
		awm_commit_free(p->todo[i]);
	free(p->todo);
	for (i = 0; i < p->nup; i++)
		free(p->up[i].path);
	free(p->up);
}

/* Commits reachable from `from` and not from `hide`, newest first. */
static int walk_range(awm_oid **out, size_t *n, awm_repo *repo, const awm_oid *from,
		      const awm_oid *hide)
{
	awm_walk *w;
	awm_oid oid;
	size_t alloc = 0;
	int rc;

	*out = NULL;
	*n = 0;
	awm_walk_new(&w, repo, AWM_WALK_TOPO);
	if ((rc = awm_walk_push(w, from)) == 0 && (rc = awm_walk_hide(w, hide)) == 0)
		while ((rc = awm_walk_next(w, &oid)) == 1) {
			AWM_ARRAY_GROW(*out, *n + 1, alloc);
			(*out)[(*n)++] = oid;
		}
	awm_walk_free(w);
	return rc < 0 ? rc : 0;
}

static int make_plan(plan *p, awm_repo *repo, const awm_oid *onto, const awm_oid *tip)
{
	awm_oid *mine = NULL, *theirs = NULL;
	size_t nmine, ntheirs, i;
	int rc;

	if ((rc = walk_range(&mine, &nmine, repo, tip, onto)) < 0 ||
	    (rc = walk_range(&theirs, &ntheirs, repo, onto, tip)) < 0)
		goto done;
	for (i = 0; i < ntheirs; i++) {
		awm_commit *c;

		if ((rc = awm_commit_read(&c, repo->odb, &theirs[i])) < 0)
			goto done;
		if (c->migration) {
			AWM_ARRAY_GROW(p->up, p->nup + 1, p->aup);
			p->up[p->nup].path = awm_strdup(c->migration);
			p->up[p->nup].up = c->up;
			p->up[p->nup].has_up = c->has_up;
			p->nup++;
		}
		awm_commit_free(c);
	}
	for (i = nmine; i-- > 0; ) {
		awm_commit *c;

		if ((rc = awm_commit_read(&c, repo->odb, &mine[i])) < 0)
			goto done;
		if (c->nparents > 1) {
			rc = awm_error_set(AWM_EINVALID, "commit %s is a merge, which rebase "
					   "cannot replay yet", awm_oid_short(&mine[i], 10).s);
			awm_commit_free(c);
			goto done;
		}
		AWM_ARRAY_GROW(p->todo, p->nr + 1, p->alloc);
		p->todo[p->nr++] = c;
	}
done:
	free(mine);
	free(theirs);
	return rc;
}

/* 1: upstream has this very migration; 0: not at all; conflict otherwise. */
static int upstream_has(const plan *p, const awm_commit *c, const awm_oid *onto)
{
	size_t i;

	if (!c->migration)
		return 0;
	for (i = 0; i < p->nup; i++) {
		if (strcmp(p->up[i].path, c->migration))
			continue;
		if (p->up[i].has_up == c->has_up &&
		    (!c->has_up || awm_oid_equal(&p->up[i].up, &c->up)))
			return 1;
		return awm_error_set(AWM_ECONFLICT, "migration '%s' was recorded on both sides "
				     "with different text (commit %s here, and on %s); nothing "
				     "was changed: rename one of them and record it again",
				     c->migration, awm_oid_short(&c->oid, 10).s,
				     awm_oid_short(onto, 10).s);
	}
	return 0;
}

/* The failure just reported, as a conflict: the rebase cannot go on. */
static int as_conflict(void)
{
	char msg[2048];

	snprintf(msg, sizeof(msg), "%s", awm_error_last());
	return awm_error_set(AWM_ECONFLICT, "%s", msg);
}

static int abort_on_conflict(void *ctx, int type, sqlite3_changeset_iter *it)
{
	(void)ctx; (void)type; (void)it;
	return SQLITE_CHANGESET_ABORT;
}

static int replay_changeset(sqlite3 *db, awm_repo *repo, const awm_commit *c)
{
	awm_object *cs;
	int rc = awm_odb_read_typed(&cs, repo->odb, &c->changeset, AWM_OBJ_CHANGESET);

	if (rc < 0)
		return rc;
	rc = sqlite3changeset_apply(db, (int)cs->size, cs->data, NULL, abort_on_conflict, NULL);
	rc = rc == SQLITE_OK ? 0 : awm_sqlite_error(db, rc, "its data changes do not apply");
	if (rc < 0)
		rc = as_conflict();
	awm_object_free(cs);
	return rc;
}

/* The schema a commit records, and its first parent's (empty when it has none). */
static int schema_ids(awm_oid *mine, awm_oid *before, awm_repo *repo, const awm_commit *c)
{
	awm_commit *p;
	awm_buf empty = AWM_BUF_INIT;
	int rc;

	*mine = c->schema;
	if (!c->nparents) {
		awm_schema_empty_payload(&empty, c->engine);
		awm_oid_hash(before, AWM_OBJ_SCHEMA, empty.ptr, empty.size);
		awm_buf_release(&empty);
		return 0;
	}
	if ((rc = awm_commit_read(&p, repo->odb, &c->parents[0])) < 0)
		return rc;
	*before = p->schema;
	awm_commit_free(p);
	return 0;
}

/*
 * A migration that is a whole target schema (Appwrite) was written on top
 * of its parent's schema.  On a new parent with the same schema it means
 * the same and moves as it is; on one whose schema changed, the file would
 * undo those changes, so it is a conflict for its author to resolve.
 */
static int replay_schema(awm_oid *out, awm_repo *repo, awm_packwriter *pw, const awm_commit *c,
			 const awm_oid *parent, const awm_signature *who)
{
	awm_commit *n = NULL, *np = NULL;
	awm_oid mine, before;
	awm_buf payload = AWM_BUF_INIT;
	const char *file = c->migration ? c->migration : awm_oid_tohex(&c->oid).s;
	int rc;

	if ((rc = schema_ids(&mine, &before, repo, c)) < 0 ||
	    (rc = awm_commit_read(&np, repo->odb, parent)) < 0)
		goto done;
	if (!awm_oid_equal(&np->schema, &before)) {
		rc = awm_error_set(AWM_ECONFLICT, "cannot replay '%s' (commit %s) onto %s: it is "
				   "the whole schema as its author saw it, and the schema changed "
				   "upstream; write the file again on top of theirs ('awm export %s' "
				   "prints it), record it anew, and drop this commit; nothing was "
				   "changed", file, awm_oid_short(&c->oid, 10).s,
				   awm_oid_short(parent, 10).s, awm_oid_short(parent, 10).s);
		goto done;
	}
	n = awm_commit_new();
	awm_commit_add_parent(n, parent);
	n->has_up = c->has_up;
	n->up = c->up;
	n->kind = c->kind;
	n->schema = c->schema;
	n->engine = awm_strdup(c->engine);
	n->migration = c->migration ? awm_strdup(c->migration) : NULL;
	n->gitcommit = c->gitcommit ? awm_strdup(c->gitcommit) : NULL;
	n->message = awm_strdup(c->message ? c->message : "\n");
	awm_signature_copy(&n->author, &c->author);
	awm_signature_copy(&n->committer, who);
	if ((rc = awm_commit_serialize(&payload, n)) == 0)
		rc = awm_packwriter_add(pw, out, AWM_OBJ_COMMIT, payload.ptr, payload.size);
done:
	awm_commit_free(n);
	awm_commit_free(np);
	awm_buf_release(&payload);
	return rc;
}

/* Run one commit on `db` (at its new parent) and write its new version. */
static int replay(awm_oid *out, awm_repo *repo, awm_packwriter *pw, sqlite3 *db,
		  const awm_commit *c, const awm_oid *parent, const awm_signature *who)
{
	awm_commit *n = awm_commit_new();
	awm_capture cap;
	awm_schema *schema = NULL;
	awm_object *up = NULL;
	awm_buf payload = AWM_BUF_INIT;
	const char *file = c->migration ? c->migration : awm_oid_tohex(&c->oid).s;
	int rc;

	memset(&cap, 0, sizeof(cap));
	if (c->has_up && (rc = awm_odb_read_typed(&up, repo->odb, &c->up, AWM_OBJ_BLOB)) < 0)
		goto done;
	rc = awm_capture_script(&cap, db, up ? (const char *)up->data : "", file, 1);
	if (rc < 0) {
		rc = as_conflict();
		goto done;
	}
	if (c->kind != AWM_KIND_SQL && c->has_changeset &&
	    (rc = replay_changeset(db, repo, c)) < 0)
		goto done;
	if (cap.no_pk_nr && !c->has_down) {
		rc = awm_error_set(AWM_ECONFLICT, "it changes rows of table '%s', which has no "
				   "primary key, so the change cannot be recorded", cap.no_pk_tables[0]);
		goto done;
	}
	if ((rc = awm_sqlite_schema_snapshot(&schema, db)) < 0)
		goto done;
	awm_commit_add_parent(n, parent);
	n->has_up = c->has_up;
	n->up = c->up;
	n->has_down = c->has_down;
	n->down = c->down;
	n->has_script = c->has_script;
	n->script = c->script;
	n->kind = c->kind;
	if (c->kind == AWM_KIND_SQL) {
		n->has_changeset = cap.changeset.size > 0;
		if (n->has_changeset &&
		    (rc = awm_packwriter_add(pw, &n->changeset, AWM_OBJ_CHANGESET,
					     cap.changeset.ptr, cap.changeset.size)) < 0)
			goto done;
	} else {
		n->has_changeset = c->has_changeset;
		n->changeset = c->changeset;
	}
	awm_schema_serialize(&payload, schema);
	if ((rc = awm_packwriter_add(pw, &n->schema, AWM_OBJ_SCHEMA, payload.ptr,
				     payload.size)) < 0)
		goto done;
	n->engine = awm_strdup(c->engine);
	n->migration = c->migration ? awm_strdup(c->migration) : NULL;
	n->gitcommit = c->gitcommit ? awm_strdup(c->gitcommit) : NULL;
	n->message = awm_strdup(c->message ? c->message : "\n");
	awm_signature_copy(&n->author, &c->author);
	awm_signature_copy(&n->committer, who);
	awm_buf_clear(&payload);
	if ((rc = awm_commit_serialize(&payload, n)) == 0)
		rc = awm_packwriter_add(pw, out, AWM_OBJ_COMMIT, payload.ptr, payload.size);
done:
	if (rc == AWM_ECONFLICT)
		awm_error_prefix("cannot replay '%s' (commit %s) onto %s; nothing was changed",
				 file, awm_oid_short(&c->oid, 10).s, awm_oid_short(parent, 10).s);
	awm_object_free(up);
	awm_schema_free(schema);
	awm_capture_release(&cap);
	awm_commit_free(n);
	awm_buf_release(&payload);
	return rc;
}

int awm_rebase_onto(awm_rebase_result *out, awm_repo *repo, const awm_oid *onto,
		    const awm_oid *tip)
{
	plan p;
	awm_signature who;
	awm_packwriter *pw = NULL;
	sqlite3 *db = NULL;
	awm_oid cur = *onto;
	size_t i;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&p, 0, sizeof(p));
	memset(&who, 0, sizeof(who));
	out->new_tip = *onto;
	if ((rc = make_plan(&p, repo, onto, tip)) < 0)
		goto done;
	for (i = 0; i < p.nr; i++) {
		if ((rc = upstream_has(&p, p.todo[i], onto)) < 0)
			goto done;
		if (rc) {
			out->skipped++;
			awm_commit_free(p.todo[i]);
			p.todo[i] = NULL;
		}
	}
	rc = 0;
	if (out->skipped == p.nr)
		goto done;
	if ((rc = awm_git_identity(&who, repo->root)) < 0 ||
	    (rc = awm_packwriter_new(&pw, repo->odb, LOOSE_LIMIT, 0)) < 0)
		goto done;
	for (i = 0; i < p.nr; i++) {
		awm_oid next;

		if (!p.todo[i])
			continue;
		if (strcmp(p.todo[i]->engine, "sqlite"))
			rc = replay_schema(&next, repo, pw, p.todo[i], &cur, &who);
		else if (!db && (rc = awm_scratch_open(&db, repo, onto)) < 0)
			goto done;
		else
			rc = replay(&next, repo, pw, db, p.todo[i], &cur, &who);
		if (rc < 0)
			goto done;
		cur = next;
		out->replayed++;
	}
	if ((rc = awm_packwriter_commit(pw, NULL)) < 0)
		goto done;
	if (db)
		awm_scratch_save(repo, &cur, db);
	awm_error_clear();
	out->new_tip = cur;
done:
	plan_release(&p);
	awm_packwriter_free(pw);
	sqlite3_close(db);
	awm_signature_release(&who);
	return rc;
}
