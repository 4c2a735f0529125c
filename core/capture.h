/*
 * Capturing what a migration does: its data effect as a changeset and the
 * schema it leaves, by running it on a scratch database under a session.
 */
#ifndef AWM_CAPTURE_H
#define AWM_CAPTURE_H

#include <sqlite3.h>

#include "core/buf.h"
#include "objects/schema.h"

typedef struct awm_capture {
	awm_buf changeset;       /* empty when no row changed */
	awm_schema *schema;      /* the schema afterwards */
	char **no_pk_tables;     /* changed tables a changeset cannot describe */
	size_t no_pk_nr;
} awm_capture;

void awm_capture_release(awm_capture *cap);

/*
 * Run `sql` (from `file`, starting at line `first_line`) on `db` under a
 * sqlite3session and record its effect.  On failure the database may hold
 * part of the script; the caller throws the scratch database away.
 */
int awm_capture_script(awm_capture *out, sqlite3 *db, const char *sql,
		       const char *file, int first_line);

#endif
