/*
 * Recording migrations: `awm commit`.
 */
#ifndef AWM_RECORD_H
#define AWM_RECORD_H

#include <stddef.h>

#include <sqlite3.h>

#include "core/migration.h"
#include "core/repo.h"
#include "objects/odb.h"

typedef struct awm_record_opts {
	const char *message;        /* NULL: derived from each file's name */
	awm_progress_cb progress;
	void *payload;
} awm_record_opts;

typedef struct awm_recorded_commit {
	awm_oid oid;
	awm_oid schema;                     /* the schema after it */
	char *path;
	char *subject;
	size_t inserts, updates, deletes;   /* rows in its changeset */
	char *warning;                      /* NULL, or something to tell the user */
} awm_recorded_commit;

typedef struct awm_record_result {
	awm_recorded_commit *commits;
	size_t nr;
	char *branch;                       /* short name, or NULL when detached */
} awm_record_result;

void awm_record_result_release(awm_record_result *res);

/*
 * Record every new migration file, in file-name order, as one commit each
 * on the current branch.  Each up script runs on a scratch database at its
 * parent commit under a session, which yields the commit's changeset and
 * schema; a down section is run once too, to check that it works.
 *
 * All or nothing: a failing script, an edited or badly named migration
 * file, or a branch that moved meanwhile leaves the history untouched.
 * No new file gives an empty result, not an error.
 */
int awm_record_migrations(awm_record_result *out, awm_repo *repo, const awm_record_opts *opts);

/*
 * The steps of awm_record_migrations, for callers whose migrations do not
 * come from the migrations folder (`awm import`) or that only validate
 * (the pre-commit hook):
 *
 *   awm_record_batch_new     start on top of HEAD: a scratch database at
 *                            HEAD, the identity, an empty packwriter
 *   awm_record_batch_add     validate one migration exactly as `awm commit`
 *                            does (up under a session, the down checked,
 *                            changes to tables without a primary key
 *                            refused) and stage its commit on top of the
 *                            previous one; `message` NULL: opts->message,
 *                            else derived from the file name
 *   awm_record_batch_commit  make the objects durable and move HEAD's
 *                            branch by compare-and-swap (nothing to do when
 *                            no migration was added)
 *   awm_record_batch_free    discard whatever was not committed
 *
 * Nothing is visible to other readers before the commit step, so a batch
 * that is freed without it leaves the repository as it was.
 */
typedef struct awm_record_batch awm_record_batch;

int awm_record_batch_new(awm_record_batch **out, awm_repo *repo, const awm_record_opts *opts);
int awm_record_batch_add(awm_record_batch *b, const awm_migration *m, const char *message);
int awm_record_batch_commit(awm_record_batch *b);
void awm_record_batch_free(awm_record_batch *b);

/*
 * Undo a successful awm_record_batch_commit, for a caller whose next step
 * failed (awm import adopting a database): the branch goes back to where
 * the batch started, logged with `why`, if it is still at the batch's last
 * commit (AWM_ECONFLICT, changing nothing, otherwise).  The objects stay,
 * unreachable, for gc.  Nothing to do when nothing was committed.
 */
int awm_record_batch_revert(awm_record_batch *b, const char *why);

/* The commits staged so far (owned by the batch). */
const awm_record_result *awm_record_batch_result(const awm_record_batch *b);

/*
 * The scratch database: the state after the last staged commit, opened on
 * first use; NULL, with the error set, when it cannot be.
 */
sqlite3 *awm_record_batch_db(awm_record_batch *b);

/* Move the result out of the batch; the caller releases it. */
void awm_record_batch_take(awm_record_result *out, awm_record_batch *b);

/*
 * Record what changed in the database file `path` since `awm checkout
 * --db` wrote it, as one DATA commit on the current branch: schema changes
 * as up SQL (with a down SQL that undoes them), row changes as its
 * changeset.  The base is the commit the file was checked out at, which
 * must still be the branch head (AWM_ECONFLICT otherwise).  An unchanged
 * file gives an empty result.  Afterwards the file counts as checked out
 * at the new commit.  All or nothing, like awm_record_migrations.
 */
int awm_record_from_db(awm_record_result *out, awm_repo *repo, const char *path,
		       const awm_record_opts *opts);

/*
 * Record the changeset in file `path` (from `sqldiff --changeset` or an
 * application's sqlite3session) as one DATA commit.  It is validated, its
 * tables checked, and applied to the state at the branch head, all before
 * anything is written: a damaged or conflicting changeset records nothing.
 */
int awm_record_changeset(awm_record_result *out, awm_repo *repo, const char *path,
			 const awm_record_opts *opts);

#endif
