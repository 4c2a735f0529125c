/*
 * Finding data conflicts (see conflict_data.h): the changeset is applied
 * inside a savepoint with a handler that notes every conflict and skips
 * the change, then the savepoint is rolled back.
 */
#include "core/conflict_internal.h"
#include "core/changeset.h"
#include "core/cswrite.h"
#include "core/error.h"
#include "core/sql_table.h"
#include "core/sqlite.h"

#include <stdlib.h>
#include <string.h>

int dc_value_equal(sqlite3_value *a, sqlite3_value *b)
{
	int t;

	if (!a || !b)
		return !a && !b;
	if ((t = sqlite3_value_type(a)) != sqlite3_value_type(b))
		return 0;
	switch (t) {
	case SQLITE_INTEGER:
		return sqlite3_value_int64(a) == sqlite3_value_int64(b);
	case SQLITE_FLOAT: {
		double x = sqlite3_value_double(a), y = sqlite3_value_double(b);

		return !memcmp(&x, &y, sizeof(x));
	}
	case SQLITE_TEXT:
		return sqlite3_value_bytes(a) == sqlite3_value_bytes(b) &&
		       !memcmp(sqlite3_value_text(a), sqlite3_value_text(b),
			       (size_t)sqlite3_value_bytes(a));
	case SQLITE_BLOB:
		return sqlite3_value_bytes(a) == sqlite3_value_bytes(b) &&
		       (!sqlite3_value_bytes(a) ||
			!memcmp(sqlite3_value_blob(a), sqlite3_value_blob(b),
				(size_t)sqlite3_value_bytes(a)));
	default:
		return 1;
	}
}

void dc_match_key(awm_buf *out, const char *table, int ncol, const unsigned char *pk,
		  sqlite3_value **vals)
{
	int i;

	awm_buf_clear(out);
	awm_buf_put(out, table, strlen(table) + 1);
	for (i = 0; i < ncol; i++)
		if (pk[i])
			awm_cs_value(out, vals[i]);
}

char **dc_column_names(sqlite3 *db, const char *table, int ncol)
{
	char **names = awm_calloc((size_t)(ncol > 0 ? ncol : 1), sizeof(char *));
	sqlite3_stmt *st = NULL;
	int i = 0;

	if (sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info(?1, 'main') ORDER BY cid",
			       -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
		while (i < ncol && sqlite3_step(st) == SQLITE_ROW)
			names[i++] = awm_strdup((const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	for (; i < ncol; i++)
		names[i] = awm_printf_alloc("c%d", i);
	return names;
}

void dc_names_free(char **names, int ncol)
{
	int i;

	for (i = 0; names && i < ncol; i++)
		free(names[i]);
	free(names);
}

static void values_free(sqlite3_value **v, int n)
{
	int i;

	for (i = 0; v && i < n; i++)
		sqlite3_value_free(v[i]);
	free(v);
}

static void rows_free(struct data_rows *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->nr; i++) {
		dc_row *d = &r->v[i];

		free(d->table);
		free(d->pk);
		values_free(d->old, d->ncol);
		values_free(d->new, d->ncol);
		values_free(d->cur, d->ncol);
		free(d->key);
		awm_buf_release(&d->match);
	}
	free(r->v);
	free(r);
}

void awm_data_check_release(awm_data_check *dc)
{
	size_t i;

	awm_conflict_list_release(&dc->conflicts);
	for (i = 0; i < dc->nunchecked; i++)
		free(dc->unchecked[i]);
	free(dc->unchecked);
	rows_free(dc->rows);
	free(dc->file);
	memset(dc, 0, sizeof(*dc));
}

int awm_data_check_has_rows(const awm_data_check *dc)
{
	return dc->rows && dc->rows->nr > 0;
}

/* Which tables the check may look at: decided once per table. */
typedef struct table_verdict {
	char *name;
	int ok;
} table_verdict;

typedef struct check_ctx {
	sqlite3 *db;
	const awm_schema *recorded;
	awm_data_layout_cb layout;
	void *payload;
	awm_data_check *out;
	table_verdict *tables;
	size_t ntables, atables;
} check_ctx;

/* The recorded column names must start the table's column names in `db`. */
int awm_data_layout_matches(sqlite3 *db, const awm_schema *recorded, const char *table)
{
	const awm_schema_entry *e = recorded ? awm_schema_find(recorded, "table", table) : NULL;
	awm_sql_table t;
	char **names;
	size_t i;
	int ok;

	if (!e)
		return 0;
	memset(&t, 0, sizeof(t));
	if (awm_sql_table_parse(&t, e->sql) < 0) {
		awm_error_clear();
		return 0;
	}
	names = dc_column_names(db, table, (int)t.ncols);
	ok = 1;
	for (i = 0; i < t.ncols && ok; i++)
		ok = awm_sql_ident_equal(names[i], t.cols[i].name);
	dc_names_free(names, (int)t.ncols);
	awm_sql_table_release(&t);
	return ok;
}

static int filter(void *ctx, const char *table)
{
	check_ctx *x = ctx;
	size_t i;

	for (i = 0; i < x->ntables; i++)
		if (!strcmp(x->tables[i].name, table))
			return x->tables[i].ok;
	AWM_ARRAY_GROW(x->tables, x->ntables + 1, x->atables);
	x->tables[x->ntables].name = awm_strdup(table);
	x->tables[x->ntables].ok = x->layout ? x->layout(x->payload, table) :
				   awm_data_layout_matches(x->db, x->recorded, table);
	if (!x->tables[x->ntables].ok) {
		x->out->unchecked = awm_realloc(x->out->unchecked,
						(x->out->nunchecked + 1) * sizeof(char *));
		x->out->unchecked[x->out->nunchecked++] = awm_strdup(table);
	}
	return x->tables[x->ntables++].ok;
}

static sqlite3_value **grab(sqlite3_changeset_iter *it, int ncol,
			    int (*get)(sqlite3_changeset_iter *, int, sqlite3_value **))
{
	sqlite3_value **v = awm_calloc((size_t)ncol, sizeof(*v));
	int i;

	for (i = 0; i < ncol; i++) {
		sqlite3_value *x = NULL;

		if (get(it, i, &x) == SQLITE_OK && x)
			v[i] = sqlite3_value_dup(x);
	}
	return v;
}

static void render_key(dc_row *d, char **names)
{
	sqlite3_value **vals = d->op == SQLITE_INSERT ? d->new : d->old;
	awm_buf b = AWM_BUF_INIT;
	int i;

	for (i = 0; i < d->ncol; i++) {
		if (!d->pk[i])
			continue;
		awm_buf_printf(&b, "%s%s=", b.size ? " " : "", names[i]);
		awm_sql_value_format(&b, vals[i]);
	}
	d->key = awm_buf_detach(&b);
}

static int on_conflict(void *ctx, int type, sqlite3_changeset_iter *it)
{
	check_ctx *x = ctx;
	struct data_rows *r = x->out->rows;
	const char *tab = NULL;
	unsigned char *pk = NULL;
	int ncol = 0, op = 0, indirect = 0, npk = 0;
	dc_row *d;

	/* Foreign keys are off here; the replayer checks them after the run. */
	if (type == SQLITE_CHANGESET_FOREIGN_KEY)
		return SQLITE_CHANGESET_OMIT;
	sqlite3changeset_op(it, &tab, &ncol, &op, &indirect);
	sqlite3changeset_pk(it, &pk, &npk);
	AWM_ARRAY_GROW(r->v, r->nr + 1, r->alloc);
	d = &r->v[r->nr++];
	memset(d, 0, sizeof(*d));
	awm_buf_init(&d->match);
	d->table = awm_strdup(tab);
	d->ncol = ncol;
	d->pk = awm_malloc((size_t)ncol);
	memcpy(d->pk, pk, (size_t)ncol);
	d->op = op;
	d->type = type;
	if (op != SQLITE_INSERT)
		d->old = grab(it, ncol, sqlite3changeset_old);
	if (op != SQLITE_DELETE)
		d->new = grab(it, ncol, sqlite3changeset_new);
	if (type == SQLITE_CHANGESET_DATA || type == SQLITE_CHANGESET_CONFLICT)
		d->cur = grab(it, ncol, sqlite3changeset_conflict);
	dc_match_key(&d->match, d->table, ncol, d->pk, op == SQLITE_INSERT ? d->new : d->old);
	return SQLITE_CHANGESET_OMIT;
}

static char *literal(sqlite3_value *v)
{
	awm_buf b = AWM_BUF_INIT;

	awm_sql_value_format(&b, v);
	return awm_buf_detach(&b);
}

static awm_conflict *entry(awm_data_check *out, dc_row *d, const char *column,
			   sqlite3_value *base, sqlite3_value *theirs, sqlite3_value *ours,
			   const awm_oid *commit, const char *file)
{
	awm_conflict *c = awm_conflict_add(&out->conflicts, AWM_CONFLICT_DATA);

	c->type = d->type;
	c->object = awm_strdup(d->table);
	c->column = column ? awm_strdup(column) : NULL;
	c->key = awm_strdup(d->key);
	c->base = base ? literal(base) : NULL;
	c->theirs = theirs ? literal(theirs) : NULL;
	c->ours = ours ? literal(ours) : NULL;
	c->ours_commit = *commit;
	c->our_file = file ? awm_strdup(file) : NULL;
	if (!d->n++)
		d->first = out->conflicts.nr - 1;
	d->real = 1;
	return c;
}

/* "(a=1, b='x')": a whole row, for a CONSTRAINT conflict. */
static char *render_row(sqlite3_value **vals, char **names, int ncol)
{
	awm_buf b = AWM_BUF_INIT;
	int i;

	awm_buf_putc(&b, '(');
	for (i = 0; i < ncol; i++) {
		awm_buf_printf(&b, "%s%s=", i ? ", " : "", names[i]);
		awm_sql_value_format(&b, vals ? vals[i] : NULL);
	}
	awm_buf_putc(&b, ')');
	return awm_buf_detach(&b);
}

/*
 * The report entries of one row: per column where values are at stake.
 * Rows on which both sides did the same thing get none (d->real stays 0).
 */
static void describe(awm_data_check *out, dc_row *d, sqlite3 *db, const awm_oid *commit,
		     const char *file)
{
	char **names = dc_column_names(db, d->table, d->ncol);
	int i;

	render_key(d, names);
	switch (d->type) {
	case SQLITE_CHANGESET_DATA:
		for (i = 0; i < d->ncol; i++) {
			if (d->pk[i] || !d->old[i] || dc_value_equal(d->old[i], d->cur[i]))
				continue;   /* a key, or a column the other side left alone */
			if (d->op == SQLITE_UPDATE && !d->new[i])
				continue;   /* a column our update does not set */
			if (d->op == SQLITE_UPDATE && dc_value_equal(d->new[i], d->cur[i]))
				continue;   /* the same new value on both sides */
			entry(out, d, names[i], d->old[i], d->cur[i],
			      d->op == SQLITE_UPDATE ? d->new[i] : NULL, commit, file);
		}
		break;
	case SQLITE_CHANGESET_NOTFOUND:
		if (d->op == SQLITE_DELETE)
			break;      /* both deleted the row */
		for (i = 0; i < d->ncol; i++)
			if (!d->pk[i] && d->new[i])
				entry(out, d, names[i], d->old[i], NULL, d->new[i], commit, file);
		break;
	case SQLITE_CHANGESET_CONFLICT:
		for (i = 0; i < d->ncol; i++)
			if (!d->pk[i] && !dc_value_equal(d->new[i], d->cur[i]))
				entry(out, d, names[i], NULL, d->cur[i], d->new[i], commit, file);
		break;
	default: {   /* CONSTRAINT */
		awm_conflict *c = entry(out, d, NULL, NULL, NULL, NULL, commit, file);

		c->ours = render_row(d->op == SQLITE_DELETE ? d->old : d->new, names, d->ncol);
	}
	}
	dc_names_free(names, d->ncol);
}

int awm_data_check_run(awm_data_check *out, sqlite3 *db, const void *cs, size_t len,
		       const awm_schema *recorded, const awm_oid *commit, const char *file)
{
	return awm_data_check_run_ex(out, db, cs, len, recorded, commit, file, NULL, NULL);
}

int awm_data_check_run_ex(awm_data_check *out, sqlite3 *db, const void *cs, size_t len,
			  const awm_schema *recorded, const awm_oid *commit, const char *file,
			  awm_data_layout_cb layout, void *payload)
{
	check_ctx x;
	size_t i;
	int rc, triggers = 1;

	memset(out, 0, sizeof(*out));
	out->rows = awm_calloc(1, sizeof(*out->rows));
	out->commit = *commit;
	out->file = file ? awm_strdup(file) : NULL;
	if (!len)
		return 0;
	if (len > 0x7fffffff)
		return awm_error_set(AWM_EINVALID, "the changeset of %s is too large",
				     awm_oid_short(commit, 10).s);
	memset(&x, 0, sizeof(x));
	x.db = db;
	x.recorded = recorded;
	x.layout = layout;
	x.payload = payload;
	x.out = out;
	if ((rc = awm_sqlite_exec(db, "SAVEPOINT awm_data_check")) < 0)
		return rc;
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, -1, &triggers);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
	rc = sqlite3changeset_apply_v2(db, (int)len, (void *)cs, filter, on_conflict, &x,
				       NULL, NULL, SQLITE_CHANGESETAPPLY_NOSAVEPOINT);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, triggers, NULL);
	if (rc != SQLITE_OK)
		rc = awm_sqlite_error(db, rc, "cannot check the changeset of %s",
				      awm_oid_short(commit, 10).s);
	awm_sqlite_exec(db, "ROLLBACK TO awm_data_check");
	awm_sqlite_exec(db, "RELEASE awm_data_check");
	for (i = 0; i < x.ntables; i++)
		free(x.tables[i].name);
	free(x.tables);
	if (rc < 0)
		return rc;
	for (i = 0; i < out->rows->nr; i++)
		describe(out, &out->rows->v[i], db, commit, file);
	return 0;
}

/* 1 when `effect` changes the row `d` names. */
static int touched(const dc_row *d, const void *effect, size_t len)
{
	sqlite3_changeset_iter *it = NULL;
	awm_buf key = AWM_BUF_INIT;
	int found = 0;

	if (sqlite3changeset_start(&it, (int)len, (void *)effect) != SQLITE_OK)
		return 1;   /* unreadable: keep the conflict */
	while (!found && sqlite3changeset_next(it) == SQLITE_ROW) {
		const char *tab;
		unsigned char *pk;
		int ncol, op, ind, npk, i;
		sqlite3_value **v;

		sqlite3changeset_op(it, &tab, &ncol, &op, &ind);
		if (strcmp(tab, d->table) || ncol < d->ncol)
			continue;
		sqlite3changeset_pk(it, &pk, &npk);
		v = awm_calloc((size_t)ncol, sizeof(*v));
		for (i = 0; i < ncol; i++) {
			if (op == SQLITE_INSERT)
				sqlite3changeset_new(it, i, &v[i]);
			else
				sqlite3changeset_old(it, i, &v[i]);
		}
		dc_match_key(&key, tab, d->ncol, pk, v);
		free(v);   /* the values are the iterator's */
		found = key.size == d->match.size && !memcmp(key.ptr, d->match.ptr, key.size);
	}
	sqlite3changeset_finalize(it);
	awm_buf_release(&key);
	return found;
}

void awm_data_row_key(awm_buf *out, sqlite3_changeset_iter *it)
{
	const char *tab;
	unsigned char *pk;
	int ncol, op, ind, npk, i;
	sqlite3_value **v;

	sqlite3changeset_op(it, &tab, &ncol, &op, &ind);
	sqlite3changeset_pk(it, &pk, &npk);
	v = awm_calloc((size_t)(ncol > 0 ? ncol : 1), sizeof(*v));
	for (i = 0; i < ncol; i++) {
		if (op == SQLITE_INSERT)
			sqlite3changeset_new(it, i, &v[i]);
		else
			sqlite3changeset_old(it, i, &v[i]);
	}
	dc_match_key(out, tab, ncol, pk, v);
	free(v);   /* the values are the iterator's */
}

int awm_data_check_filter(awm_data_check *dc, sqlite3 *db, const void *effect, size_t len,
			  awm_data_theirs_cb theirs, void *payload)
{
	size_t i, j, nr = 0;

	if (!dc->rows)
		return 0;
	awm_conflict_list_release(&dc->conflicts);
	for (i = 0; i < dc->rows->nr; i++) {
		dc_row *d = &dc->rows->v[i];

		if ((!theirs || theirs(payload, &d->match)) &&
		    (d->type == SQLITE_CHANGESET_NOTFOUND || touched(d, effect, len))) {
			dc->rows->v[nr++] = *d;
			continue;
		}
		free(d->table);
		free(d->pk);
		values_free(d->old, d->ncol);
		values_free(d->new, d->ncol);
		values_free(d->cur, d->ncol);
		free(d->key);
		awm_buf_release(&d->match);
	}
	dc->rows->nr = nr;
	for (j = 0; j < nr; j++) {
		dc_row *d = &dc->rows->v[j];

		free(d->key);
		d->key = NULL;
		d->first = d->n = 0;
		d->real = 0;
		describe(dc, d, db, &dc->commit, dc->file);
	}
	return 0;
}
