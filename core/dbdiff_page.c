/*
 * The diff engine's page road: both sides of a table walked in key order
 * straight from their b-trees (dbdiff_btree.c) and merged.  Leaves that are
 * byte-identical on both sides are skipped whole; otherwise rows are
 * matched by rowid (rowid tables) or by their decoded key (WITHOUT ROWID
 * tables), compared as raw records, and only rows that differ are decoded
 * into changeset values.
 */
#include "core/dbdiff_internal.h"
#include "core/error.h"
#include "core/sqlite.h"
#include "core/sqltext.h"

#include <stdlib.h>
#include <string.h>

/* One side: its cursor, and the current row as values. */
typedef struct side {
	dd_cursor *cur;
	const dd_table *t;
	sqlite3 *db;
	sqlite3_stmt *lookup;   /* the row by key, by SQL, made on first need */
	dd_value *row;
} side;

/* "WHERE rowid = ?1", or "WHERE k1 = ?1 AND k2 = ?2" for a WITHOUT ROWID table. */
static int prepare_lookup(side *s)
{
	awm_buf where = AWM_BUF_INIT;
	int i, rc;

	if (!s->t->without_rowid) {
		awm_buf_puts(&where, "WHERE rowid = ?1");
	} else {
		awm_buf_puts(&where, "WHERE ");
		for (i = 0; i < s->t->nkey; i++) {
			awm_buf_puts(&where, i ? " AND " : "");
			awm_sql_ident(&where, s->t->cols[s->t->key[i]]);
			awm_buf_printf(&where, " = ?%d", i + 1);
		}
	}
	rc = dd_prepare_select(&s->lookup, s->db, s->t, where.ptr);
	awm_buf_release(&where);
	return rc;
}

static void bind_value(sqlite3_stmt *st, int i, const dd_value *v)
{
	switch (v->type) {
	case SQLITE_INTEGER: sqlite3_bind_int64(st, i, v->i); break;
	case SQLITE_FLOAT: sqlite3_bind_double(st, i, v->r); break;
	case SQLITE_TEXT: sqlite3_bind_text(st, i, v->p, (int)v->n, SQLITE_TRANSIENT); break;
	case SQLITE_BLOB: sqlite3_bind_blob(st, i, v->p, (int)v->n, SQLITE_TRANSIENT); break;
	default: sqlite3_bind_null(st, i);
	}
}

/*
 * The row by SQL: for records that lack columns added after they were
 * written, whose defaults SQLite supplies.  The key must be decoded.
 */
static int row_by_sql(side *s)
{
	int i, rc;

	if (!s->lookup && (rc = prepare_lookup(s)) < 0)
		return rc;
	sqlite3_reset(s->lookup);
	if (!s->t->without_rowid)
		sqlite3_bind_int64(s->lookup, 1, dd_cursor_rowid(s->cur));
	for (i = 0; s->t->without_rowid && i < s->t->nkey; i++)
		bind_value(s->lookup, i + 1, &s->row[s->t->key[i]]);
	if ((rc = sqlite3_step(s->lookup)) != SQLITE_ROW)
		return rc == SQLITE_DONE ? dd_cursor_damaged(s->cur, 0, "a row the b-tree holds "
							     "is missing")
					 : awm_sqlite_error(s->db, rc, "cannot read table '%s'",
							    s->t->name);
	dd_row_from_stmt(s->row, s->lookup, s->t->ncol);
	return 0;
}

/* Decode the first `nfields` fields of the current row (all: the whole row). */
static int decode(side *s, int nfields)
{
	const unsigned char *p;
	uint64_t n;
	int rc;

	if ((rc = dd_cursor_payload(s->cur, &p, &n)) < 0)
		return rc;
	rc = dd_record_decode(s->row, s->t, dd_cursor_rowid(s->cur), p, n, nfields);
	if (rc < 0)
		return dd_cursor_damaged(s->cur, 0, "bad record");
	if (rc == 0)
		return 0;
	if (nfields < s->t->ncol)
		return dd_cursor_damaged(s->cur, 0, "a record without its key");
	return row_by_sql(s);
}

static int row_values(side *s)
{
	return decode(s, s->t->ncol);
}

/* Order of the two current rows: by rowid, or by the key fields in key order. */
static int compare(side *a, side *b, int *c)
{
	int i, rc;

	*c = dd_cursor_eof(a->cur) ? 1 : dd_cursor_eof(b->cur) ? -1 : 0;
	if (*c)
		return 0;
	if (!a->t->without_rowid) {
		int64_t x = dd_cursor_rowid(a->cur), y = dd_cursor_rowid(b->cur);

		*c = (x > y) - (x < y);
		return 0;
	}
	if ((rc = decode(a, a->t->nkey)) < 0 || (rc = decode(b, b->t->nkey)) < 0)
		return rc;
	for (i = 0; i < a->t->nkey && !*c; i++)
		*c = dd_value_cmp(&a->row[a->t->key[i]], &b->row[b->t->key[i]]);
	return 0;
}

static int merge(dd_emit *e, side *a, side *b)
{
	int rc = 0, same, c;

	while (rc == 0 && (!dd_cursor_eof(a->cur) || !dd_cursor_eof(b->cur))) {
		if (!dd_cursor_eof(a->cur) && !dd_cursor_eof(b->cur) &&
		    dd_cursor_same_leaf(a->cur, b->cur)) {
			if ((rc = dd_cursor_skip_leaf(a->cur)) == 0)
				rc = dd_cursor_skip_leaf(b->cur);
			continue;
		}
		if ((rc = compare(a, b, &c)) < 0)
			break;
		if (c < 0) {
			if ((rc = row_values(a)) == 0)
				dd_emit_delete(e, a->row);
		} else if (c > 0) {
			if ((rc = row_values(b)) == 0)
				dd_emit_insert(e, b->row);
		} else if ((rc = dd_cursor_same_payload(a->cur, b->cur, &same)) == 0 && !same &&
			   (rc = row_values(a)) == 0 && (rc = row_values(b)) == 0) {
			/* Only the bytes may differ (another encoding): then nothing is written. */
			dd_emit_update(e, a->row, b->row);
		}
		if (rc == 0 && c <= 0)
			rc = dd_cursor_next(a->cur);
		if (rc == 0 && c >= 0)
			rc = dd_cursor_next(b->cur);
	}
	return rc;
}

static int side_start(side *s, dd_pages *src, sqlite3 *db, const dd_table *t)
{
	memset(s, 0, sizeof(*s));
	s->db = db;
	s->t = t;
	s->row = awm_calloc((size_t)t->ncol, sizeof(dd_value));
	return dd_cursor_new(&s->cur, src, t);
}

static void side_release(side *s)
{
	dd_cursor_free(s->cur);
	sqlite3_finalize(s->lookup);
	free(s->row);
}

int dd_merge_pages(dd_emit *e, dd_pages *pa, dd_pages *pb, sqlite3 *a, sqlite3 *b,
		   const dd_table *ta, const dd_table *tb)
{
	side sa, sb;
	int rc;

	memset(&sb, 0, sizeof(sb));
	if ((rc = side_start(&sa, pa, a, ta)) == 0 && (rc = side_start(&sb, pb, b, tb)) == 0)
		rc = merge(e, &sa, &sb);
	side_release(&sa);
	side_release(&sb);
	return rc;
}
