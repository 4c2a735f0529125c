/*
 * Rebase and cherry-pick: replaying commits onto a new base, one by one,
 * each re-validated on a scratch database at its new parent (replay.h),
 * stopping on conflicts with the state saved (rebase_state.h) and
 * `--continue`, `--skip` and `--abort` to go on (docs/graph-operations.md).
 *
 * The commits replayed are those of HEAD that `upstream` lacks, in the
 * canonical order (walk.h); merge commits among them are left out, their
 * sides being replayed one after the other.  A commit whose migration file
 * the new base already recorded with the same up script is dropped, as git
 * drops patches already upstream; the same file with other text is a
 * conflict.
 *
 * Nothing but objects is written until the end: then HEAD's branch moves
 * to the new tip (the old commits stay reachable from its reflog) and the
 * new tip's state goes to the scratch cache.  A stop leaves refs, reflogs
 * and the cache as they were, so --abort only forgets the saved state and
 * puts back the migration files the rebase touched.
 */
#ifndef AWM_REBASE_H
#define AWM_REBASE_H

#include <stddef.h>

#include "core/conflict.h"
#include "core/repo.h"
#include "objects/oid.h"

typedef struct awm_rebase_opts {
	const awm_oid *upstream;     /* replay what HEAD has and this has not */
	const awm_oid *onto;         /* the new base; NULL: upstream */
	const awm_oid *pick;         /* cherry-pick this one commit onto HEAD instead */
	awm_strategy strategy;
	const char *reflog;          /* the reflog message; NULL: "rebase" */
	awm_progress_cb progress;
	void *payload;
} awm_rebase_opts;

typedef struct awm_rebase_result {
	int up_to_date;              /* nothing to replay, and nothing moved */
	int fast_forward;            /* nothing to replay; the branch moved to onto */
	int stopped;                 /* a conflict stopped it: the state is saved */
	char *operation;             /* "rebase" or "cherry-pick" */
	char *branch;                /* the branch's short name, NULL when detached */
	awm_oid orig_head, onto, new_tip;
	size_t total;                /* commits to replay when it started */
	size_t replayed, skipped, merges;
	awm_oid stopped_at;          /* the commit it stopped at */
	char *stopped_subject;
	char *stopped_file;          /* its migration file, or NULL */
	awm_conflict_list conflicts; /* what stopped it; and every strategy choice */
	awm_conflict_labels labels;
	char **notes;                /* things the user should know */
	size_t nnotes;
} awm_rebase_result;

void awm_rebase_result_release(awm_rebase_result *r);

/*
 * Start: with opts->pick, a cherry-pick of that commit onto HEAD; else a
 * rebase of HEAD onto opts->onto (or upstream).  AWM_ECONFLICT when it
 * stopped (`out->stopped`, the state saved); AWM_EINVALID when another
 * rebase or cherry-pick is stopped already.
 */
int awm_rebase_start(awm_rebase_result *out, awm_repo *repo, const awm_rebase_opts *opts);

/*
 * Go on after a stop.  The stopped commit is replayed again: from its
 * migration file when that was edited (then the file is what "ours" means
 * and only a failing script stops it), else with the schema conflicts it
 * stopped on taken as seen and `strategy` (AWM_STRATEGY_NONE: the one it
 * started with) for the data ones.  `op` must be the operation that
 * stopped ("rebase" or "cherry-pick").
 */
int awm_rebase_continue(awm_rebase_result *out, awm_repo *repo, const char *op,
			awm_strategy strategy, awm_progress_cb progress, void *payload);

/* Drop the stopped commit (its migration file goes back as it was), go on. */
int awm_rebase_skip(awm_rebase_result *out, awm_repo *repo, const char *op,
		    awm_progress_cb progress, void *payload);

/*
 * Forget the stopped operation: the migration files it touched go back to
 * what they were, byte for byte; refs, reflogs and cache were never
 * changed.
 */
int awm_rebase_abort(awm_rebase_result *out, awm_repo *repo, const char *op);

/* What `awm status` says about a stopped rebase: the saved state's summary. */
typedef struct awm_rebase_info {
	char *operation;
	char *branch;
	awm_oid onto, stopped_at;
	size_t left;                 /* commits left, the stopped one included */
	char **report;
	size_t nreport;
} awm_rebase_info;

/* AWM_ENOTFOUND when none is stopped. */
int awm_rebase_info_read(awm_rebase_info *out, awm_repo *repo);
void awm_rebase_info_release(awm_rebase_info *info);

#endif
