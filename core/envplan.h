/*
 * Planning how to move a database from what is applied to it to a target
 * commit: down to where the applied history and the target's history
 * meet, then up along the target's history (docs/environments.md,
 * "Moving along the history").  `plan`, `apply`, `rollback` and `status`
 * all use this one function, so what `plan` prints is what `apply` does.
 *
 * The applied history is the stack of `applied` rows in awm_state, oldest
 * first; its top is the applied head.  A target's history has one
 * canonical order (AWM_WALK_CANONICAL in walk.h, which scratch databases
 * follow too): parents before children, and for a merge first the
 * first parent's side, then the side of each further parent, then the
 * merge itself; it depends only on the graph, never on dates.  The plan
 * keeps the longest bottom part of the stack that follows that order (in a
 * linear history: up to the merge base), rolls back the rest, newest first,
 * and applies the rest of the order.  So a database moved to a commit by
 * any path holds the same migrations applied in the same order, which
 * matters when merged-in data migrations do not commute.
 */
#ifndef AWM_ENVPLAN_H
#define AWM_ENVPLAN_H

#include <stddef.h>
#include <stdint.h>

#include "core/engine.h"

typedef struct awm_plan_step {
	awm_direction dir;
	awm_commit *commit;            /* owned by the plan */
	const awm_history_row *row;    /* DOWN, or a resumed UP: the row; else NULL */
	int resume;                    /* the row is pending: finish or undo it */
	awm_undo undo;                 /* DOWN: how it is undone */
	char *refusal;                 /* DOWN: why it cannot be undone, or NULL */
	awm_oid head_before;           /* zero: nothing applied before the step */
	int check_schema;              /* afterwards the database is exactly at a
					* commit (or empty): expect_schema applies */
	awm_oid expect_schema;
} awm_plan_step;

typedef struct awm_plan {
	awm_plan_step *steps;
	size_t nr, alloc;
	size_t ndown;                  /* steps[0..ndown) go down */
	int has_head;                  /* something is applied */
	awm_oid head;                  /* the applied head: the top of the stack */
	size_t depth;                  /* rows in the stack */
	int has_target;                /* zero: the empty database */
	awm_oid target;
	int has_base;                  /* where the down part ends */
	awm_oid base;
	int head_exact;                /* the stack is exactly the head's history */
	awm_oid head_schema;           /* the schema the database should have now */
} awm_plan;

void awm_plan_release(awm_plan *p);

/*
 * Plan the move from the applied stack in `hist` to `target` (NULL: the
 * empty database).  `empty_schema` is the engine's empty schema id.  The
 * plan points into `hist`, which must outlive it.  A commit in the stack
 * that the repository lacks is an error (AWM_ENOTFOUND) naming it.  Steps
 * that cannot be undone are planned with `refusal` set; awm_plan_check()
 * turns the first one into an error.
 */
int awm_plan_build(awm_plan *out, awm_repo *repo, const awm_history *hist,
		   const awm_oid *target, const awm_oid *empty_schema);

/* 0, or AWM_EINVALID with the first step's refusal. */
int awm_plan_check(const awm_plan *p);

/*
 * The commit `n` entries below the top of the applied stack, for
 * `rollback --steps n`: `*has` 0 when that is below the bottom (the empty
 * database).
 */
void awm_plan_steps_back(awm_oid *out, int *has, const awm_history *hist, size_t n);

/* 1 when `oid` is in the applied stack. */
int awm_plan_in_stack(const awm_history *hist, const awm_oid *oid);

/*
 * Rows of the stack (migration rows applied or pending), oldest first; the
 * caller frees `*out`.
 */
size_t awm_plan_stack(const awm_history_row ***out, const awm_history *hist);

#endif
