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

struct awm_capture_session {
	sqlite3 *db;
	sqlite3_session *sess;
	char **names;            /* tables written, from the update hook */
	size_t nr, alloc;
	char **existing;         /* AWM_CAPTURE_EXISTING_ONLY: the tables to record */
	size_t nexisting;
};

static void note_write(void *payload, int op, const char *dbname, const char *table,
		       sqlite3_int64 rowid)
{
	awm_capture_session *t = payload;
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

/*
 * awm's own tables (history, locks) are bookkeeping, never a migration's
 * effect; with AWM_CAPTURE_EXISTING_ONLY, tables made during the session
 * are left out too.
 */
static int filter_table(void *ctx, const char *table)
{
	awm_capture_session *s = ctx;
	size_t i;

	if (awm_sqlite_is_internal_table(table))
		return 0;
	if (!s->existing)
		return 1;
	for (i = 0; i < s->nexisting; i++)
		if (!strcmp(s->existing[i], table))
			return 1;
	return 0;
}

static int list_tables(awm_capture_session *s)
{
	sqlite3_stmt *st = NULL;
	size_t alloc = 0;
	int rc = sqlite3_prepare_v2(s->db, "SELECT name FROM main.sqlite_schema "
				    "WHERE type = 'table'", -1, &st, NULL);

	if (rc != SQLITE_OK)
		return awm_sqlite_error(s->db, rc, "cannot list the tables");
	AWM_ARRAY_GROW(s->existing, 1, alloc);
	while (sqlite3_step(st) == SQLITE_ROW) {
		AWM_ARRAY_GROW(s->existing, s->nexisting + 1, alloc);
		s->existing[s->nexisting++] = awm_strdup((const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	return 0;
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

int awm_capture_begin(awm_capture_session **out, sqlite3 *db)
{
	return awm_capture_begin_ex(out, db, 0);
}

int awm_capture_begin_ex(awm_capture_session **out, sqlite3 *db, unsigned flags)
{
	awm_capture_session *s = awm_calloc(1, sizeof(*s));
	int rc;

	s->db = db;
	if ((flags & AWM_CAPTURE_EXISTING_ONLY) && (rc = list_tables(s)) < 0) {
		awm_capture_abort(s);
		return rc;
	}
	if ((rc = sqlite3session_create(db, "main", &s->sess)) != SQLITE_OK ||
	    (rc = sqlite3session_attach(s->sess, NULL)) != SQLITE_OK) {
		rc = awm_sqlite_error(db, rc, "cannot start a session");
		awm_capture_abort(s);
		return rc;
	}
	sqlite3session_table_filter(s->sess, filter_table, s);
	sqlite3_update_hook(db, note_write, s);
	*out = s;
	return 0;
}

void awm_capture_abort(awm_capture_session *s)
{
	size_t i;

	if (!s)
		return;
	sqlite3_update_hook(s->db, NULL, NULL);
	sqlite3session_delete(s->sess);
	for (i = 0; i < s->nr; i++)
		free(s->names[i]);
	free(s->names);
	for (i = 0; i < s->nexisting; i++)
		free(s->existing[i]);
	free(s->existing);
	free(s);
}

int awm_capture_end(awm_capture *out, awm_capture_session *s)
{
	void *cs = NULL;
	int n = 0, rc;
	size_t i;

	memset(out, 0, sizeof(*out));
	awm_buf_init(&out->changeset);
	sqlite3_update_hook(s->db, NULL, NULL);
	if ((rc = sqlite3session_changeset(s->sess, &n, &cs)) == SQLITE_SCHEMA) {
		rc = AWM_CAPTURE_SHAPE_CHANGED;
		goto done;
	}
	if (rc != SQLITE_OK) {
		rc = awm_sqlite_error(s->db, rc, "cannot capture the data changes");
		goto done;
	}
	awm_buf_put(&out->changeset, cs, (size_t)n);
	for (i = 0; i < s->nr; i++) {
		if (lacks_pk(s->db, s->names[i])) {
			out->no_pk_tables = awm_realloc(out->no_pk_tables,
							(out->no_pk_nr + 1) * sizeof(char *));
			out->no_pk_tables[out->no_pk_nr++] = awm_strdup(s->names[i]);
		}
	}
	rc = 0;
done:
	sqlite3_free(cs);
	awm_capture_abort(s);
	if (rc < 0)
		awm_capture_release(out);
	return rc;
}

static int run_captured(awm_capture *out, sqlite3 *db, const char *sql, const char *file,
			int first_line, unsigned flags)
{
	awm_capture_session *s;
	int rc;

	if ((rc = awm_capture_begin_ex(&s, db, flags)) < 0)
		return rc;
	if ((rc = awm_sqlite_run_script(db, sql, file, first_line)) < 0) {
		awm_capture_abort(s);
		return rc;
	}
	if ((rc = awm_capture_end(out, s)) < 0)
		awm_error_prefix("%s", file);
	return rc;
}

int awm_capture_script(awm_capture *out, sqlite3 *db, const char *sql,
		       const char *file, int first_line)
{
	awm_buf before = AWM_BUF_INIT;
	int rc;

	memset(out, 0, sizeof(*out));
	awm_buf_init(&out->changeset);
	/* A copy of an in-memory database is a memcpy: cheap insurance. */
	if ((rc = awm_sqlite_serialize(&before, db)) < 0)
		return rc;
	rc = run_captured(out, db, sql, file, first_line, 0);
	if (rc == AWM_CAPTURE_SHAPE_CHANGED) {
		awm_capture_release(out);
		if ((rc = awm_sqlite_deserialize_into(db, before.ptr, before.size)) == 0)
			rc = run_captured(out, db, sql, file, first_line,
					  AWM_CAPTURE_EXISTING_ONLY);
		if (rc == AWM_CAPTURE_SHAPE_CHANGED)
			rc = awm_error_set(AWM_ERROR, "%s: cannot capture the data changes: "
					   "a table changed shape while rows were recorded", file);
	}
	awm_buf_release(&before);
	if (rc < 0)
		return rc;
	if ((rc = awm_sqlite_schema_snapshot(&out->schema, db)) < 0)
		awm_capture_release(out);
	return rc;
}

/* Roll back to the savepoint and drop it; 0 when it was still there. */
static int undo_savepoint(sqlite3 *db)
{
	if (sqlite3_get_autocommit(db))
		return -1;
	if (sqlite3_exec(db, "ROLLBACK TO awm_capture", NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	return sqlite3_exec(db, "RELEASE awm_capture", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

int awm_capture_script_savepoint(awm_capture *out, int *lost, sqlite3 *db, const char *sql,
				 const char *file, int first_line)
{
	int rc;

	memset(out, 0, sizeof(*out));
	awm_buf_init(&out->changeset);
	*lost = 0;
	if ((rc = awm_sqlite_exec(db, "SAVEPOINT awm_capture")) < 0)
		return rc;
	rc = run_captured(out, db, sql, file, first_line, 0);
	if (rc == AWM_CAPTURE_SHAPE_CHANGED) {
		awm_capture_release(out);
		if (sqlite3_exec(db, "ROLLBACK TO awm_capture", NULL, NULL, NULL) != SQLITE_OK)
			rc = awm_sqlite_error(db, SQLITE_ERROR, "%s: cannot run the script again", file);
		else
			rc = run_captured(out, db, sql, file, first_line, AWM_CAPTURE_EXISTING_ONLY);
		if (rc == AWM_CAPTURE_SHAPE_CHANGED)
			rc = awm_error_set(AWM_ERROR, "%s: cannot capture the data changes: "
					   "a table changed shape while rows were recorded", file);
	}
	if (rc < 0) {
		awm_capture_release(out);
		*lost = undo_savepoint(db) < 0;
		return rc;
	}
	if (sqlite3_get_autocommit(db) ||
	    sqlite3_exec(db, "RELEASE awm_capture", NULL, NULL, NULL) != SQLITE_OK) {
		*lost = 1;   /* the script committed or rolled back on its own */
		awm_capture_release(out);
		return awm_error_set(AWM_ERROR, "%s: the script ends the transaction awm runs it "
				     "in (a COMMIT, END or ROLLBACK of its own); remove it", file);
	}
	return 0;
}
