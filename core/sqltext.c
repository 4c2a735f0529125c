/*
 * SQL text that reads back exactly (see sqltext.h).
 */
#include "core/sqltext.h"
#include "core/error.h"
#include "core/sqlite.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void awm_sql_ident(awm_buf *out, const char *name)
{
	const char *p;

	awm_buf_putc(out, '"');
	for (p = name; *p; p++) {
		if (*p == '"')
			awm_buf_putc(out, '"');
		awm_buf_putc(out, *p);
	}
	awm_buf_putc(out, '"');
}

static void hex_bytes(awm_buf *out, const unsigned char *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	awm_buf_grow(out, 2 * n + 3);
	awm_buf_puts(out, "X'");
	for (i = 0; i < n; i++) {
		awm_buf_putc(out, digits[p[i] >> 4]);
		awm_buf_putc(out, digits[p[i] & 15]);
	}
	awm_buf_putc(out, '\'');
}

/*
 * d = m * 2^e with an integer m below 2^53, written as m times or divided
 * by powers of two: each step is exact in IEEE arithmetic, so the result
 * is d bit for bit, where a decimal literal this small would be rounded by
 * SQLite's parser.
 */
static void exact_real(awm_buf *out, double d)
{
	int x, e, step;
	double f = frexp(d, &x);
	int64_t m = (int64_t)ldexp(f, 53);

	e = x - 53;
	while (m % 2 == 0 && e < 0) {
		m /= 2;
		e++;
	}
	awm_buf_printf(out, "(%lld", (long long)m);
	while (e != 0) {
		step = abs(e) > 32 ? 32 : abs(e);
		awm_buf_printf(out, "%c%llu.0", e < 0 ? '/' : '*', 1ULL << step);
		e += e < 0 ? step : -step;
	}
	awm_buf_putc(out, ')');
}

void awm_sql_literal_real(awm_buf *out, double r)
{
	char num[40];

	if (isinf(r)) {
		awm_buf_puts(out, r < 0 ? "-9e999" : "9e999");
		return;
	}
	if (r == 0) {
		awm_buf_puts(out, signbit(r) ? "-0.0" : "0.0");
		return;
	}
	if (fabs(r) < 1e-270) {
		exact_real(out, r);
		return;
	}
	snprintf(num, sizeof(num), "%.17g", r);
	awm_buf_puts(out, num);
	if (!strpbrk(num, ".e"))
		awm_buf_puts(out, ".0");   /* keep it a REAL */
}

void awm_sql_literal(awm_buf *out, sqlite3_value *v)
{
	const unsigned char *p;
	size_t n, i;

	switch (sqlite3_value_type(v)) {
	case SQLITE_INTEGER:
		awm_buf_printf(out, "%lld", (long long)sqlite3_value_int64(v));
		break;
	case SQLITE_FLOAT:
		awm_sql_literal_real(out, sqlite3_value_double(v));
		break;
	case SQLITE_TEXT:
		p = sqlite3_value_text(v);
		n = (size_t)sqlite3_value_bytes(v);
		if (memchr(p, '\0', n)) {
			awm_buf_puts(out, "CAST(");
			hex_bytes(out, p, n);
			awm_buf_puts(out, " AS TEXT)");
			break;
		}
		awm_buf_putc(out, '\'');
		for (i = 0; i < n; i++) {
			if (p[i] == '\'')
				awm_buf_putc(out, '\'');
			awm_buf_putc(out, (char)p[i]);
		}
		awm_buf_putc(out, '\'');
		break;
	case SQLITE_BLOB:
		hex_bytes(out, sqlite3_value_blob(v), (size_t)sqlite3_value_bytes(v));
		break;
	default:
		awm_buf_puts(out, "NULL");
	}
}

typedef struct names {
	char *table;
	char **cols;
	int n;
} names;

static void names_release(names *c)
{
	int i;

	for (i = 0; i < c->n; i++)
		free(c->cols[i]);
	free(c->cols);
	free(c->table);
	memset(c, 0, sizeof(*c));
}

/*
 * Column names of `table` in `db`, padded with c<i> up to `ncol`; with
 * `ncol` < 0, exactly the table's columns.
 */
static void names_load(names *c, sqlite3 *db, const char *table, int ncol)
{
	sqlite3_stmt *st = NULL;
	size_t alloc = 0;

	names_release(c);
	c->table = awm_strdup(table);
	if (db && sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info(?1, 'main') "
				     "ORDER BY cid", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
		while ((ncol < 0 || c->n < ncol) && sqlite3_step(st) == SQLITE_ROW) {
			AWM_ARRAY_GROW(c->cols, (size_t)c->n + 1, alloc);
			c->cols[c->n++] = awm_strdup((const char *)sqlite3_column_text(st, 0));
		}
	}
	sqlite3_finalize(st);
	for (; c->n < ncol; c->n++) {
		AWM_ARRAY_GROW(c->cols, (size_t)c->n + 1, alloc);
		c->cols[c->n] = awm_printf_alloc("c%d", c->n);
	}
}

/* `"a" = 1 AND "b" = 'x'` over the key columns, from the old record. */
static void where_key(awm_buf *out, sqlite3_changeset_iter *it, const names *c,
		      const unsigned char *pk)
{
	int i, first = 1;

	awm_buf_puts(out, " WHERE ");
	for (i = 0; i < c->n; i++) {
		sqlite3_value *v = NULL;

		if (!pk[i])
			continue;
		sqlite3changeset_old(it, i, &v);
		awm_buf_puts(out, first ? "" : " AND ");
		awm_sql_ident(out, c->cols[i]);
		awm_buf_puts(out, " = ");
		awm_sql_literal(out, v);
		first = 0;
	}
}

static void render_change(awm_buf *out, sqlite3_changeset_iter *it, int op, const names *c)
{
	unsigned char *pk = NULL;
	int npk, i, first = 1;

	sqlite3changeset_pk(it, &pk, &npk);
	if (op == SQLITE_INSERT) {
		awm_buf_puts(out, "INSERT INTO ");
		awm_sql_ident(out, c->table);
		awm_buf_putc(out, '(');
		for (i = 0; i < c->n; i++) {
			awm_buf_puts(out, i ? ", " : "");
			awm_sql_ident(out, c->cols[i]);
		}
		awm_buf_puts(out, ") VALUES(");
		for (i = 0; i < c->n; i++) {
			sqlite3_value *v = NULL;

			sqlite3changeset_new(it, i, &v);
			awm_buf_puts(out, i ? ", " : "");
			awm_sql_literal(out, v);
		}
		awm_buf_putc(out, ')');
	} else if (op == SQLITE_DELETE) {
		awm_buf_puts(out, "DELETE FROM ");
		awm_sql_ident(out, c->table);
		where_key(out, it, c, pk);
	} else {
		awm_buf_puts(out, "UPDATE ");
		awm_sql_ident(out, c->table);
		awm_buf_puts(out, " SET ");
		for (i = 0; i < c->n; i++) {
			sqlite3_value *v = NULL;

			if (pk[i] || sqlite3changeset_new(it, i, &v) != SQLITE_OK || !v)
				continue;
			awm_buf_puts(out, first ? "" : ", ");
			awm_sql_ident(out, c->cols[i]);
			awm_buf_puts(out, " = ");
			awm_sql_literal(out, v);
			first = 0;
		}
		where_key(out, it, c, pk);
	}
	awm_buf_puts(out, ";\n");
}

int awm_sql_from_changeset(awm_buf *out, const void *cs, size_t len, sqlite3 *db)
{
	sqlite3_changeset_iter *it = NULL;
	names c;
	int rc;

	memset(&c, 0, sizeof(c));
	if (len > 0x7fffffff)
		return awm_error_set(AWM_EINVALID, "changeset is too large to render");
	rc = sqlite3changeset_start(&it, (int)len, (void *)cs);
	while (rc == SQLITE_OK && (rc = sqlite3changeset_next(it)) == SQLITE_ROW) {
		const char *tab;
		int ncol, op, indirect;

		rc = sqlite3changeset_op(it, &tab, &ncol, &op, &indirect);
		if (rc != SQLITE_OK)
			break;
		if (!c.table || strcmp(c.table, tab) || c.n != ncol)
			names_load(&c, db, tab, ncol);
		render_change(out, it, op, &c);
	}
	if (it && sqlite3changeset_finalize(it) != SQLITE_OK && rc == SQLITE_DONE)
		rc = SQLITE_CORRUPT;
	names_release(&c);
	if (rc != SQLITE_DONE && !(rc == SQLITE_OK && len == 0))
		return awm_error_set(AWM_ECORRUPT, "changeset cannot be read: %s", sqlite3_errstr(rc));
	return 0;
}

#define ROWS_PER_INSERT 100

int awm_sql_dump_rows(awm_buf *out, sqlite3 *db, const char *table)
{
	awm_buf sql = AWM_BUF_INIT, head = AWM_BUF_INIT;
	sqlite3_stmt *st = NULL;
	names c;
	int rc, i;
	size_t row = 0;

	memset(&c, 0, sizeof(c));
	names_load(&c, db, table, -1);
	awm_buf_puts(&head, "INSERT INTO ");
	awm_sql_ident(&head, table);
	awm_buf_putc(&head, '(');
	awm_buf_puts(&sql, "SELECT ");
	for (i = 0; i < c.n; i++) {
		awm_buf_puts(&head, i ? ", " : "");
		awm_sql_ident(&head, c.cols[i]);
		awm_buf_puts(&sql, i ? ", " : "");
		awm_sql_ident(&sql, c.cols[i]);
	}
	awm_buf_puts(&head, ") VALUES\n");
	awm_buf_puts(&sql, " FROM main.");
	awm_sql_ident(&sql, table);
	if (!c.n) {
		rc = awm_error_set(AWM_ENOTFOUND, "table '%s' has no columns to dump", table);
		goto done;
	}
	if ((rc = sqlite3_prepare_v2(db, sql.ptr, -1, &st, NULL)) != SQLITE_OK) {
		rc = awm_sqlite_error(db, rc, "cannot read the rows of '%s'", table);
		goto done;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		awm_buf_puts(out, row % ROWS_PER_INSERT ? ",\n(" : head.ptr);
		if (row % ROWS_PER_INSERT == 0)
			awm_buf_putc(out, '(');
		for (i = 0; i < c.n; i++) {
			awm_buf_puts(out, i ? ", " : "");
			awm_sql_literal(out, sqlite3_column_value(st, i));
		}
		awm_buf_putc(out, ')');
		if (++row % ROWS_PER_INSERT == 0)
			awm_buf_puts(out, ";\n");
	}
	if (row % ROWS_PER_INSERT)
		awm_buf_puts(out, ";\n");
	rc = rc == SQLITE_DONE ? 0 : awm_sqlite_error(db, rc, "cannot read the rows of '%s'", table);
done:
	sqlite3_finalize(st);
	names_release(&c);
	awm_buf_release(&sql);
	awm_buf_release(&head);
	return rc;
}
