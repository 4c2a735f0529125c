/*
 * awm's diff between two SQLite databases: the changeset that turns the
 * rows of one into the rows of the other, as `sqldiff --changeset` would
 * write it.
 *
 * Each table is read from both databases in primary-key order and merged
 * in one pass.  Rowid tables whose key is an INTEGER PRIMARY KEY, and
 * WITHOUT ROWID tables whose key sorts ascending by BINARY, are read
 * straight from their b-tree pages when both databases allow it (a UTF-8
 * file without pending WAL frames, or an in-memory image): unchanged pages
 * are skipped by one comparison and unchanged rows by one memcmp of their
 * record.  Every other table is merged over two ordered SELECTs.
 */
#ifndef AWM_DBDIFF_H
#define AWM_DBDIFF_H

#include <sqlite3.h>
#include <stddef.h>

#include "core/buf.h"
#include "objects/odb.h"

/* Leave out awm's own tables (awm_state, awm_locks). */
#define AWM_DBDIFF_SKIP_INTERNAL 0x1u
/* Never read pages directly (for tests of the SQL merge). */
#define AWM_DBDIFF_NO_PAGES 0x2u
/*
 * Describe a table that exists in only one database by its rows: inserts
 * for a table only in `b`, deletes for one only in `a`.  Without this flag
 * such tables are left out and only listed.
 */
#define AWM_DBDIFF_ADDED_ROWS 0x4u

typedef struct awm_dbdiff {
	awm_buf changeset;         /* empty when no row differs */
	size_t inserts, updates, deletes;
	size_t tables_changed;     /* tables with at least one change */
	size_t tables_paged;       /* tables compared by reading pages */
	char **only_a, **only_b;   /* tables in one database only, by name */
	size_t only_a_nr, only_b_nr;
} awm_dbdiff;

/*
 * Compare the main databases of `a` and `b`.  Tables are taken in name
 * order, rows in primary-key order.  A table in both must have the same
 * columns and primary key in both, else AWM_EINVALID naming it.  A table
 * without a primary key is compared as a whole: equal is fine, different
 * is refused with AWM_EINVALID naming it, because a changeset cannot hold
 * its rows.  The same goes for rows whose key holds a NULL.  Views and
 * virtual tables are not compared (the tables behind a virtual table are).
 *
 * Each database is read inside one read transaction (opened here unless
 * the caller holds one), so concurrent writers cannot tear the result.
 * `out` is released by awm_dbdiff_release, also after a failure.
 */
int awm_dbdiff_run(awm_dbdiff *out, sqlite3 *a, sqlite3 *b, unsigned flags);
/*
 * awm_dbdiff_run telling `progress` (may be NULL) after each table:
 * "Comparing tables", tables done and the tables of both databases.
 */
int awm_dbdiff_run_progress(awm_dbdiff *out, sqlite3 *a, sqlite3 *b, unsigned flags,
			    awm_progress_cb progress, void *payload);

void awm_dbdiff_release(awm_dbdiff *d);

#endif
