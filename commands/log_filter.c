/*
 * Table- and column-limited history for `awm log` (see log_filter.h).
 */
#include "commands/log_filter.h"
#include "core/error.h"
#include "objects/oidmap.h"

#include <stdlib.h>
#include <string.h>

int log_source_init(log_source *s, awm_repo *repo, awm_walk *w, char **specs, size_t n,
		    int graph)
{
	size_t i;
	int rc = 0;

	memset(s, 0, sizeof(*s));
	s->walk = w;
	s->graph = graph;
	if (n)
		s->filters = awm_calloc(n, sizeof(*s->filters));
	for (i = 0; i < n && rc == 0; i++) {
		char *table = awm_strdup(specs[i]), *dot = strchr(table, '.');

		if (dot)
			*dot++ = '\0';
		if (!*table || (dot && !*dot))
			rc = awm_error_set(AWM_EUSAGE, "'%s' is not <table> or <table>.<column>",
					   specs[i]);
		else
			rc = awm_table_history_new(&s->filters[s->nfilters++], repo, table, dot);
		free(table);
	}
	if (rc < 0)
		log_source_release(s);
	return rc;
}

void log_source_release(log_source *s)
{
	size_t i;

	for (i = 0; i < s->nfilters; i++)
		awm_table_history_free(s->filters[i]);
	free(s->filters);
	for (i = 0; i < s->nr; i++)
		free(s->items[i].parents);
	free(s->items);
	memset(s, 0, sizeof(*s));
}

static int touched(log_source *s, const awm_oid *oid)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < s->nfilters && rc == 0; i++)
		rc = awm_table_history_touches(s->filters[i], oid);
	return rc;
}

typedef struct gnode {
	awm_oid oid;
	awm_oid *pids;           /* its parents */
	uint32_t *parents;       /* the indices of those inside the walk */
	size_t np, nidx;
	int shown;
	uint32_t *frontier;      /* the nearest shown commits at or below it */
	size_t nf;
} gnode;

static void add_unique(uint32_t **set, size_t *n, uint32_t v)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if ((*set)[i] == v)
			return;
	*set = awm_realloc(*set, (*n + 1) * sizeof(uint32_t));
	(*set)[(*n)++] = v;
}

static void emit(log_source *s, const gnode *g, size_t i)
{
	uint32_t *set = NULL;
	size_t nset = 0, j, k;
	log_item *it;

	for (j = 0; j < g[i].nidx; j++)
		for (k = 0; k < g[g[i].parents[j]].nf; k++)
			add_unique(&set, &nset, g[g[i].parents[j]].frontier[k]);
	s->items = awm_realloc(s->items, (s->nr + 1) * sizeof(log_item));
	it = &s->items[s->nr++];
	it->oid = g[i].oid;
	it->np = nset;
	it->parents = awm_calloc(nset + 1, sizeof(awm_oid));
	for (k = 0; k < nset; k++)
		it->parents[k] = g[set[k]].oid;
	free(set);
}

/* Walk everything, then give each shown commit its nearest shown ancestors. */
static int precompute(log_source *s)
{
	awm_oidmap index = AWM_OIDMAP_INIT;
	gnode *g = NULL;
	size_t n = 0, alloc = 0, i, j, k;
	awm_oid oid, *parents;
	int rc;

	while ((rc = awm_walk_next(s->walk, &oid)) == 1) {
		AWM_ARRAY_GROW(g, n + 1, alloc);
		memset(&g[n], 0, sizeof(gnode));
		g[n].oid = oid;
		g[n].np = awm_walk_parents(s->walk, &parents);
		g[n].pids = awm_calloc(g[n].np + 1, sizeof(awm_oid));
		if (g[n].np)
			memcpy(g[n].pids, parents, g[n].np * sizeof(awm_oid));
		awm_oidmap_put(&index, &oid, (uint32_t)n);
		if ((rc = touched(s, &oid)) < 0)
			goto done;
		g[n++].shown = rc;
	}
	if (rc < 0)
		goto done;
	for (i = 0; i < n; i++) {
		g[i].parents = awm_calloc(g[i].np + 1, sizeof(uint32_t));
		for (j = 0; j < g[i].np; j++)
			if (awm_oidmap_get(&index, &g[i].pids[j], &g[i].parents[g[i].nidx]))
				g[i].nidx++;
	}
	/* Parents come after children in the walk: fill frontiers from the end. */
	for (i = n; i-- > 0; ) {
		if (g[i].shown)
			add_unique(&g[i].frontier, &g[i].nf, (uint32_t)i);
		else
			for (j = 0; j < g[i].nidx; j++)
				for (k = 0; k < g[g[i].parents[j]].nf; k++)
					add_unique(&g[i].frontier, &g[i].nf,
						   g[g[i].parents[j]].frontier[k]);
	}
	for (i = 0; i < n; i++)
		if (g[i].shown)
			emit(s, g, i);
	rc = 0;
done:
	for (i = 0; i < n; i++) {
		free(g[i].pids);
		free(g[i].parents);
		free(g[i].frontier);
	}
	free(g);
	awm_oidmap_release(&index);
	return rc;
}

int log_source_next(log_source *s, awm_oid *oid, awm_oid **parents, size_t *np)
{
	int rc;

	if (s->nfilters && s->graph) {
		if (!s->precomputed) {
			s->precomputed = 1;
			if ((rc = precompute(s)) < 0)
				return rc;
		}
		if (s->pos == s->nr)
			return 0;
		*oid = s->items[s->pos].oid;
		*parents = s->items[s->pos].parents;
		*np = s->items[s->pos].np;
		s->pos++;
		return 1;
	}
	while ((rc = awm_walk_next(s->walk, oid)) == 1) {
		if (s->nfilters && (rc = touched(s, oid)) <= 0) {
			if (rc < 0)
				return rc;
			continue;
		}
		*np = awm_walk_parents(s->walk, parents);
		return 1;
	}
	return rc;
}
