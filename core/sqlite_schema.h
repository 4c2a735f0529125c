/*
 * Canonical schema snapshots of SQLite databases.
 */
#ifndef AWM_SQLITE_SCHEMA_H
#define AWM_SQLITE_SCHEMA_H

#include <sqlite3.h>

#include "core/buf.h"
#include "objects/schema.h"

/*
 * Read sqlite_schema into a schema object: every table, index, view and
 * trigger with SQL text, except SQLite's own (sqlite_*) and awm's
 * bookkeeping tables (awm_state, awm_locks) and what belongs to them.
 */
int awm_sqlite_schema_snapshot(awm_schema **out, sqlite3 *db);

/*
 * Normalise statement text so that formatting does not change a schema id:
 * comments dropped, whitespace runs made one space, no space after "(" or
 * before "(", "," and ")", one space after ",", no trailing ";".  Quoted strings and identifiers are
 * kept byte for byte.
 */
void awm_sql_normalize(awm_buf *out, const char *sql);

/*
 * An in-memory database holding the tables of `s` (no rows), for looking up
 * column names and types.
 */
int awm_sqlite_open_schema(sqlite3 **out, const awm_schema *s);

/* 1 for awm's own tables, which are never part of a schema or a diff. */
int awm_sqlite_is_internal_table(const char *name);

#endif
