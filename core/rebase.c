/*
 * The rebase and cherry-pick sequencer (see rebase.h): what to replay,
 * the loop, stopping and finishing.  Each commit is replayed by replay.c;
 * the saved state is rebase_state.c's.
 */
#include "core/rebase.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/git.h"
#include "core/lockfile.h"
#include "core/migration.h"
#include "core/rebase_state.h"
#include "core/refs.h"
#include "core/replay.h"
#include "core/scratch.h"
#include "core/walk.h"
#include "objects/commit.h"
#include "objects/oidmap.h"
#include "objects/packwriter.h"
#include "objects/schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A batch this small is written loose; a long rebase makes one pack. */
#define LOOSE_LIMIT 64

typedef struct seq {
	awm_repo *repo;
	awm_rebase_state st;
	int resumed;                  /* the state came from .awm/rebase */
	size_t kept_before;           /* st.nfiles when this run began */
	awm_rebase_result *out;
	awm_replayer *rp;
	awm_packwriter *pw;
	awm_signature who;
	awm_side theirs;
	awm_lockfile lock;
	awm_progress_cb progress;
	void *payload;
} seq;

void awm_rebase_result_release(awm_rebase_result *r)
{
	size_t i;

	free(r->operation);
	free(r->branch);
	free(r->stopped_subject);
	free(r->stopped_file);
	awm_conflict_list_release(&r->conflicts);
	for (i = 0; i < r->nnotes; i++)
		free(r->notes[i]);
	free(r->notes);
	memset(r, 0, sizeof(*r));
}

static void note(awm_rebase_result *out, char *msg)
{
	out->notes = awm_realloc(out->notes, (out->nnotes + 1) * sizeof(char *));
	out->notes[out->nnotes++] = msg;
}

static void seq_release(seq *s)
{
	awm_replayer_free(s->rp);
	awm_packwriter_free(s->pw);
	awm_signature_release(&s->who);
	awm_side_release(&s->theirs);
	awm_rebase_state_release(&s->st);
	awm_lockfile_release(&s->lock);
}

static int take_lock(seq *s)
{
	awm_buf path = AWM_BUF_INIT;
	int rc;

	awm_repo_path(&path, s->repo, "rebase");
	rc = awm_lockfile_acquire(&s->lock, path.ptr, 0);
	if (rc == AWM_ELOCKED)
		awm_error_set(AWM_ELOCKED, "another rebase or cherry-pick is running in '%s'",
			      s->repo->dir);
	awm_buf_release(&path);
	return rc;
}

static void set_labels(seq *s)
{
	int pick = !strcmp(s->st.operation, "cherry-pick");

	free(s->out->operation);
	s->out->operation = awm_strdup(s->st.operation);
	s->out->labels.theirs = pick ? "HEAD" : "upstream";
	s->out->labels.ours = pick ? "picked" : "ours";
	free(s->out->branch);
	s->out->branch = s->st.head_name && !strncmp(s->st.head_name, "refs/heads/", 11) ?
			 awm_strdup(s->st.head_name + 11) : NULL;
	s->out->orig_head = s->st.orig_head;
	s->out->onto = s->st.onto;
}

static int open_replayer(seq *s, sqlite3 *db)
{
	int rc;

	if (!db && (rc = awm_scratch_open_ex(&db, s->repo, &s->st.current,
					     AWM_SCRATCH_NO_SAVE)) < 0)
		return rc;
	if ((rc = awm_replayer_new(&s->rp, s->repo, db, &s->st.current, s->pw, &s->who)) < 0) {
		sqlite3_close(db);
		return rc;
	}
	awm_replayer_set_theirs(s->rp, &s->theirs);
	awm_replayer_set_labels(s->rp, &s->out->labels);
	return 0;
}

static int prepare(seq *s, sqlite3 *db)
{
	int rc;

	if ((rc = awm_git_identity(&s->who, s->repo->root)) < 0 ||
	    (rc = awm_packwriter_new(&s->pw, s->repo->odb, LOOSE_LIMIT, 0)) < 0 ||
	    (rc = awm_side_load(&s->theirs, s->repo, &s->st.onto,
				s->st.has_theirs_hide ? &s->st.theirs_hide : NULL)) < 0)
		return rc;
	return open_replayer(s, db);
}

/* The file a replay rewrote (strategy SQL added): kept first, then written. */
static int rewrite_file(seq *s, const awm_replay_out *ro)
{
	awm_buf full = AWM_BUF_INIT;
	mode_t mode = 0644;
	size_t i;
	int rc;

	if ((rc = awm_rebase_state_keep_file(&s->st, s->repo, ro->file)) < 0)
		return rc;
	for (i = 0; i < s->st.nfiles; i++)
		if (!strcmp(s->st.files[i].path, ro->file) && s->st.files[i].mode)
			mode = (mode_t)s->st.files[i].mode;
	awm_path_join(&full, s->repo->root, ro->file);
	rc = awm_fs_write_atomic(full.ptr, ro->file_text.ptr, ro->file_text.size, mode, 0);
	if (rc == 0)
		note(s->out, awm_printf_alloc("'%s' got SQL that carries the --strategy choice; "
					      "commit the file to git with your other changes",
					      ro->file));
	awm_buf_release(&full);
	return rc;
}

/* Move what a replay reports into the result: strategy choices and notes. */
static void collect(seq *s, awm_replay_out *ro, const awm_commit *c)
{
	size_t i;

	for (i = 0; i < ro->nunchecked; i++)
		note(s->out, awm_printf_alloc("the rows %s changes in table '%s' were not checked "
					      "for conflicts: the table's columns differ from "
					      "when it was recorded; its script ran again",
					      awm_oid_short(&c->oid, 10).s, ro->unchecked[i]));
	awm_conflict_list_take(&s->out->conflicts, &ro->conflicts);
}

static char *subject_of(const awm_commit *c)
{
	awm_buf b = AWM_BUF_INIT;

	awm_commit_subject(&b, c);
	return awm_buf_detach(&b);
}

/* A stop: objects made durable, the state saved; AWM_ECONFLICT. */
static int stop(seq *s, size_t i, const awm_commit *c)
{
	awm_rebase_result *out = s->out;
	awm_buf line = AWM_BUF_INIT;
	awm_oid *rest;
	size_t k;
	int rc;

	out->stopped = 1;
	out->stopped_at = c->oid;
	out->stopped_subject = subject_of(c);
	out->stopped_file = c->migration ? awm_strdup(c->migration) : NULL;
	out->new_tip = s->st.current;
	rest = awm_calloc(s->st.ntodo - i + 1, sizeof(awm_oid));
	memcpy(rest, s->st.todo + i, (s->st.ntodo - i) * sizeof(awm_oid));
	free(s->st.todo);
	s->st.todo = rest;
	s->st.ntodo -= i;
	for (k = 0; k < s->st.nreport; k++)
		free(s->st.report[k]);
	free(s->st.report);
	s->st.report = awm_calloc(out->conflicts.nr + 1, sizeof(char *));
	s->st.nreport = 0;
	for (k = 0; k < out->conflicts.nr; k++) {
		if (out->conflicts.items[k].resolution)
			continue;
		awm_buf_clear(&line);
		awm_conflict_format(&line, &out->conflicts.items[k], &out->labels);
		s->st.report[s->st.nreport++] = awm_strdup(line.ptr);
	}
	awm_buf_release(&line);
	if (!s->resumed)
		awm_rebase_state_remove(s->repo);   /* leftovers of a crash, if any */
	if ((c->migration && (rc = awm_rebase_state_keep_file(&s->st, s->repo, c->migration)) < 0) ||
	    (rc = awm_packwriter_commit(s->pw, NULL)) < 0 ||
	    (rc = awm_rebase_state_write(&s->st, s->repo, awm_replayer_db_lost(s->rp) ? NULL :
					 awm_replayer_db(s->rp))) < 0)
		return rc;
	return awm_error_set(AWM_ECONFLICT, "%s stopped at %s (%s)", s->st.operation,
			     awm_oid_short(&c->oid, 10).s, out->stopped_subject);
}

/* The end: objects, then the branch, then the cache; the state goes. */
static int finish(seq *s)
{
	awm_buf target = AWM_BUF_INIT, msg = AWM_BUF_INIT;
	const char *ref = "HEAD";
	int rc;

	s->out->new_tip = s->st.current;
	if ((rc = awm_packwriter_commit(s->pw, NULL)) < 0)
		goto done;
	/* The branch it started on, even when HEAD was switched meanwhile. */
	if (s->st.head_name && (awm_ref_symbolic_target(&target, s->repo, "HEAD") < 0 ||
				strcmp(target.ptr, s->st.head_name)))
		ref = s->st.head_name;
	awm_error_clear();
	awm_buf_printf(&msg, "%s (finish): onto %s", s->st.reflog,
		       awm_oid_short(&s->st.onto, 10).s);
	if (!awm_oid_equal(&s->st.current, &s->st.orig_head) &&
	    (rc = awm_ref_update(s->repo, ref, &s->st.current, &s->st.orig_head, msg.ptr)) < 0) {
		if (rc == AWM_ECONFLICT)
			awm_error_prefix("%s moved while the %s was going on; nothing was changed",
					 s->st.head_name ? s->st.head_name : "HEAD", s->st.operation);
		goto done;
	}
	if (s->rp && !awm_replayer_db_lost(s->rp))
		awm_scratch_save(s->repo, &s->st.current, awm_replayer_db(s->rp));
	awm_error_clear();
	if (s->resumed)
		rc = awm_rebase_state_remove(s->repo);
done:
	awm_buf_release(&target);
	awm_buf_release(&msg);
	return rc;
}

/* A failure that is no conflict: files this run rewrote go back. */
static void undo_run(seq *s)
{
	size_t i;
	char *msg = awm_strdup(awm_error_last());
	int code = awm_error_code();

	for (i = s->kept_before; i < s->st.nfiles; i++)
		awm_rebase_state_restore(&s->st, s->repo, s->st.files[i].path);
	awm_error_set(code, "%s", msg);
	free(msg);
}

/* Load the stopped commit's migration file when it was edited since. */
static int edited_file(awm_migration *m, int *edited, seq *s, const awm_commit *c)
{
	awm_buf path = AWM_BUF_INIT, text = AWM_BUF_INIT;
	int rc = 0;

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
	if ((rc = awm_migration_parse(m, c->migration, text.ptr, text.size)) < 0) {
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

/*
 * Replay st.todo from the start.  `first` applies to the first commit
 * only: how --continue replays the one it stopped at.
 */
static int run(seq *s, const awm_replay_opts *first)
{
	size_t i;
	int rc = 0;

	s->out->total = s->out->replayed + s->st.ntodo;
	for (i = 0; i < s->st.ntodo; i++) {
		awm_replay_opts opts;
		awm_replay_out ro;
		awm_commit *c;
		awm_oid up;

		memset(&opts, 0, sizeof(opts));
		opts.strategy = s->st.strategy;
		opts.note = !strcmp(s->st.operation, "cherry-pick") ? "awm cherry-pick" : "awm rebase";
		if (i == 0 && first)
			opts = *first;
		if ((rc = awm_commit_read(&c, s->repo->odb, &s->st.todo[i])) < 0)
			break;
		up = opts.sections ? opts.sections->up_oid : c->up;
		memset(&ro, 0, sizeof(ro));
		rc = awm_side_has_migration(&s->theirs, c, &up, opts.sections ? 1 : c->has_up, 0,
					    &ro.conflicts);
		if (rc == 1) {
			s->out->skipped++;
			s->st.skipped++;
			note(s->out, awm_printf_alloc("%s was dropped: %s already has migration '%s'",
						      awm_oid_short(&c->oid, 10).s,
						      s->out->labels.theirs, c->migration));
			awm_commit_free(c);
			awm_replay_out_release(&ro);
			continue;
		}
		if (rc == 0) {
			awm_replay_out_release(&ro);
			rc = awm_replayer_apply(&ro, s->rp, c, &opts);
		}
		collect(s, &ro, c);
		if (rc == 0 && ro.file)
			rc = rewrite_file(s, &ro);
		if (rc == AWM_ECONFLICT)
			rc = stop(s, i, c);
		awm_replay_out_release(&ro);
		if (rc < 0) {
			awm_commit_free(c);
			if (!s->out->stopped)
				undo_run(s);
			return rc;
		}
		s->st.current = *awm_replayer_tip(s->rp);
		s->out->replayed++;
		s->st.replayed++;
		awm_commit_free(c);
		if (s->progress)
			s->progress(s->st.operation[0] == 'c' ? "Cherry-picking" : "Rebasing",
				    s->out->replayed + s->out->skipped, s->out->total, s->payload);
	}
	if ((rc = finish(s)) < 0)
		undo_run(s);
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
			note(s->out, awm_printf_alloc("merge %s was left out: the commits it merged "
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
	if ((rc = take_lock(&s)) < 0)
		goto done;
	if (awm_rebase_in_progress(repo)) {
		rc = awm_error_set(AWM_EINVALID, "a rebase or cherry-pick is stopped already; "
				   "finish it with --continue or --skip, or drop it with --abort");
		goto done;
	}
	if ((rc = head_state(&s)) < 0)
		goto done;
	set_labels(&s);
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
			rc = finish(&s);
		goto done;
	}
	if ((rc = prepare(&s, NULL)) < 0)
		goto done;
	rc = run(&s, NULL);
done:
	seq_release(&s);
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
	if ((rc = take_lock(s)) < 0)
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
	set_labels(s);
	return 0;
}

static int resume_db(seq *s)
{
	sqlite3 *db = NULL;
	int rc;

	if ((rc = awm_rebase_state_db(&db, &s->st, s->repo)) < 0)
		return rc;
	return prepare(s, db);
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
		rc = resume_db(&s) == 0 ? finish(&s) : awm_error_code();
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
	rc = run(&s, &first);
done:
	awm_commit_free(c);
	awm_migration_release(&m);
	seq_release(&s);
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
			note(out, awm_printf_alloc("'%s' is no longer recorded on this branch: "
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
	rc = run(&s, NULL);
done:
	seq_release(&s);
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
	seq_release(&s);
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
