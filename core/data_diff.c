/*
 * Row changes per table, from changesets or from two states (see
 * data_diff.h).
 */
#include "core/data_diff.h"
#include "core/error.h"
#include "core/scratch.h"
#include "core/sqlite.h"
#include "core/sqlite_schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void awm_cell_format(awm_buf *out, const awm_cell *c)
{
	const char *p;

	switch (c->type) {
	case SQLITE_INTEGER: case SQLITE_FLOAT:
		awm_buf_puts(out, c->text);
		break;
	case SQLITE_TEXT:
		awm_buf_putc(out, '\'');
		for (p = c->text; *p; p++) {
			if (*p == '\'')
				awm_buf_putc(out, '\'');
			awm_buf_putc(out, *p);
		}
		awm_buf_putc(out, '\'');
		break;
	case SQLITE_BLOB:
		awm_buf_printf(out, "X'%s'", c->text);
		break;
	case SQLITE_NULL:
		awm_buf_puts(out, "NULL");
		break;
	default:
		break;
	}
}

static void cell_set(awm_cell *c, sqlite3_value *v)
{
	awm_buf b = AWM_BUF_INIT;
	const unsigned char *p;
	int i, n;

	c->type = v ? sqlite3_value_type(v) : 0;
	c->text = NULL;
	switch (c->type) {
	case SQLITE_INTEGER:
		awm_buf_printf(&b, "%lld", (long long)sqlite3_value_int64(v));
		break;
	case SQLITE_FLOAT:
		awm_buf_printf(&b, "%.17g", sqlite3_value_double(v));
		break;
	case SQLITE_TEXT:
		awm_buf_puts(&b, (const char *)sqlite3_value_text(v));
		break;
	case SQLITE_BLOB:
		p = sqlite3_value_blob(v);
		n = sqlite3_value_bytes(v);
		for (i = 0; i < n; i++)
			awm_buf_printf(&b, "%02x", p[i]);
		break;
	default:
		awm_buf_release(&b);
		return;
	}
	c->text = awm_buf_detach(&b);
}

static void cells_free(awm_cell *c, size_t n)
{
	size_t i;

	for (i = 0; c && i < n; i++)
		free(c[i].text);
	free(c);
}

void awm_data_changes_release(awm_data_changes *d)
{
	size_t i, j;

	for (i = 0; i < d->nr; i++) {
		awm_table_changes *t = &d->tables[i];

		for (j = 0; j < t->nrows; j++) {
			cells_free(t->rows[j].before, t->ncols);
			cells_free(t->rows[j].after, t->ncols);
		}
		for (j = 0; j < t->ncols; j++)
			free(t->columns[j]);
		free(t->columns);
		free(t->pk);
		free(t->rows);
		free(t->name);
		free(t->note);
	}
	free(d->tables);
	memset(d, 0, sizeof(*d));
}

/* Column names of `table` in `db` when it has exactly `ncol` of them, else NULL. */
static char **names_from(sqlite3 *db, const char *schema, const char *table, size_t ncol)
{
	sqlite3_stmt *st = NULL;
	char **names;
	size_t n = 0;

	if (!db || sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info(?1, ?2) ORDER BY cid",
				      -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, schema, -1, SQLITE_STATIC);
	names = awm_calloc(ncol + 1, sizeof(char *));
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (n == ncol) {
			n++;   /* more columns than the change has */
			break;
		}
		names[n++] = awm_strdup((const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	if (n == ncol)
		return names;
	for (n = 0; n < ncol; n++)
		free(names[n]);
	free(names);
	return NULL;
}

static awm_table_changes *table_for(awm_data_changes *d, const char *name, size_t ncol,
				    sqlite3 *names, const char *schema, sqlite3 *fallback)
{
	awm_table_changes *t;
	size_t i;

	for (i = 0; i < d->nr; i++)
		if (!strcmp(d->tables[i].name, name))
			return &d->tables[i];
	AWM_ARRAY_GROW(d->tables, d->nr + 1, d->alloc);
	t = &d->tables[d->nr++];
	memset(t, 0, sizeof(*t));
	t->name = awm_strdup(name);
	t->ncols = ncol;
	t->pk = awm_calloc(ncol + 1, 1);
	t->columns = names_from(names, schema, name, ncol);
	if (!t->columns)
		t->columns = names_from(fallback, "main", name, ncol);
	if (!t->columns) {
		t->columns = awm_calloc(ncol + 1, sizeof(char *));
		for (i = 0; i < ncol; i++)
			t->columns[i] = awm_printf_alloc("c%zu", i);
	}
	return t;
}

/* Count a change; keep its cells while fewer than `max` are kept. */
static awm_row_change *count(awm_table_changes *t, int op, size_t max)
{
	awm_row_change *r;

	if (op == SQLITE_INSERT)
		t->inserts++;
	else if (op == SQLITE_DELETE)
		t->deletes++;
	else
		t->updates++;
	if (t->nrows >= max)
		return NULL;
	t->rows = awm_realloc(t->rows, (t->nrows + 1) * sizeof(*t->rows));
	r = &t->rows[t->nrows++];
	r->op = op;
	r->before = awm_calloc(t->ncols + 1, sizeof(awm_cell));
	r->after = awm_calloc(t->ncols + 1, sizeof(awm_cell));
	return r;
}

static void take_change(awm_data_changes *out, sqlite3_changeset_iter *it, sqlite3 *names,
			const char *schema, sqlite3 *fallback, size_t max_rows)
{
	const char *tab;
	int ncol, op, indirect, npk, i;
	unsigned char *pk = NULL;
	awm_table_changes *t;
	awm_row_change *r;

	sqlite3changeset_op(it, &tab, &ncol, &op, &indirect);
	sqlite3changeset_pk(it, &pk, &npk);
	t = table_for(out, tab, (size_t)ncol, names, schema, fallback);
	if (t->ncols != (size_t)ncol)
		return;   /* the same table with other columns: cannot line up */
	for (i = 0; i < ncol; i++)
		t->pk[i] = pk[i];
	if (!(r = count(t, op, max_rows)))
		return;
	for (i = 0; i < ncol; i++) {
		sqlite3_value *o = NULL, *n = NULL;

		if (op != SQLITE_INSERT)
			sqlite3changeset_old(it, i, &o);
		if (op != SQLITE_DELETE)
			sqlite3changeset_new(it, i, &n);
		cell_set(&r->before[i], o);
		/* An update's key stays: show it on both sides. */
		cell_set(&r->after[i], op == SQLITE_UPDATE && pk[i] ? o : n);
	}
}

static int from_changeset(awm_data_changes *out, const void *data, size_t len,
			  sqlite3 *names, const char *schema, sqlite3 *fallback, size_t max_rows)
{
	sqlite3_changeset_iter *it = NULL;
	int rc = sqlite3changeset_start(&it, (int)len, (void *)data);

	if (rc == SQLITE_OK)
		while (sqlite3changeset_next(it) == SQLITE_ROW)
			take_change(out, it, names, schema, fallback, max_rows);
	rc = it ? sqlite3changeset_finalize(it) : rc;
	if (rc != SQLITE_OK)
		return awm_error_set(AWM_ECORRUPT, "changeset cannot be read: %s", sqlite3_errstr(rc));
	return 0;
}

int awm_data_changes_from_changeset(awm_data_changes *out, const void *data, size_t len,
				    sqlite3 *names, sqlite3 *fallback, size_t max_rows)
{
	return from_changeset(out, data, len, names, "main", fallback, max_rows);
}

/* ---- two states ---- */

/* "name:type:pk,..." of a table in `schema`, to tell whether two line up. */
static char *shape(sqlite3 *db, const char *schema, const char *table, int *has_pk)
{
	awm_buf out = AWM_BUF_INIT;
	sqlite3_stmt *st = NULL;

	*has_pk = 0;
	if (sqlite3_prepare_v2(db, "SELECT name, type, pk FROM pragma_table_info(?1, ?2) "
			       "ORDER BY cid", -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, schema, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		awm_buf_printf(&out, "%s:%s:%d,", sqlite3_column_text(st, 0),
			       sqlite3_column_text(st, 1), sqlite3_column_int(st, 2));
		*has_pk |= sqlite3_column_int(st, 2) > 0;
	}
	sqlite3_finalize(st);
	if (!out.size) {
		awm_buf_release(&out);
		return NULL;
	}
	return awm_buf_detach(&out);
}

/* Every row of `query` as an insert or a delete of `table`. */
static int rows_as(awm_data_changes *out, sqlite3 *db, const char *query, const char *table,
		   int op, size_t max_rows)
{
	sqlite3_stmt *st = NULL;
	awm_table_changes *t = NULL;
	int rc = sqlite3_prepare_v2(db, query, -1, &st, NULL), i;

	if (rc != SQLITE_OK)
		return awm_sqlite_error(db, rc, "cannot compare the rows of '%s'", table);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int ncol = sqlite3_column_count(st);
		awm_row_change *r;

		if (!t) {
			t = table_for(out, table, (size_t)ncol, NULL, NULL, NULL);
			for (i = 0; i < ncol; i++) {
				free(t->columns[i]);
				t->columns[i] = awm_strdup(sqlite3_column_name(st, i));
			}
		}
		if (!(r = count(t, op, max_rows)))
			continue;
		for (i = 0; i < ncol; i++)
			cell_set(op == SQLITE_INSERT ? &r->after[i] : &r->before[i],
				 sqlite3_column_value(st, i));
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : awm_sqlite_error(db, rc, "cannot compare the rows of "
							 "'%s'", table);
}

/* Rows of `table` in schema `to` against schema `from`, by primary key. */
static int diff_by_key(awm_data_changes *out, sqlite3 *db, const char *from, const char *to,
		       const char *table, size_t max_rows)
{
	sqlite3_session *s = NULL;
	char *err = NULL;
	void *cs = NULL;
	int n = 0, rc;

	if ((rc = sqlite3session_create(db, to, &s)) != SQLITE_OK ||
	    (rc = sqlite3session_attach(s, table)) != SQLITE_OK ||
	    (rc = sqlite3session_diff(s, from, table, &err)) != SQLITE_OK ||
	    (rc = sqlite3session_changeset(s, &n, &cs)) != SQLITE_OK) {
		rc = awm_sqlite_error(db, rc, "cannot compare the rows of '%s'%s%s", table,
				      err ? ": " : "", err ? err : "");
		goto done;
	}
	rc = from_changeset(out, cs, (size_t)n, db, to, NULL, max_rows);
done:
	sqlite3_free(err);
	sqlite3_free(cs);
	sqlite3session_delete(s);
	return rc;
}

/* "a", "b", ... quoted and comma-separated. */
static void quoted_list(awm_buf *out, char **names, size_t n, const char *prefix)
{
	size_t i;
	const char *p;

	for (i = 0; i < n; i++) {
		awm_buf_printf(out, "%s%s\"", i ? ", " : "", prefix);
		for (p = names[i]; *p; p++) {
			if (*p == '"')
				awm_buf_putc(out, '"');
			awm_buf_putc(out, *p);
		}
		awm_buf_putc(out, '"');
	}
}

/* The columns (and whether each is in the key) of `table` in `schema`. */
static size_t columns_of(char ***names, unsigned char **pk, sqlite3 *db, const char *schema,
			 const char *table)
{
	sqlite3_stmt *st = NULL;
	size_t n = 0;

	*names = NULL;
	*pk = NULL;
	if (sqlite3_prepare_v2(db, "SELECT name, pk FROM pragma_table_info(?1, ?2) ORDER BY cid",
			       -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, schema, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		*names = awm_realloc(*names, (n + 1) * sizeof(char *));
		*pk = awm_realloc(*pk, n + 1);
		(*names)[n] = awm_strdup((const char *)sqlite3_column_text(st, 0));
		(*pk)[n++] = sqlite3_column_int(st, 1) > 0;
	}
	sqlite3_finalize(st);
	return n;
}

/*
 * A table whose columns changed: compare the columns both states have.
 * With the key among them, copies of those columns go into two scratch
 * schemas ("pa", "pb") and are diffed by key; without a key, row by row.
 */
static int name_in(char **list, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(list[i], name))
			return 1;
	return 0;
}

static int diff_common(awm_data_changes *out, sqlite3 *db, const char *table,
		       const char *qn, size_t max_rows)
{
	char **on = NULL, **nn = NULL, **common = NULL;
	unsigned char *opk = NULL, *npk = NULL;
	size_t no = columns_of(&on, &opk, db, "old", table);
	size_t nnew = columns_of(&nn, &npk, db, "main", table), nc = 0, i, j;
	awm_buf cols = AWM_BUF_INIT, pk = AWM_BUF_INIT, q = AWM_BUF_INIT;
	int rc = 0, keyed = 0, key_ok = 1;
	awm_table_changes *t;

	for (i = 0; i < nnew; i++)
		for (j = 0; j < no; j++)
			if (!strcmp(nn[i], on[j])) {
				common = awm_realloc(common, (nc + 1) * sizeof(char *));
				common[nc++] = nn[i];
				if (npk[i] != opk[j])
					key_ok = 0;
				if (npk[i]) {
					keyed = 1;
					awm_buf_printf(&pk, "%s\"%s\"", pk.size ? ", " : "", nn[i]);
				}
			}
	for (i = 0; i < nnew; i++)
		if (npk[i] && !name_in(common, nc, nn[i]))
			key_ok = 0;
	for (j = 0; j < no; j++)
		if (opk[j] && !name_in(common, nc, on[j]))
			key_ok = 0;
	if (!nc || !key_ok) {
		t = table_for(out, table, 0, NULL, NULL, NULL);
		t->note = awm_strdup(nc ? "its primary key changes between the two; each "
				     "migration's own changes are in 'awm show'"
				     : "it has no column in common between the two");
		goto done;
	}
	quoted_list(&cols, common, nc, "");
	if (keyed) {
		awm_buf_printf(&q, "CREATE TABLE pa.\"%s\"(%s, PRIMARY KEY(%s));"
			       "CREATE TABLE pb.\"%s\"(%s, PRIMARY KEY(%s));"
			       "INSERT INTO pa.\"%s\" SELECT %s FROM old.\"%s\";"
			       "INSERT INTO pb.\"%s\" SELECT %s FROM main.\"%s\";",
			       qn, cols.ptr, pk.ptr, qn, cols.ptr, pk.ptr, qn, cols.ptr, qn,
			       qn, cols.ptr, qn);
		if ((rc = awm_sqlite_exec(db, q.ptr)) == 0)
			rc = diff_by_key(out, db, "pa", "pb", table, max_rows);
		awm_buf_clear(&q);
		awm_buf_printf(&q, "DROP TABLE IF EXISTS pa.\"%s\"; DROP TABLE IF EXISTS pb.\"%s\";",
			       qn, qn);
		awm_sqlite_exec(db, q.ptr);
	} else {
		awm_buf_printf(&q, "SELECT %s FROM old.\"%s\" EXCEPT SELECT %s FROM main.\"%s\"",
			       cols.ptr, qn, cols.ptr, qn);
		rc = rows_as(out, db, q.ptr, table, SQLITE_DELETE, max_rows);
		awm_buf_clear(&q);
		awm_buf_printf(&q, "SELECT %s FROM main.\"%s\" EXCEPT SELECT %s FROM old.\"%s\"",
			       cols.ptr, qn, cols.ptr, qn);
		if (rc == 0)
			rc = rows_as(out, db, q.ptr, table, SQLITE_INSERT, max_rows);
	}
	if (rc == 0) {
		t = table_for(out, table, nc, NULL, NULL, NULL);
		if (!t->note) {
			awm_buf note = AWM_BUF_INIT;

			awm_buf_puts(&note, "its columns change between the two; compared on ");
			quoted_list(&note, common, nc, "");
			t->note = awm_buf_detach(&note);
		}
	}
done:
	for (i = 0; i < no; i++)
		free(on[i]);
	for (i = 0; i < nnew; i++)
		free(nn[i]);
	free(on);
	free(nn);
	free(opk);
	free(npk);
	free(common);
	awm_buf_release(&cols);
	awm_buf_release(&pk);
	awm_buf_release(&q);
	return rc;
}

static int diff_table(awm_data_changes *out, sqlite3 *db, const char *table, size_t max_rows)
{
	awm_buf q = AWM_BUF_INIT, qn = AWM_BUF_INIT;
	int pk_new, pk_old, rc = 0;
	char *a = shape(db, "old", table, &pk_old), *b = shape(db, "main", table, &pk_new);
	const char *p;

	for (p = table; *p; p++) {
		if (*p == '"')
			awm_buf_putc(&qn, '"');
		awm_buf_putc(&qn, *p);
	}
	if (!a) {
		awm_buf_printf(&q, "SELECT * FROM main.\"%s\"", qn.ptr);
		rc = rows_as(out, db, q.ptr, table, SQLITE_INSERT, max_rows);
	} else if (!b) {
		awm_buf_printf(&q, "SELECT * FROM old.\"%s\"", qn.ptr);
		rc = rows_as(out, db, q.ptr, table, SQLITE_DELETE, max_rows);
	} else if (strcmp(a, b)) {
		rc = diff_common(out, db, table, qn.ptr, max_rows);
	} else if (pk_new) {
		rc = diff_by_key(out, db, "old", "main", table, max_rows);
	} else {
		awm_buf_printf(&q, "SELECT * FROM old.\"%s\" EXCEPT SELECT * FROM main.\"%s\"",
			       qn.ptr, qn.ptr);
		rc = rows_as(out, db, q.ptr, table, SQLITE_DELETE, max_rows);
		awm_buf_clear(&q);
		awm_buf_printf(&q, "SELECT * FROM main.\"%s\" EXCEPT SELECT * FROM old.\"%s\"",
			       qn.ptr, qn.ptr);
		if (rc == 0)
			rc = rows_as(out, db, q.ptr, table, SQLITE_INSERT, max_rows);
	}
	free(a);
	free(b);
	awm_buf_release(&q);
	awm_buf_release(&qn);
	return rc;
}

/* The state after `from`, attached to `db` as "old". */
static int attach_old(sqlite3 *db, awm_repo *repo, const awm_oid *from)
{
	awm_buf image = AWM_BUF_INIT;
	sqlite3 *old = NULL;
	unsigned char *copy;
	int rc;

	if ((rc = awm_scratch_open(&old, repo, from)) < 0 ||
	    (rc = awm_sqlite_serialize(&image, old)) < 0 ||
	    (rc = awm_sqlite_exec(db, "ATTACH ':memory:' AS old")) < 0)
		goto done;
	if (image.size) {
		copy = sqlite3_malloc64(image.size);
		if (!copy) {
			rc = awm_error_set(AWM_ERROR, "out of memory");
			goto done;
		}
		memcpy(copy, image.ptr, image.size);
		rc = sqlite3_deserialize(db, "old", copy, (sqlite3_int64)image.size,
					 (sqlite3_int64)image.size,
					 SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE);
		rc = rc == SQLITE_OK ? 0 : awm_sqlite_error(db, rc, "cannot load a scratch database");
	}
done:
	sqlite3_close(old);
	awm_buf_release(&image);
	return rc;
}

int awm_data_changes_between(awm_data_changes *out, awm_repo *repo, const awm_oid *from,
			     const awm_oid *to, size_t max_rows)
{
	static const char tables[] =
		"SELECT name FROM main.sqlite_schema WHERE type = 'table' AND sql NOT LIKE "
		"'CREATE VIRTUAL%' UNION SELECT name FROM old.sqlite_schema WHERE type = "
		"'table' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY 1";
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = awm_scratch_open(&db, repo, to)) < 0 || (rc = attach_old(db, repo, from)) < 0 ||
	    (rc = awm_sqlite_exec(db, "ATTACH ':memory:' AS pa; ATTACH ':memory:' AS pb")) < 0)
		goto done;
	if ((rc = sqlite3_prepare_v2(db, tables, -1, &st, NULL)) != SQLITE_OK) {
		rc = awm_sqlite_error(db, rc, "cannot list the tables");
		goto done;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char *name = awm_strdup((const char *)sqlite3_column_text(st, 0));

		rc = awm_sqlite_is_internal_table(name) ? 0 : diff_table(out, db, name, max_rows);
		free(name);
		if (rc < 0)
			goto done;
	}
	rc = rc == SQLITE_DONE ? 0 : awm_sqlite_error(db, rc, "cannot list the tables");
done:
	sqlite3_finalize(st);
	sqlite3_close(db);
	if (rc < 0)
		awm_data_changes_release(out);
	return rc;
}
