/*
 * `awm log -- <table>[.<column>]...`: the commits that touched a table or
 * a column, fed to log one at a time.  For --graph, the parents of each
 * shown commit are rewritten to its nearest shown ancestors, as git does
 * for path-limited history, so the lanes still join up.
 */
#ifndef AWM_LOG_FILTER_H
#define AWM_LOG_FILTER_H

#include <stddef.h>

#include "core/table_history.h"
#include "core/walk.h"

typedef struct log_item {
	awm_oid oid;
	awm_oid *parents;
	size_t np;
} log_item;

typedef struct log_source {
	awm_walk *walk;
	awm_table_history **filters;   /* none: every commit */
	size_t nfilters;
	int graph;                     /* precompute, with rewritten parents */
	int precomputed;
	log_item *items;
	size_t nr, pos;
} log_source;

/* `specs` are "<table>" or "<table>.<column>"; the walk is borrowed. */
int log_source_init(log_source *s, awm_repo *repo, awm_walk *w, char **specs, size_t n,
		    int graph);
void log_source_release(log_source *s);

/*
 * The next commit to show: 1 with `oid` and its (rewritten) parents set,
 * 0 at the end, negative on error.  `parents` belongs to the source.
 */
int log_source_next(log_source *s, awm_oid *oid, awm_oid **parents, size_t *np);

#endif
