/*
 * Writing SQL text that reads back exactly: quoted identifiers, literals
 * for every value (REALs bit for bit), a changeset as statements, and a
 * table's rows as INSERT statements.
 */
#ifndef AWM_SQLTEXT_H
#define AWM_SQLTEXT_H

#include <sqlite3.h>
#include <stddef.h>

#include "core/buf.h"

/* "name", with any '"' doubled. */
void awm_sql_ident(awm_buf *out, const char *name);

/*
 * A literal that SQLite reads back as exactly `v`: integers as digits,
 * reals with 17 significant digits (or, for magnitudes below 1e-270 where
 * SQLite's parser rounds, as an exact quotient), text quoted (as a cast
 * blob when it holds a NUL), blobs as X'..', NULL.
 */
void awm_sql_literal(awm_buf *out, sqlite3_value *v);
void awm_sql_literal_real(awm_buf *out, double r);

/*
 * The changeset as INSERT, UPDATE and DELETE statements, one per line.
 * Column names come from `db` (the database the statements are meant
 * for); a table it lacks gets names c0, c1, ...
 */
int awm_sql_from_changeset(awm_buf *out, const void *cs, size_t len, sqlite3 *db);

/* Every row of `table` in `db` as INSERT statements, in rowid/key order. */
int awm_sql_dump_rows(awm_buf *out, sqlite3 *db, const char *table);

#endif
