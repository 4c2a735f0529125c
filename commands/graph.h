/*
 * ASCII history graphs for `log --graph`: one lane per line of descent,
 * "*" for a commit, "|" for a lane passing by, "\" where a merge opens a
 * lane and "/" where two lanes meet again.
 */
#ifndef AWM_GRAPH_H
#define AWM_GRAPH_H

#include <stddef.h>

#include "core/buf.h"
#include "objects/oid.h"

typedef struct graph {
	awm_oid *lanes;       /* the commit each lane waits for */
	size_t nr, alloc;
} graph;

void graph_init(graph *g);
void graph_release(graph *g);

/*
 * Place a commit.  `line` gets the prefix of its own line ("| * "),
 * `body` the prefix for lines printed under it, and `after` whole lines
 * ("|\\\n", "|/\n") to print after its text.  Commits must come in
 * topological order.
 */
void graph_next(graph *g, const awm_oid *oid, const awm_oid *parents, size_t np,
		awm_buf *line, awm_buf *body, awm_buf *after);

#endif
