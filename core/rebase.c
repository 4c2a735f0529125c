/*
 * The rebase and cherry-pick sequencer (see rebase.h): the loop over the
 * commits to replay, stopping with the state saved, and finishing.  Each
 * commit is replayed by replay.c; the saved state is rebase_state.c's;
 * what to replay is decided in rebase_ops.c.
 */
#include "core/rebase_internal.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/git.h"
#include "core/migration.h"
#include "core/refs.h"
#include "core/scratch.h"
#include "core/sqlite.h"
#include "objects/commit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

void rb_note(awm_rebase_result *out, char *msg)
{
	out->notes = awm_realloc(out->notes, (out->nnotes + 1) * sizeof(char *));
	out->notes[out->nnotes++] = msg;
}

void rb_seq_release(seq *s)
{
	awm_replayer_free(s->rp);
	awm_packwriter_free(s->pw);
	awm_signature_release(&s->who);
	awm_side_release(&s->theirs);
	awm_rebase_state_release(&s->st);
	awm_lockfile_release(&s->lock);
}

int rb_take_lock(seq *s)
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

void rb_set_labels(seq *s)
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

	if ((rc = awm_require_sqlite_history(s->repo, &s->st.current, "")) < 0) {
		/* Whole-schema migrations (replay_whole.c) need no state: an empty one. */
		if (rc != AWM_EINVALID || (!db && (rc = awm_sqlite_open_image(&db, NULL, 0)) < 0)) {
			sqlite3_close(db);
			return rc;
		}
		awm_error_clear();
		s->no_state = 1;
	}
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

int rb_prepare(seq *s, sqlite3 *db)
{
	int rc;

	if ((rc = awm_git_identity(&s->who, s->repo->root)) < 0 ||
	    (rc = awm_packwriter_new(&s->pw, s->repo->odb, LOOSE_LIMIT, 0)) < 0 ||
	    (rc = awm_side_load(&s->theirs, s->repo, &s->st.onto,
				s->st.has_theirs_hide ? &s->st.theirs_hide : NULL)) < 0) {
		sqlite3_close(db);
		return rc;
	}
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
		rb_note(s->out, awm_printf_alloc("'%s' got SQL that carries the --strategy choice; "
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
		rb_note(s->out, awm_printf_alloc("the rows %s changes in table '%s' were not checked "
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
int rb_finish(seq *s)
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
	if (s->rp && !s->no_state && !awm_replayer_db_lost(s->rp))
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

/*
 * Replay st.todo from the start.  `first` applies to the first commit
 * only: how --continue replays the one it stopped at.
 */
int rb_run(seq *s, const awm_replay_opts *first)
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
			rb_note(s->out, awm_printf_alloc("%s was dropped: %s already has migration '%s'",
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
	if ((rc = rb_finish(s)) < 0)
		undo_run(s);
	return rc;
}

