/*
 * The environment side of an import (see import.h): a database another
 * tool migrated is adopted, so that `awm apply` goes on from the commit
 * it is at instead of running the imported migrations again.  The
 * adoption itself is an engine operation (awm_engine_adopt), taken under
 * the environment's lock like any step.
 */
#include "core/import.h"
#include "core/engine.h"
#include "core/env.h"
#include "core/envplan.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/refs.h"

#include <stdlib.h>
#include <string.h>

int awm_import_adopt_url(awm_buf *out, awm_repo *repo, const char *env, const char *path,
			 const char *shown)
{
	awm_buf want = AWM_BUF_INIT, have = AWM_BUF_INIT, envdb = AWM_BUF_INIT;
	awm_env e;
	int rc;

	awm_buf_clear(out);
	awm_fs_canonical(&want, path);
	rc = awm_env_get(&e, repo, env);
	if (rc == AWM_ENOTFOUND) {
		/* Not configured yet: the rows wait in the database for `awm env add`. */
		awm_error_clear();
		awm_buf_printf(out, "sqlite:%s", want.ptr);
		rc = 0;
		goto done;
	}
	if (rc < 0)
		goto done;
	if (awm_import_env_database(&envdb, repo, env) == 0)
		awm_fs_canonical(&have, envdb.ptr);
	awm_error_clear();   /* not a SQLite environment: not this file either */
	if (!have.size || strcmp(have.ptr, want.ptr))
		rc = awm_error_set(AWM_EUSAGE, "'%s' is not the database of environment '%s' (%s); "
				   "leave out --db, or name that environment's database", shown,
				   env, e.url);
	else
		awm_buf_puts(out, e.url);
done:
	awm_env_release(&e);
	awm_buf_release(&want);
	awm_buf_release(&have);
	awm_buf_release(&envdb);
	return rc;
}

int awm_import_adopt_check(awm_repo *repo, const char *url, const char *shown)
{
	awm_engine *e = NULL;
	awm_history h;
	int rc;

	memset(&h, 0, sizeof(h));
	if ((rc = awm_engine_open(&e, repo, url, 0)) < 0 || (rc = awm_engine_history(&h, e)) < 0)
		goto done;
	if (h.nr)
		rc = awm_error_set(AWM_EEXISTS, "'%s' already has awm history (%zu rows in "
				   "awm_state): awm moves it already, so there is nothing to adopt; "
				   "import without --env, or clear that history with 'awm reset' "
				   "first", shown, h.nr);
done:
	awm_history_release(&h);
	awm_engine_free(e);
	return rc;
}

/* The commits a database at `head` has applied: its history in canonical order. */
static int history_of(awm_plan *plan, const awm_commit ***commits, awm_repo *repo,
		      awm_engine *e, const awm_oid *head)
{
	awm_history none;
	awm_oid empty;
	size_t i;
	int rc;

	memset(&none, 0, sizeof(none));
	memset(plan, 0, sizeof(*plan));
	*commits = NULL;
	if (!head)
		return 0;
	awm_engine_empty_schema(&empty, e);
	if ((rc = awm_plan_build(plan, repo, &none, head, &empty)) < 0)
		return rc;
	*commits = awm_calloc(plan->nr ? plan->nr : 1, sizeof(**commits));
	for (i = 0; i < plan->nr; i++)
		(*commits)[i] = plan->steps[i].commit;
	return 0;
}

int awm_import_adopt(size_t *rows, awm_repo *repo, const char *url, const char *env,
		     const awm_oid *head, const char *const *tables, const char *note)
{
	awm_buf owner = AWM_BUF_INIT;
	awm_lock_request req;
	awm_lock_info holder;
	awm_adopt a;
	awm_plan plan;
	const awm_commit **commits = NULL;
	awm_engine *e = NULL;
	int64_t ttl;
	int rc, locked = 0;

	*rows = 0;
	memset(&plan, 0, sizeof(plan));
	memset(&holder, 0, sizeof(holder));
	awm_env_lock_owner(&owner);
	if ((rc = awm_env_lock_ttl(&ttl, repo, env)) < 0 ||
	    (rc = awm_engine_open(&e, repo, url, AWM_ENGINE_WRITE)) < 0 ||
	    (rc = history_of(&plan, &commits, repo, e, head)) < 0)
		goto done;
	req.id = AWM_ENV_LOCK_ID;
	req.owner = owner.ptr;
	req.ttl_ms = ttl;
	req.force = 0;
	req.same_identity = 0;
	if ((rc = awm_engine_lock(&holder, e, &req)) < 0)
		goto done;
	locked = 1;
	memset(&a, 0, sizeof(a));
	a.repo = repo;
	a.commits = commits;
	a.nr = plan.nr;
	a.note = note;
	a.drop_tables = tables;
	a.lock = &req;
	a.release_lock = 1;
	if ((rc = awm_engine_adopt(e, &a)) == 0) {
		locked = 0;
		*rows = plan.nr;
	}
done:
	if (locked) {
		char *msg = awm_strdup(awm_error_last());
		int code = awm_error_code();

		awm_engine_unlock(e, &req);
		awm_error_set(code, "%s", msg);   /* the adoption's error, not the unlock's */
		free(msg);
	}
	awm_lock_info_release(&holder);
	free(commits);
	awm_plan_release(&plan);
	awm_engine_free(e);
	awm_buf_release(&owner);
	return rc;
}

/* ---- the end of an import with --env ---- */

static int set_env(awm_import_result *res, awm_repo *repo, const char *env, size_t applied,
		   const char *kind)
{
	awm_buf ref = AWM_BUF_INIT, msg = AWM_BUF_INIT;
	int rc;

	awm_buf_printf(&ref, "refs/envs/%s", env);
	if (applied == 0) {
		awm_buf_release(&ref);
		return 0;   /* nothing applied: the env starts before the first commit */
	}
	awm_buf_printf(&msg, "import: %s version %s in %s", kind, res->version, res->db);
	rc = awm_ref_update(repo, ref.ptr, &res->commits.commits[applied - 1].oid, NULL, msg.ptr);
	if (rc == 0)
		res->env_ref = awm_buf_detach(&ref);
	awm_buf_release(&ref);
	awm_buf_release(&msg);
	return rc;
}

/* The commit the database is at: the last applied import, else the history below them. */
static int db_head(awm_oid *out, int *has, const awm_import_result *res, awm_repo *repo)
{
	awm_commit *first;
	int rc;

	*has = 0;
	if (res->applied) {
		*out = res->commits.commits[res->applied - 1].oid;
		*has = 1;
		return 0;
	}
	if ((rc = awm_commit_read(&first, repo->odb, &res->commits.commits[0].oid)) < 0)
		return rc;
	if (first->nparents) {
		*out = first->parents[0];
		*has = 1;
	}
	awm_commit_free(first);
	return 0;
}

static char *joined(const char *const *names)
{
	awm_buf out = AWM_BUF_INIT;

	char *s;

	for (; *names; names++)
		awm_buf_printf(&out, "%s%s", out.size ? ", " : "", *names);
	s = out.size ? awm_buf_detach(&out) : NULL;
	awm_buf_release(&out);
	return s;
}

/* Adopt the database at the commit it is at. */
static int adopt(awm_import_result *out, awm_repo *repo, const awm_import_opts *o,
		 const awm_import_kind *kind, const awm_import_db *st, const char *url)
{
	awm_buf note = AWM_BUF_INIT;
	awm_oid head;
	int rc, has_head;

	if ((rc = db_head(&head, &has_head, out, repo)) < 0)
		return rc;
	if (!has_head && !st->tables[0])
		return 0;   /* nothing applied, nothing to drop: leave the database alone */
	awm_buf_printf(&note, "awm import %s %s", kind->name, o->folder);
	if (out->version)
		awm_buf_printf(&note, ", at version %s", out->version);
	rc = awm_import_adopt(&out->adopted_rows, repo, url, o->env, has_head ? &head : NULL,
			      st->tables, note.ptr);
	if (rc == 0) {
		out->adopted = 1;
		out->dropped = joined(st->tables);
	}
	awm_buf_release(&note);
	return rc;
}

int awm_import_settle_env(int *undone, awm_import_result *out, awm_repo *repo,
			  const awm_import_opts *o, const awm_import_kind *kind,
			  awm_record_batch *b, const awm_import_db *st, const char *url)
{
	awm_buf ref = AWM_BUF_INIT;
	awm_oid old_env, now_env;
	char *msg;
	int rc, code, urc = 0, had_env;

	*undone = 0;
	rc = awm_env_ref(&old_env, repo, o->env);
	if (rc < 0 && rc != AWM_ENOTFOUND)
		return rc;
	had_env = rc == 0;
	if ((rc = set_env(out, repo, o->env, st->applied, kind->name)) == 0 &&
	    (rc = adopt(out, repo, o, kind, st, url)) == 0)
		return 0;
	msg = awm_strdup(awm_error_last());
	code = awm_error_code();
	if (out->env_ref) {
		now_env = out->commits.commits[st->applied - 1].oid;
		awm_buf_puts(&ref, out->env_ref);
		urc = had_env ? awm_ref_update(repo, ref.ptr, &old_env, &now_env, "import: undone")
			      : awm_ref_delete(repo, ref.ptr, &now_env, "import: undone");
		free(out->env_ref);
		out->env_ref = NULL;
	}
	if (urc == 0)
		urc = awm_record_batch_revert(b, "import: undone");
	if (urc == 0) {
		*undone = 1;
		awm_error_set(code, "%s; nothing was imported", msg);
	} else {
		char *why = awm_strdup(awm_error_last());

		awm_error_set(code, "%s; putting the history back failed too (%s), so the "
			      "imported commits stay on the branch", msg, why);
		free(why);
	}
	free(msg);
	awm_buf_release(&ref);
	return rc;
}
