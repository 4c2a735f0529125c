/*
 * Schema differences as statements (see schema_diff.h).
 *
 * Three steps.  Entries of the two schemas are matched by type and name
 * (and a dropped table whose body reappears under a new name is a
 * rename).  Each changed table gets a plan of RENAME, DROP and ADD COLUMN
 * statements from its column lists.  Then SQLite checks the plans: the old
 * schema is built in memory, the statements run, and a table only keeps its
 * plan when the result is the new definition; indexes, views and triggers
 * the renames rewrote into their new form need no statement at all.
 */
#include "core/schema_diff.h"
#include "core/error.h"
#include "core/sql_table.h"
#include "core/sqlite.h"
#include "core/sqlite_schema.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

enum { SAME, REMOVED, CHANGED, RENAMED, ADDED };

typedef struct plan {
	size_t from, to;        /* entry indices */
	char **renames, **alters;   /* statements: RENAME COLUMN; DROP/ADD COLUMN */
	size_t nrenames, nalters;
	char *why;              /* non-NULL: a rebuild, and why */
} plan;

typedef struct differ {
	const awm_schema *from, *to;
	int *fstate, *tstate;   /* per entry: SAME, REMOVED, CHANGED, RENAMED / ADDED */
	size_t *peer;           /* from entry -> its to entry when CHANGED or RENAMED */
	int *resolved;          /* from entry: a rename already gave its new form */
	plan *plans;
	size_t nplans;
	awm_schema_diff *out;
} differ;

static const char *const types[] = { "trigger", "view", "index", "table" };

const char *awm_schema_op_name(awm_schema_op op)
{
	static const char *const names[] = { "create", "drop", "alter", "rebuild" };

	return names[op];
}

static void add(awm_schema_diff *d, awm_schema_op op, const awm_schema_entry *e,
		char *sql, const char *old_sql, char *note)
{
	awm_schema_change *c;

	AWM_ARRAY_GROW(d->items, d->nr + 1, d->alloc);
	c = &d->items[d->nr++];
	c->op = op;
	c->type = awm_strdup(e->type);
	c->name = awm_strdup(e->name);
	c->table = awm_strdup(e->tbl_name);
	c->sql = sql;
	c->old_sql = old_sql ? awm_strdup(old_sql) : NULL;
	c->note = note;
}

void awm_schema_diff_release(awm_schema_diff *d)
{
	size_t i;

	for (i = 0; i < d->nr; i++) {
		free(d->items[i].type);
		free(d->items[i].name);
		free(d->items[i].table);
		free(d->items[i].sql);
		free(d->items[i].old_sql);
		free(d->items[i].note);
	}
	free(d->items);
	memset(d, 0, sizeof(*d));
}

static char *fmt(const char *f, const char *a, const char *b, const char *c)
{
	awm_buf out = AWM_BUF_INIT, qa = AWM_BUF_INIT, qb = AWM_BUF_INIT;

	awm_sql_quote_ident(&qa, a);
	if (b)
		awm_sql_quote_ident(&qb, b);
	awm_buf_printf(&out, f, qa.ptr, b ? qb.ptr : "", c ? c : "");
	awm_buf_release(&qa);
	awm_buf_release(&qb);
	return awm_buf_detach(&out);
}

/* The statement text from the column list on: what a rename leaves alone. */
static const char *body(const char *sql)
{
	const char *p = strchr(sql, '(');

	return p ? p : sql;
}

static void push(char ***list, size_t *n, char *s)
{
	*list = awm_realloc(*list, (*n + 1) * sizeof(char *));
	(*list)[(*n)++] = s;
}

/* ---- step 1: match entries ---- */

static void match(differ *df)
{
	const awm_schema *f = df->from, *t = df->to;
	size_t i, j;

	for (i = 0; i < f->nr; i++) {
		const awm_schema_entry *w = awm_schema_find(t, f->entries[i].type, f->entries[i].name);

		df->fstate[i] = REMOVED;
		if (!w)
			continue;
		j = (size_t)(w - t->entries);
		df->tstate[j] = SAME;
		df->peer[i] = j;
		if (strcmp(w->sql, f->entries[i].sql) || strcmp(w->tbl_name, f->entries[i].tbl_name))
			df->fstate[i] = df->tstate[j] = CHANGED;
		else
			df->fstate[i] = SAME;
	}
	/* A dropped table whose body comes back under a new name was renamed. */
	for (i = 0; i < f->nr; i++) {
		if (df->fstate[i] != REMOVED || strcmp(f->entries[i].type, "table"))
			continue;
		for (j = 0; j < t->nr; j++)
			if (df->tstate[j] == ADDED && !strcmp(t->entries[j].type, "table") &&
			    !strcmp(body(t->entries[j].sql), body(f->entries[i].sql))) {
				df->fstate[i] = RENAMED;
				df->tstate[j] = RENAMED;
				df->peer[i] = j;
				break;
			}
	}
}

/* ---- step 2: plan the changed tables ---- */

static char *rename_column(const char *table, const char *from, const char *to)
{
	awm_buf s = AWM_BUF_INIT;

	awm_buf_puts(&s, "ALTER TABLE ");
	awm_sql_quote_ident(&s, table);
	awm_buf_puts(&s, " RENAME COLUMN ");
	awm_sql_quote_ident(&s, from);
	awm_buf_puts(&s, " TO ");
	awm_sql_quote_ident(&s, to);
	return awm_buf_detach(&s);
}

/*
 * Columns both definitions have (by name) must keep their order and their
 * definitions.  Between two of them, a dropped column and an added one
 * with the same definition are a rename; the other dropped ones are
 * dropped; the other added ones must come after every kept column, where
 * ADD COLUMN puts them.
 */
static void plan_alters(plan *p, const char *table, const awm_sql_table *a,
			const awm_sql_table *b)
{
	size_t i = 0, j = 0, k;
	unsigned char *paired = awm_calloc(b->ncols + 1, 1);
	char **drops = NULL, **adds = NULL;
	size_t ndrops = 0, nadds = 0;

	while (i < a->ncols || j < b->ncols) {
		size_t i2 = i, j2 = j;

		/* The next column both have, on each side. */
		while (i2 < a->ncols && !awm_sql_table_column(b, a->cols[i2].name))
			i2++;
		while (j2 < b->ncols && !awm_sql_table_column(a, b->cols[j2].name))
			j2++;
		if ((i2 < a->ncols) != (j2 < b->ncols) || (i2 < a->ncols &&
		    !awm_sql_ident_equal(a->cols[i2].name, b->cols[j2].name))) {
			p->why = awm_strdup("its columns are reordered");
			goto done;
		}
		for (; i < i2; i++) {   /* dropped here, unless renamed here */
			for (k = j; k < j2; k++)
				if (!paired[k] && !strcmp(a->cols[i].def, b->cols[k].def))
					break;
			if (k < j2) {
				paired[k] = 1;
				push(&p->renames, &p->nrenames,
				     rename_column(table, a->cols[i].name, b->cols[k].name));
			} else {
				push(&drops, &ndrops, fmt("ALTER TABLE %s DROP COLUMN %s", table,
							  a->cols[i].name, NULL));
			}
		}
		for (; j < j2; j++) {
			if (paired[j])
				continue;
			if (j2 < b->ncols) {
				awm_buf why = AWM_BUF_INIT;

				awm_buf_printf(&why, "column '%s' is added between existing ones",
					       b->cols[j].name);
				p->why = awm_buf_detach(&why);
				goto done;
			}
			push(&adds, &nadds, fmt("ALTER TABLE %s ADD COLUMN %s%s", table, NULL,
						b->cols[j].text));
		}
		if (i2 == a->ncols)
			break;
		if (strcmp(a->cols[i2].def, b->cols[j2].def)) {
			awm_buf why = AWM_BUF_INIT;

			awm_buf_printf(&why, "column '%s' changes from '%s' to '%s'",
				       b->cols[j2].name, a->cols[i2].def, b->cols[j2].def);
			p->why = awm_buf_detach(&why);
			goto done;
		}
		i = i2 + 1;
		j = j2 + 1;
	}
	for (k = 0; k < ndrops; k++)
		push(&p->alters, &p->nalters, drops[k]);
	for (k = 0; k < nadds; k++)
		push(&p->alters, &p->nalters, adds[k]);
	ndrops = nadds = 0;
done:
	for (k = 0; k < ndrops; k++)
		free(drops[k]);
	for (k = 0; k < nadds; k++)
		free(adds[k]);
	free(drops);
	free(adds);
	free(paired);
}

static void plan_columns(plan *p, const char *table, const awm_sql_table *a,
			 const awm_sql_table *b)
{
	size_t i;

	if (strcmp(a->tail, b->tail) || a->ncons != b->ncons) {
		p->why = awm_strdup("its table constraints or options change");
		return;
	}
	for (i = 0; i < a->ncons; i++)
		if (strcmp(a->constraints[i], b->constraints[i])) {
			p->why = awm_strdup("its table constraints change");
			return;
		}
	plan_alters(p, table, a, b);
}

static void make_plans(differ *df)
{
	size_t i;

	df->plans = awm_calloc(df->from->nr ? df->from->nr : 1, sizeof(plan));
	for (i = 0; i < df->from->nr; i++) {
		const awm_schema_entry *e = &df->from->entries[i];
		awm_sql_table a, b;
		plan *p;

		if (df->fstate[i] != CHANGED || strcmp(e->type, "table"))
			continue;
		p = &df->plans[df->nplans++];
		p->from = i;
		p->to = df->peer[i];
		if (awm_sql_table_parse(&a, e->sql) < 0) {
			p->why = awm_strdup("its definition is not a column list");
			continue;
		}
		if (awm_sql_table_parse(&b, df->to->entries[p->to].sql) < 0) {
			awm_sql_table_release(&a);
			p->why = awm_strdup("its new definition is not a column list");
			continue;
		}
		plan_columns(p, e->name, &a, &b);
		if (!p->why && !p->nrenames && !p->nalters)
			p->why = awm_strdup("its definition changes in the table's options");
		awm_sql_table_release(&a);
		awm_sql_table_release(&b);
	}
}

/* ---- step 3: let SQLite check the plans ---- */

/*
 * The old schema in a fresh in-memory database: tables, then indexes,
 * views and triggers.  A table that already exists was made by a virtual
 * table before it (its shadow tables) and is skipped.
 */
static int build(sqlite3 **out, const awm_schema *s)
{
	static const char *const order[] = { "table", "index", "view", "trigger" };
	size_t i, k;
	int rc;

	if ((rc = awm_sqlite_open_image(out, NULL, 0)) < 0)
		return rc;
	for (k = 0; k < 4; k++)
		for (i = 0; i < s->nr; i++) {
			if (strcmp(s->entries[i].type, order[k]))
				continue;
			if (sqlite3_exec(*out, s->entries[i].sql, NULL, NULL, NULL) != SQLITE_OK &&
			    !(k == 0 && sqlite3_table_column_metadata(*out, "main",
					s->entries[i].name, NULL, NULL, NULL, NULL, NULL, NULL) ==
					SQLITE_OK)) {
				sqlite3_close(*out);
				*out = NULL;
				return AWM_ERROR;
			}
		}
	return 0;
}

/* The normalised SQL of an object in the simulated database, or NULL. */
static char *sql_now(sqlite3 *db, const char *type, const char *name)
{
	awm_buf norm = AWM_BUF_INIT;
	sqlite3_stmt *st = NULL;
	char *out = NULL;

	if (sqlite3_prepare_v2(db, "SELECT sql FROM sqlite_schema WHERE type = ?1 AND name = ?2",
			       -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_text(st, 1, type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
		awm_sql_normalize(&norm, (const char *)sqlite3_column_text(st, 0));
		out = awm_buf_detach(&norm);
	}
	sqlite3_finalize(st);
	awm_buf_release(&norm);
	return out;
}

static int run_all(sqlite3 *db, char **stmts, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (sqlite3_exec(db, stmts[i], NULL, NULL, NULL) != SQLITE_OK)
			return -1;
	return 0;
}

/* "DROP INDEX x", "DROP VIEW x", ... */
static char *drop_statement(const awm_schema_entry *e)
{
	awm_buf s = AWM_BUF_INIT;
	const char *p;

	awm_buf_puts(&s, "DROP ");
	for (p = e->type; *p; p++)
		awm_buf_putc(&s, (char)(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p));
	awm_buf_putc(&s, ' ');
	awm_sql_quote_ident(&s, e->name);
	return awm_buf_detach(&s);
}

static void rebuild_because(plan *p, const char *why)
{
	if (!p->why)
		p->why = awm_strdup(why);
}

static void simulate(differ *df)
{
	const awm_schema *f = df->from, *t = df->to;
	sqlite3 *db = NULL;
	size_t i;

	if (build(&db, f) < 0) {
		for (i = 0; i < df->nplans; i++)
			rebuild_because(&df->plans[i], "awm could not check an ALTER TABLE here");
		return;
	}
	for (i = 0; i < f->nr; i++)
		if (df->fstate[i] == RENAMED) {
			char *s = fmt("ALTER TABLE %s RENAME TO %s", f->entries[i].name,
				      t->entries[df->peer[i]].name, NULL);

			sqlite3_exec(db, s, NULL, NULL, NULL);
			free(s);
		}
	for (i = 0; i < df->nplans; i++)
		if (!df->plans[i].why && run_all(db, df->plans[i].renames, df->plans[i].nrenames) < 0)
			rebuild_because(&df->plans[i], "SQLite refuses the column renames");
	/* What the renames carried over needs no statement. */
	for (i = 0; i < f->nr; i++) {
		char *now;

		if (df->fstate[i] != CHANGED || !strcmp(f->entries[i].type, "table"))
			continue;
		now = sql_now(db, f->entries[i].type, f->entries[i].name);
		df->resolved[i] = now && !strcmp(now, t->entries[df->peer[i]].sql);
		free(now);
		if (!df->resolved[i]) {
			char *s = drop_statement(&f->entries[i]);

			sqlite3_exec(db, s, NULL, NULL, NULL);
			free(s);
		}
	}
	for (i = 0; i < f->nr; i++)
		if (df->fstate[i] == REMOVED && strcmp(f->entries[i].type, "table")) {
			char *s = drop_statement(&f->entries[i]);

			sqlite3_exec(db, s, NULL, NULL, NULL);
			free(s);
		}
	for (i = 0; i < df->nplans; i++) {
		plan *p = &df->plans[i];
		char *now;

		if (p->why)
			continue;
		if (run_all(db, p->alters, p->nalters) < 0) {
			rebuild_because(p, sqlite3_errmsg(db));
			continue;
		}
		now = sql_now(db, "table", f->entries[p->from].name);
		if (!now || strcmp(body(now), body(t->entries[p->to].sql)))
			rebuild_because(p, "ALTER TABLE does not give the new definition");
		free(now);
	}
	sqlite3_close(db);
}

/* ---- step 4: the statements, in an order that could run ---- */

static int table_dropped(const differ *df, const char *table)
{
	const awm_schema_entry *e = awm_schema_find(df->from, "table", table);

	return e && df->fstate[e - df->from->entries] == REMOVED;
}

static void emit_drops(differ *df)
{
	const awm_schema *f = df->from;
	size_t k, i;

	for (k = 0; k < 3; k++)   /* triggers, views, indexes */
		for (i = 0; i < f->nr; i++) {
			const awm_schema_entry *e = &f->entries[i];

			if (strcmp(e->type, types[k]) || (df->fstate[i] != REMOVED &&
			    !(df->fstate[i] == CHANGED && !df->resolved[i])))
				continue;
			if (df->fstate[i] == REMOVED && table_dropped(df, e->tbl_name))
				continue;   /* DROP TABLE takes its indexes and triggers along */
			add(df->out, AWM_SCHEMA_DROP, e, drop_statement(e), NULL, NULL);
		}
}

static void emit_tables(differ *df)
{
	const awm_schema *f = df->from, *t = df->to;
	size_t i, j;

	for (i = 0; i < f->nr; i++)
		if (df->fstate[i] == RENAMED)
			add(df->out, AWM_SCHEMA_ALTER, &t->entries[df->peer[i]],
			    fmt("ALTER TABLE %s RENAME TO %s", f->entries[i].name,
				t->entries[df->peer[i]].name, NULL), NULL, NULL);
	for (i = 0; i < df->nplans; i++)
		for (j = 0; !df->plans[i].why && j < df->plans[i].nrenames; j++)
			add(df->out, AWM_SCHEMA_ALTER, &t->entries[df->plans[i].to],
			    awm_strdup(df->plans[i].renames[j]), NULL, NULL);
	for (j = 0; j < t->nr; j++)
		if (df->tstate[j] == ADDED && !strcmp(t->entries[j].type, "table"))
			add(df->out, AWM_SCHEMA_CREATE, &t->entries[j], awm_strdup(t->entries[j].sql),
			    NULL, NULL);
	for (i = 0; i < df->nplans; i++)
		for (j = 0; !df->plans[i].why && j < df->plans[i].nalters; j++)
			add(df->out, AWM_SCHEMA_ALTER, &t->entries[df->plans[i].to],
			    awm_strdup(df->plans[i].alters[j]), NULL, NULL);
	for (i = 0; i < df->nplans; i++)
		if (df->plans[i].why)
			add(df->out, AWM_SCHEMA_REBUILD, &t->entries[df->plans[i].to],
			    awm_strdup(t->entries[df->plans[i].to].sql),
			    f->entries[df->plans[i].from].sql, awm_strdup(df->plans[i].why));
	for (i = 0; i < f->nr; i++)
		if (df->fstate[i] == REMOVED && !strcmp(f->entries[i].type, "table"))
			add(df->out, AWM_SCHEMA_DROP, &f->entries[i], drop_statement(&f->entries[i]),
			    NULL, NULL);
}

static void emit_creates(differ *df)
{
	const awm_schema *t = df->to;
	size_t k, i, j;

	for (k = 3; k-- > 0; )   /* indexes, views, triggers */
		for (j = 0; j < t->nr; j++) {
			const awm_schema_entry *e = &t->entries[j];
			int changed = 0;

			if (strcmp(e->type, types[k]))
				continue;
			for (i = 0; i < df->from->nr; i++)
				if (df->fstate[i] == CHANGED && df->peer[i] == j && !df->resolved[i])
					changed = 1;
			if (df->tstate[j] == ADDED || changed)
				add(df->out, AWM_SCHEMA_CREATE, e, awm_strdup(e->sql), NULL, NULL);
		}
}

int awm_schema_diff_compute(awm_schema_diff *out, const awm_schema *from, const awm_schema *to)
{
	awm_schema empty = { NULL, NULL, 0, 0 };
	differ df;
	size_t i, j;

	memset(out, 0, sizeof(*out));
	memset(&df, 0, sizeof(df));
	df.from = from ? from : &empty;
	df.to = to;
	df.out = out;
	df.fstate = awm_calloc(df.from->nr + 1, sizeof(int));
	df.peer = awm_calloc(df.from->nr + 1, sizeof(size_t));
	df.resolved = awm_calloc(df.from->nr + 1, sizeof(int));
	df.tstate = awm_calloc(to->nr + 1, sizeof(int));
	for (j = 0; j < to->nr; j++)
		df.tstate[j] = ADDED;
	match(&df);
	make_plans(&df);
	for (i = 0; i < df.from->nr; i++)
		if (df.fstate[i] == CHANGED || df.fstate[i] == RENAMED) {
			simulate(&df);
			break;
		}
	emit_drops(&df);
	emit_tables(&df);
	emit_creates(&df);
	for (i = 0; i < df.nplans; i++) {
		for (j = 0; j < df.plans[i].nrenames; j++)
			free(df.plans[i].renames[j]);
		for (j = 0; j < df.plans[i].nalters; j++)
			free(df.plans[i].alters[j]);
		free(df.plans[i].renames);
		free(df.plans[i].alters);
		free(df.plans[i].why);
	}
	free(df.plans);
	free(df.fstate);
	free(df.peer);
	free(df.resolved);
	free(df.tstate);
	return 0;
}
