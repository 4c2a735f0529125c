/*
 * The diff engine's SQL merge: both sides of a table read by one ordered
 * SELECT each and merged in key order.  Every table shape goes this way
 * (WITHOUT ROWID, composite keys, keys that are not the rowid); see
 * dbdiff_page.c for the faster road rowid tables take.
 */
#include "core/dbdiff_internal.h"
#include "core/error.h"
#include "core/sqlite.h"
#include "core/sqltext.h"

#include <stdlib.h>
#include <string.h>

void dd_row_from_stmt(dd_value *row, sqlite3_stmt *st, int ncol)
{
	int i;

	for (i = 0; i < ncol; i++) {
		dd_value *v = &row[i];

		v->type = sqlite3_column_type(st, i);
		switch (v->type) {
		case SQLITE_INTEGER:
			v->i = sqlite3_column_int64(st, i);
			break;
		case SQLITE_FLOAT:
			v->r = sqlite3_column_double(st, i);
			break;
		case SQLITE_TEXT:
			v->p = sqlite3_column_text(st, i);
			v->n = (size_t)sqlite3_column_bytes(st, i);
			break;
		case SQLITE_BLOB:
			v->p = sqlite3_column_blob(st, i);
			v->n = (size_t)sqlite3_column_bytes(st, i);
			break;
		default:
			break;
		}
	}
}

/*
 * Key order, compared as BINARY whatever the columns' collations: the
 * merge compares bytes, and two keys that only a NOCASE collation calls
 * equal are two rows to a changeset.
 */
void dd_order_by(awm_buf *out, const dd_table *t, int all_columns)
{
	int i, n = all_columns ? t->ncol : t->nkey;

	awm_buf_puts(out, " ORDER BY ");
	for (i = 0; i < n; i++) {
		awm_buf_puts(out, i ? ", " : "");
		awm_sql_ident(out, t->cols[all_columns ? i : t->key[i]]);
		awm_buf_puts(out, " COLLATE BINARY");
	}
}

int dd_prepare_select(sqlite3_stmt **out, sqlite3 *db, const dd_table *t, const char *tail)
{
	awm_buf sql = AWM_BUF_INIT;
	int i, rc;

	awm_buf_puts(&sql, "SELECT ");
	for (i = 0; i < t->ncol; i++) {
		awm_buf_puts(&sql, i ? ", " : "");
		awm_sql_ident(&sql, t->cols[i]);
	}
	awm_buf_puts(&sql, " FROM main.");
	awm_sql_ident(&sql, t->name);
	awm_buf_puts(&sql, " ");
	awm_buf_puts(&sql, tail);
	rc = sqlite3_prepare_v2(db, sql.ptr, -1, out, NULL);
	if (rc != SQLITE_OK)
		rc = awm_sqlite_error(db, rc, "cannot read table '%s'", t->name);
	awm_buf_release(&sql);
	return rc == SQLITE_OK ? 0 : rc;
}

static int key_has_null(const dd_value *row, const dd_table *t)
{
	int i;

	for (i = 0; i < t->nkey; i++)
		if (row[t->key[i]].type == SQLITE_NULL)
			return 1;
	return 0;
}

static int key_cmp(const dd_value *a, const dd_value *b, const dd_table *t)
{
	int i, c;

	for (i = 0; i < t->nkey; i++)
		if ((c = dd_value_cmp(&a[t->key[i]], &b[t->key[i]])) != 0)
			return c;
	return 0;
}

/* Step to the next row whose key holds no NULL (those are checked apart). */
static int step(sqlite3_stmt *st, dd_value *row, const dd_table *t, sqlite3 *db)
{
	int rc;

	if (!st)
		return 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		dd_row_from_stmt(row, st, t->ncol);
		if (!key_has_null(row, t))
			return 1;
	}
	if (rc != SQLITE_DONE)
		return awm_sqlite_error(db, rc, "cannot read table '%s'", t->name);
	return 0;
}

int dd_merge_sql(dd_emit *e, sqlite3 *a, sqlite3 *b, const dd_table *t)
{
	sqlite3_stmt *sa = NULL, *sb = NULL;
	awm_buf order = AWM_BUF_INIT;
	dd_value *ra = awm_calloc((size_t)t->ncol, sizeof(dd_value));
	dd_value *rb = awm_calloc((size_t)t->ncol, sizeof(dd_value));
	int ha, hb, rc = 0;

	dd_order_by(&order, t, 0);
	if ((a && (rc = dd_prepare_select(&sa, a, t, order.ptr)) < 0) ||
	    (b && (rc = dd_prepare_select(&sb, b, t, order.ptr)) < 0))
		goto done;
	if ((ha = step(sa, ra, t, a)) < 0 || (hb = step(sb, rb, t, b)) < 0) {
		rc = ha < 0 ? ha : hb;
		goto done;
	}
	while (ha || hb) {
		int c = !ha ? 1 : !hb ? -1 : key_cmp(ra, rb, t);

		if (c < 0) {
			dd_emit_delete(e, ra);
		} else if (c > 0) {
			dd_emit_insert(e, rb);
		} else {
			/*
			 * SQLite holds 40 and 40.0 for the same key: a changeset
			 * can update the row but not the key's type, as sqldiff's
			 * cannot (docs/data-migrations.md, "Limits").
			 */
			dd_emit_update(e, ra, rb);
		}
		if (c <= 0 && (ha = step(sa, ra, t, a)) < 0) {
			rc = ha;
			break;
		}
		if (c >= 0 && (hb = step(sb, rb, t, b)) < 0) {
			rc = hb;
			break;
		}
	}
done:
	sqlite3_finalize(sa);
	sqlite3_finalize(sb);
	awm_buf_release(&order);
	free(ra);
	free(rb);
	return rc;
}

int dd_same_rows(sqlite3 *a, sqlite3 *b, const dd_table *t, const char *where,
		 const char *why)
{
	sqlite3_stmt *sa = NULL, *sb = NULL;
	awm_buf tail = AWM_BUF_INIT;
	dd_value *ra = awm_calloc((size_t)t->ncol + 1, sizeof(dd_value));
	dd_value *rb = awm_calloc((size_t)t->ncol + 1, sizeof(dd_value));
	int rc = 0, xa = SQLITE_DONE, xb = SQLITE_DONE, i, same = 1;

	awm_buf_puts(&tail, where);
	dd_order_by(&tail, t, 1);
	if ((a && (rc = dd_prepare_select(&sa, a, t, tail.ptr)) < 0) ||
	    (b && (rc = dd_prepare_select(&sb, b, t, tail.ptr)) < 0))
		goto done;
	while (same) {
		xa = sa ? sqlite3_step(sa) : SQLITE_DONE;
		xb = sb ? sqlite3_step(sb) : SQLITE_DONE;
		if (xa != SQLITE_ROW || xb != SQLITE_ROW)
			break;
		dd_row_from_stmt(ra, sa, t->ncol);
		dd_row_from_stmt(rb, sb, t->ncol);
		for (i = 0; i < t->ncol && same; i++)
			same = dd_value_equal(&ra[i], &rb[i]);
	}
	if ((xa != SQLITE_ROW && xa != SQLITE_DONE) || (xb != SQLITE_ROW && xb != SQLITE_DONE)) {
		rc = awm_sqlite_error(xa != SQLITE_ROW && xa != SQLITE_DONE ? a : b,
				      xa != SQLITE_ROW && xa != SQLITE_DONE ? xa : xb,
				      "cannot read table '%s'", t->name);
		goto done;
	}
	if (!same || xa != xb)
		rc = awm_error_set(AWM_EINVALID, "table '%s' %s", t->name, why);
done:
	sqlite3_finalize(sa);
	sqlite3_finalize(sb);
	awm_buf_release(&tail);
	free(ra);
	free(rb);
	return rc;
}
