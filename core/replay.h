/*
 * Replaying commits, one at a time, on a scratch database at a new base:
 * the engine under rebase, cherry-pick and merge (docs/graph-operations.md).
 *
 * A replayer holds the database and the commit whose state it holds.
 * Replaying a commit checks it against the new base first, and only then
 * runs it:
 *
 *   1. schema: the objects it changed (its parent's schema against its
 *      own) against what the other side changed (awm_replayer_set_theirs);
 *   2. data: its changeset against the rows of the new base
 *      (conflict_data.h), settled by the strategy if there is one;
 *   3. it runs: a SQL migration's up script again, under a session, which
 *      gives the new changeset (a strategy's choice that the script does
 *      not make by itself is added to the up section as SQL); a data or
 *      script migration's up SQL, then its (settled) changeset; its down
 *      section is checked as `awm commit` checks it; the schema is taken.
 *
 * Any conflict left unsettled stops the replay with AWM_ECONFLICT and the
 * list in `out`; the database is rolled back to where it was.  With a
 * packwriter the new commit is written into it: the old one's author,
 * message, scripts and migration file, a new parent, the replayer's
 * identity as committer, and the recomputed changeset and schema.
 */
#ifndef AWM_REPLAY_H
#define AWM_REPLAY_H

#include <sqlite3.h>

#include "core/buf.h"
#include "core/conflict.h"
#include "core/git.h"
#include "core/migration.h"
#include "core/repo.h"
#include "objects/commit.h"
#include "objects/oidset.h"
#include "objects/packwriter.h"

typedef struct awm_replayer awm_replayer;

/*
 * Start at the state `db` (taken over, closed by awm_replayer_free) of
 * commit `tip` (NULL: the empty database).  `pw` NULL: check and run
 * only, write nothing (a merge's dry run).  `who` is copied.
 */
int awm_replayer_new(awm_replayer **out, awm_repo *repo, sqlite3 *db, const awm_oid *tip,
		     awm_packwriter *pw, const awm_signature *who);
void awm_replayer_free(awm_replayer *r);

/*
 * The other side: the commits of `tip` that `hide` lacks (NULL: all of
 * them), what they did to the schema, the rows their changesets changed,
 * and the migration files they recorded.
 */
typedef struct awm_side_mig {
	char *path;
	awm_oid up, commit;
	int has_up;
} awm_side_mig;

typedef struct awm_side {
	awm_schema_touches touches;
	awm_side_mig *migs;
	size_t nmigs, amigs;
	awm_oidset rows;           /* the rows their changesets changed, by key hash */
} awm_side;

int awm_side_load(awm_side *out, awm_repo *repo, const awm_oid *tip, const awm_oid *hide);
void awm_side_release(awm_side *side);

/*
 * Whether the side recorded `c`'s migration file: 0 not at all; 1 with
 * the same up script (`up`, `has_up`); AWM_ECONFLICT with a MIGRATION
 * entry in `list` when with other text, or at all with `same_conflicts`
 * (a merge would run both).
 */
int awm_side_has_migration(const awm_side *side, const awm_commit *c, const awm_oid *up,
			   int has_up, int same_conflicts, awm_conflict_list *list);

/* The other side (borrowed; must outlive the replays). */
void awm_replayer_set_theirs(awm_replayer *r, const awm_side *theirs);

/* Labels for messages: e.g. the other side is "upstream" or "HEAD". */
void awm_replayer_set_labels(awm_replayer *r, const awm_conflict_labels *labels);

typedef struct awm_replay_opts {
	awm_strategy strategy;
	int accept_schema;              /* the user has seen this commit's schema conflicts */
	int edited;                     /* `sections` is the migration file as the user
					 * edited it: it is what "ours" means now, so
					 * only a failing script stops the replay */
	const awm_migration *sections;  /* up and down text to run and record instead
					 * of the commit's own (SQL only) */
	const awm_buf *changeset;       /* the changeset to check, for a commit that is
					 * not stored (revert); written with it */
	const awm_oid *layout;          /* the schema `changeset` was recorded against;
					 * NULL: the commit's own */
	const char *note;               /* names the operation in SQL a strategy adds */
} awm_replay_opts;

typedef struct awm_replay_out {
	awm_oid commit;                 /* the new commit, when written */
	awm_conflict_list conflicts;    /* unsettled (stopped), or settled by the strategy */
	char **unchecked;               /* tables whose rows were not checked */
	size_t nunchecked;
	char *file;                     /* a migration file to rewrite (strategy SQL added), */
	awm_buf file_text;              /* with this content */
} awm_replay_out;

void awm_replay_out_release(awm_replay_out *o);

/* Replay `c` on top of the current state (see above). */
int awm_replayer_apply(awm_replay_out *out, awm_replayer *r, const awm_commit *c,
		       const awm_replay_opts *opts);

/* The commit whose state the database holds (zero: empty), and its schema. */
const awm_oid *awm_replayer_tip(const awm_replayer *r);
const awm_oid *awm_replayer_schema(const awm_replayer *r);
sqlite3 *awm_replayer_db(awm_replayer *r);

/*
 * 1 when a failed replay could not be rolled back (a script ended the
 * transaction awm wrapped it in): the database no longer holds the tip's
 * state and must be rebuilt.
 */
int awm_replayer_db_lost(const awm_replayer *r);

#endif
