/*
 * What the two halves of the sequencer share (see rebase.h): rebase.c
 * (the loop, stopping, finishing) and rebase_ops.c (start, continue,
 * skip, abort).
 */
#ifndef AWM_REBASE_INTERNAL_H
#define AWM_REBASE_INTERNAL_H

#include "core/lockfile.h"
#include "core/rebase.h"
#include "core/rebase_state.h"
#include "core/replay.h"
#include "objects/packwriter.h"

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
	int no_state;                 /* whole-schema history: no scratch state to save */
	awm_progress_cb progress;
	void *payload;
} seq;

/* Add a note to the result (takes `msg`). */
void rb_note(awm_rebase_result *out, char *msg);

void rb_seq_release(seq *s);

/* .awm/rebase.lock, for the whole run. */
int rb_take_lock(seq *s);

/* The result's operation, labels, branch and ids, from the state. */
void rb_set_labels(seq *s);

/* Identity, packwriter, the other side, and a replayer at st.current
 * (on `db`, taken; NULL: a scratch database built for it). */
int rb_prepare(seq *s, sqlite3 *db);

/* Move the branch to st.current, cache its state, drop the saved state. */
int rb_finish(seq *s);

/*
 * Replay st.todo in order, then finish; a conflict stops and saves.
 * `first` (may be NULL) applies to the first commit only.
 */
int rb_run(seq *s, const awm_replay_opts *first);

#endif
