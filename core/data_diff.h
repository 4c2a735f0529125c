/*
 * Row changes with their before and after values, per table: the data diff
 * that `awm show`, `awm diff` and `awm report` print as a table.
 *
 * They come from a commit's changeset, or from comparing the states after
 * two commits row by row (by primary key, through sqlite3session_diff).
 */
#ifndef AWM_DATA_DIFF_H
#define AWM_DATA_DIFF_H

#include <sqlite3.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/repo.h"
#include "objects/oid.h"

/* One value.  type 0: not part of the change (a column an update left alone). */
typedef struct awm_cell {
	int type;            /* 0, SQLITE_INTEGER, _FLOAT, _TEXT, _BLOB or _NULL */
	char *text;          /* the number, the text, or the blob in hex; NULL for NULL */
} awm_cell;

/* The cell as an SQL literal: 42, 1.5, 'it''s', X'00ff', NULL. */
void awm_cell_format(awm_buf *out, const awm_cell *c);

typedef struct awm_row_change {
	int op;              /* SQLITE_INSERT, SQLITE_UPDATE or SQLITE_DELETE */
	awm_cell *before;    /* ncols cells; all type 0 for an insert */
	awm_cell *after;     /* ncols cells; all type 0 for a delete */
} awm_row_change;

typedef struct awm_table_changes {
	char *name;
	char **columns;      /* ncols names (c0, c1, ... when the schema is unknown) */
	unsigned char *pk;   /* ncols flags: part of the primary key */
	size_t ncols;
	size_t inserts, updates, deletes;
	awm_row_change *rows;    /* the first `max_rows` changes */
	size_t nrows;
	char *note;          /* why rows are not shown, or NULL */
} awm_table_changes;

typedef struct awm_data_changes {
	awm_table_changes *tables;
	size_t nr, alloc;
} awm_data_changes;

void awm_data_changes_release(awm_data_changes *d);

/*
 * The changes of a changeset.  Column names come from `names` (a database
 * holding the tables, such as awm_sqlite_open_schema gives), else from
 * `fallback`, else they read c0, c1, ...; both may be NULL.
 */
int awm_data_changes_from_changeset(awm_data_changes *out, const void *data, size_t len,
				    sqlite3 *names, sqlite3 *fallback, size_t max_rows);

/*
 * The row differences from the state after `from` to the state after `to`
 * (NULL or zero: an empty database), as scratch databases materialise
 * them.  Tables with a primary key are compared by key (an update shows
 * the changed columns); tables without one, row by row.  A table whose
 * columns differ between the two is listed with a note and no rows.
 */
int awm_data_changes_between(awm_data_changes *out, awm_repo *repo, const awm_oid *from,
			     const awm_oid *to, size_t max_rows);

#endif
