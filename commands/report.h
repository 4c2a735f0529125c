/*
 * `awm report --html`: one self-contained HTML page for reviewers: the
 * graph as SVG, the env and remote refs, and per commit its message,
 * author, SQL, schema changes and row changes.  No external asset: styles
 * are inline, and the data is also embedded as JSON for tools.
 */
#ifndef AWM_REPORT_H
#define AWM_REPORT_H

#include "commands/cli.h"
#include "commands/display.h"

typedef struct report_commit {
	awm_oid oid;
	awm_oid *parents;
	size_t np;
} report_commit;

/* Append `s` with & < > " ' escaped. */
void report_escape(awm_buf *out, const char *s);

/*
 * The SVG of the graph of `commits` (children before parents): a dot per
 * commit linking to its section, its lanes, short id, refs and subject.
 */
void report_graph_svg(awm_buf *out, const report_commit *commits, size_t n,
		      const char **subjects, const decorations *d);

/* The whole page. */
int report_html(awm_buf *out, awm_cli *cli, const report_commit *commits, size_t n,
		const decorations *d, size_t max_rows);

#endif
