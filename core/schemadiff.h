/*
 * The DDL between two SQLite schemas: what `commit --from-db` and script
 * migrations record as a commit's up SQL (and, backwards, its down SQL)
 * when a schema changed.
 *
 * Objects are compared by their normalised SQL (as schema ids are).  New
 * objects are created with the target's own statement text, so the schema
 * after the DDL has the target's schema id.  A table whose definition
 * changed is rebuilt (unless AWM_DDL_ALTER applies): renamed aside (with legacy_alter_table on, so views,
 * triggers and foreign keys elsewhere keep naming it), created anew, its
 * common columns copied over, the old one dropped; its indexes and
 * triggers are created again.
 */
#ifndef AWM_SCHEMADIFF_H
#define AWM_SCHEMADIFF_H

#include <sqlite3.h>

#include "core/buf.h"

/* Rebuilt tables start empty instead of copying their common columns. */
#define AWM_DDL_NO_COPY 0x1u
/*
 * Tables the DDL creates, and rebuilt tables whose new definition has
 * columns the old one lacks, are filled with every row of the table in
 * `rows` (as INSERT statements): that is how a down script brings back a
 * dropped table or column.
 */
#define AWM_DDL_ROWS 0x2u
/*
 * A table that only gains columns at its end, or loses some, gets ALTER
 * TABLE ADD COLUMN or DROP COLUMN instead of a rebuild, keeping its rows,
 * indexes and triggers in place (with AWM_DDL_ROWS only DROP COLUMN; with
 * AWM_DDL_NO_COPY never).
 */
#define AWM_DDL_ALTER 0x4u

/*
 * Append to `out` the statements that turn the schema of `from` into the
 * schema of `to` (both main databases; awm's own tables are ignored).
 * Nothing is appended when the schemas are equal.  With AWM_DDL_ROWS,
 * `rows` names the database whose rows are written.
 */
int awm_schema_ddl(awm_buf *out, sqlite3 *from, sqlite3 *to, unsigned flags, sqlite3 *rows);

#endif
