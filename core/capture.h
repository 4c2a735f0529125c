/*
 * Capturing what a migration does: its data effect as a changeset and the
 * schema it leaves, by running it under a sqlite3session.
 *
 * awm_capture_script() does it for a script on a scratch database (when a
 * migration is recorded); awm_capture_begin()/awm_capture_end() wrap any
 * work, such as replaying a commit on an environment's database, so the
 * effect it had there can be inverted later.
 */
#ifndef AWM_CAPTURE_H
#define AWM_CAPTURE_H

#include <sqlite3.h>

#include "core/buf.h"
#include "objects/schema.h"

typedef struct awm_capture {
	awm_buf changeset;       /* empty when no row changed */
	awm_schema *schema;      /* the schema afterwards; NULL from awm_capture_end */
	char **no_pk_tables;     /* changed tables a changeset cannot describe */
	size_t no_pk_nr;
} awm_capture;

void awm_capture_release(awm_capture *cap);

/*
 * Run `sql` (from `file`, starting at line `first_line`) on `db` under a
 * sqlite3session and record its effect.  On failure the database may hold
 * part of the script; the caller throws the scratch database away.
 *
 * A script that rebuilds a table (create a new one, copy the rows, drop
 * the old one, rename) leaves the session with changes to a table that no
 * longer exists under its name.  The script is then run once more from the
 * state before it, recording only the tables that existed before: the
 * copied rows are a schema change, not a data change.  `db` must be an
 * in-memory (scratch) database for that.
 */
int awm_capture_script(awm_capture *out, sqlite3 *db, const char *sql,
		       const char *file, int first_line);

/*
 * awm_capture_script inside a savepoint instead of from a copy of the
 * whole database, which a replay of many commits on a large database
 * cannot afford: on failure the savepoint is rolled back, so `db` is as
 * it was, unless the script itself ended the transaction (a COMMIT or
 * ROLLBACK of its own; *lost is set then).  A script that needs to run
 * outside a transaction (BEGIN, VACUUM) fails, as it does when an
 * environment applies it.  `out->schema` is left NULL: a caller replaying
 * many commits takes a snapshot only when the schema changed.
 */
int awm_capture_script_savepoint(awm_capture *out, int *lost, sqlite3 *db, const char *sql,
				 const char *file, int first_line);

/*
 * Start recording every row change in `db`'s main database, except in
 * awm's own tables.  The recording is handed back, and freed, by exactly
 * one of awm_capture_end() or awm_capture_abort().
 */
typedef struct awm_capture_session awm_capture_session;
int awm_capture_begin(awm_capture_session **out, sqlite3 *db);

/* As awm_capture_begin, recording only tables that exist now. */
#define AWM_CAPTURE_EXISTING_ONLY 1u
int awm_capture_begin_ex(awm_capture_session **out, sqlite3 *db, unsigned flags);

/*
 * Stop recording: `out` gets the changeset and the tables without a primary
 * key that were written (`out->schema` stays NULL).  `s` is freed, also on
 * failure.  Returns AWM_CAPTURE_SHAPE_CHANGED, with no changeset, when a
 * recorded table changed shape or name meanwhile (see awm_capture_script).
 */
#define AWM_CAPTURE_SHAPE_CHANGED 1
int awm_capture_end(awm_capture *out, awm_capture_session *s);

/* Stop recording and throw it away; accepts NULL. */
void awm_capture_abort(awm_capture_session *s);

#endif
