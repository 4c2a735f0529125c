/*
 * The sequencer's entry points (see rebase.h): starting a rebase or a
 * cherry-pick, and going on after a stop with --continue, --skip or
 * --abort; what `awm status` reads of a stopped one.
 */
#include "core/rebase_internal.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/migration.h"
#include "core/refs.h"
#include "core/walk.h"
#include "objects/commit.h"

#include <stdlib.h>
#include <string.h>

/* Load the stopped commit's migration file when it was edited since. */
static int edited_file(awm_migration *m, int *edited, seq *s, const awm_commit *c)
{
	awm_buf path = AWM_BUF_INIT, text = AWM_BUF_INIT;
	int rc = 0;

	int whole = strcmp(c->engine, "sqlite") != 0;   /* a whole schema (Appwrite) */

	*edited = 0;
	memset(m, 0, sizeof(*m));
	if (!c->migration || c->kind != AWM_KIND_SQL)
		return 0;
	awm_path_join(&path, s->repo->root, c->migration);
	if (awm_fs_read_file(&text, path.ptr) < 0) {
		awm_error_clear();   /* gone from the folder: the recorded text is used */
		goto done;
	}
	awm_crlf_to_lf(&text);
	if ((rc = whole ? awm_migration_parse_appwrite(m, c->migration, text.ptr, text.size) :
		      awm_migration_parse(m, c->migration, text.ptr, text.size)) < 0) {
		awm_error_prefix("cannot continue");
		goto done;
	}
	*edited = !c->has_up || !awm_oid_equal(&m->up_oid, &c->up) ||
		  m->has_down != c->has_down || (m->has_down && !awm_oid_equal(&m->down_oid, &c->down));
done:
	awm_buf_release(&path);
	awm_buf_release(&text);
	return rc;
}

static int head_state(seq *s)
{
	awm_buf target = AWM_BUF_INIT;
	int rc;

	if (awm_ref_symbolic_target(&target, s->repo, "HEAD") == 0 &&
	    !strncmp(target.ptr, "refs/", 5))
		s->st.head_name = awm_strdup(target.ptr);
	awm_error_clear();
	awm_buf_release(&target);
	rc = awm_ref_lookup(&s->st.orig_head, s->repo, "HEAD");
	if (rc == AWM_ENOTFOUND)
		rc = awm_error_set(AWM_EINVALID, "HEAD has no commits yet; there is nothing to %s",
				   s->st.operation);
	return rc;
}

/* What a rebase replays: HEAD's commits that upstream lacks, merges left out. */
static int rebase_todo(seq *s)
{
	awm_oid *list = NULL;
	size_t n, i;
	int rc;

	if ((rc = awm_walk_canonical_list(&list, &n, s->repo, &s->st.orig_head, &s->st.upstream)) < 0)
		return rc;
	s->st.todo = awm_calloc(n + 1, sizeof(awm_oid));
	for (i = 0; i < n && rc == 0; i++) {
		awm_commit *c;

		if ((rc = awm_commit_read(&c, s->repo->odb, &list[i])) < 0)
			break;
		if (c->nparents > 1) {
			s->out->merges++;
			rb_note(s->out, awm_printf_alloc("merge %s was left out: the commits it merged "
						         "are replayed one after the other",
						         awm_oid_short(&c->oid, 10).s));
		} else {
			s->st.todo[s->st.ntodo++] = list[i];
		}
		awm_commit_free(c);
	}
	free(list);
	return rc;
}

static int start_pick(seq *s, const awm_oid *pick)
{
	awm_commit *c;
	int rc;

	if ((rc = awm_commit_read(&c, s->repo->odb, pick)) < 0)
		return rc;
	if (c->nparents > 1)
		rc = awm_error_set(AWM_EINVALID, "%s is a merge; cherry-pick the commits it "
				   "merged instead", awm_oid_short(pick, 10).s);
	else if ((rc = awm_is_ancestor(s->repo, pick, &s->st.orig_head)) == 1)
		rc = awm_error_set(AWM_EINVALID, "%s is already in HEAD's history; nothing to "
				   "cherry-pick", awm_oid_short(pick, 10).s);
	if (rc == 0) {
		s->st.onto = s->st.orig_head;
		s->st.upstream = *pick;
		s->st.has_theirs_hide = c->nparents > 0;
		if (c->nparents)
			s->st.theirs_hide = c->parents[0];
		s->st.todo = awm_calloc(1, sizeof(awm_oid));
		s->st.todo[s->st.ntodo++] = *pick;
	}
	awm_commit_free(c);
	return rc;
}

int awm_rebase_start(awm_rebase_result *out, awm_repo *repo, const awm_rebase_opts *o)
{
	seq s;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&s, 0, sizeof(s));
	s.lock = (awm_lockfile)AWM_LOCKFILE_INIT;
	s.repo = repo;
	s.out = out;
	s.progress = o->progress;
	s.payload = o->payload;
	s.st.operation = awm_strdup(o->pick ? "cherry-pick" : "rebase");
	s.st.reflog = awm_strdup(o->reflog ? o->reflog : s.st.operation);
	s.st.strategy = o->strategy;
	if ((rc = rb_take_lock(&s)) < 0)
		goto done;
	if (awm_rebase_in_progress(repo)) {
		rc = awm_error_set(AWM_EINVALID, "a rebase or cherry-pick is stopped already; "
				   "finish it with --continue or --skip, or drop it with --abort");
		goto done;
	}
	if ((rc = head_state(&s)) < 0)
		goto done;
	rb_set_labels(&s);
	if (o->pick) {
		if ((rc = start_pick(&s, o->pick)) < 0)
			goto done;
	} else {
		s.st.upstream = *o->upstream;
		s.st.onto = o->onto ? *o->onto : *o->upstream;
		s.st.theirs_hide = s.st.orig_head;
		s.st.has_theirs_hide = 1;
		out->onto = s.st.onto;
		if (awm_oid_equal(&s.st.onto, &s.st.upstream) &&
		    (rc = awm_is_ancestor(repo, &s.st.onto, &s.st.orig_head)) != 0) {
			out->up_to_date = rc > 0;
			out->new_tip = s.st.orig_head;
			rc = rc < 0 ? rc : 0;
			goto done;
		}
		if ((rc = rebase_todo(&s)) < 0)
			goto done;
	}
	s.st.current = s.st.onto;
	if (!s.st.ntodo) {
		out->fast_forward = 1;
		rc = awm_packwriter_new(&s.pw, repo->odb, LOOSE_LIMIT, 0);
		if (rc == 0)
			rc = rb_finish(&s);
		goto done;
	}
	if ((rc = rb_prepare(&s, NULL)) < 0)
		goto done;
	rc = rb_run(&s, NULL);
done:
	rb_seq_release(&s);
	return rc;
}

/* Load a stopped operation's state, checking it is the one asked for. */
static int resume(seq *s, awm_repo *repo, awm_rebase_result *out, const char *op)
{
	int rc;

	memset(out, 0, sizeof(*out));
	memset(s, 0, sizeof(*s));
	s->lock = (awm_lockfile)AWM_LOCKFILE_INIT;
	s->repo = repo;
	s->out = out;
	s->resumed = 1;
	if ((rc = rb_take_lock(s)) < 0)
		return rc;
	if ((rc = awm_rebase_state_read(&s->st, repo)) < 0) {
		if (rc == AWM_ENOTFOUND)
			rc = awm_error_set(AWM_EINVALID, "no %s is in progress", op);
		return rc;
	}
	if (strcmp(s->st.operation, op))
		return awm_error_set(AWM_EINVALID, "a %s is stopped, not a %s; use 'awm %s' to go "
				     "on with it", s->st.operation, op, s->st.operation);
	s->kept_before = s->st.nfiles;
	out->replayed = s->st.replayed;
	out->skipped = s->st.skipped;
	rb_set_labels(s);
	return 0;
}

static int resume_db(seq *s)
{
	sqlite3 *db = NULL;
	int rc;

	if ((rc = awm_rebase_state_db(&db, &s->st, s->repo)) < 0)
		return rc;
	return rb_prepare(s, db);
}

int awm_rebase_continue(awm_rebase_result *out, awm_repo *repo, const char *op,
			awm_strategy strategy, awm_progress_cb progress, void *payload)
{
	awm_replay_opts first;
	awm_migration m;
	awm_commit *c = NULL;
	seq s;
	int rc, edited = 0;

	memset(&m, 0, sizeof(m));
	if ((rc = resume(&s, repo, out, op)) < 0)
		goto done;
	s.progress = progress;
	s.payload = payload;
	if (strategy != AWM_STRATEGY_NONE)
		s.st.strategy = strategy;
	if (!s.st.ntodo) {
		rc = resume_db(&s) == 0 ? rb_finish(&s) : awm_error_code();
		goto done;
	}
	if ((rc = awm_commit_read(&c, repo->odb, &s.st.todo[0])) < 0 ||
	    (rc = edited_file(&m, &edited, &s, c)) < 0 || (rc = resume_db(&s)) < 0)
		goto done;
	memset(&first, 0, sizeof(first));
	first.strategy = s.st.strategy;
	first.accept_schema = 1;
	first.edited = edited;
	first.sections = edited ? &m : NULL;
	first.note = !strcmp(op, "cherry-pick") ? "awm cherry-pick" : "awm rebase";
	rc = rb_run(&s, &first);
done:
	awm_commit_free(c);
	awm_migration_release(&m);
	rb_seq_release(&s);
	return rc;
}

int awm_rebase_skip(awm_rebase_result *out, awm_repo *repo, const char *op,
		    awm_progress_cb progress, void *payload)
{
	seq s;
	int rc;

	if ((rc = resume(&s, repo, out, op)) < 0)
		goto done;
	s.progress = progress;
	s.payload = payload;
	if (s.st.ntodo) {
		awm_commit *c;

		if ((rc = awm_commit_read(&c, repo->odb, &s.st.todo[0])) < 0)
			goto done;
		if (c->migration && (rc = awm_rebase_state_restore(&s.st, repo, c->migration)) == 0)
			rb_note(out, awm_printf_alloc("'%s' is no longer recorded on this branch: "
						      "delete it, or record it again with 'awm commit'",
						      c->migration));
		awm_commit_free(c);
		if (rc < 0)
			goto done;
		memmove(s.st.todo, s.st.todo + 1, (s.st.ntodo - 1) * sizeof(awm_oid));
		s.st.ntodo--;
		out->skipped++;
		s.st.skipped++;
	}
	if ((rc = resume_db(&s)) < 0)
		goto done;
	rc = rb_run(&s, NULL);
done:
	rb_seq_release(&s);
	return rc;
}

int awm_rebase_abort(awm_rebase_result *out, awm_repo *repo, const char *op)
{
	seq s;
	int rc;

	if ((rc = resume(&s, repo, out, op)) == 0 &&
	    (rc = awm_rebase_state_restore(&s.st, repo, NULL)) == 0)
		rc = awm_rebase_state_remove(repo);
	out->new_tip = s.st.orig_head;
	rb_seq_release(&s);
	return rc;
}

void awm_rebase_info_release(awm_rebase_info *info)
{
	size_t i;

	free(info->operation);
	free(info->branch);
	for (i = 0; i < info->nreport; i++)
		free(info->report[i]);
	free(info->report);
	memset(info, 0, sizeof(*info));
}

int awm_rebase_info_read(awm_rebase_info *out, awm_repo *repo)
{
	awm_rebase_state st;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = awm_rebase_state_read(&st, repo)) < 0)
		return rc;
	out->operation = st.operation;
	st.operation = NULL;
	out->branch = st.head_name && !strncmp(st.head_name, "refs/heads/", 11) ?
		      awm_strdup(st.head_name + 11) : NULL;
	out->onto = st.onto;
	if (st.ntodo)
		out->stopped_at = st.todo[0];
	out->left = st.ntodo;
	out->report = st.report;
	out->nreport = st.nreport;
	st.report = NULL;
	st.nreport = 0;
	awm_rebase_state_release(&st);
	return 0;
}
