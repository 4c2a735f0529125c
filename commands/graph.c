/*
 * The lane renderer behind graph.h.
 *
 * Rows are built as cells (a character and the colour of the lane it
 * belongs to), two cells per lane: lane i draws at cell 2i, and the cell
 * 2i+1 between two lanes carries the "\", "/" and "_" that move a lane by
 * one column.  A lane moves at most one column per row, so every edge can
 * be followed by eye.
 */
#include "commands/graph.h"

#include <stdlib.h>
#include <string.h>

/* The lane colours, as git cycles them. */
static const char *const lane_colors[] = {
	"\033[31m", "\033[32m", "\033[33m", "\033[34m", "\033[35m", "\033[36m",
};
#define NCOLORS (int)(sizeof(lane_colors) / sizeof(lane_colors[0]))
#define RESET "\033[m"

typedef struct row {
	char *ch;
	int *col;             /* lane colour of each cell, -1 for none */
	size_t n;
} row;

void graph_init(graph *g, int color)
{
	memset(g, 0, sizeof(*g));
	g->color = color;
}

void graph_release(graph *g)
{
	free(g->lanes);
	free(g->colors);
	memset(g, 0, sizeof(*g));
}

static long find(const graph *g, const awm_oid *oid)
{
	size_t i;

	for (i = 0; i < g->nr; i++)
		if (awm_oid_equal(&g->lanes[i], oid))
			return (long)i;
	return -1;
}

static void insert(graph *g, size_t at, const awm_oid *oid)
{
	size_t alloc = g->alloc;

	AWM_ARRAY_GROW(g->lanes, g->nr + 1, g->alloc);
	if (g->alloc != alloc)
		g->colors = awm_realloc(g->colors, g->alloc * sizeof(int));
	memmove(&g->lanes[at + 1], &g->lanes[at], (g->nr - at) * sizeof(awm_oid));
	memmove(&g->colors[at + 1], &g->colors[at], (g->nr - at) * sizeof(int));
	g->lanes[at] = *oid;
	g->colors[at] = g->next_color++ % NCOLORS;
	g->nr++;
}

static void remove_lane(graph *g, size_t at)
{
	memmove(&g->lanes[at], &g->lanes[at + 1], (g->nr - at - 1) * sizeof(awm_oid));
	memmove(&g->colors[at], &g->colors[at + 1], (g->nr - at - 1) * sizeof(int));
	g->nr--;
}

static void row_start(row *r, size_t lanes)
{
	size_t i;

	r->n = 2 * lanes + 2;
	r->ch = awm_malloc(r->n);
	r->col = awm_malloc(r->n * sizeof(int));
	for (i = 0; i < r->n; i++) {
		r->ch[i] = ' ';
		r->col[i] = -1;
	}
}

static void put(row *r, size_t at, char c, int color)
{
	if (at < r->n) {
		r->ch[at] = c;
		r->col[at] = color;
	}
}

/* Append the row, coloured, without trailing blanks; then `end`. */
static void row_emit(const graph *g, row *r, awm_buf *out, const char *end)
{
	size_t i, n = r->n;

	while (n && r->ch[n - 1] == ' ')
		n--;
	for (i = 0; i < n; i++) {
		if (g->color && r->col[i] >= 0)
			awm_buf_printf(out, "%s%c%s", lane_colors[r->col[i]], r->ch[i], RESET);
		else
			awm_buf_putc(out, r->ch[i]);
	}
	awm_buf_puts(out, end);
	free(r->ch);
	free(r->col);
}

/*
 * Join lane `b` into lane `a` (a < b) in one row: "_" under the lanes in
 * between, "/" into the gap left of b; lanes right of b move one left.
 */
static void collapse(graph *g, size_t a, size_t b, awm_buf *after)
{
	size_t i;
	row r;

	row_start(&r, g->nr);
	for (i = 0; i < g->nr; i++) {
		if (i < b)
			put(&r, 2 * i, '|', g->colors[i]);
		else if (i > b)
			put(&r, 2 * i - 1, '/', g->colors[i]);
	}
	for (i = a; i + 1 < b; i++)
		put(&r, 2 * i + 1, '_', g->colors[b]);
	put(&r, 2 * b - 1, '/', g->colors[b]);
	row_emit(g, &r, after, "\n");
	remove_lane(g, b);
}

/* While two lanes wait for one commit, join the right one into the left. */
static void join_duplicates(graph *g, awm_buf *after)
{
	size_t a, b;

	for (b = 1; b < g->nr; b++)
		for (a = 0; a < b; a++)
			if (awm_oid_equal(&g->lanes[a], &g->lanes[b])) {
				collapse(g, a, b, after);
				b = 0;   /* start over: lanes moved */
				break;
			}
}

void graph_next(graph *g, const awm_oid *oid, const awm_oid *parents, size_t np,
		awm_buf *line, awm_buf *body, awm_buf *after)
{
	long found = find(g, oid);
	size_t col, i, k, e = np > 1 ? np - 1 : 0, shift = e > 1 ? e - 1 : 0, right;
	row r;

	awm_buf_clear(line);
	awm_buf_clear(body);
	awm_buf_clear(after);
	if (found < 0) {
		insert(g, g->nr, oid);
		found = (long)g->nr - 1;
	}
	col = (size_t)found;
	right = g->nr - col - 1;

	/* An octopus spreads over e columns: move the lanes right of it first. */
	for (k = 0; right && k < shift; k++) {
		row_start(&r, g->nr + shift);
		for (i = 0; i <= col; i++)
			put(&r, 2 * i, '|', g->colors[i]);
		for (i = col + 1; i < g->nr; i++)
			put(&r, 2 * (i + k) + 1, '\\', g->colors[i]);
		row_emit(g, &r, line, "\n");
	}
	row_start(&r, g->nr + shift);
	for (i = 0; i < g->nr; i++)
		if (i != col)
			put(&r, 2 * (i > col ? i + shift : i), '|', g->colors[i]);
	put(&r, 2 * col, '*', -1);
	for (k = 1; shift && k < 2 * shift; k++)
		put(&r, 2 * col + k, '-', -1);
	if (shift)
		put(&r, 2 * col + 2 * shift, '.', -1);
	row_emit(g, &r, line, " ");

	if (np == 0) {
		/* The line of descent ends: lanes to the right close the gap. */
		if (right) {
			row_start(&r, g->nr);
			for (i = 0; i < g->nr; i++)
				if (i < col)
					put(&r, 2 * i, '|', g->colors[i]);
				else if (i > col)
					put(&r, 2 * i - 1, '/', g->colors[i]);
			row_emit(g, &r, after, "\n");
		}
		remove_lane(g, col);
	} else {
		g->lanes[col] = parents[0];
		for (k = 1; k < np; k++)
			insert(g, col + k, &parents[k]);
	}
	if (e) {
		row_start(&r, g->nr);
		for (i = 0; i <= col; i++)
			put(&r, 2 * i, '|', g->colors[i]);
		for (k = 1; k <= e; k++)
			put(&r, 2 * col + 2 * k - 1, '\\', g->colors[col + k]);
		for (i = col + e + 1; i < g->nr; i++)
			put(&r, 2 * i - 1, '\\', g->colors[i]);
		row_emit(g, &r, after, "\n");
	}
	join_duplicates(g, after);
	for (i = 0; i < g->nr; i++) {
		if (g->color)
			awm_buf_printf(body, "%s|%s ", lane_colors[g->colors[i]], RESET);
		else
			awm_buf_puts(body, "| ");
	}
	/* Under the last commit no lane is left: indent as its "* " does. */
	if (!g->nr)
		awm_buf_puts(body, "  ");
}
