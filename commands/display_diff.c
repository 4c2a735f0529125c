/*
 * The reviewer's view of a change: schema statements and tables of rows
 * (see display.h).
 */
#include "commands/display.h"
#include "core/appwrite_plan.h"
#include "core/schema_diff.h"
#include "core/sqlite_schema.h"
#include "objects/schema.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Cells wider than this are cut, so one long value does not widen a table. */
#define MAX_CELL 40

static int read_schema(awm_schema **out, awm_repo *repo, const awm_oid *oid)
{
	*out = NULL;
	if (!oid)
		return 0;
	return awm_schema_read(out, repo->odb, oid);
}

/* Appwrite schemas change by operations: the ones an apply makes, one a line. */
static int appwrite_changes(awm_cli *cli, awm_buf *out, const awm_schema *a,
			    const awm_schema *b)
{
	awm_aw_schema *x = NULL, *y = NULL;
	awm_buf line = AWM_BUF_INIT;
	json_t *ops = NULL, *op;
	size_t i;
	int rc;

	if ((rc = a ? awm_aw_schema_from_awm(&x, a) : 0) < 0 || (rc = awm_aw_schema_from_awm(&y, b)) < 0)
		goto done;
	if (!x)
		x = awm_aw_schema_new();
	ops = awm_aw_diff(x, y, 0);
	json_array_foreach(ops, i, op) {
		const char *name = json_string_value(json_object_get(op, "op"));

		awm_buf_clear(&line);
		awm_aw_op_describe(&line, op);
		awm_buf_printf(out, "    %s%s%s\n", cli_color(cli, !strncmp(name, "create", 6) ? C_GREEN :
				!strncmp(name, "delete", 6) ? C_RED : C_YELLOW), line.ptr,
			       cli_color(cli, C_RESET));
	}
done:
	json_decref(ops);
	awm_aw_schema_free(x);
	awm_aw_schema_free(y);
	awm_buf_release(&line);
	return rc;
}

int display_schema_changes(awm_cli *cli, awm_buf *out, awm_repo *repo,
			   const awm_oid *from, const awm_oid *to)
{
	awm_schema *a = NULL, *b = NULL;
	awm_schema_diff d;
	size_t i;
	int rc;

	memset(&d, 0, sizeof(d));
	if ((rc = read_schema(&a, repo, from)) < 0 || (rc = read_schema(&b, repo, to)) < 0)
		goto done;
	if (b && !strcmp(b->engine, AWM_APPWRITE_ENGINE)) {
		rc = appwrite_changes(cli, out, a, b);
		goto done;
	}
	if ((rc = awm_schema_diff_compute(&d, a, b)) < 0)
		goto done;
	for (i = 0; i < d.nr; i++) {
		const awm_schema_change *c = &d.items[i];
		const char *color = c->op == AWM_SCHEMA_CREATE ? C_GREEN
				    : c->op == AWM_SCHEMA_DROP ? C_RED : C_YELLOW;

		if (c->op == AWM_SCHEMA_REBUILD)
			awm_buf_printf(out, "    %s-- table '%s' is rebuilt: %s; it was:%s\n"
				       "    %s-- %s;%s\n", cli_color(cli, C_DIM), c->name, c->note,
				       cli_color(cli, C_RESET), cli_color(cli, C_DIM), c->old_sql,
				       cli_color(cli, C_RESET));
		awm_buf_printf(out, "    %s%s;%s\n", cli_color(cli, color), c->sql,
			       cli_color(cli, C_RESET));
	}
done:
	awm_schema_diff_release(&d);
	awm_schema_free(a);
	awm_schema_free(b);
	return rc;
}

int display_schema_changes_json(json_t **out, awm_repo *repo, const awm_oid *from,
				const awm_oid *to)
{
	awm_schema *a = NULL, *b = NULL;
	awm_schema_diff d;
	size_t i;
	int rc;

	memset(&d, 0, sizeof(d));
	*out = NULL;
	if ((rc = read_schema(&a, repo, from)) < 0 || (rc = read_schema(&b, repo, to)) < 0 ||
	    (rc = awm_schema_diff_compute(&d, a, b)) < 0)
		goto done;
	*out = json_array();
	for (i = 0; i < d.nr; i++) {
		const awm_schema_change *c = &d.items[i];

		json_array_append_new(*out, json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:o}",
			"op", awm_schema_op_name(c->op), "type", c->type,
			"name", display_json_text0(c->name), "table", display_json_text0(c->table),
			"sql", display_json_text0(c->sql),
			"old_sql", c->old_sql ? display_json_text0(c->old_sql) : json_null(),
			"note", c->note ? display_json_text0(c->note) : json_null()));
	}
done:
	awm_schema_diff_release(&d);
	awm_schema_free(a);
	awm_schema_free(b);
	return rc;
}

int display_commit_changes(awm_data_changes *out, awm_repo *repo, const awm_commit *c,
			   size_t max_rows)
{
	awm_schema *after = NULL, *before = NULL;
	sqlite3 *a = NULL, *b = NULL;
	awm_object *cs = NULL;
	awm_commit *parent = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!c->has_changeset)
		return 0;
	if ((rc = awm_odb_read_typed(&cs, repo->odb, &c->changeset, AWM_OBJ_CHANGESET)) < 0)
		return rc;
	/* Names are a nicety: a schema that cannot be read leaves c0, c1, ... */
	if (awm_schema_read(&after, repo->odb, &c->schema) == 0)
		awm_sqlite_open_schema(&a, after);
	if (c->nparents && awm_commit_read(&parent, repo->odb, &c->parents[0]) == 0 &&
	    awm_schema_read(&before, repo->odb, &parent->schema) == 0)
		awm_sqlite_open_schema(&b, before);
	awm_error_clear();
	rc = awm_data_changes_from_changeset(out, cs->data, cs->size, a, b, max_rows);
	sqlite3_close(a);
	sqlite3_close(b);
	awm_schema_free(after);
	awm_schema_free(before);
	awm_commit_free(parent);
	awm_object_free(cs);
	return rc;
}

/* Characters on screen: UTF-8 continuation bytes take no column. */
static size_t width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* The text of a cell for the table; "" when the change does not touch it. */
static void cell_text(awm_buf *out, const awm_row_change *r, size_t col, int pk)
{
	const awm_cell *b = &r->before[col], *a = &r->after[col];

	awm_buf_clear(out);
	if (r->op == SQLITE_INSERT) {
		awm_cell_format(out, a);
	} else if (r->op == SQLITE_DELETE || pk) {
		awm_cell_format(out, b);
	} else if (a->type) {
		awm_cell_format(out, b);
		awm_buf_puts(out, " -> ");
		awm_cell_format(out, a);
	}
	if (width(out->ptr) > MAX_CELL) {
		size_t i = 0, w = 0;

		while (out->ptr[i] && w < MAX_CELL - 3)
			w += ((unsigned char)out->ptr[++i] & 0xc0) != 0x80;
		awm_buf_truncate(out, i);
		awm_buf_puts(out, "...");
	}
}

static void pad(awm_buf *out, size_t n)
{
	while (n-- > 0)
		awm_buf_putc(out, ' ');
}

static void render_table(awm_cli *cli, awm_buf *out, const awm_table_changes *t)
{
	size_t *w = awm_calloc(t->ncols + 1, sizeof(size_t)), i, c;
	awm_buf cell = AWM_BUF_INIT;

	for (c = 0; c < t->ncols; c++)
		w[c] = width(t->columns[c]);
	for (i = 0; i < t->nrows; i++)
		for (c = 0; c < t->ncols; c++) {
			cell_text(&cell, &t->rows[i], c, t->pk[c]);
			if (width(cell.ptr) > w[c])
				w[c] = width(cell.ptr);
		}
	awm_buf_printf(out, "      %s ", cli_color(cli, C_BOLD));
	for (c = 0; c < t->ncols; c++) {
		awm_buf_printf(out, " | %s", t->columns[c]);
		if (c + 1 < t->ncols)
			pad(out, w[c] - width(t->columns[c]));
	}
	awm_buf_printf(out, "%s\n", cli_color(cli, C_RESET));
	for (i = 0; i < t->nrows; i++) {
		const awm_row_change *r = &t->rows[i];
		const char *color = r->op == SQLITE_INSERT ? C_GREEN
				    : r->op == SQLITE_DELETE ? C_RED : C_YELLOW;

		awm_buf_printf(out, "      %s%c%s", cli_color(cli, color),
			       r->op == SQLITE_INSERT ? '+' : r->op == SQLITE_DELETE ? '-' : '~',
			       cli_color(cli, C_RESET));
		for (c = 0; c < t->ncols; c++) {
			cell_text(&cell, r, c, t->pk[c]);
			awm_buf_printf(out, " | %s", cell.ptr);
			if (c + 1 < t->ncols)
				pad(out, w[c] - width(cell.ptr));
		}
		awm_buf_rtrim(out);
		awm_buf_putc(out, '\n');
	}
	awm_buf_release(&cell);
	free(w);
}

void display_data_changes(awm_cli *cli, awm_buf *out, const awm_data_changes *d)
{
	size_t i;

	for (i = 0; i < d->nr; i++) {
		const awm_table_changes *t = &d->tables[i];
		size_t total = t->inserts + t->updates + t->deletes;

		if (t->note && !t->ncols) {
			awm_buf_printf(out, "    %s%s%s: rows not compared: %s\n", cli_color(cli, C_BOLD),
				       t->name, cli_color(cli, C_RESET), t->note);
			continue;
		}
		awm_buf_printf(out, "    %s%s%s: %zu inserted, %zu updated, %zu deleted\n",
			       cli_color(cli, C_BOLD), t->name, cli_color(cli, C_RESET),
			       t->inserts, t->updates, t->deletes);
		if (t->note)
			awm_buf_printf(out, "      %s(%s)%s\n", cli_color(cli, C_DIM), t->note,
				       cli_color(cli, C_RESET));
		if (t->nrows)
			render_table(cli, out, t);
		if (t->nrows < total)
			awm_buf_printf(out, "      ... %zu more\n", total - t->nrows);
	}
}

static json_t *cell_json(const awm_cell *c)
{
	switch (c->type) {
	case SQLITE_INTEGER: return json_integer(strtoll(c->text, NULL, 10));
	case SQLITE_FLOAT:
		/* JSON has no infinity: SQLite's Inf and -Inf go as the strings "inf", "-inf". */
		return isfinite(strtod(c->text, NULL)) ? json_real(strtod(c->text, NULL))
						       : json_string(c->text);
	case SQLITE_TEXT: return display_json_text0(c->text);
	case SQLITE_BLOB: return json_pack("{s:s}", "blob", c->text);
	default: return json_null();
	}
}

static json_t *cells_json(const awm_table_changes *t, const awm_cell *cells)
{
	json_t *o = json_object();
	size_t c;

	for (c = 0; c < t->ncols; c++)
		if (cells[c].type)
			json_object_set_new(o, t->columns[c], cell_json(&cells[c]));
	return o;
}

/* A literal as the one-line rows give it: blobs cut after 32 bytes. */
static void cell_short(awm_buf *out, const awm_cell *c)
{
	if (c->type == SQLITE_BLOB && strlen(c->text) > 64)
		awm_buf_printf(out, "X'%.64s...'", c->text);
	else
		awm_cell_format(out, c);
}

/* The one-line form `awm cat-object -p` also prints: "~ id=2 name: 'b' -> 'c'". */
static json_t *row_line(const awm_table_changes *t, const awm_row_change *r)
{
	awm_buf s = AWM_BUF_INIT;
	json_t *j;
	size_t c;

	awm_buf_puts(&s, r->op == SQLITE_INSERT ? "+" : r->op == SQLITE_DELETE ? "-" : "~");
	for (c = 0; c < t->ncols; c++) {
		const awm_cell *v = r->op == SQLITE_INSERT ? &r->after[c] : &r->before[c];

		if (r->op == SQLITE_UPDATE && !t->pk[c]) {
			if (!r->after[c].type)
				continue;
			awm_buf_printf(&s, " %s: ", t->columns[c]);
			cell_short(&s, &r->before[c]);
			awm_buf_puts(&s, " -> ");
			cell_short(&s, &r->after[c]);
		} else {
			awm_buf_printf(&s, " %s=", t->columns[c]);
			cell_short(&s, v);
		}
	}
	j = display_json_text0(s.ptr);
	awm_buf_release(&s);
	return j;
}

static const char *op_name(int op)
{
	return op == SQLITE_INSERT ? "insert" : op == SQLITE_DELETE ? "delete" : "update";
}

json_t *display_data_changes_json(const awm_data_changes *d)
{
	json_t *arr = json_array();
	size_t i, j, c;

	for (i = 0; i < d->nr; i++) {
		const awm_table_changes *t = &d->tables[i];
		json_t *rows = json_array(), *changes = json_array(), *cols = json_array();
		json_t *pk = json_array();

		for (c = 0; c < t->ncols; c++) {
			json_array_append_new(cols, display_json_text0(t->columns[c]));
			if (t->pk[c])
				json_array_append_new(pk, display_json_text0(t->columns[c]));
		}
		for (j = 0; j < t->nrows; j++) {
			const awm_row_change *r = &t->rows[j];

			json_array_append_new(rows, row_line(t, r));
			json_array_append_new(changes, json_pack("{s:s, s:o, s:o}",
				"op", op_name(r->op),
				"before", r->op == SQLITE_INSERT ? json_null() : cells_json(t, r->before),
				"after", r->op == SQLITE_DELETE ? json_null() : cells_json(t, r->after)));
		}
		json_array_append_new(arr, json_pack("{s:o, s:I, s:I, s:I, s:o, s:o, s:o, s:o, s:o}",
			"table", display_json_text0(t->name), "inserts", (json_int_t)t->inserts,
			"updates", (json_int_t)t->updates, "deletes", (json_int_t)t->deletes,
			"rows", rows, "columns", cols, "primary_key", pk, "changes", changes,
			"note", t->note ? display_json_text0(t->note) : json_null()));
	}
	return arr;
}
