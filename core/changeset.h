/*
 * SQLite changesets: validation before they are stored, and the readable
 * summaries that `show` prints.
 */
#ifndef AWM_CHANGESET_H
#define AWM_CHANGESET_H

#include <sqlite3.h>
#include <stddef.h>

#include "core/buf.h"

/*
 * Walk every change; AWM_EINVALID, naming what is wrong, unless the bytes
 * are a well-formed changeset.  `what` names the source in the message.
 */
int awm_changeset_validate(const void *data, size_t len, const char *what);

typedef struct awm_changeset_table {
	char *name;
	size_t inserts, updates, deletes;
	awm_buf rows;        /* the first rows, rendered one per line */
	size_t rows_shown;
} awm_changeset_table;

typedef struct awm_changeset_summary {
	awm_changeset_table *tables;
	size_t nr, alloc;
} awm_changeset_summary;

/*
 * Count the changes per table and render up to `max_rows` rows of each:
 *   "+ id=1 name='a'"            an insert (all columns)
 *   "~ id=2 name: 'b' -> 'c'"    an update (key, then changed columns)
 *   "- id=3 name='d'"            a delete (all columns)
 * Column names come from `schema_db` (a database with the tables' schema)
 * when given, else they read c0, c1, ...
 */
int awm_changeset_summarize(awm_changeset_summary *out, const void *data, size_t len,
			    sqlite3 *schema_db, size_t max_rows);
void awm_changeset_summary_release(awm_changeset_summary *s);

/*
 * Apply a changeset (inverted first when `invert`) to the main database of
 * `db`: any conflict stops it with AWM_ECONFLICT and a message naming the
 * table, the key and the kind of conflict.  Outside a transaction the
 * changes already made are rolled back; inside one (an environment step)
 * the caller rolls back its transaction.  Triggers are off while it runs, because a
 * changeset already holds what triggers did when it was recorded.  `what`
 * names the changeset in messages.
 */
int awm_changeset_apply(sqlite3 *db, const void *data, size_t len, int invert,
			const char *what);

/*
 * Check that every table a changeset names exists in `db` with the same
 * number of columns and the same primary key, as sqlite3changeset_apply()
 * would otherwise skip it without a word.  AWM_EINVALID naming the table.
 */
int awm_changeset_check_tables(sqlite3 *db, const void *data, size_t len, const char *what);

/* Render a value as an SQL literal: 42, 1.5, 'it''s', X'00ff', NULL. */
void awm_sql_value_format(awm_buf *out, sqlite3_value *v);

#endif
