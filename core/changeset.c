/*
 * Changeset validation and summaries (see changeset.h).
 */
#include "core/changeset.h"
#include "core/error.h"
#include "core/sqlite.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A varint inside [*p, end), advancing *p; -1 when it runs past the end. */
static int read_varint(uint64_t *out, const unsigned char **p, const unsigned char *end)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 9 && *p < end; i++) {
		unsigned char b = *(*p)++;

		if (i == 8) {
			*out = (v << 8) | b;
			return 0;
		}
		v = (v << 7) | (b & 0x7f);
		if (!(b & 0x80)) {
			*out = v;
			return 0;
		}
	}
	return -1;
}

/* One record of `ncol` values; NULL when it is malformed. */
static const unsigned char *skip_record(const unsigned char *p, const unsigned char *end,
					uint64_t ncol)
{
	uint64_t i, n;

	for (i = 0; i < ncol; i++) {
		if (p >= end)
			return NULL;
		switch (*p++) {
		case 0: case 5:
			break;
		case 1: case 2:
			if (end - p < 8)
				return NULL;
			p += 8;
			break;
		case 3: case 4:
			if (read_varint(&n, &p, end) < 0 || n > (uint64_t)(end - p))
				return NULL;
			p += n;
			break;
		default:
			return NULL;
		}
	}
	return p;
}

/*
 * Walk the bytes by the changeset format (cswrite.h) before SQLite sees
 * them: SQLite 3.40's iterator can loop forever on some malformed input,
 * and a patchset cannot be inverted for a rollback.
 */
static int check_format(const unsigned char *p, size_t len, const char *what)
{
	const unsigned char *start = p, *end = p + len, *nul;
	uint64_t ncol = 0;
	int in_table = 0;

	while (p < end) {
		size_t at = (size_t)(p - start);

		if (*p == 'T') {
			p++;
			if (read_varint(&ncol, &p, end) < 0 || ncol == 0 || ncol > 32767 ||
			    ncol > (uint64_t)(end - p))
				goto bad;
			p += ncol;
			if (!(nul = memchr(p, '\0', (size_t)(end - p))) || nul == p)
				goto bad;
			p = nul + 1;
			in_table = 1;
			continue;
		}
		if (*p == 'P')
			return awm_error_set(AWM_EINVALID, "%s is a patchset, which cannot be "
					     "inverted for a rollback; record a changeset instead", what);
		if (!in_table || end - p < 2 || p[1] > 1)
			goto bad;
		switch (*p) {
		case SQLITE_INSERT: case SQLITE_DELETE:
			p = skip_record(p + 2, end, ncol);
			break;
		case SQLITE_UPDATE:
			p = skip_record(p + 2, end, ncol);
			p = p ? skip_record(p, end, ncol) : NULL;
			break;
		default:
			p = NULL;
		}
		if (!p) {
			p = start + at;
			goto bad;
		}
	}
	return 0;
bad:
	return awm_error_set(AWM_EINVALID, "%s is not a valid changeset (malformed at byte %zu)",
			     what, (size_t)(p - start));
}

int awm_changeset_validate(const void *data, size_t len, const char *what)
{
	sqlite3_changeset_iter *it = NULL;
	int rc, n = 0;

	if (len > 0x7fffffff)
		return awm_error_set(AWM_EINVALID, "%s: changeset is too large", what);
	if ((rc = check_format(data, len, what)) < 0)
		return rc;
	rc = sqlite3changeset_start(&it, (int)len, (void *)data);
	while (rc == SQLITE_OK && (rc = sqlite3changeset_next(it)) == SQLITE_ROW) {
		const char *tab;
		int ncol, op, indirect;

		if ((rc = sqlite3changeset_op(it, &tab, &ncol, &op, &indirect)) != SQLITE_OK)
			break;
		if (!tab || !*tab || ncol <= 0) {
			rc = SQLITE_CORRUPT;
			break;
		}
		n++;
		rc = SQLITE_OK;
	}
	if (it)
		sqlite3changeset_finalize(it);
	if (rc != SQLITE_DONE && !(rc == SQLITE_OK && len == 0))
		return awm_error_set(AWM_EINVALID, "%s is not a valid changeset "
				     "(stopped after %d changes: %s)", what, n, sqlite3_errstr(rc));
	return 0;
}

void awm_sql_value_format(awm_buf *out, sqlite3_value *v)
{
	const unsigned char *p;
	int i, n;

	if (!v) {
		awm_buf_puts(out, "?");
		return;
	}
	switch (sqlite3_value_type(v)) {
	case SQLITE_INTEGER:
		awm_buf_printf(out, "%lld", (long long)sqlite3_value_int64(v));
		break;
	case SQLITE_FLOAT:
		awm_buf_printf(out, "%.17g", sqlite3_value_double(v));
		break;
	case SQLITE_TEXT:
		p = sqlite3_value_text(v);
		awm_buf_putc(out, '\'');
		for (; *p; p++) {
			if (*p == '\'')
				awm_buf_putc(out, '\'');
			awm_buf_putc(out, (char)*p);
		}
		awm_buf_putc(out, '\'');
		break;
	case SQLITE_BLOB:
		p = sqlite3_value_blob(v);
		n = sqlite3_value_bytes(v);
		awm_buf_puts(out, "X'");
		for (i = 0; i < n && i < 32; i++)
			awm_buf_printf(out, "%02x", p[i]);
		awm_buf_puts(out, n > 32 ? "...'" : "'");
		break;
	default:
		awm_buf_puts(out, "NULL");
	}
}

/* Column names of `table` from the schema database, or NULL. */
static char **column_names(sqlite3 *db, const char *table, int ncol)
{
	sqlite3_stmt *st = NULL;
	char **names;
	int i = 0;

	if (!db || sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info(?1) ORDER BY cid",
				      -1, &st, NULL) != SQLITE_OK)
		return NULL;
	names = awm_calloc((size_t)ncol, sizeof(char *));
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	while (i < ncol && sqlite3_step(st) == SQLITE_ROW)
		names[i++] = awm_strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	for (; i < ncol; i++)
		names[i] = awm_printf_alloc("c%d", i);
	return names;
}

static awm_changeset_table *table_for(awm_changeset_summary *s, const char *name)
{
	awm_changeset_table *t;

	if (s->nr && !strcmp(s->tables[s->nr - 1].name, name))
		return &s->tables[s->nr - 1];
	AWM_ARRAY_GROW(s->tables, s->nr + 1, s->alloc);
	t = &s->tables[s->nr++];
	memset(t, 0, sizeof(*t));
	t->name = awm_strdup(name);
	awm_buf_init(&t->rows);
	return t;
}

static void render_row(awm_buf *out, sqlite3_changeset_iter *it, int op, int ncol,
		       char **names)
{
	unsigned char *pk = NULL;
	int npk, i, first = 1;

	sqlite3changeset_pk(it, &pk, &npk);
	awm_buf_puts(out, op == SQLITE_INSERT ? "+" : op == SQLITE_DELETE ? "-" : "~");
	for (i = 0; i < ncol; i++) {
		sqlite3_value *o = NULL, *n = NULL;

		if (op != SQLITE_INSERT)
			sqlite3changeset_old(it, i, &o);
		if (op != SQLITE_DELETE)
			sqlite3changeset_new(it, i, &n);
		if (op == SQLITE_UPDATE && !pk[i] && !n)
			continue;   /* column unchanged */
		awm_buf_printf(out, "%s%s", first ? " " : " ", names[i]);
		first = 0;
		if (op == SQLITE_UPDATE && !pk[i]) {
			awm_buf_puts(out, ": ");
			awm_sql_value_format(out, o);
			awm_buf_puts(out, " -> ");
			awm_sql_value_format(out, n);
		} else {
			awm_buf_putc(out, '=');
			awm_sql_value_format(out, op == SQLITE_INSERT ? n : o);
		}
	}
	awm_buf_putc(out, '\n');
}

int awm_changeset_summarize(awm_changeset_summary *out, const void *data, size_t len,
			    sqlite3 *schema_db, size_t max_rows)
{
	sqlite3_changeset_iter *it = NULL;
	char **names = NULL, *names_for = NULL;
	int names_n = 0, rc, i;

	memset(out, 0, sizeof(*out));
	rc = sqlite3changeset_start(&it, (int)len, (void *)data);
	while (rc == SQLITE_OK && sqlite3changeset_next(it) == SQLITE_ROW) {
		const char *tab;
		int ncol, op, indirect;
		awm_changeset_table *t;

		sqlite3changeset_op(it, &tab, &ncol, &op, &indirect);
		t = table_for(out, tab);
		if (!names_for || strcmp(names_for, tab) || names_n != ncol) {
			for (i = 0; i < names_n; i++)
				free(names[i]);
			free(names);
			free(names_for);
			names = column_names(schema_db, tab, ncol);
			if (!names) {
				names = awm_calloc((size_t)ncol, sizeof(char *));
				for (i = 0; i < ncol; i++)
					names[i] = awm_printf_alloc("c%d", i);
			}
			names_for = awm_strdup(tab);
			names_n = ncol;
		}
		if (op == SQLITE_INSERT)
			t->inserts++;
		else if (op == SQLITE_DELETE)
			t->deletes++;
		else
			t->updates++;
		if (t->rows_shown < max_rows) {
			render_row(&t->rows, it, op, ncol, names);
			t->rows_shown++;
		}
	}
	for (i = 0; i < names_n; i++)
		free(names[i]);
	free(names);
	free(names_for);
	rc = it ? sqlite3changeset_finalize(it) : rc;
	if (rc != SQLITE_OK) {
		awm_changeset_summary_release(out);
		return awm_error_set(AWM_ECORRUPT, "changeset cannot be read: %s", sqlite3_errstr(rc));
	}
	return 0;
}

void awm_changeset_summary_release(awm_changeset_summary *s)
{
	size_t i;

	for (i = 0; i < s->nr; i++) {
		free(s->tables[i].name);
		awm_buf_release(&s->tables[i].rows);
	}
	free(s->tables);
	memset(s, 0, sizeof(*s));
}

typedef struct conflict {
	sqlite3 *db;      /* for column names */
	awm_buf msg;
} conflict;

static const char *conflict_kind(int type)
{
	switch (type) {
	case SQLITE_CHANGESET_DATA: return "the row holds other values than expected";
	case SQLITE_CHANGESET_NOTFOUND: return "the row is not there";
	case SQLITE_CHANGESET_CONFLICT: return "a row with that key already exists";
	case SQLITE_CHANGESET_CONSTRAINT: return "a constraint fails";
	case SQLITE_CHANGESET_FOREIGN_KEY: return "foreign keys would be violated";
	default: return "a conflict";
	}
}

static void column_name(awm_buf *out, sqlite3 *db, const char *table, int col)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info(?1) WHERE cid = ?2",
			       -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, col);
		if (sqlite3_step(st) == SQLITE_ROW) {
			awm_buf_puts(out, (const char *)sqlite3_column_text(st, 0));
			sqlite3_finalize(st);
			return;
		}
	}
	sqlite3_finalize(st);
	awm_buf_printf(out, "c%d", col);
}

/*
 * Record the first conflict and stop: a replay never resolves one by
 * guessing.  The message names the table and the row by its key columns:
 * "table 'items', row id=2: the row is not there".
 */
static int on_conflict(void *ctx, int type, sqlite3_changeset_iter *it)
{
	conflict *c = ctx;
	const char *tab = NULL;
	unsigned char *pk = NULL;
	int ncol = 0, op = 0, indirect, npk, i, first = 1;

	if (c->msg.size)
		return SQLITE_CHANGESET_ABORT;
	if (type == SQLITE_CHANGESET_FOREIGN_KEY) {
		awm_buf_puts(&c->msg, conflict_kind(type));
		return SQLITE_CHANGESET_ABORT;
	}
	sqlite3changeset_op(it, &tab, &ncol, &op, &indirect);
	sqlite3changeset_pk(it, &pk, &npk);
	awm_buf_printf(&c->msg, "table '%s', row ", tab ? tab : "?");
	for (i = 0; i < ncol && pk; i++) {
		sqlite3_value *v = NULL;

		if (!pk[i])
			continue;
		if (op == SQLITE_INSERT)
			sqlite3changeset_new(it, i, &v);
		else
			sqlite3changeset_old(it, i, &v);
		awm_buf_puts(&c->msg, first ? "" : " ");
		column_name(&c->msg, c->db, tab ? tab : "", i);
		awm_buf_putc(&c->msg, '=');
		awm_sql_value_format(&c->msg, v);
		first = 0;
	}
	awm_buf_printf(&c->msg, ": %s (%s)", conflict_kind(type),
		       op == SQLITE_INSERT ? "an insert" : op == SQLITE_DELETE ? "a delete" :
		       "an update");
	return SQLITE_CHANGESET_ABORT;
}

int awm_changeset_apply(sqlite3 *db, const void *data, size_t len, int invert,
			const char *what)
{
	conflict c;
	void *inv = NULL;
	int ninv = 0, rc, triggers = 1;

	if (!len)
		return 0;
	if (len > 0x7fffffff)
		return awm_error_set(AWM_EINVALID, "%s: changeset is too large", what);
	if (invert) {
		rc = sqlite3changeset_invert((int)len, data, &ninv, &inv);
		if (rc != SQLITE_OK)
			return awm_sqlite_error(NULL, rc, "%s: cannot invert the changeset", what);
		data = inv;
		len = (size_t)ninv;
	}
	c.db = db;
	awm_buf_init(&c.msg);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, -1, &triggers);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
	/*
	 * Inside the caller's transaction (an environment's step) a savepoint of
	 * our own only costs a statement journal, and was measured: the caller
	 * rolls the whole step back on failure.  Outside one, apply keeps its
	 * own savepoint, so a conflict leaves nothing half-applied.
	 */
	rc = sqlite3changeset_apply_v2(db, (int)len, (void *)data, NULL, on_conflict, &c,
				       NULL, NULL, sqlite3_get_autocommit(db) ? 0 :
				       SQLITE_CHANGESETAPPLY_NOSAVEPOINT);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, triggers, NULL);
	if (c.msg.size)
		rc = awm_error_set(AWM_ECONFLICT, "%s conflicts with the data: %s", what, c.msg.ptr);
	else if (rc != SQLITE_OK)
		rc = awm_sqlite_error(db, rc, "%s does not apply", what);
	awm_buf_release(&c.msg);
	sqlite3_free(inv);
	return rc == SQLITE_OK ? 0 : rc;
}

/* The primary-key bytes of `table` as a changeset carries them; NULL if it is missing. */
static unsigned char *table_pk(sqlite3 *db, const char *table, int *ncol)
{
	sqlite3_stmt *st = NULL;
	unsigned char *pk = NULL;
	size_t alloc = 0;

	*ncol = 0;
	if (sqlite3_prepare_v2(db, "SELECT pk FROM pragma_table_info(?1, 'main') ORDER BY cid",
			       -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		AWM_ARRAY_GROW(pk, (size_t)*ncol + 1, alloc);
		pk[(*ncol)++] = (unsigned char)sqlite3_column_int(st, 0);
	}
	sqlite3_finalize(st);
	return pk;
}

int awm_changeset_check_tables(sqlite3 *db, const void *data, size_t len, const char *what)
{
	sqlite3_changeset_iter *it = NULL;
	char *last = NULL;
	int rc = 0, src;

	if (!len)
		return 0;
	src = sqlite3changeset_start(&it, (int)len, (void *)data);
	while (rc == 0 && src == SQLITE_OK && sqlite3changeset_next(it) == SQLITE_ROW) {
		const char *tab;
		unsigned char *cpk, *tpk;
		int ncol, op, indirect, npk, tcol;

		sqlite3changeset_op(it, &tab, &ncol, &op, &indirect);
		if (last && !strcmp(last, tab))
			continue;
		free(last);
		last = awm_strdup(tab);
		sqlite3changeset_pk(it, &cpk, &npk);
		tpk = table_pk(db, tab, &tcol);
		if (!tcol)
			rc = awm_error_set(AWM_EINVALID, "%s changes table '%s', which does not "
					   "exist here", what, tab);
		else if (tcol != ncol)
			rc = awm_error_set(AWM_EINVALID, "%s has %d columns for table '%s', which "
					   "has %d here", what, ncol, tab, tcol);
		else if (memcmp(tpk, cpk, (size_t)ncol))
			rc = awm_error_set(AWM_EINVALID, "%s gives table '%s' another primary key "
					   "than it has here", what, tab);
		free(tpk);
	}
	if (it)
		sqlite3changeset_finalize(it);
	free(last);
	return rc;
}
