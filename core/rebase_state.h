/*
 * The saved state of a stopped rebase or cherry-pick, in .awm/rebase/
 * (docs/graph-operations.md, "Saved state"):
 *
 *   state.json      what is left to do and how to go back; written last,
 *                   atomically, so it is the commit point of a save
 *   db-<id>.db      the scratch database at the commit the rebase reached,
 *                   so --continue need not replay it again (optional)
 *   files/<n>       each migration file as it was before the rebase first
 *                   touched it, for --abort and --skip
 *
 * Nothing else in .awm/ changes while a rebase is stopped: refs, reflogs
 * and the scratch cache are written only when it finishes.
 */
#ifndef AWM_REBASE_STATE_H
#define AWM_REBASE_STATE_H

#include <sqlite3.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/conflict.h"
#include "core/repo.h"
#include "objects/oid.h"

typedef struct awm_rebase_file {
	char *path;                /* relative to the project root */
	int existed;               /* it was there before */
	unsigned mode;             /* its permissions then */
	awm_buf bytes;             /* its content then */
} awm_rebase_file;

typedef struct awm_rebase_state {
	char *operation;           /* "rebase" or "cherry-pick" */
	char *head_name;           /* "refs/heads/<b>", or NULL for a detached HEAD */
	char *reflog;              /* what the ref's reflog entry will say */
	awm_oid orig_head;         /* HEAD when it started: --abort leaves it there */
	awm_oid onto;              /* the new base */
	awm_oid upstream;          /* what the user named (for messages) */
	awm_oid theirs_hide;       /* their side: onto's commits not in this one */
	int has_theirs_hide;
	awm_oid current;           /* the commit replayed last (onto at first) */
	awm_strategy strategy;
	awm_oid *todo;             /* left to replay, the stopped commit first */
	size_t ntodo;
	size_t replayed, skipped;
	awm_rebase_file *files;
	size_t nfiles;
	char **report;             /* the stop's report lines */
	size_t nreport;
	char *db_file;             /* "db-<id>.db" holding `current`'s state, or NULL */
} awm_rebase_state;

void awm_rebase_state_release(awm_rebase_state *st);

/* 1 when a rebase or cherry-pick is stopped in `repo`. */
int awm_rebase_in_progress(awm_repo *repo);

/* Read the saved state; AWM_ENOTFOUND when there is none. */
int awm_rebase_state_read(awm_rebase_state *out, awm_repo *repo);

/*
 * Save `st` (and, unless NULL, `db` as the state at st->current): files,
 * database, then state.json atomically.
 */
int awm_rebase_state_write(awm_rebase_state *st, awm_repo *repo, sqlite3 *db);

/* Remove the saved state. */
int awm_rebase_state_remove(awm_repo *repo);

/*
 * Keep the content of the migration file `path` as it is now, unless it
 * is kept already: the rebase is about to touch it or stop on it.
 */
int awm_rebase_state_keep_file(awm_rebase_state *st, awm_repo *repo, const char *path);

/* Put `path` (NULL: every kept file) back as it was kept. */
int awm_rebase_state_restore(awm_rebase_state *st, awm_repo *repo, const char *path);

/* The saved database, when there is one for st->current; else *out is NULL. */
int awm_rebase_state_db(sqlite3 **out, const awm_rebase_state *st, awm_repo *repo);

#endif
