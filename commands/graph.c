/*
 * The lane renderer behind graph.h.
 */
#include "commands/graph.h"

#include <stdlib.h>
#include <string.h>

void graph_init(graph *g)
{
	memset(g, 0, sizeof(*g));
}

void graph_release(graph *g)
{
	free(g->lanes);
	memset(g, 0, sizeof(*g));
}

static long find(const graph *g, const awm_oid *oid, size_t skip)
{
	size_t i;

	for (i = 0; i < g->nr; i++)
		if (i != skip && awm_oid_equal(&g->lanes[i], oid))
			return (long)i;
	return -1;
}

static void insert(graph *g, size_t at, const awm_oid *oid)
{
	AWM_ARRAY_GROW(g->lanes, g->nr + 1, g->alloc);
	memmove(&g->lanes[at + 1], &g->lanes[at], (g->nr - at) * sizeof(awm_oid));
	g->lanes[at] = *oid;
	g->nr++;
}

static void remove_lane(graph *g, size_t at)
{
	memmove(&g->lanes[at], &g->lanes[at + 1], (g->nr - at - 1) * sizeof(awm_oid));
	g->nr--;
}

static void lanes_prefix(awm_buf *out, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		awm_buf_puts(out, "| ");
}

/* Lane `r` joins a lane to its left: "| |/ /" and so on. */
static void join_line(awm_buf *out, size_t r, size_t n)
{
	size_t i;

	for (i = 0; i < r; i++)
		awm_buf_puts(out, i + 1 == r ? "|/" : "| ");
	for (i = r + 1; i < n; i++)
		awm_buf_puts(out, " /");
	awm_buf_rtrim(out);
	awm_buf_putc(out, '\n');
}

void graph_next(graph *g, const awm_oid *oid, const awm_oid *parents, size_t np,
		awm_buf *line, awm_buf *body, awm_buf *after)
{
	long col = find(g, oid, (size_t)-1);
	size_t i, opened = 0, before;

	awm_buf_clear(line);
	awm_buf_clear(body);
	awm_buf_clear(after);
	if (col < 0) {
		insert(g, g->nr, oid);
		col = (long)g->nr - 1;
	}
	for (i = 0; i < g->nr; i++)
		awm_buf_puts(line, (long)i == col ? "* " : "| ");

	before = g->nr;
	if (np == 0) {
		remove_lane(g, (size_t)col);
	} else {
		g->lanes[col] = parents[0];
		for (i = 1; i < np; i++)
			if (find(g, &parents[i], (size_t)-1) < 0)
				insert(g, (size_t)col + 1 + opened++, &parents[i]);
	}
	if (opened) {
		/* "|\" for the new lane, "\" for each lane pushed to the right. */
		for (i = 0; i < (size_t)col; i++)
			awm_buf_puts(after, "| ");
		awm_buf_puts(after, "|\\");
		for (i = (size_t)col + 1; i < before; i++)
			awm_buf_puts(after, " \\");
		awm_buf_rtrim(after);
		awm_buf_putc(after, '\n');
	}
	/* A lane now waiting for a commit another lane waits for joins it. */
	for (i = 0; i < g->nr; i++) {
		long dup = find(g, &g->lanes[i], i);

		if (dup >= 0 && (size_t)dup < i) {
			join_line(after, i, g->nr);
			remove_lane(g, i);
			i--;
		}
	}
	lanes_prefix(body, g->nr);
	awm_buf_rtrim(body);
	/* Under the last commit no lane is left: indent as its "* " does. */
	awm_buf_puts(body, body->size ? " " : "  ");
}
