/*
 * Reverting: a new commit on HEAD that undoes an earlier one
 * (docs/graph-operations.md, "Revert").
 *
 * The undo is the commit's down script, or its inverted changeset:
 *   SQL with a down section        a SQL commit: up = its down, down = its up
 *   SQL without one, rows only     a data commit: its changeset inverted
 *   data or script commit          a data commit with the inverted changeset;
 *                                  with a down section too, a SQL commit
 *                                  running the inverted rows as statements,
 *                                  then the down section
 * A SQL commit without a down section that changed the schema cannot be
 * reverted (AWM_EINVALID): an inverted changeset only restores rows.
 *
 * The new commit is checked and run on HEAD's state like a replayed one
 * (replay.h): its rows against what HEAD's side changed since, the schema
 * objects it touches against theirs.  A conflict refuses the revert with
 * AWM_ECONFLICT and the report; nothing is written.
 */
#ifndef AWM_REVERT_H
#define AWM_REVERT_H

#include "core/conflict.h"
#include "core/repo.h"
#include "objects/oid.h"

typedef struct awm_revert_result {
	awm_oid old_head, new_head;
	awm_conflict_list conflicts;
	awm_conflict_labels labels;
	const char *how;             /* "its down section", "its inverted changeset", ... */
} awm_revert_result;

void awm_revert_result_release(awm_revert_result *r);

/* `message` NULL: "Revert \"<subject>\"" and the commit's id. */
int awm_revert(awm_revert_result *out, awm_repo *repo, const awm_oid *rev, const char *message);

#endif
