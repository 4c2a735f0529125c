/*
 * Merging: a commit with two parents, for when two lines must both be
 * kept (two long-lived release branches).  Environments apply a merge's
 * history in the canonical order (walk.h): the first parent's side, then
 * the merged-in side, then the merge; `awm plan` shows that order.
 *
 * Before it writes anything, the merge plays that order on a scratch
 * database: HEAD's state, then each merged-in commit replayed with the
 * checks a rebase makes (replay.h).  Any conflict refuses the merge with
 * the same report.  The merge commit records the schema that order gives;
 * it has no script and no changeset of its own.
 */
#ifndef AWM_MERGE_H
#define AWM_MERGE_H

#include "core/conflict.h"
#include "core/repo.h"
#include "objects/oid.h"

typedef struct awm_merge_opts {
	const awm_oid *rev;          /* the commit to merge into HEAD */
	const char *message;         /* the merge commit's message */
	int no_ff;                   /* make a merge commit even for a fast-forward */
	const char *their_label;     /* how reports call HEAD's side: the branch */
	const char *our_label;       /* ... and the merged-in side: what the user named */
} awm_merge_opts;

typedef struct awm_merge_result {
	int up_to_date;              /* rev is in HEAD's history already */
	int fast_forward;            /* HEAD moved to rev */
	awm_oid old_head, new_head;
	size_t merged;               /* commits the merge brings in */
	awm_conflict_list conflicts; /* why it was refused */
	awm_conflict_labels labels;
} awm_merge_result;

void awm_merge_result_release(awm_merge_result *r);

/* AWM_ECONFLICT, with `out->conflicts`, when the sides conflict. */
int awm_merge(awm_merge_result *out, awm_repo *repo, const awm_merge_opts *opts);

#endif
