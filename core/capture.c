/*
 * Running migrations under a session (see capture.h).
 *
 * The session records row changes in tables with a primary key.  Changes to
 * rowid tables without one are invisible to it, so an update hook notes
 * every table written, and those without a key are reported instead of
 * being skipped in silence.
 */
#include "core/capture.h"
#include "core/error.h"
#include "core/sqlite.h"
#include "core/sqlite_schema.h"

#include <stdlib.h>
#include <string.h>

typedef struct touched {
	char **names;
	size_t nr, alloc;
} touched;

static void note_write(void *payload, int op, const char *dbname, const char *table,
		       sqlite3_int64 rowid)
{
	touched *t = payload;
	size_t i;

	(void)op; (void)rowid;
	if (strcmp(dbname, "main") || awm_sqlite_is_internal_table(table))
		return;
	for (i = 0; i < t->nr; i++)
		if (!strcmp(t->names[i], table))
			return;
	AWM_ARRAY_GROW(t->names, t->nr + 1, t->alloc);
	t->names[t->nr++] = awm_strdup(table);
}

/* 1 when `table` exists and has no PRIMARY KEY (so no changeset can hold it). */
static int lacks_pk(sqlite3 *db, const char *table)
{
	sqlite3_stmt *st = NULL;
	int exists = 0, pk = 0;

	if (sqlite3_prepare_v2(db, "SELECT pk FROM pragma_table_info(?1)", -1, &st,
			       NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		exists = 1;
		if (sqlite3_column_int(st, 0) > 0)
			pk = 1;
	}
	sqlite3_finalize(st);
	return exists && !pk;
}

void awm_capture_release(awm_capture *cap)
{
	size_t i;

	awm_buf_release(&cap->changeset);
	awm_schema_free(cap->schema);
	for (i = 0; i < cap->no_pk_nr; i++)
		free(cap->no_pk_tables[i]);
	free(cap->no_pk_tables);
	memset(cap, 0, sizeof(*cap));
}

int awm_capture_script(awm_capture *out, sqlite3 *db, const char *sql,
		       const char *file, int first_line)
{
	sqlite3_session *sess = NULL;
	touched t = { NULL, 0, 0 };
	void *cs = NULL;
	int n = 0, rc;
	size_t i;

	memset(out, 0, sizeof(*out));
	awm_buf_init(&out->changeset);
	if ((rc = sqlite3session_create(db, "main", &sess)) != SQLITE_OK ||
	    (rc = sqlite3session_attach(sess, NULL)) != SQLITE_OK) {
		rc = awm_sqlite_error(db, rc, "cannot start a session");
		goto done;
	}
	sqlite3_update_hook(db, note_write, &t);
	rc = awm_sqlite_run_script(db, sql, file, first_line);
	sqlite3_update_hook(db, NULL, NULL);
	if (rc < 0)
		goto done;
	if ((rc = sqlite3session_changeset(sess, &n, &cs)) != SQLITE_OK) {
		rc = awm_sqlite_error(db, rc, "%s: cannot capture the data changes", file);
		goto done;
	}
	awm_buf_put(&out->changeset, cs, (size_t)n);
	for (i = 0; i < t.nr; i++) {
		if (lacks_pk(db, t.names[i])) {
			out->no_pk_tables = awm_realloc(out->no_pk_tables,
							(out->no_pk_nr + 1) * sizeof(char *));
			out->no_pk_tables[out->no_pk_nr++] = awm_strdup(t.names[i]);
		}
	}
	rc = awm_sqlite_schema_snapshot(&out->schema, db);
done:
	sqlite3_free(cs);
	sqlite3session_delete(sess);
	for (i = 0; i < t.nr; i++)
		free(t.names[i]);
	free(t.names);
	if (rc < 0)
		awm_capture_release(out);
	return rc < 0 ? rc : 0;
}
