/*
 * Schema drift (see drift.h).
 */
#include "core/drift.h"
#include "core/error.h"
#include "core/sqlite.h"
#include "core/sqlite_schema.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void add(awm_drift *d, const char *table, const char *kind, const char *name,
		const char *change, char *detail)
{
	awm_drift_item *it;

	AWM_ARRAY_GROW(d->items, d->nr + 1, d->alloc);
	it = &d->items[d->nr++];
	it->table = awm_strdup(table);
	it->kind = kind;
	it->name = awm_strdup(name);
	it->change = change;
	it->detail = detail;
	it->group = !strcmp(kind, "view") ? "view" : "table";
}

void awm_drift_release(awm_drift *d)
{
	size_t i;

	for (i = 0; i < d->nr; i++) {
		free(d->items[i].table);
		free(d->items[i].name);
		free(d->items[i].detail);
	}
	free(d->items);
	memset(d, 0, sizeof(*d));
}

/* One column as pragma table_xinfo describes it. */
typedef struct column {
	char *name, *desc;    /* desc: "TEXT NOT NULL DEFAULT 'x' PRIMARY KEY" */
} column;

typedef struct columns {
	column *v;
	size_t nr, alloc;
} columns;

static void columns_release(columns *c)
{
	size_t i;

	for (i = 0; i < c->nr; i++) {
		free(c->v[i].name);
		free(c->v[i].desc);
	}
	free(c->v);
	memset(c, 0, sizeof(*c));
}

/* Load the columns of `table`, created from `sql` in a scratch database. */
static int load_columns(columns *out, const char *sql, const char *table)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = awm_sqlite_open_image(&db, NULL, 0)) < 0)
		return rc;
	if ((rc = awm_sqlite_exec(db, sql)) < 0)
		goto done;
	rc = sqlite3_prepare_v2(db, "SELECT name, type, \"notnull\", dflt_value, pk, hidden "
				"FROM pragma_table_xinfo(?1) ORDER BY cid", -1, &st, NULL);
	if (rc != SQLITE_OK) {
		rc = awm_sqlite_error(db, rc, "cannot read the columns of '%s'", table);
		goto done;
	}
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		awm_buf desc = AWM_BUF_INIT;
		const char *type = (const char *)sqlite3_column_text(st, 1);
		const char *dflt = (const char *)sqlite3_column_text(st, 3);

		awm_buf_puts(&desc, type && *type ? type : "(no type)");
		if (sqlite3_column_int(st, 2))
			awm_buf_puts(&desc, " NOT NULL");
		if (dflt)
			awm_buf_printf(&desc, " DEFAULT %s", dflt);
		if (sqlite3_column_int(st, 4))
			awm_buf_puts(&desc, " PRIMARY KEY");
		if (sqlite3_column_int(st, 5) >= 2)
			awm_buf_puts(&desc, " GENERATED");
		AWM_ARRAY_GROW(out->v, out->nr + 1, out->alloc);
		out->v[out->nr].name = awm_strdup((const char *)sqlite3_column_text(st, 0));
		out->v[out->nr++].desc = awm_buf_detach(&desc);
	}
	rc = rc == SQLITE_DONE ? 0 : awm_sqlite_error(db, rc, "cannot read the columns of '%s'",
						       table);
done:
	sqlite3_finalize(st);
	sqlite3_close(db);
	if (rc < 0)
		columns_release(out);
	return rc;
}

static const column *find_column(const columns *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nr; i++)
		if (!strcasecmp(c->v[i].name, name))
			return &c->v[i];
	return NULL;
}

/* A table in both schemas with different text: which columns differ. */
static void compare_table(awm_drift *d, const char *table, const char *exp_sql,
			  const char *live_sql)
{
	columns e, l;
	size_t i, before = d->nr;

	if (load_columns(&e, exp_sql, table) < 0) {
		awm_error_clear();
		add(d, table, "table", table, "changed", NULL);
		return;
	}
	if (load_columns(&l, live_sql, table) < 0) {
		awm_error_clear();
		columns_release(&e);
		add(d, table, "table", table, "changed", NULL);
		return;
	}
	for (i = 0; i < l.nr; i++) {
		const column *x = find_column(&e, l.v[i].name);

		if (!x)
			add(d, table, "column", l.v[i].name, "added", awm_strdup(l.v[i].desc));
		else if (strcmp(x->desc, l.v[i].desc))
			add(d, table, "column", l.v[i].name, "changed",
			    awm_printf_alloc("%s -> %s", x->desc, l.v[i].desc));
	}
	for (i = 0; i < e.nr; i++)
		if (!find_column(&l, e.v[i].name))
			add(d, table, "column", e.v[i].name, "removed", awm_strdup(e.v[i].desc));
	/* Same columns, different text: a constraint or an option changed. */
	if (d->nr == before)
		add(d, table, "table", table, "changed",
		    awm_strdup("constraints differ"));
	columns_release(&e);
	columns_release(&l);
}

/* Indexes and triggers of `table` in `a` but not the same in `b`. */
static void compare_children(awm_drift *d, const awm_schema *exp, const awm_schema *live,
			     const char *table)
{
	static const char *const kinds[] = { "index", "trigger" };
	size_t k, i;

	for (k = 0; k < 2; k++) {
		for (i = 0; i < live->nr; i++) {
			const awm_schema_entry *l = &live->entries[i], *x;

			if (strcmp(l->type, kinds[k]) || strcmp(l->tbl_name, table))
				continue;
			x = awm_schema_find(exp, kinds[k], l->name);
			if (!x)
				add(d, table, kinds[k], l->name, "added", NULL);
			else if (strcmp(x->sql, l->sql) || strcmp(x->tbl_name, l->tbl_name))
				add(d, table, kinds[k], l->name, "changed",
				    awm_printf_alloc("%s -> %s", x->sql, l->sql));
		}
		for (i = 0; i < exp->nr; i++) {
			const awm_schema_entry *x = &exp->entries[i];

			if (strcmp(x->type, kinds[k]) || strcmp(x->tbl_name, table))
				continue;
			if (!awm_schema_find(live, kinds[k], x->name))
				add(d, table, kinds[k], x->name, "removed", NULL);
		}
	}
}

/* Every table or view named in either schema, expected ones first. */
static void owners(char ***out, size_t *n, const awm_schema *a, const awm_schema *b)
{
	const awm_schema *both[2] = { a, b };
	size_t alloc = 0, i, j, k;

	*out = NULL;
	*n = 0;
	for (k = 0; k < 2; k++)
		for (i = 0; i < both[k]->nr; i++) {
			const char *t = both[k]->entries[i].tbl_name;

			for (j = 0; j < *n && strcmp((*out)[j], t); j++)
				;
			if (j == *n) {
				AWM_ARRAY_GROW(*out, *n + 1, alloc);
				(*out)[(*n)++] = awm_strdup(t);
			}
		}
}

/* The entry's name within its collection: "users/email" -> "email". */
static const char *short_name(const awm_schema_entry *e)
{
	const char *slash = strchr(e->name, '/');

	return slash ? slash + 1 : e->name;
}

/*
 * Engines other than sqlite: entries are compared by their canonical text,
 * grouped by the collection they belong to.
 */
static void compare_entries(awm_drift *d, const awm_schema *exp, const awm_schema *live,
			    const char *owner)
{
	static const char *const kinds[] = { "collection", "attribute", "index" };
	size_t k, i;

	for (k = 0; k < 3; k++) {
		const char *kind = kinds[k];

		for (i = 0; i < live->nr; i++) {
			const awm_schema_entry *l = &live->entries[i], *x;

			if (strcmp(l->type, kinds[k]) || strcmp(l->tbl_name, owner))
				continue;
			x = awm_schema_find(exp, kinds[k], l->name);
			if (!x)
				add(d, owner, kind, short_name(l), "added", awm_strdup(l->sql));
			else if (strcmp(x->sql, l->sql))
				add(d, owner, kind, short_name(l), "changed",
				    awm_printf_alloc("%s -> %s", x->sql, l->sql));
			else
				continue;
			d->items[d->nr - 1].group = "collection";
		}
		for (i = 0; i < exp->nr; i++) {
			const awm_schema_entry *x = &exp->entries[i];

			if (strcmp(x->type, kinds[k]) || strcmp(x->tbl_name, owner))
				continue;
			if (!awm_schema_find(live, kinds[k], x->name)) {
				add(d, owner, kind, short_name(x), "removed", NULL);
				d->items[d->nr - 1].group = "collection";
			}
		}
	}
}

int awm_drift_compare(awm_drift *out, const awm_schema *expected, const awm_schema *live)
{
	char **tables;
	size_t n, i;

	memset(out, 0, sizeof(*out));
	owners(&tables, &n, expected, live);
	if (strcmp(expected->engine, "sqlite")) {
		for (i = 0; i < n; i++) {
			compare_entries(out, expected, live, tables[i]);
			free(tables[i]);
		}
		free(tables);
		return 0;
	}
	for (i = 0; i < n; i++) {
		const char *t = tables[i];
		const awm_schema_entry *xt = awm_schema_find(expected, "table", t);
		const awm_schema_entry *lt = awm_schema_find(live, "table", t);
		const awm_schema_entry *xv = awm_schema_find(expected, "view", t);
		const awm_schema_entry *lv = awm_schema_find(live, "view", t);

		if (xt && !lt)
			add(out, t, "table", t, "removed", NULL);
		else if (!xt && lt)
			add(out, t, "table", t, "added", NULL);
		else if (xt && lt && strcmp(xt->sql, lt->sql))
			compare_table(out, t, xt->sql, lt->sql);
		if (xv && !lv)
			add(out, t, "view", t, "removed", NULL);
		else if (!xv && lv)
			add(out, t, "view", t, "added", NULL);
		else if (xv && lv && strcmp(xv->sql, lv->sql))
			add(out, t, "view", t, "changed", NULL);
		compare_children(out, expected, live, t);
		free(tables[i]);
	}
	free(tables);
	return 0;
}

void awm_drift_format(awm_buf *out, const awm_drift *d, const char *indent)
{
	size_t i;

	for (i = 0; i < d->nr; i++) {
		const awm_drift_item *it = &d->items[i];

		if (i == 0 || strcmp(it->table, d->items[i - 1].table))
			awm_buf_printf(out, "%s%s '%s':\n", indent, it->group, it->table);
		if (!strcmp(it->kind, it->group))
			awm_buf_printf(out, "%s  %s %s", indent, it->kind, it->change);
		else
			awm_buf_printf(out, "%s  %s '%s' %s", indent, it->kind, it->name, it->change);
		if (it->detail)
			awm_buf_printf(out, " (%s)", it->detail);
		awm_buf_putc(out, '\n');
	}
}

void awm_drift_json(json_t *payload, const awm_drift *d)
{
	json_t *a;
	size_t i;

	if (!d->nr)
		return;
	a = json_array();
	for (i = 0; i < d->nr; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s}", "table", d->items[i].table,
						   "kind", d->items[i].kind, "name", d->items[i].name,
						   "change", d->items[i].change));
	json_object_set_new(payload, "drift", a);
}
