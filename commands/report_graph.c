/*
 * The history graph of the HTML report as SVG (see report.h).
 *
 * Lanes are laid out as for `log --graph`, except that a lane keeps its
 * column until it ends (no closing up), which keeps every edge a simple
 * path: from the child's dot into the lane its parent was given, down the
 * lane, and into the parent's dot.
 */
#include "commands/report.h"
#include "objects/oidmap.h"

#include <stdlib.h>
#include <string.h>

#define ROW_H 28
#define LANE_W 18
#define DOT_R 5

static const char *const colors[] = {
	"#d73a49", "#28a745", "#b08800", "#0366d6", "#6f42c1", "#1b9aaa",
};
#define NCOLORS (sizeof(colors) / sizeof(colors[0]))

typedef struct pending {
	size_t child_row, child_col, lane;
	awm_oid parent;
} pending;

typedef struct layout {
	awm_oid *lanes;
	unsigned char *used;
	size_t nlanes, alanes;
	pending *edges;
	size_t nedges, aedges;
	size_t width;          /* lanes ever used */
} layout;

static size_t lane_for(layout *l, const awm_oid *oid, int take_free)
{
	size_t i;

	for (i = 0; i < l->nlanes; i++)
		if (l->used[i] && awm_oid_equal(&l->lanes[i], oid))
			return i;
	if (!take_free)
		return (size_t)-1;
	for (i = 0; i < l->nlanes && l->used[i]; i++)
		;
	if (i == l->nlanes) {
		size_t before = l->alanes;

		AWM_ARRAY_GROW(l->lanes, l->nlanes + 1, l->alanes);
		if (l->alanes != before)
			l->used = awm_realloc(l->used, l->alanes);
		l->nlanes++;
	}
	l->lanes[i] = *oid;
	l->used[i] = 1;
	if (i + 1 > l->width)
		l->width = i + 1;
	return i;
}

static double x_of(size_t col)
{
	return 10.0 + (double)col * LANE_W;
}

static double y_of(size_t row)
{
	return ROW_H / 2.0 + (double)row * ROW_H;
}

static void edge(awm_buf *out, const pending *e, size_t row, size_t col)
{
	double xc = x_of(e->child_col), yc = y_of(e->child_row), xl = x_of(e->lane);
	double xp = x_of(col), yp = y_of(row), half = ROW_H / 2.0;

	awm_buf_printf(out, "<path class=\"edge\" stroke=\"%s\" d=\"M%.1f %.1f",
		       colors[e->lane % NCOLORS], xc, yc);
	if (row == e->child_row + 1) {
		awm_buf_printf(out, " C%.1f %.1f %.1f %.1f %.1f %.1f", xc, yc + half, xp,
			       yp - half, xp, yp);
	} else {
		awm_buf_printf(out, " C%.1f %.1f %.1f %.1f %.1f %.1f", xc, yc + half, xl,
			       yc + half, xl, yc + ROW_H);
		awm_buf_printf(out, " L%.1f %.1f", xl, yp - ROW_H);
		awm_buf_printf(out, " C%.1f %.1f %.1f %.1f %.1f %.1f", xl, yp - half, xp,
			       yp - half, xp, yp);
	}
	awm_buf_puts(out, "\"/>\n");
}

void report_graph_svg(awm_buf *out, const report_commit *commits, size_t n,
		      const char **subjects, const decorations *d)
{
	layout l;
	awm_buf paths = AWM_BUF_INIT, dots = AWM_BUF_INIT, refs = AWM_BUF_INIT;
	size_t *cols = awm_calloc(n + 1, sizeof(size_t)), i, j, k;
	double text_x;

	memset(&l, 0, sizeof(l));
	for (i = 0; i < n; i++) {
		const report_commit *c = &commits[i];
		size_t col = lane_for(&l, &c->oid, 1);

		cols[i] = col;
		/* Edges waiting for this commit end here; their lanes are free again. */
		for (j = k = 0; j < l.nedges; j++) {
			if (awm_oid_equal(&l.edges[j].parent, &c->oid)) {
				edge(&paths, &l.edges[j], i, col);
				if (l.edges[j].lane != col)
					l.used[l.edges[j].lane] = 0;
			} else {
				l.edges[k++] = l.edges[j];
			}
		}
		l.nedges = k;
		l.used[col] = 0;
		for (j = 0; j < c->np; j++) {
			pending *e;
			size_t lane = j == 0 ? col : lane_for(&l, &c->parents[j], 1);

			if (j == 0) {
				l.lanes[col] = c->parents[0];
				l.used[col] = 1;
			}
			AWM_ARRAY_GROW(l.edges, l.nedges + 1, l.aedges);
			e = &l.edges[l.nedges++];
			e->child_row = i;
			e->child_col = col;
			e->lane = lane;
			e->parent = c->parents[j];
		}
	}
	/* Parents outside the report: a short dashed stub. */
	for (j = 0; j < l.nedges; j++)
		awm_buf_printf(&paths, "<path class=\"edge more\" stroke=\"%s\" d=\"M%.1f %.1f L%.1f "
			       "%.1f\"/>\n", colors[l.edges[j].lane % NCOLORS],
			       x_of(l.edges[j].child_col), y_of(l.edges[j].child_row),
			       x_of(l.edges[j].lane), y_of(l.edges[j].child_row) + ROW_H * 0.8);
	text_x = x_of(l.width) + 8;
	for (i = 0; i < n; i++) {
		awm_oid_hex hex = awm_oid_tohex(&commits[i].oid);

		awm_buf_printf(&dots, "<a href=\"#c-%s\"><circle class=\"dot\" cx=\"%.1f\" "
			       "cy=\"%.1f\" r=\"%d\" fill=\"%s\"><title>%s</title></circle>",
			       hex.s, x_of(cols[i]), y_of(i), DOT_R, colors[cols[i] % NCOLORS], hex.s);
		awm_buf_printf(&dots, "<text x=\"%.1f\" y=\"%.1f\"><tspan class=\"id\">%s</tspan> ",
			       text_x, y_of(i) + 4, awm_oid_short(&commits[i].oid, 10).s);
		decorations_for(d, &commits[i].oid, &refs);
		if (refs.size) {
			awm_buf_puts(&dots, "<tspan class=\"refs\">(");
			report_escape(&dots, refs.ptr);
			awm_buf_puts(&dots, ")</tspan> ");
		}
		awm_buf_puts(&dots, "<tspan class=\"subject\">");
		report_escape(&dots, subjects[i]);
		awm_buf_puts(&dots, "</tspan></text></a>\n");
	}
	awm_buf_printf(out, "<svg class=\"graph\" xmlns=\"http://www.w3.org/2000/svg\" "
		       "width=\"%.0f\" height=\"%d\" role=\"img\" aria-label=\"history graph\">\n",
		       text_x + 600, (int)(n ? n : 1) * ROW_H);
	awm_buf_put(out, paths.ptr, paths.size);
	awm_buf_put(out, dots.ptr, dots.size);
	awm_buf_puts(out, "</svg>\n");
	awm_buf_release(&paths);
	awm_buf_release(&dots);
	awm_buf_release(&refs);
	free(cols);
	free(l.lanes);
	free(l.used);
	free(l.edges);
}
