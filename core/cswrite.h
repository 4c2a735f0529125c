/*
 * Writing SQLite changesets directly, in the byte format that
 * sqlite3session produces and sqlite3changeset_apply() reads (documented
 * in sqlite3session.h and https://www.sqlite.org/sessionintro.html):
 *
 *   table:   'T', varint column count, one byte per column (0, or the
 *            column's 1-based position in the primary key), the table
 *            name and a NUL; then its changes
 *   change:  op (SQLITE_INSERT 18, SQLITE_UPDATE 23, SQLITE_DELETE 9),
 *            0 (not indirect), then records: INSERT new; DELETE old;
 *            UPDATE old then new
 *   record:  one value per column: 0 undefined, 1 integer (8 bytes
 *            big-endian), 2 real (8 bytes, IEEE 754 big-endian), 3 text or
 *            4 blob (varint length, bytes), 5 NULL
 *
 * An UPDATE's old record holds the key and the old value of each changed
 * column, its new record the new value of each changed column; every other
 * value is undefined.  The diff engine writes changesets with these calls
 * because going through a session would cost a second pass over the rows.
 */
#ifndef AWM_CSWRITE_H
#define AWM_CSWRITE_H

#include <sqlite3.h>
#include <stdint.h>

#include "core/buf.h"

#define AWM_CS_UNDEFINED 0
#define AWM_CS_INTEGER 1
#define AWM_CS_REAL 2
#define AWM_CS_TEXT 3
#define AWM_CS_BLOB 4
#define AWM_CS_NULL 5

/* SQLite's varint: 7 bits a byte, big-endian, the ninth byte holds 8. */
void awm_cs_varint(awm_buf *out, uint64_t v);

/* A table header; `pk` holds `ncol` bytes as described above. */
void awm_cs_table(awm_buf *out, const char *name, int ncol, const unsigned char *pk);

/* The start of a change: op, then the indirect flag (always 0). */
void awm_cs_change(awm_buf *out, int op);

void awm_cs_undefined(awm_buf *out);
void awm_cs_null(awm_buf *out);
void awm_cs_int(awm_buf *out, int64_t v);
void awm_cs_real(awm_buf *out, double v);
void awm_cs_bytes(awm_buf *out, int type, const void *p, size_t n);

/* A value as a SQL statement's column yields it. */
void awm_cs_column(awm_buf *out, sqlite3_stmt *st, int col);

/* A value as a changeset iterator yields it; NULL is an undefined value. */
void awm_cs_value(awm_buf *out, sqlite3_value *v);

/*
 * The change `it` points at (an `op` on a table of `ncol` columns), as it
 * is: its operation byte, then its old and new values as `op` has them.
 */
void awm_cs_copy_change(awm_buf *out, sqlite3_changeset_iter *it, int op, int ncol);

#endif
