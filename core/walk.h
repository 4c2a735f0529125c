/*
 * Walking the commit DAG: log, ranges, merge bases, ancestry.
 *
 * Walks use the commit-graph index where it covers a commit and read the
 * commit object otherwise, so they stay correct between gc runs.
 */
#ifndef AWM_WALK_H
#define AWM_WALK_H

#include <stddef.h>

#include "core/buf.h"
#include "core/repo.h"
#include "objects/oid.h"

typedef struct awm_walk awm_walk;

#define AWM_WALK_TOPO 1          /* no parent before all of its children */
#define AWM_WALK_FIRST_PARENT 2  /* follow only first parents */
/*
 * The canonical order in which a history is applied, oldest first:
 * parents before children; at a merge, the first parent's side, then the
 * side of each further parent, then the merge itself.  It is a post-order
 * depth-first search from each pushed commit in turn, parents in order,
 * so it depends only on the graph, never on dates.  Environments apply a
 * target's history in this order (envplan.h) and scratch databases are
 * built in it (scratch.h), so both hold the same state at a merge.
 * Hidden commits and their ancestors are left out: the order of `B` with
 * `A` hidden, when A is a first-parent ancestor of B, is the order of B
 * from after A's history on.
 */
#define AWM_WALK_CANONICAL 4

int awm_walk_new(awm_walk **out, awm_repo *repo, unsigned flags);
void awm_walk_free(awm_walk *w);

/* Start from `oid` (it and its ancestors are shown). */
int awm_walk_push(awm_walk *w, const awm_oid *oid);

/* Leave out `oid` and all of its ancestors (the A in A..B). */
int awm_walk_hide(awm_walk *w, const awm_oid *oid);

/*
 * The next commit, newest first (by commit time, children before parents
 * under AWM_WALK_TOPO; oldest first under AWM_WALK_CANONICAL): 1 with
 * `out` set, 0 at the end, negative on error.
 */
int awm_walk_next(awm_walk *w, awm_oid *out);

/* The subject line of the commit `next` returned last. */
int awm_walk_subject(awm_walk *w, awm_buf *out);

/* The parents of the commit `next` returned last. */
size_t awm_walk_parents(awm_walk *w, awm_oid **out);

/*
 * The commits of `tip` without those of `hide` (NULL: none), in the
 * canonical order, oldest first.  The caller frees `*out`.
 */
int awm_walk_canonical_list(awm_oid **out, size_t *n, awm_repo *repo, const awm_oid *tip,
			    const awm_oid *hide);

/*
 * The best common ancestors of `a` and `b` (none, one, or several after
 * criss-cross merges), newest first.  The caller frees `*out`.
 */
int awm_merge_bases(awm_oid **out, size_t *n, awm_repo *repo,
		    const awm_oid *a, const awm_oid *b);

/* 1 if `ancestor` is `descendant` or one of its ancestors, 0 if not. */
int awm_is_ancestor(awm_repo *repo, const awm_oid *ancestor, const awm_oid *descendant);

#endif
