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
 */
#ifndef AWM_SCRATCH_H
#define AWM_SCRATCH_H

#include <sqlite3.h>

#include "core/repo.h"
#include "objects/commit.h"

/* The state after `commit`; NULL or a zero id gives an empty database. */
int awm_scratch_open(sqlite3 **out, awm_repo *repo, const awm_oid *commit);

/* Cache `db` as the state after `commit`. */
int awm_scratch_save(awm_repo *repo, const awm_oid *commit, sqlite3 *db);

/*
 * Move `db` forward over one commit: run its up SQL; for DATA and SCRIPT
 * commits (see awm_commit_kind) then apply its changeset, with triggers
 * off (it holds what they did).  Any changeset conflict stops it.
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

#endif
