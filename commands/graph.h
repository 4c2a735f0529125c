/*
 * ASCII history graphs for `log --graph`, drawn the way git draws them:
 * one lane per line of descent, "*" for a commit, "|" for a lane passing
 * by, "\" where a merge opens lanes (an octopus merge spreads out with
 * "-."), "/" and "_" where a lane joins another one, one column per row.
 * On a terminal each lane keeps one colour.
 */
#ifndef AWM_GRAPH_H
#define AWM_GRAPH_H

#include <stddef.h>

#include "core/buf.h"
#include "objects/oid.h"

typedef struct graph {
	awm_oid *lanes;       /* the commit each lane waits for */
	int *colors;          /* each lane's colour */
	size_t nr, alloc;
	int next_color;
	int color;            /* draw with ANSI colours */
} graph;

void graph_init(graph *g, int color);
void graph_release(graph *g);

/*
 * Place a commit.  `line` gets whole rows to print before it (an octopus
 * merge makes room first) and then the prefix of its own row ("| * ");
 * `after` gets whole rows to print right after that row (a merge opening
 * lanes, lanes joining); `body` the prefix for lines printed under it
 * after those.  Commits must come in topological order.
 */
void graph_next(graph *g, const awm_oid *oid, const awm_oid *parents, size_t np,
		awm_buf *line, awm_buf *body, awm_buf *after);

#endif
