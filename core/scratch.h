/*
 * Scratch databases: a commit's database state, materialised in memory so
 * that a new migration can be run on exactly what its parent left behind.
 *
 * States are cached in .awm/cache/db/<commit>.db, so recording a migration
 * does not replay the history; a missing state is rebuilt by replaying from
 * the nearest cached ancestor.  The cache keeps the most recently used
 * states (cache.scratchKeep, default 16) and can always be deleted.
 * A commit with a snapshot (dbsnapshot.h) is loaded from it instead of
 * being replayed.
 *
 * A state is the commit's history replayed in the canonical order
 * (AWM_WALK_CANONICAL in walk.h), the order environments apply it in: at
 * a merge, the first parent's side, then the merged-in side, then the
 * merge.  So a scratch database and an environment moved to the same
 * merge hold the same data, even when the two sides do not commute.
 */
#ifndef AWM_SCRATCH_H
#define AWM_SCRATCH_H

#include <sqlite3.h>

#include "core/repo.h"
#include "objects/commit.h"

/* The state after `commit`; NULL or a zero id gives an empty database. */
int awm_scratch_open(sqlite3 **out, awm_repo *repo, const awm_oid *commit);

/*
 * Do not write the cache: a replay that had to be done is not kept.  For
 * operations that promise to leave the cache exactly as it was when they
 * are abandoned (rebase --abort).
 */
#define AWM_SCRATCH_NO_SAVE 0x1u

/* awm_scratch_open with flags. */
int awm_scratch_open_ex(sqlite3 **out, awm_repo *repo, const awm_oid *commit,
			unsigned flags);

/*
 * awm_scratch_open_ex telling `progress` (may be NULL) after each commit
 * it replays: "Replaying commits", done and total.  A state loaded from
 * the cache or a snapshot with nothing to replay reports nothing.
 */
int awm_scratch_open_progress(sqlite3 **out, awm_repo *repo, const awm_oid *commit,
			      unsigned flags, awm_progress_cb progress, void *payload);

/* Cache `db` as the state after `commit`. */
int awm_scratch_save(awm_repo *repo, const awm_oid *commit, sqlite3 *db);

/*
 * Move `db` forward over one commit: run its up SQL; for DATA and SCRIPT
 * commits (see awm_commit_kind) then apply its changeset, with triggers
 * off (it holds what they did).  Any changeset conflict stops it
 * (AWM_ECONFLICT, naming the table and row).  Used for scratch databases
 * and, by the sqlite engine, for environments.
 */
int awm_replay_up(sqlite3 *db, awm_repo *repo, const awm_commit *c);

/*
 * Run SCRIPT commits' programs again instead of replaying what they did
 * (--rerun-scripts; see script.h).  The result may differ from the
 * recording when the program depends on more than the database.
 */
#define AWM_REPLAY_RERUN_SCRIPTS 0x1u

/* awm_replay_up with flags. */
int awm_replay_up_ex(sqlite3 *db, awm_repo *repo, const awm_commit *c, unsigned flags);

/* How a commit is undone (see awm_replay_down). */
typedef enum awm_undo {
	AWM_UNDO_NONE = 0,           /* it cannot be */
	AWM_UNDO_DOWN,               /* run the down SQL */
	AWM_UNDO_INVERSE,            /* apply the inverse of its changeset */
	AWM_UNDO_INVERSE_THEN_DOWN,  /* DATA/SCRIPT: inverse changeset, then the down SQL */
} awm_undo;

/*
 * How awm_replay_down() undoes `c`.  `has_captured` says whether the effect
 * of its up step on this database was recorded (see awm_replay_down).  The
 * method says nothing about whether it is enough: a SQL commit without a
 * down section that changed the schema gets AWM_UNDO_INVERSE, which only
 * restores rows; the caller refuses that case.
 */
awm_undo awm_replay_undo_method(const awm_commit *c, int has_captured);

/*
 * Move `db` back over one commit, the mirror of awm_replay_up().  DATA and
 * SCRIPT commits: apply the inverse of the changeset, then run the down
 * SQL if any.  SQL commits: run the down SQL; without one, apply the
 * inverse of the changeset the up step captured on this database
 * (`captured`, `captured_len` bytes, when `has_captured`; empty means it
 * changed no row), else of the commit's own changeset.  A conflict stops
 * it with AWM_ECONFLICT, naming the table and row; a commit with nothing
 * to undo it gives AWM_EINVALID.
 */
int awm_replay_down(sqlite3 *db, awm_repo *repo, const awm_commit *c,
		    const void *captured, size_t captured_len, int has_captured);

/*
 * AWM_EINVALID, saying `hint`, when `commit` belongs to a history whose
 * migrations are whole schemas (Appwrite): it has no database state to
 * build, so operations that run migrations on one cannot work on it.
 */
int awm_require_sqlite_history(awm_repo *repo, const awm_oid *commit, const char *hint);

#endif
