/*
 * DDL between two schemas (see schemadiff.h).
 */
#include "core/schemadiff.h"
#include "core/error.h"
#include "core/schema_diff.h"
#include "core/sqlite.h"
#include "core/sqlite_schema.h"
#include "core/sqltext.h"

#include <stdlib.h>
#include <string.h>

typedef struct sobj {
	char *type, *name, *tbl, *sql, *norm;
} sobj;

typedef struct sobjs {
	sobj *items;
	size_t nr, alloc;
} sobjs;

static void sobjs_release(sobjs *s)
{
	size_t i;

	for (i = 0; i < s->nr; i++) {
		free(s->items[i].type);
		free(s->items[i].name);
		free(s->items[i].tbl);
		free(s->items[i].sql);
		free(s->items[i].norm);
	}
	free(s->items);
	memset(s, 0, sizeof(*s));
}

/* 1 when `name` is a table a virtual table made for itself (it comes with it). */
static int is_shadow(sqlite3 *db, const char *name)
{
	sqlite3_stmt *st = NULL;
	int shadow = 0;

	if (sqlite3_prepare_v2(db, "SELECT type = 'shadow' FROM pragma_table_list "
			       "WHERE schema = 'main' AND name = ?1", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			shadow = sqlite3_column_int(st, 0);
	}
	sqlite3_finalize(st);
	return shadow;
}

/* The schema entries with SQL text, in creation (rowid) order. */
static int load(sobjs *out, sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	awm_buf norm = AWM_BUF_INIT;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = sqlite3_prepare_v2(db, "SELECT type, name, tbl_name, sql FROM main.sqlite_schema "
				"WHERE sql IS NOT NULL ORDER BY rowid", -1, &st, NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 1);
		const char *tbl = (const char *)sqlite3_column_text(st, 2);
		sobj *o;

		rc = SQLITE_OK;
		if (awm_sqlite_is_internal_table(name) || awm_sqlite_is_internal_table(tbl) ||
		    is_shadow(db, tbl))
			continue;
		AWM_ARRAY_GROW(out->items, out->nr + 1, out->alloc);
		o = &out->items[out->nr++];
		o->type = awm_strdup((const char *)sqlite3_column_text(st, 0));
		o->name = awm_strdup(name);
		o->tbl = awm_strdup(tbl);
		o->sql = awm_strdup((const char *)sqlite3_column_text(st, 3));
		awm_sql_normalize(&norm, o->sql);
		o->norm = awm_buf_detach(&norm);
	}
	sqlite3_finalize(st);
	awm_buf_release(&norm);
	if (rc != SQLITE_DONE) {
		sobjs_release(out);
		return awm_sqlite_error(db, rc, "cannot read the schema");
	}
	return 0;
}

static const sobj *find(const sobjs *s, const char *type, const char *name)
{
	size_t i;

	for (i = 0; i < s->nr; i++)
		if (!strcmp(s->items[i].type, type) && !strcmp(s->items[i].name, name))
			return &s->items[i];
	return NULL;
}

typedef struct ddl {
	awm_buf *out;
	sqlite3 *from, *to, *rows;
	sobjs f, t;
	unsigned flags;
	awm_schema_diff alter;     /* AWM_DDL_ALTER: the ALTER-aware diff */
} ddl;

static void statement(awm_buf *out, const char *sql)
{
	awm_buf_puts(out, sql);
	awm_buf_puts(out, ";\n");
}

/*
 * With AWM_DDL_ALTER, whether `table` only gains columns at its end or
 * loses some, which ALTER TABLE ADD COLUMN and DROP COLUMN do in place
 * (schema_diff.c ran them on the old schema to be sure); its other rows,
 * indexes and triggers then stay as they are.  With AWM_DDL_ROWS only
 * drops qualify: a column coming back needs its rows, which a rebuild
 * brings.
 */
static int alters_in_place(const ddl *d, const char *table)
{
	size_t i, n = 0;

	for (i = 0; i < d->alter.nr; i++) {
		const awm_schema_change *c = &d->alter.items[i];

		if (strcmp(c->type, "table") || strcmp(c->name, table))
			continue;
		if (c->op != AWM_SCHEMA_ALTER || !(strstr(c->sql, " DROP COLUMN ") ||
		    (strstr(c->sql, " ADD COLUMN ") && !(d->flags & AWM_DDL_ROWS))))
			return 0;
		n++;
	}
	return n > 0;
}

static void alter_table(ddl *d, const char *table)
{
	size_t i;

	for (i = 0; i < d->alter.nr; i++)
		if (!strcmp(d->alter.items[i].type, "table") &&
		    !strcmp(d->alter.items[i].name, table))
			statement(d->out, d->alter.items[i].sql);
}

/* A table of `from` whose definition differs in `to`, so it is rebuilt. */
static int table_changed(const ddl *d, const char *table)
{
	const sobj *a = find(&d->f, "table", table), *b = find(&d->t, "table", table);

	return a && b && strcmp(a->norm, b->norm) && !alters_in_place(d, table);
}

static int table_dropped(const ddl *d, const char *table)
{
	return find(&d->f, "table", table) && !find(&d->t, "table", table);
}

/* Added, or changed: an object of `to` that must be created. */
static int must_create(const ddl *d, const sobj *o)
{
	const sobj *old = find(&d->f, o->type, o->name);

	return !old || strcmp(old->norm, o->norm) ||
	       (strcmp(o->type, "table") && strcmp(o->type, "view") && table_changed(d, o->tbl));
}

static void drop(awm_buf *out, const sobj *o)
{
	char up[16];
	size_t i;

	for (i = 0; o->type[i] && i < sizeof(up) - 1; i++)
		up[i] = (char)(o->type[i] - ('a' <= o->type[i] && o->type[i] <= 'z' ? 32 : 0));
	up[i] = '\0';
	awm_buf_printf(out, "DROP %s ", up);
	awm_sql_ident(out, o->name);
	awm_buf_puts(out, ";\n");
}

typedef struct cols {
	char **names;
	size_t nr, alloc;
} cols;

static void cols_release(cols *c)
{
	size_t i;

	for (i = 0; i < c->nr; i++)
		free(c->names[i]);
	free(c->names);
	memset(c, 0, sizeof(*c));
}

/* The stored columns of `table` (generated ones cannot be written). */
static void load_cols(cols *out, sqlite3 *db, const char *table)
{
	sqlite3_stmt *st = NULL;

	memset(out, 0, sizeof(*out));
	if (sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_xinfo(?1, 'main') "
			       "WHERE hidden = 0 ORDER BY cid", -1, &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		AWM_ARRAY_GROW(out->names, out->nr + 1, out->alloc);
		out->names[out->nr++] = awm_strdup((const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
}

static int has_col(const cols *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nr; i++)
		if (!strcmp(c->names[i], name))
			return 1;
	return 0;
}

/*
 * Rebuild a changed table: aside, anew, copy (or rows), drop the old one.
 * A copy cannot restore a column the old table lacks; with AWM_DDL_ROWS
 * such a table gets its rows from the rows database instead.
 */
static int rebuild(ddl *d, const sobj *o)
{
	cols fc, tc;
	awm_buf aside = AWM_BUF_INIT, list = AWM_BUF_INIT;
	size_t i, n = 0;
	int subset = 1, copy, rc = 0;

	load_cols(&fc, d->from, o->name);
	load_cols(&tc, d->to, o->name);
	for (i = 0; i < tc.nr; i++)
		subset &= has_col(&fc, tc.names[i]);
	copy = !(d->flags & AWM_DDL_NO_COPY) && !((d->flags & AWM_DDL_ROWS) && !subset);
	awm_buf_printf(&aside, "awm_old_%s", o->name);
	awm_buf_puts(d->out, "ALTER TABLE ");
	awm_sql_ident(d->out, o->name);
	awm_buf_puts(d->out, " RENAME TO ");
	awm_sql_ident(d->out, aside.ptr);
	awm_buf_puts(d->out, ";\n");
	statement(d->out, o->sql);
	for (i = 0; copy && i < tc.nr; i++) {
		if (!has_col(&fc, tc.names[i]))
			continue;
		awm_buf_puts(&list, n++ ? ", " : "");
		awm_sql_ident(&list, tc.names[i]);
	}
	if (copy && n) {
		awm_buf_puts(d->out, "INSERT INTO ");
		awm_sql_ident(d->out, o->name);
		awm_buf_printf(d->out, "(%s) SELECT %s FROM ", list.ptr, list.ptr);
		awm_sql_ident(d->out, aside.ptr);
		awm_buf_puts(d->out, ";\n");
	}
	awm_buf_puts(d->out, "DROP TABLE ");
	awm_sql_ident(d->out, aside.ptr);
	awm_buf_puts(d->out, ";\n");
	if (!copy && (d->flags & AWM_DDL_ROWS))
		rc = awm_sql_dump_rows(d->out, d->rows, o->name);
	cols_release(&fc);
	cols_release(&tc);
	awm_buf_release(&aside);
	awm_buf_release(&list);
	return rc;
}

static int emit(ddl *d)
{
	static const char *const kinds[] = { "table", "index", "view", "trigger" };
	size_t i, k, rebuilds = 0;
	int rc = 0;

	for (i = 0; i < d->t.nr; i++)
		rebuilds += !strcmp(d->t.items[i].type, "table") &&
			    table_changed(d, d->t.items[i].name);
	if (rebuilds)
		awm_buf_puts(d->out, "PRAGMA legacy_alter_table = ON;\n");
	/* Drops, dependants first: triggers, views, indexes, tables. */
	for (k = 4; k-- > 0; ) {
		for (i = 0; i < d->f.nr; i++) {
			const sobj *o = &d->f.items[i], *n;

			if (strcmp(o->type, kinds[k]))
				continue;
			n = find(&d->t, o->type, o->name);
			if (k == 0 ? !n :
			    k == 2 ? !n || strcmp(n->norm, o->norm) :
			    k == 1 ? (!n || strcmp(n->norm, o->norm)) && !table_dropped(d, o->tbl) &&
				     !table_changed(d, o->tbl) :
			    !n || strcmp(n->norm, o->norm) || table_changed(d, o->tbl))
				drop(d->out, o);
		}
	}
	/* Then creations, each kind in the target's own order. */
	for (k = 0; k < 4 && rc == 0; k++) {
		for (i = 0; i < d->t.nr && rc == 0; i++) {
			const sobj *o = &d->t.items[i];

			if (strcmp(o->type, kinds[k]) || !must_create(d, o))
				continue;
			if (k == 0 && find(&d->f, "table", o->name)) {
				if (alters_in_place(d, o->name))
					alter_table(d, o->name);
				else
					rc = rebuild(d, o);
				continue;
			}
			statement(d->out, o->sql);
			if (k == 0 && (d->flags & AWM_DDL_ROWS))
				rc = awm_sql_dump_rows(d->out, d->rows, o->name);
		}
	}
	if (rebuilds)
		awm_buf_puts(d->out, "PRAGMA legacy_alter_table = OFF;\n");
	return rc;
}

static int alter_diff(ddl *d)
{
	awm_schema *a = NULL, *b = NULL;
	int rc;

	if ((rc = awm_sqlite_schema_snapshot(&a, d->from)) == 0 &&
	    (rc = awm_sqlite_schema_snapshot(&b, d->to)) == 0)
		rc = awm_schema_diff_compute(&d->alter, a, b);
	awm_schema_free(a);
	awm_schema_free(b);
	return rc;
}

int awm_schema_ddl(awm_buf *out, sqlite3 *from, sqlite3 *to, unsigned flags, sqlite3 *rows)
{
	ddl d;
	int rc;

	memset(&d, 0, sizeof(d));
	d.out = out;
	d.from = from;
	d.to = to;
	d.rows = rows;
	d.flags = rows ? flags : flags & ~AWM_DDL_ROWS;
	if (d.flags & AWM_DDL_NO_COPY)
		d.flags &= ~AWM_DDL_ALTER;   /* its tables are emptied, to be filled anew */
	if ((rc = load(&d.f, from)) == 0 && (rc = load(&d.t, to)) == 0 &&
	    (!(d.flags & AWM_DDL_ALTER) || (rc = alter_diff(&d)) == 0))
		rc = emit(&d);
	sobjs_release(&d.f);
	sobjs_release(&d.t);
	awm_schema_diff_release(&d.alter);
	return rc;
}
