/*
 * SQLite: opening databases, running migration scripts, and the one place
 * where SQLite result codes become awm errors.
 */
#ifndef AWM_SQLITE_H
#define AWM_SQLITE_H

#include <sqlite3.h>
#include <stddef.h>

#include "core/buf.h"

/*
 * Set an awm error from a SQLite failure: "<context>: <sqlite message>".
 * SQLITE_BUSY/LOCKED map to AWM_ELOCKED, SQLITE_CORRUPT/NOTADB to
 * AWM_ECORRUPT, SQLITE_CONSTRAINT to AWM_ECONFLICT, the rest to AWM_ERROR.
 */
int awm_sqlite_error(sqlite3 *db, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Open a database file, busy timeout 5 s.  AWM_SQLITE_CREATE allows
 * creating it, AWM_SQLITE_READONLY opens it read-only.  A file that is not
 * a SQLite database is refused here, naming it.
 */
#define AWM_SQLITE_CREATE 0x1
#define AWM_SQLITE_READONLY 0x2
/*
 * Before any other SQLite call, in a program that uses SQLite from one
 * thread (the awm command): no mutexes and no memory statistics, which
 * every statement step and allocation would otherwise pay for.  Programs
 * that do not call it get SQLite's defaults, which are also correct.
 */
void awm_sqlite_single_thread(void);

int awm_sqlite_open(sqlite3 **out, const char *path, int flags);

/*
 * Open an in-memory database holding a copy of `image` (a database file's
 * bytes; empty for a new database).  Writes stay in memory until
 * awm_sqlite_serialize().
 */
int awm_sqlite_open_image(sqlite3 **out, const void *image, size_t len);

/* Replace the main database of an in-memory connection with a copy of `image`. */
int awm_sqlite_deserialize_into(sqlite3 *db, const void *image, size_t len);

/* The bytes of the main database, as a file would hold them. */
int awm_sqlite_serialize(awm_buf *out, sqlite3 *db);

/* Run SQL that is not user input (no line numbers are needed). */
int awm_sqlite_exec(sqlite3 *db, const char *sql);

/*
 * Run a migration script statement by statement.  On failure the message is
 * "<file>:<line>: <sqlite message>", with the line of the failing statement
 * counted from `first_line` (the file line where `sql` starts).
 */
int awm_sqlite_run_script(sqlite3 *db, const char *sql, const char *file, int first_line);

/* 1 when `sql` holds no statement at all (only blanks and comments). */
int awm_sqlite_script_is_empty(const char *sql);

#endif
