/*
 * Internal to the diff engine (dbdiff.c, dbdiff_sql.c, dbdiff_page.c):
 * what it knows about a table, row values, and writing changes.
 */
#ifndef AWM_DBDIFF_INTERNAL_H
#define AWM_DBDIFF_INTERNAL_H

#include <sqlite3.h>
#include <stdint.h>

#include "core/dbdiff.h"

/* One value of a row; text and blob bytes are borrowed, valid until the row moves. */
typedef struct dd_value {
	int type;                 /* SQLITE_INTEGER, _FLOAT, _TEXT, _BLOB, _NULL */
	int64_t i;
	double r;
	const void *p;
	size_t n;
} dd_value;

typedef struct dd_table {
	char *name;
	int ncol;
	char **cols;
	unsigned char *pk;        /* per column: 0, or its 1-based place in the key */
	int *key;                 /* column indexes in key order */
	int nkey;
	unsigned char *real_aff;  /* per column: REAL affinity (stored integers read as reals) */
	int ipk;                  /* the INTEGER PRIMARY KEY (rowid alias) column, or -1 */
	int without_rowid;
	int hidden;               /* has generated or hidden columns */
	uint32_t root;            /* root page of its b-tree */
	/*
	 * Record field i holds column field_col[i]: the table's own order in a
	 * rowid table; key columns first in a WITHOUT ROWID table.  NULL when
	 * the records cannot be read directly (a WITHOUT ROWID key that sorts
	 * other than ascending and BINARY, say).
	 */
	int *field_col;
} dd_table;

/* The changeset being written, one table at a time. */
typedef struct dd_emit {
	awm_dbdiff *d;
	const dd_table *t;
	int header_done;
	unsigned char *changed;   /* scratch: ncol flags */
} dd_emit;

void dd_emit_start(dd_emit *e, awm_dbdiff *d, const dd_table *t);
void dd_emit_end(dd_emit *e);
void dd_emit_insert(dd_emit *e, const dd_value *row);
void dd_emit_delete(dd_emit *e, const dd_value *row);
/* Writes an UPDATE when a column outside the key differs; returns 1 then. */
int dd_emit_update(dd_emit *e, const dd_value *old, const dd_value *new);

/* Bit-exact equality: the same type and the same bytes. */
int dd_value_equal(const dd_value *a, const dd_value *b);

/* SQLite's BINARY ordering: NULL, numbers (by value), text, blob. */
int dd_value_cmp(const dd_value *a, const dd_value *b);

/* The row the statement is on, one value per column. */
void dd_row_from_stmt(dd_value *row, sqlite3_stmt *st, int ncol);

/* "SELECT <columns> FROM main.<t>" then `tail` (WHERE/ORDER BY), prepared. */
int dd_prepare_select(sqlite3_stmt **out, sqlite3 *db, const dd_table *t, const char *tail);

/* "ORDER BY" over the key, or over every column when the table has no key. */
void dd_order_by(awm_buf *out, const dd_table *t, int all_columns);

/*
 * Merge one table over two ordered SELECTs; a NULL database stands for a
 * side where the table does not exist (all inserts or all deletes).
 */
int dd_merge_sql(dd_emit *e, sqlite3 *a, sqlite3 *b, const dd_table *t);

/*
 * Refuse (AWM_EINVALID, naming the table) when the rows selected by
 * `where` differ between the two sides; used for tables without a key and
 * for rows whose key holds a NULL.
 */
int dd_same_rows(sqlite3 *a, sqlite3 *b, const dd_table *t, const char *where,
		 const char *why);

/*
 * Decode the first `nfields` fields of a record (of the row with `rowid`,
 * in a rowid table) into the row's columns (see field_col): the INTEGER
 * PRIMARY KEY column takes the rowid, integers stored for REAL columns read
 * as reals, as SQLite reads them.  Returns 1 when the record holds fewer
 * fields (columns added since: their defaults are SQLite's to supply),
 * AWM_ECORRUPT (without a message) when the record is malformed.
 */
int dd_record_decode(dd_value *row, const dd_table *t, int64_t rowid,
		     const unsigned char *p, uint64_t n, int nfields);

/* Direct page access to one database; see dbdiff_page.c. */
typedef struct dd_pages dd_pages;

/*
 * Set up page access to the main database of `db`, which must hold a read
 * transaction.  *out is NULL (and 0 returned) when pages cannot be read
 * safely: a WAL with frames, a text encoding other than UTF-8, a temporary
 * database.
 */
int dd_pages_open(dd_pages **out, sqlite3 *db);
void dd_pages_free(dd_pages *p);

/*
 * 1 when the table can be merged by pages: a rowid table keyed by its
 * rowid, or a WITHOUT ROWID table whose key sorts ascending by BINARY.
 */
int dd_table_pageable(const dd_table *t);

/* A walk over one table's b-tree, row by row in key order (dbdiff_btree.c). */
typedef struct dd_cursor dd_cursor;

/* At the first row, or at eof; *out is set (and freed by the caller) even on failure. */
int dd_cursor_new(dd_cursor **out, dd_pages *src, const dd_table *t);
void dd_cursor_free(dd_cursor *c);
int dd_cursor_eof(const dd_cursor *c);
int dd_cursor_next(dd_cursor *c);
int64_t dd_cursor_rowid(const dd_cursor *c);
/* The row's record, overflow pages included; valid until the cursor moves. */
int dd_cursor_payload(dd_cursor *c, const unsigned char **out, uint64_t *n);
/* *same = the two rows' records are byte-identical. */
int dd_cursor_same_payload(dd_cursor *a, dd_cursor *b, int *same);
/* Both at the first row of byte-identical leaves that hold all their payload. */
int dd_cursor_same_leaf(const dd_cursor *a, const dd_cursor *b);
/* Past the rest of the current leaf. */
int dd_cursor_skip_leaf(dd_cursor *c);
/* AWM_ECORRUPT naming the file, table and page (0: the current row's). */
int dd_cursor_damaged(const dd_cursor *c, uint32_t pgno, const char *what);

/* Merge a table by reading both b-trees (ta/tb give each side's root page). */
int dd_merge_pages(dd_emit *e, dd_pages *pa, dd_pages *pb, sqlite3 *a, sqlite3 *b,
		   const dd_table *ta, const dd_table *tb);

/* A SQLite varint inside [p, end): its length (1-9), or 0 when it runs past the end. */
int dd_get_varint(uint64_t *out, const unsigned char *p, const unsigned char *end);

#endif
