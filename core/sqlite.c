/*
 * The SQLite wrapper behind sqlite.h.
 */
#include "core/sqlite.h"
#include "core/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <ctype.h>
#include <string.h>
#include <strings.h>

int awm_sqlite_error(sqlite3 *db, int rc, const char *fmt, ...)
{
	char ctx[1024];
	const char *msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
	int code;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ctx, sizeof(ctx), fmt, ap);
	va_end(ap);
	switch (rc & 0xff) {
	case SQLITE_BUSY: case SQLITE_LOCKED: code = AWM_ELOCKED; break;
	case SQLITE_CORRUPT: case SQLITE_NOTADB: code = AWM_ECORRUPT; break;
	case SQLITE_CONSTRAINT: code = AWM_ECONFLICT; break;
	case SQLITE_CANTOPEN: code = AWM_ENOTFOUND; break;
	default: code = AWM_ERROR; break;
	}
	/* The connection's message can be stale for codes returned by helpers. */
	if (db && sqlite3_errcode(db) == SQLITE_OK)
		msg = sqlite3_errstr(rc);
	return awm_error_set(code, "%s: %s", ctx, msg);
}

void awm_sqlite_single_thread(void)
{
	/* Both fail harmlessly (SQLITE_MISUSE) once SQLite is initialised. */
	sqlite3_config(SQLITE_CONFIG_SINGLETHREAD);
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int awm_sqlite_open(sqlite3 **out, const char *path, int flags)
{
	int oflags = (flags & AWM_SQLITE_READONLY) ? SQLITE_OPEN_READONLY :
		     SQLITE_OPEN_READWRITE | ((flags & AWM_SQLITE_CREATE) ? SQLITE_OPEN_CREATE : 0);
	int rc = sqlite3_open_v2(path, out, oflags, NULL);

	if (rc != SQLITE_OK) {
		rc = awm_sqlite_error(*out, rc, "cannot open database '%s'", path);
		goto fail;
	}
	sqlite3_busy_timeout(*out, 5000);
	sqlite3_extended_result_codes(*out, 1);
	/* Opening is lazy: read the schema now, so a non-database is named here. */
	rc = sqlite3_exec(*out, "SELECT count(*) FROM main.sqlite_schema", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		rc = awm_sqlite_error(*out, rc, "cannot read database '%s'", path);
		goto fail;
	}
	return 0;
fail:
	sqlite3_close(*out);
	*out = NULL;
	return rc;
}

int awm_sqlite_deserialize_into(sqlite3 *db, const void *image, size_t len)
{
	/*
	 * Always an in-memory image, also when empty: its pages stay one
	 * buffer that the diff engine reads without a copy.  SQLite owns and
	 * frees the copy (FREEONCLOSE).
	 */
	unsigned char *copy = sqlite3_malloc64(len ? len : 1);
	int rc;

	if (!copy)
		return awm_error_set(AWM_ERROR, "out of memory loading a scratch database");
	if (len)
		memcpy(copy, image, len);
	rc = sqlite3_deserialize(db, "main", copy, (sqlite3_int64)len, (sqlite3_int64)len,
				 SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE);
	if (rc != SQLITE_OK)
		return awm_sqlite_error(db, rc, "cannot load a scratch database");
	return 0;
}

int awm_sqlite_open_image(sqlite3 **out, const void *image, size_t len)
{
	int rc = sqlite3_open_v2(":memory:", out, SQLITE_OPEN_READWRITE, NULL);

	if (rc != SQLITE_OK) {
		rc = awm_sqlite_error(*out, rc, "cannot open a scratch database");
		goto fail;
	}
	if ((rc = awm_sqlite_deserialize_into(*out, image, len)) < 0)
		goto fail;
	return 0;
fail:
	sqlite3_close(*out);
	*out = NULL;
	return rc;
}

int awm_sqlite_serialize(awm_buf *out, sqlite3 *db)
{
	sqlite3_int64 size = 0;
	unsigned char *p = sqlite3_serialize(db, "main", &size, 0);

	if (!p && size > 0)
		return awm_error_set(AWM_ERROR, "cannot serialize a scratch database");
	awm_buf_clear(out);
	awm_buf_put(out, p, (size_t)size);
	sqlite3_free(p);
	return 0;
}

int awm_sqlite_exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &err);

	if (rc != SQLITE_OK) {
		rc = awm_sqlite_error(db, rc, "%s", err ? err : "SQL failed");
		sqlite3_free(err);
	}
	return rc == SQLITE_OK ? 0 : rc;
}

/* Skip blanks and comments; returns the first character of a token. */
static const char *skip_blank(const char *p)
{
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f')
			p++;
		if (p[0] == '-' && p[1] == '-') {
			while (*p && *p != '\n')
				p++;
		} else if (p[0] == '/' && p[1] == '*') {
			const char *end = strstr(p + 2, "*/");

			p = end ? end + 2 : p + strlen(p);
		} else {
			return p;
		}
	}
}

/* Statements that would break the transaction awm wraps around a migration. */
static int is_transaction_control(const char *stmt)
{
	static const char *const words[] = {
		"BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE", "VACUUM",
	};
	size_t i, n;

	for (n = 0; isalpha((unsigned char)stmt[n]); n++)
		;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (n == strlen(words[i]) && !strncasecmp(stmt, words[i], n))
			return 1;
	return 0;
}

static int line_of(const char *start, const char *at, int first_line)
{
	int line = first_line;

	for (; start < at; start++)
		if (*start == '\n')
			line++;
	return line;
}

int awm_sqlite_run_script(sqlite3 *db, const char *sql, const char *file, int first_line)
{
	const char *p = sql;

	while (*(p = skip_blank(p))) {
		sqlite3_stmt *st = NULL;
		const char *tail = NULL;
		int rc = sqlite3_prepare_v2(db, p, -1, &st, &tail);

		if (rc == SQLITE_OK && st && is_transaction_control(p)) {
			sqlite3_finalize(st);
			return awm_error_set(AWM_EINVALID, "%s:%d: BEGIN, COMMIT, ROLLBACK, "
					     "SAVEPOINT, RELEASE and VACUUM are not allowed in a "
					     "migration; awm runs each one in its own transaction",
					     file, line_of(sql, p, first_line));
		}
		if (rc == SQLITE_OK && st) {
			while ((rc = sqlite3_step(st)) == SQLITE_ROW)
				;
			if (rc == SQLITE_DONE)
				rc = SQLITE_OK;
		}
		if (rc != SQLITE_OK) {
			char *msg = sqlite3_mprintf("%s", sqlite3_errmsg(db));
			int code;

			sqlite3_finalize(st);
			code = awm_sqlite_error(db, rc, "%s:%d", file, line_of(sql, p, first_line));
			/* finalize may reset the message; report the step's own. */
			awm_error_set(code, "%s:%d: %s", file, line_of(sql, p, first_line), msg);
			sqlite3_free(msg);
			return code;
		}
		sqlite3_finalize(st);
		if (!tail || tail == p)
			break;
		p = tail;
	}
	return 0;
}

int awm_sqlite_script_is_empty(const char *sql)
{
	const char *p = skip_blank(sql);

	while (*p == ';')
		p = skip_blank(p + 1);
	return *p == '\0';
}
