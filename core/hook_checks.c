/*
 * Pre-commit and pre-push checks (see hook_checks.h).
 */
#include "core/hook_checks.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/migration.h"
#include "core/record.h"
#include "core/remote_sync.h"
#include "core/refs.h"
#include "core/walk.h"
#include "core/worktree.h"
#include "objects/commit.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void awm_hook_report_release(awm_hook_report *r)
{
	size_t i;

	for (i = 0; i < r->nr; i++) {
		free(r->problems[i].path);
		free(r->problems[i].message);
	}
	free(r->problems);
	for (i = 0; i < r->nnotes; i++)
		free(r->notes[i]);
	free(r->notes);
	memset(r, 0, sizeof(*r));
}

static void problem(awm_hook_report *r, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void problem(awm_hook_report *r, const char *path, const char *fmt, ...)
{
	awm_buf msg = AWM_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	awm_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	AWM_ARRAY_GROW(r->problems, r->nr + 1, r->alloc);
	r->problems[r->nr].path = path ? awm_strdup(path) : NULL;
	r->problems[r->nr].message = awm_buf_detach(&msg);
	r->nr++;
}

static void note(awm_hook_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void note(awm_hook_report *r, const char *fmt, ...)
{
	awm_buf msg = AWM_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	awm_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	AWM_ARRAY_GROW(r->notes, r->nnotes + 1, r->anotes);
	r->notes[r->nnotes++] = awm_buf_detach(&msg);
}

/* Parse what git holds for a migration file, with CRLF read as LF. */
static int parse_content(awm_migration *m, const awm_git_change *c)
{
	awm_buf text = AWM_BUF_INIT;
	int rc;

	awm_buf_put(&text, c->content.ptr, c->content.size);
	awm_crlf_to_lf(&text);
	rc = awm_migration_parse(m, c->path, text.ptr, text.size);
	awm_buf_release(&text);
	return rc;
}

/* NULL when `m` has the recorded sections, else what differs. */
static const char *edit_of(const awm_migration *m, const awm_oid *up, const awm_oid *down,
			   int has_down)
{
	if (!awm_oid_equal(&m->up_oid, up))
		return "its up section changed";
	if (m->has_down != has_down || (has_down && !awm_oid_equal(&m->down_oid, down)))
		return "its down section changed";
	return NULL;
}

/* ---- pre-commit ---- */

static void check_recorded_change(awm_hook_report *out, const awm_git_change *c,
				  const awm_recorded *r)
{
	const char *id = awm_oid_short(&r->commit, 10).s;
	char restore[1024];
	awm_migration m;
	const char *what;

	/* Only a file git's HEAD has can be restored from it. */
	if (c->kind == AWM_GIT_ADDED)
		snprintf(restore, sizeof(restore), "make it match the recorded text again "
			 "('awm show %s' shows it) and 'git add' it", id);
	else
		snprintf(restore, sizeof(restore), "restore it with 'git restore --staged "
			 "--worktree -- %s'", c->git_path);
	if (c->kind == AWM_GIT_DELETED) {
		problem(out, c->path, "'%s' deletes a migration that awm recorded in %s; %s",
			c->path, id, restore);
		return;
	}
	if (parse_content(&m, c) < 0) {
		problem(out, c->path, "'%s' edits a migration that awm recorded in %s, and it "
			"no longer parses (%s); %s", c->path, id, awm_error_last(), restore);
		awm_error_clear();
	} else if ((what = edit_of(&m, &r->up, &r->down, r->has_down))) {
		problem(out, c->path, "'%s' edits a migration that awm recorded in %s (%s); %s, "
			"and put the change in a new migration ('awm new <phrase>')",
			c->path, id, what, restore);
	}
	awm_migration_release(&m);
}

/*
 * Run the new migrations on a scratch database at awm's HEAD, in order,
 * through the same batch `awm commit` uses; the batch is never committed.
 * After a failure the database holds part of a script, so what follows is
 * not run.
 */
static int run_new(awm_hook_report *out, awm_repo *repo, awm_migration *mig,
		   const awm_git_change **from, size_t n)
{
	awm_record_batch *b = NULL;
	awm_oid head;
	char at[64];
	size_t i;
	int rc;

	if (n == 0)
		return 0;
	if (awm_ref_lookup(&head, repo, "HEAD") == 0)
		snprintf(at, sizeof(at), "awm's HEAD %s", awm_oid_short(&head, 10).s);
	else
		snprintf(at, sizeof(at), "an empty database (awm has no commit yet)");
	awm_error_clear();
	if ((rc = awm_record_batch_new(&b, repo, NULL)) < 0)
		return rc;
	for (i = 0; i < n; i++) {
		if (awm_record_batch_add(b, &mig[i], NULL) < 0) {
			problem(out, mig[i].path, "%s; fix it and 'git add' it again (it ran on "
				"%s)", awm_error_last(), at);
			awm_error_clear();
			for (i++; i < n; i++)
				note(out, "'%s' was not run: it comes after '%s', which fails",
				     mig[i].path, mig[i - 1].path);
			break;
		}
		note(out, "'%s' is not recorded in awm yet; run 'awm commit' before you push",
		     from[i]->path);
	}
	awm_record_batch_free(b);
	return 0;
}

int awm_hook_pre_commit(awm_hook_report *out, awm_repo *repo)
{
	awm_git_changes ch;
	awm_recorded_set rec;
	awm_migration *mig = NULL;
	const awm_git_change **from = NULL;
	awm_oid head;
	size_t i, nnew = 0;
	int rc, has_head;

	memset(out, 0, sizeof(*out));
	memset(&rec, 0, sizeof(rec));
	if ((rc = awm_git_staged_changes(&ch, repo)) < 0 || ch.nr == 0)
		goto done;   /* the common case: nothing more to read */
	rc = awm_ref_lookup(&head, repo, "HEAD");
	if (rc < 0 && rc != AWM_ENOTFOUND)
		goto done;
	awm_error_clear();
	has_head = rc == 0;
	if ((rc = awm_recorded_load(&rec, repo, has_head ? &head : NULL)) < 0)
		goto done;
	mig = awm_calloc(ch.nr, sizeof(*mig));
	from = awm_calloc(ch.nr, sizeof(*from));
	for (i = 0; i < ch.nr; i++) {
		const awm_git_change *c = &ch.items[i];
		const awm_recorded *r = awm_recorded_find(&rec, c->path);

		out->checked++;
		if (r) {
			check_recorded_change(out, c, r);
		} else if (c->kind == AWM_GIT_DELETED) {
			continue;   /* never recorded: awm does not mind */
		} else if (awm_migration_name_check(c->name) < 0) {
			problem(out, c->path, "%s (git mv %s <version>_<phrase>.sql)",
				awm_error_last(), c->git_path);
			awm_error_clear();
		} else if (parse_content(&mig[nnew], c) < 0) {
			problem(out, c->path, "%s", awm_error_last());
			awm_error_clear();
			awm_migration_release(&mig[nnew]);
		} else {
			from[nnew++] = c;
		}
	}
	rc = run_new(out, repo, mig, from, nnew);
done:
	for (i = 0; i < nnew; i++)
		awm_migration_release(&mig[i]);
	free(mig);
	free(from);
	awm_recorded_release(&rec);
	awm_git_changes_release(&ch);
	return rc;
}

/* ---- pre-push ---- */

typedef struct recorded_version {
	char *path;
	awm_oid commit, up, down;
	int has_down;
} recorded_version;

typedef struct all_recorded {
	recorded_version *items;
	size_t nr, alloc;
	awm_walk *walk;
} all_recorded;

static int push_ref(const char *name, const awm_oid *oid, void *payload)
{
	(void)name;
	return awm_walk_push(((all_recorded *)payload)->walk, oid);
}

/* Every migration version recorded in any commit reachable from any ref. */
static int load_all_recorded(all_recorded *out, awm_repo *repo)
{
	awm_oid oid;
	int rc;

	awm_walk_new(&out->walk, repo, 0);
	if (awm_ref_lookup(&oid, repo, "HEAD") == 0 && (rc = awm_walk_push(out->walk, &oid)) < 0)
		return rc;
	awm_error_clear();
	if ((rc = awm_ref_foreach(repo, "refs/", push_ref, out)) < 0)
		return rc;
	while ((rc = awm_walk_next(out->walk, &oid)) == 1) {
		awm_commit *c;
		recorded_version *v;

		if ((rc = awm_commit_read(&c, repo->odb, &oid)) < 0)
			return rc;
		if (c->migration && c->has_up) {
			AWM_ARRAY_GROW(out->items, out->nr + 1, out->alloc);
			v = &out->items[out->nr++];
			v->path = awm_strdup(c->migration);
			v->commit = oid;
			v->up = c->up;
			v->down = c->down;
			v->has_down = c->has_down;
		}
		awm_commit_free(c);
	}
	return rc;
}

static void all_recorded_release(all_recorded *a)
{
	size_t i;

	for (i = 0; i < a->nr; i++)
		free(a->items[i].path);
	free(a->items);
	awm_walk_free(a->walk);
}

typedef struct push_ctx {
	awm_repo *repo;
	const char *remote, *url;
	const awm_push_updates *updates;
} push_ctx;

static void check_pushed_file(awm_hook_report *out, const awm_git_change *c,
			      const all_recorded *all)
{
	const recorded_version *newest = NULL;
	char commit[11];
	awm_migration m;
	size_t i;

	snprintf(commit, sizeof(commit), "%s", c->commit ? c->commit : "?");
	if (awm_migration_name_check(c->name) < 0) {
		problem(out, c->path, "git commit %s carries '%s', which awm cannot record: %s; "
			"rename it (git mv %s <version>_<phrase>.sql), run 'awm commit', commit "
			"and push again", commit, c->path, awm_error_last(), c->git_path);
		awm_error_clear();
		return;
	}
	if (parse_content(&m, c) < 0) {
		problem(out, c->path, "git commit %s carries '%s', which awm cannot record: %s; "
			"fix it, run 'awm commit', commit and push again", commit, c->path,
			awm_error_last());
		awm_error_clear();
		awm_migration_release(&m);
		return;
	}
	for (i = 0; i < all->nr; i++) {
		const recorded_version *v = &all->items[i];

		if (strcmp(v->path, c->path))
			continue;
		if (!edit_of(&m, &v->up, &v->down, v->has_down))
			goto done;   /* recorded as it is */
		if (!newest)
			newest = v;
	}
	if (newest)
		problem(out, c->path, "'%s' in git commit %s differs from what awm recorded in %s "
			"(%s); every pushed commit must carry the recorded text, so rewrite that "
			"unpushed commit to match 'awm show %s' (git commit --amend when it is the "
			"last one, else git rebase -i %s~1), put the change in a new migration "
			"(awm new <phrase>; awm commit), and push again", c->path, commit,
			awm_oid_short(&newest->commit, 10).s,
			edit_of(&m, &newest->up, &newest->down, newest->has_down),
			awm_oid_short(&newest->commit, 10).s, commit);
	else
		problem(out, c->path, "'%s' in git commit %s is not recorded in awm; run "
			"'awm commit' to record it, then push again", c->path, commit);
done:
	awm_migration_release(&m);
}

/* Check 1: the migration files of the pushed git commits are all recorded. */
static int check_migrations_recorded(awm_hook_report *out, const push_ctx *ctx)
{
	awm_git_changes ch;
	all_recorded all;
	size_t i;
	int rc;

	memset(&all, 0, sizeof(all));
	if ((rc = awm_git_pushed_changes(&ch, ctx->repo, ctx->remote, ctx->updates)) < 0 ||
	    ch.nr == 0)
		goto done;
	if ((rc = load_all_recorded(&all, ctx->repo)) < 0)
		goto done;
	for (i = 0; i < ch.nr; i++) {
		out->checked++;
		check_pushed_file(out, &ch.items[i], &all);
	}
done:
	all_recorded_release(&all);
	awm_git_changes_release(&ch);
	return rc;
}

/*
 * awm's default remote ('origin', or the only one), or NULL when none is
 * configured.  One that cannot be reached is a note, not a refusal: a git
 * push need not wait for it.
 */
static awm_remote *default_remote(awm_hook_report *out, awm_repo *repo)
{
	awm_buf name = AWM_BUF_INIT;
	awm_remote *r = NULL;

	if (awm_remote_default(&name, repo) == 0 && awm_remote_open(&r, repo, name.ptr) < 0)
		note(out, "awm's remote '%s' was not checked: %s", name.ptr, awm_error_last());
	awm_error_clear();
	awm_buf_release(&name);
	return r;
}

/* A problem for a ref whose remote counterpart needs a rebase, or diverged. */
static int is_head(const awm_sync_status *st, const awm_oid *oid)
{
	size_t i;

	for (i = 0; i < st->nheads; i++)
		if (awm_oid_equal(&st->heads[i], oid))
			return 1;
	return 0;
}

static void remote_needs_rebase(awm_hook_report *out, awm_remote *r, const awm_sync_status *st,
				const char *what)
{
	if (st->state == AWM_SYNC_REBASE)
		problem(out, NULL, "both your awm %s and its copy on remote '%s' have new commits; "
			"run 'awm pull --rebase %s', then 'awm push %s', then push again", what,
			r->name, r->name, r->name);
	else if (st->state == AWM_SYNC_DIVERGED && is_head(st, &st->local) &&
		 awm_remote_push_unsettled(r) == 0)
		/* Ours is pushed: the other head is a clone whose push did not finish. */
		problem(out, NULL, "awm's %s on remote '%s' has diverged into %zu heads, yours "
			"among them: another clone's push did not finish; in that clone, run "
			"'awm pull --rebase %s', then 'awm push %s'; then push again here", what,
			r->name, st->nheads, r->name, r->name);
	else if (st->state == AWM_SYNC_DIVERGED)
		problem(out, NULL, "awm's %s on remote '%s' has diverged into %zu heads; run "
			"'awm pull --rebase %s', then 'awm push %s', then push again", what,
			r->name, st->nheads, r->name, r->name);
}

/* Check 2: awm's current branch is on its default remote. */
static int check_awm_pushed(awm_hook_report *out, const push_ctx *ctx)
{
	awm_buf branch = AWM_BUF_INIT, what = AWM_BUF_INIT;
	awm_sync_status st;
	awm_remote *r;
	awm_oid head;

	memset(&st, 0, sizeof(st));
	if (awm_ref_symbolic_target(&branch, ctx->repo, "HEAD") < 0 ||
	    strncmp(branch.ptr, "refs/heads/", 11) ||
	    awm_ref_lookup(&head, ctx->repo, branch.ptr) < 0 ||
	    !(r = default_remote(out, ctx->repo)))
		goto done;
	awm_buf_printf(&what, "branch '%s'", branch.ptr + 11);
	if (awm_remote_sync_status(&st, r, branch.ptr, &head) < 0)
		note(out, "awm's remote '%s' was not checked: %s", r->name, awm_error_last());
	else if (st.state == AWM_SYNC_AHEAD || st.state == AWM_SYNC_NOT_PUSHED)
		problem(out, NULL, "awm's %s has commits that remote '%s' lacks; run 'awm push "
			"%s', then push again", what.ptr, r->name, r->name);
	else if (st.state == AWM_SYNC_BEHIND)
		note(out, "remote '%s' has awm commits that your %s lacks; 'awm pull %s' brings "
		     "them", r->name, what.ptr, r->name);
	else
		remote_needs_rebase(out, r, &st, what.ptr);
	awm_remote_free(r);
done:
	awm_error_clear();
	awm_sync_status_release(&st);
	awm_buf_release(&branch);
	awm_buf_release(&what);
	return 0;
}

typedef struct env_refs {
	char **names;
	awm_oid *oids;
	size_t nr, alloc;
} env_refs;

static int collect_env(const char *name, const awm_oid *oid, void *payload)
{
	env_refs *e = payload;

	if (e->nr == e->alloc) {
		e->alloc = e->alloc ? 2 * e->alloc : 8;
		e->names = awm_realloc(e->names, e->alloc * sizeof(char *));
		e->oids = awm_realloc(e->oids, e->alloc * sizeof(awm_oid));
	}
	e->names[e->nr] = awm_strdup(name);
	e->oids[e->nr++] = *oid;
	return 0;
}

/* Check 3: no env ref on that remote has moved on or diverged from ours. */
static int check_awm_envs(awm_hook_report *out, const push_ctx *ctx)
{
	env_refs e = { NULL, NULL, 0, 0 };
	awm_buf what = AWM_BUF_INIT;
	awm_remote *r = NULL;
	size_t i;

	if (awm_ref_foreach(ctx->repo, "refs/envs/", collect_env, &e) < 0 || !e.nr ||
	    !(r = default_remote(out, ctx->repo)))
		goto done;
	for (i = 0; i < e.nr; i++) {
		awm_sync_status st;

		awm_buf_clear(&what);
		awm_buf_printf(&what, "environment ref '%s'", e.names[i] + strlen("refs/envs/"));
		if (awm_remote_sync_status(&st, r, e.names[i], &e.oids[i]) < 0)
			break;   /* check 2 has said the remote was not checked */
		remote_needs_rebase(out, r, &st, what.ptr);
		awm_sync_status_release(&st);
	}
done:
	awm_error_clear();
	awm_remote_free(r);
	for (i = 0; i < e.nr; i++)
		free(e.names[i]);
	free(e.names);
	free(e.oids);
	awm_buf_release(&what);
	return 0;
}

/*
 * The pre-push checks, in order.  Each adds problems (refusals, with the
 * commands that fix them) to the report and returns < 0 only when it could
 * not run:
 *   1. the migration files of the pushed git commits are recorded in awm;
 *   2. awm's current branch has been pushed to awm's default remote
 *     ('origin', or the only remote): otherwise "awm push";
 *   3. no env ref on that remote has moved on or diverged from the local
 *     one so that a rebase is needed: otherwise "awm pull --rebase", then
 *     "awm push".
 * Checks 2 and 3 do nothing when awm has no remote, and only note a remote
 * they cannot reach.
 */
typedef int (*pre_push_check)(awm_hook_report *out, const push_ctx *ctx);

static const pre_push_check pre_push_checks[] = {
	check_migrations_recorded,
	check_awm_pushed,
	check_awm_envs,
};

int awm_hook_pre_push(awm_hook_report *out, awm_repo *repo, const char *remote,
		      const char *url, const awm_push_updates *updates)
{
	push_ctx ctx = { repo, remote, url, updates };
	size_t i;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < sizeof(pre_push_checks) / sizeof(pre_push_checks[0]) && rc == 0; i++)
		rc = pre_push_checks[i](out, &ctx);
	return rc;
}
