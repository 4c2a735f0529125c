/*
 * Canonical SQLite schema snapshots (see sqlite_schema.h).
 */
#include "core/sqlite_schema.h"
#include "core/error.h"
#include "core/sqlite.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

int awm_sqlite_is_internal_table(const char *name)
{
	return !strcmp(name, "awm_state") || !strcmp(name, "awm_locks") ||
	       !strncmp(name, "sqlite_", 7);
}

static const char *copy_quoted(awm_buf *out, const char *p)
{
	char close = *p == '[' ? ']' : *p;

	awm_buf_putc(out, *p++);
	while (*p) {
		if (*p == close) {
			awm_buf_putc(out, *p++);
			if (*p == close && close != ']') {   /* doubled quote */
				awm_buf_putc(out, *p++);
				continue;
			}
			return p;
		}
		awm_buf_putc(out, *p++);
	}
	return p;
}

/* Skip one word (case-insensitive) and a space at *p; 1 if it was there. */
static int skip_word(const char **p, const char *word)
{
	size_t n = strlen(word);

	if (strncasecmp(*p, word, n) || ((*p)[n] != ' ' && (*p)[n] != '('))
		return 0;
	*p += n + ((*p)[n] == ' ');
	return 1;
}

/*
 * ALTER TABLE ... RENAME writes the new name quoted ("t"), while CREATE
 * TABLE t leaves it bare; both name the same table.  The object's own name
 * in a CREATE statement is written bare when it is a plain identifier that
 * is no keyword, so a rebuilt table has the schema of one created directly.
 * Nowhere else is quoting touched: elsewhere "x" may be a string literal.
 */
static void unquote_created_name(awm_buf *sql)
{
	const char *p = sql->ptr, *q;
	size_t start, len, i;
	char close;

	if (!skip_word(&p, "CREATE"))
		return;
	if (!skip_word(&p, "UNIQUE") && !skip_word(&p, "TEMP"))
		skip_word(&p, "TEMPORARY");
	if (!skip_word(&p, "TABLE") && !skip_word(&p, "INDEX") && !skip_word(&p, "VIEW") &&
	    !skip_word(&p, "TRIGGER"))
		return;
	if (skip_word(&p, "IF") && !(skip_word(&p, "NOT") && skip_word(&p, "EXISTS")))
		return;
	close = *p == '"' ? '"' : *p == '`' ? '`' : *p == '[' ? ']' : 0;
	if (!close || !(q = strchr(p + 1, close)))
		return;
	start = (size_t)(p - sql->ptr);
	len = (size_t)(q - p - 1);
	if (len == 0 || !(isalpha((unsigned char)p[1]) || p[1] == '_'))
		return;
	for (i = 1; i <= len; i++)
		if (!isalnum((unsigned char)p[i]) && p[i] != '_')
			return;
	if (sqlite3_keyword_check(p + 1, (int)len))
		return;
	memmove(sql->ptr + start, sql->ptr + start + 1, len);
	memmove(sql->ptr + start + len, sql->ptr + start + len + 2,
		sql->size - (start + len + 2) + 1);
	sql->size -= 2;
}

void awm_sql_normalize(awm_buf *out, const char *sql)
{
	const char *p = sql;
	int pending_space = 0;

	awm_buf_clear(out);
	while (*p) {
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f') {
			pending_space = 1;
			p++;
		} else if (p[0] == '-' && p[1] == '-') {
			while (*p && *p != '\n')
				p++;
			pending_space = 1;
		} else if (p[0] == '/' && p[1] == '*') {
			const char *end = strstr(p + 2, "*/");

			p = end ? end + 2 : p + strlen(p);
			pending_space = 1;
		} else {
			char c = *p;
			char prev = out->size ? out->ptr[out->size - 1] : '(';

			if (pending_space && prev != '(' && !strchr(",();", c))
				awm_buf_putc(out, ' ');
			pending_space = c == ',';   /* always one space after a comma */
			if (c == '\'' || c == '"' || c == '`' || c == '[')
				p = copy_quoted(out, p);
			else
				awm_buf_putc(out, *p++);
		}
	}
	while (out->size && (out->ptr[out->size - 1] == ';' || out->ptr[out->size - 1] == ' '))
		awm_buf_truncate(out, out->size - 1);
	unquote_created_name(out);
}

int awm_sqlite_schema_snapshot(awm_schema **out, sqlite3 *db)
{
	static const char query[] =
		"SELECT type, name, tbl_name, sql FROM sqlite_schema "
		"WHERE sql IS NOT NULL";
	awm_schema *s = awm_schema_new("sqlite");
	awm_buf norm = AWM_BUF_INIT;
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, query, -1, &st, NULL);

	if (rc != SQLITE_OK) {
		rc = awm_sqlite_error(db, rc, "cannot read the schema");
		goto done;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *type = (const char *)sqlite3_column_text(st, 0);
		const char *name = (const char *)sqlite3_column_text(st, 1);
		const char *tbl = (const char *)sqlite3_column_text(st, 2);
		const char *sql = (const char *)sqlite3_column_text(st, 3);

		if (awm_sqlite_is_internal_table(name) || awm_sqlite_is_internal_table(tbl))
			continue;
		awm_sql_normalize(&norm, sql);
		if ((rc = awm_schema_add(s, type, name, tbl, norm.ptr)) < 0)
			goto done;
	}
	rc = rc == SQLITE_DONE ? 0 : awm_sqlite_error(db, rc, "cannot read the schema");
done:
	sqlite3_finalize(st);
	awm_buf_release(&norm);
	if (rc < 0) {
		awm_schema_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

int awm_sqlite_open_schema(sqlite3 **out, const awm_schema *s)
{
	size_t i;
	int rc;

	if ((rc = awm_sqlite_open_image(out, NULL, 0)) < 0)
		return rc;
	for (i = 0; i < s->nr; i++) {
		if (strcmp(s->entries[i].type, "table"))
			continue;
		if ((rc = awm_sqlite_exec(*out, s->entries[i].sql)) < 0) {
			sqlite3_close(*out);
			*out = NULL;
			return rc;
		}
	}
	return 0;
}
