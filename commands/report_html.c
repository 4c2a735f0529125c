/*
 * The HTML page of `awm report --html` (see report.h).
 */
#include "commands/report.h"
#include "core/error.h"
#include "core/schema_diff.h"
#include "core/refs.h"
#include "core/untracked.h"
#include "objects/schema.h"

#include <stdlib.h>
#include <string.h>

static const char style[] =
	"body{font:14px/1.45 system-ui,-apple-system,'DejaVu Sans',sans-serif;margin:0;"
	"color:#24292e;background:#fff}"
	"header,main{max-width:1200px;margin:0 auto;padding:0 24px}"
	"header{border-bottom:1px solid #e1e4e8;padding-top:16px;padding-bottom:8px}"
	"h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px}"
	"h3{font-size:16px;margin:0 0 6px}"
	"code,pre,.id,table.rows td,.sql{font-family:'DejaVu Sans Mono',monospace;font-size:13px}"
	"pre{background:#f6f8fa;border:1px solid #e1e4e8;border-radius:6px;padding:8px 12px;"
	"overflow:auto;white-space:pre-wrap}"
	"#graph{overflow-x:auto}.graph{display:block;overflow:visible}.graph .edge{fill:none;stroke-width:2}"
	".graph .more{stroke-dasharray:3 3}.graph .dot{stroke:#fff;stroke-width:1.5}"
	".graph text{font-size:13px}.graph .id{fill:#b08800}.graph .refs{fill:#6f42c1}"
	".graph a:hover text{text-decoration:underline}"
	"table{border-collapse:collapse;margin:4px 0 12px}"
	"th,td{border:1px solid #e1e4e8;padding:3px 8px;text-align:left;vertical-align:top}"
	"th{background:#f6f8fa}"
	"article.commit{border:1px solid #e1e4e8;border-radius:6px;padding:12px 16px;"
	"margin:0 0 16px}"
	".meta{color:#586069;margin:0 0 8px}.meta a{color:#0366d6}"
	".ref{display:inline-block;border-radius:10px;padding:0 7px;margin-right:4px;"
	"font-size:12px;background:#f1f8ff;color:#0366d6;border:1px solid #c8e1ff}"
	".ref.env{background:#f5f0ff;color:#6f42c1;border-color:#d1bcf9}"
	".ref.remote{background:#ffeef0;color:#cb2431;border-color:#f9c0c7}"
	".sql div{white-space:pre-wrap}.sql .create{color:#22863a}.sql .drop{color:#cb2431}"
	".sql .alter{color:#b08800}.sql .rebuild{color:#6a737d}"
	"tr.insert td:first-child{color:#22863a}tr.delete td:first-child{color:#cb2431}"
	"tr.update td:first-child{color:#b08800}"
	"del{color:#cb2431;text-decoration:line-through}ins{color:#22863a;text-decoration:none}"
	".none{color:#6a737d;font-style:italic}";

void report_escape(awm_buf *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': awm_buf_puts(out, "&amp;"); break;
		case '<': awm_buf_puts(out, "&lt;"); break;
		case '>': awm_buf_puts(out, "&gt;"); break;
		case '"': awm_buf_puts(out, "&quot;"); break;
		case '\'': awm_buf_puts(out, "&#39;"); break;
		default: awm_buf_putc(out, *s);
		}
	}
}

static int blob_text(awm_buf *out, awm_repo *repo, const awm_oid *oid)
{
	awm_object *obj;
	int rc = awm_odb_read_typed(&obj, repo->odb, oid, AWM_OBJ_BLOB);

	awm_buf_clear(out);
	if (rc == 0) {
		awm_buf_put(out, obj->data, obj->size);
		awm_object_free(obj);
	}
	return rc;
}

static void pre(awm_buf *out, const char *title, const char *text)
{
	awm_buf_printf(out, "<details open><summary>%s</summary><pre>", title);
	report_escape(out, text);
	awm_buf_puts(out, "</pre></details>\n");
}

static int schema_section(awm_buf *out, awm_repo *repo, const awm_commit *c)
{
	awm_schema *from = NULL, *to = NULL;
	awm_commit *parent = NULL;
	awm_schema_diff d;
	size_t i;
	int rc;

	memset(&d, 0, sizeof(d));
	if (c->nparents && ((rc = awm_commit_read(&parent, repo->odb, &c->parents[0])) < 0 ||
			    (rc = awm_schema_read(&from, repo->odb, &parent->schema)) < 0))
		goto done;
	if ((rc = awm_schema_read(&to, repo->odb, &c->schema)) < 0 ||
	    (rc = awm_schema_diff_compute(&d, from, to)) < 0)
		goto done;
	awm_buf_puts(out, "<h4>Schema</h4>\n");
	if (!d.nr)
		awm_buf_puts(out, "<p class=\"none\">unchanged</p>\n");
	else
		awm_buf_puts(out, "<pre class=\"sql schema\">");
	for (i = 0; i < d.nr; i++) {
		const awm_schema_change *s = &d.items[i];

		awm_buf_printf(out, "<div class=\"%s\">", awm_schema_op_name(s->op));
		if (s->op == AWM_SCHEMA_REBUILD) {
			awm_buf_puts(out, "-- table '");
			report_escape(out, s->name);
			awm_buf_puts(out, "' is rebuilt: ");
			report_escape(out, s->note);
			awm_buf_puts(out, "; it was:\n-- ");
			report_escape(out, s->old_sql);
			awm_buf_puts(out, ";\n");
		}
		report_escape(out, s->sql);
		awm_buf_puts(out, ";</div>");
	}
	if (d.nr)
		awm_buf_puts(out, "</pre>\n");
done:
	awm_schema_diff_release(&d);
	awm_schema_free(from);
	awm_schema_free(to);
	awm_commit_free(parent);
	return rc;
}

static void cell(awm_buf *out, const awm_cell *c)
{
	awm_buf s = AWM_BUF_INIT;

	awm_cell_format(&s, c);
	report_escape(out, s.ptr);
	awm_buf_release(&s);
}

static void rows_table(awm_buf *out, const awm_table_changes *t)
{
	size_t i, c;

	awm_buf_puts(out, "<table class=\"rows\"><thead><tr><th></th>");
	for (c = 0; c < t->ncols; c++) {
		awm_buf_puts(out, "<th>");
		report_escape(out, t->columns[c]);
		awm_buf_puts(out, "</th>");
	}
	awm_buf_puts(out, "</tr></thead><tbody>\n");
	for (i = 0; i < t->nrows; i++) {
		const awm_row_change *r = &t->rows[i];
		const char *op = r->op == SQLITE_INSERT ? "insert"
				 : r->op == SQLITE_DELETE ? "delete" : "update";

		awm_buf_printf(out, "<tr class=\"%s\"><td>%s</td>", op,
			       r->op == SQLITE_INSERT ? "+" : r->op == SQLITE_DELETE ? "&minus;" : "~");
		for (c = 0; c < t->ncols; c++) {
			awm_buf_puts(out, "<td>");
			if (r->op == SQLITE_INSERT) {
				cell(out, &r->after[c]);
			} else if (r->op == SQLITE_DELETE || t->pk[c]) {
				cell(out, &r->before[c]);
			} else if (r->after[c].type) {
				awm_buf_puts(out, "<del>");
				cell(out, &r->before[c]);
				awm_buf_puts(out, "</del> &rarr; <ins>");
				cell(out, &r->after[c]);
				awm_buf_puts(out, "</ins>");
			}
			awm_buf_puts(out, "</td>");
		}
		awm_buf_puts(out, "</tr>\n");
	}
	awm_buf_puts(out, "</tbody></table>\n");
}

static int data_section(awm_buf *out, awm_repo *repo, const awm_commit *c, size_t max_rows)
{
	awm_data_changes d;
	char **untracked = NULL;
	size_t i, nuntracked = 0;
	int rc;

	awm_buf_puts(out, "<h4>Data</h4>\n");
	if ((rc = display_commit_changes(&d, repo, c, max_rows)) < 0)
		return rc;
	if (awm_untracked_tables(&untracked, &nuntracked, repo, c) < 0) {
		/* The page still shows the commit, and says what it could not. */
		awm_buf_puts(out, "<p class=\"none\">could not tell which tables without a "
			     "primary key it wrote: ");
		report_escape(out, awm_error_last());
		awm_buf_puts(out, "</p>\n");
		awm_error_clear();
	}
	if (!d.nr && !nuntracked)
		awm_buf_puts(out, "<p class=\"none\">no rows changed</p>\n");
	for (i = 0; i < nuntracked; i++) {
		awm_buf_puts(out, "<p><code>");
		report_escape(out, untracked[i]);
		awm_buf_puts(out, "</code>: rows not tracked (no primary key)</p>\n");
	}
	awm_untracked_free(untracked, nuntracked);
	for (i = 0; i < d.nr; i++) {
		const awm_table_changes *t = &d.tables[i];
		size_t total = t->inserts + t->updates + t->deletes;

		awm_buf_puts(out, "<p><code>");
		report_escape(out, t->name);
		awm_buf_printf(out, "</code>: %zu inserted, %zu updated, %zu deleted</p>\n",
			       t->inserts, t->updates, t->deletes);
		if (t->nrows)
			rows_table(out, t);
		if (t->nrows < total)
			awm_buf_printf(out, "<p class=\"none\">&hellip; %zu more</p>\n",
				       total - t->nrows);
	}
	awm_data_changes_release(&d);
	return 0;
}

static void ref_badges(awm_buf *out, const decorations *d, const awm_oid *oid)
{
	uint32_t first;
	size_t i;

	if (!awm_oidmap_get(&d->index, oid, &first))
		return;
	for (i = first - 1; i < d->nr; i++) {
		if (!awm_oid_equal(&d->targets[i], oid) || !d->labels[i][0])
			continue;
		awm_buf_printf(out, "<span class=\"ref%s\">", d->kinds[i] == 'e' ? " env"
			       : d->kinds[i] == 'r' ? " remote" : "");
		report_escape(out, d->labels[i]);
		awm_buf_puts(out, "</span>");
	}
}

static int commit_section(awm_buf *out, awm_cli *cli, const awm_commit *c,
			  const decorations *d, size_t max_rows)
{
	awm_buf text = AWM_BUF_INIT, subj = AWM_BUF_INIT, date = AWM_BUF_INIT;
	awm_oid_hex hex = awm_oid_tohex(&c->oid);
	size_t i;
	int rc = 0;

	awm_commit_subject(&subj, c);
	cli_format_date(&date, c->author.time, c->author.tz);
	awm_buf_printf(out, "<article class=\"commit\" id=\"c-%s\">\n<h3>", hex.s);
	report_escape(out, subj.ptr);
	awm_buf_puts(out, "</h3>\n<p class=\"meta\">");
	ref_badges(out, d, &c->oid);
	awm_buf_printf(out, "<code class=\"id\">%s</code> &middot; ", hex.s);
	report_escape(out, c->author.name);
	awm_buf_puts(out, " &lt;");
	report_escape(out, c->author.email);
	awm_buf_puts(out, "&gt; &middot; ");
	report_escape(out, date.ptr);
	if (c->migration) {
		awm_buf_puts(out, " &middot; <code>");
		report_escape(out, c->migration);
		awm_buf_puts(out, "</code>");
	}
	for (i = 0; i < c->nparents; i++)
		awm_buf_printf(out, "%s<a href=\"#c-%s\">%s</a>", i ? ", " : " &middot; parent ",
			       awm_oid_tohex(&c->parents[i]).s, awm_oid_short(&c->parents[i], 10).s);
	awm_buf_puts(out, "</p>\n");
	pre(out, "Message", c->message ? c->message : "");
	if (c->has_up && (rc = blob_text(&text, cli->repo, &c->up)) == 0)
		pre(out, "Up", text.ptr);
	if (rc == 0 && c->has_down && (rc = blob_text(&text, cli->repo, &c->down)) == 0)
		pre(out, "Down", text.ptr);
	if (rc == 0)
		rc = schema_section(out, cli->repo, c);
	if (rc == 0)
		rc = data_section(out, cli->repo, c, max_rows);
	awm_buf_puts(out, "</article>\n");
	awm_buf_release(&text);
	awm_buf_release(&subj);
	awm_buf_release(&date);
	return rc;
}

typedef struct refs_ctx {
	awm_buf *out;
	awm_repo *repo;
	size_t n;
} refs_ctx;

static int ref_row(const char *name, const awm_oid *oid, void *payload)
{
	refs_ctx *ctx = payload;
	awm_buf subj = AWM_BUF_INIT;
	awm_commit *c;

	awm_buf_puts(ctx->out, "<tr><td><code>");
	report_escape(ctx->out, name);
	awm_buf_printf(ctx->out, "</code></td><td><a href=\"#c-%s\"><code>%s</code></a></td><td>",
		       awm_oid_tohex(oid).s, awm_oid_short(oid, 10).s);
	if (awm_commit_read(&c, ctx->repo->odb, oid) == 0) {
		awm_commit_subject(&subj, c);
		report_escape(ctx->out, subj.ptr);
		awm_commit_free(c);
	}
	awm_error_clear();
	awm_buf_puts(ctx->out, "</td></tr>\n");
	awm_buf_release(&subj);
	ctx->n++;
	return 0;
}

static int refs_table(awm_buf *out, awm_repo *repo, const char *prefix, const char *none)
{
	refs_ctx ctx = { out, repo, 0 };
	size_t start = out->size;
	int rc;

	awm_buf_puts(out, "<table class=\"refs\"><thead><tr><th>ref</th><th>commit</th>"
		     "<th>subject</th></tr></thead><tbody>\n");
	if ((rc = awm_ref_foreach(repo, prefix, ref_row, &ctx)) < 0)
		return rc;
	awm_buf_puts(out, "</tbody></table>\n");
	if (!ctx.n) {
		awm_buf_truncate(out, start);
		awm_buf_printf(out, "<p class=\"none\">%s</p>\n", none);
	}
	return 0;
}

/* The data for tools, as JSON that cannot end the script element early. */
static void embedded_json(awm_buf *out, json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_ESCAPE_SLASH | JSON_PRESERVE_ORDER);
	const char *p;

	awm_buf_puts(out, "<script type=\"application/json\" id=\"awm-data\">");
	for (p = s ? s : "null"; *p; p++) {
		if (*p == '<')
			awm_buf_puts(out, "\\u003c");
		else if (*p == '>')
			awm_buf_puts(out, "\\u003e");
		else if (*p == '&')
			awm_buf_puts(out, "\\u0026");
		else
			awm_buf_putc(out, *p);
	}
	awm_buf_puts(out, "</script>\n");
	free(s);
}

int report_html(awm_buf *out, awm_cli *cli, const report_commit *commits, size_t n,
		const decorations *d, size_t max_rows)
{
	awm_buf sections = AWM_BUF_INIT, title = AWM_BUF_INIT;
	char **subjects = awm_calloc(n + 1, sizeof(char *));
	json_t *data = json_array();
	const char *base = strrchr(cli->repo->root, '/');
	size_t i;
	int rc = 0;

	for (i = 0; i < n && rc == 0; i++) {
		awm_buf subj = AWM_BUF_INIT;
		awm_commit *c;

		if ((rc = awm_commit_read(&c, cli->repo->odb, &commits[i].oid)) < 0)
			break;
		awm_commit_subject(&subj, c);
		subjects[i] = awm_buf_detach(&subj);
		json_array_append_new(data, display_commit_json(c, d));
		rc = commit_section(&sections, cli, c, d, max_rows);
		awm_commit_free(c);
		cli_progress("Writing the report", i + 1, n, cli);
	}
	if (rc < 0)
		goto done;
	report_escape(&title, base && base[1] ? base + 1 : cli->repo->root);
	awm_buf_printf(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		       "<title>awm history: %s</title>\n<style>%s</style>\n</head>\n<body>\n"
		       "<header><h1>awm history: %s</h1><p class=\"meta\">%zu commit%s</p></header>\n"
		       "<main>\n<section id=\"graph\"><h2>History</h2>\n", title.ptr, style,
		       title.ptr, n, n == 1 ? "" : "s");
	report_graph_svg(out, commits, n, (const char **)subjects, d);
	awm_buf_puts(out, "</section>\n<section id=\"envs\"><h2>Environments</h2>\n");
	if ((rc = refs_table(out, cli->repo, "refs/envs/", "no environment refs")) < 0)
		goto done;
	awm_buf_puts(out, "<h3>Remote refs</h3>\n");
	if ((rc = refs_table(out, cli->repo, "refs/remotes/", "no remote refs")) < 0)
		goto done;
	awm_buf_puts(out, "</section>\n<section id=\"commits\"><h2>Commits</h2>\n");
	awm_buf_put(out, sections.ptr, sections.size);
	awm_buf_puts(out, "</section>\n</main>\n");
	embedded_json(out, data);
	awm_buf_puts(out, "</body>\n</html>\n");
done:
	for (i = 0; i < n; i++)
		free(subjects[i]);
	free(subjects);
	json_decref(data);
	awm_buf_release(&sections);
	awm_buf_release(&title);
	return rc;
}
