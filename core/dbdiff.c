/*
 * The diff engine's driver (see dbdiff.h): which tables to compare, what
 * each one looks like, and which road (pages or SQL) each one takes.
 */
#include "core/dbdiff.h"
#include "core/dbdiff_internal.h"
#include "core/error.h"
#include "core/sqlite.h"
#include "core/sqlite_schema.h"
#include "core/sqltext.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void awm_dbdiff_release(awm_dbdiff *d)
{
	size_t i;

	awm_buf_release(&d->changeset);
	for (i = 0; i < d->only_a_nr; i++)
		free(d->only_a[i]);
	for (i = 0; i < d->only_b_nr; i++)
		free(d->only_b[i]);
	free(d->only_a);
	free(d->only_b);
	memset(d, 0, sizeof(*d));
}

/* SQLite's affinity rules for a declared type; only REAL matters here. */
static int is_real_affinity(const char *type)
{
	char up[64];
	size_t i;

	if (!type)
		return 0;
	for (i = 0; type[i] && i < sizeof(up) - 1; i++)
		up[i] = (char)toupper((unsigned char)type[i]);
	up[i] = '\0';
	if (strstr(up, "INT") || strstr(up, "CHAR") || strstr(up, "CLOB") ||
	    strstr(up, "TEXT") || strstr(up, "BLOB") || !*up)
		return 0;
	return strstr(up, "REAL") || strstr(up, "FLOA") || strstr(up, "DOUB");
}

static void table_release(dd_table *t)
{
	int i;

	if (!t->name)
		return;
	for (i = 0; i < t->ncol; i++)
		free(t->cols[i]);
	free(t->cols);
	free(t->pk);
	free(t->key);
	free(t->real_aff);
	free(t->field_col);
	free(t->name);
	memset(t, 0, sizeof(*t));
}

/* One row of a single-value query, as an int; `def` when there is none. */
static int query_int(sqlite3 *db, const char *sql, const char *arg, int def)
{
	sqlite3_stmt *st = NULL;
	int v = def;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			v = sqlite3_column_int(st, 0);
	}
	sqlite3_finalize(st);
	return v;
}

/*
 * A WITHOUT ROWID table is stored as its primary-key index: records hold
 * the key columns first, then the others (pragma index_xinfo lists them in
 * that order).  Records can be merged directly only when that index sorts
 * every key column ascending by BINARY, the order the merge compares in.
 */
static void storage_order(dd_table *t, sqlite3 *db)
{
	static const char sql[] =
		"SELECT x.cid, x.key, x.desc, x.coll FROM pragma_index_list(?1, 'main') AS l, "
		"pragma_index_xinfo(l.name, 'main') AS x WHERE l.origin = 'pk' ORDER BY x.seqno";
	sqlite3_stmt *st = NULL;
	int *order = awm_calloc((size_t)t->ncol + 1, sizeof(int));
	int n = 0, ok = 1, rc;

	if ((rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL)) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
		while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW) {
			int cid = sqlite3_column_int(st, 0), key = sqlite3_column_int(st, 1);
			const char *coll = (const char *)sqlite3_column_text(st, 3);

			if (n >= t->ncol || cid < 0 || cid >= t->ncol ||
			    (key && (sqlite3_column_int(st, 2) || !coll ||
				     strcasecmp(coll, "BINARY") || t->key[n] != cid)))
				ok = 0;
			else
				order[n++] = cid;
		}
	}
	sqlite3_finalize(st);
	if (ok && rc == SQLITE_DONE && n == t->ncol)
		t->field_col = order;
	else
		free(order);
}

static int load_table(dd_table *t, sqlite3 *db, const char *name, uint32_t root)
{
	sqlite3_stmt *st = NULL;
	size_t alloc = 0;
	char **types = NULL;
	int rc, i, nxinfo = 0;

	memset(t, 0, sizeof(*t));
	t->name = awm_strdup(name);
	t->root = root;
	t->ipk = -1;
	rc = sqlite3_prepare_v2(db, "SELECT name, type, pk, hidden FROM "
				"pragma_table_xinfo(?1, 'main') ORDER BY cid", -1, &st, NULL);
	if (rc != SQLITE_OK) {
		rc = awm_sqlite_error(db, rc, "cannot read the columns of table '%s'", name);
		goto done;
	}
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		nxinfo++;
		if (sqlite3_column_int(st, 3) != 0)
			continue;   /* generated or hidden: not part of a changeset */
		AWM_ARRAY_GROW(t->cols, (size_t)t->ncol + 1, alloc);
		types = awm_realloc(types, alloc * sizeof(char *));
		t->pk = awm_realloc(t->pk, alloc);
		t->cols[t->ncol] = awm_strdup((const char *)sqlite3_column_text(st, 0));
		types[t->ncol] = awm_strdup((const char *)sqlite3_column_text(st, 1));
		t->pk[t->ncol] = (unsigned char)sqlite3_column_int(st, 2);
		t->ncol++;
	}
	if (rc != SQLITE_DONE) {
		rc = awm_sqlite_error(db, rc, "cannot read the columns of table '%s'", name);
		goto done;
	}
	rc = 0;
	t->hidden = nxinfo != t->ncol;
	t->real_aff = awm_calloc((size_t)t->ncol + 1, 1);
	t->key = awm_calloc((size_t)t->ncol + 1, sizeof(int));
	for (i = 0; i < t->ncol; i++) {
		t->real_aff[i] = (unsigned char)is_real_affinity(types[i]);
		if (t->pk[i])
			t->nkey++;
	}
	for (i = 0; i < t->ncol; i++)
		if (t->pk[i] && t->pk[i] <= t->nkey)
			t->key[t->pk[i] - 1] = i;
	t->without_rowid = query_int(db, "SELECT wr FROM pragma_table_list "
				     "WHERE schema = 'main' AND name = ?1", name, 0);
	if (t->nkey == 1 && !t->without_rowid && !strcasecmp(types[t->key[0]], "INTEGER") &&
	    !query_int(db, "SELECT count(*) FROM pragma_index_list(?1, 'main') "
		       "WHERE origin = 'pk'", name, 0))
		t->ipk = t->key[0];
	if (!t->hidden && !t->without_rowid) {
		t->field_col = awm_calloc((size_t)t->ncol + 1, sizeof(int));
		for (i = 0; i < t->ncol; i++)
			t->field_col[i] = i;
	} else if (!t->hidden) {
		storage_order(t, db);
	}
done:
	sqlite3_finalize(st);
	for (i = 0; i < t->ncol; i++)
		free(types[i]);
	free(types);
	if (rc < 0)
		table_release(t);
	return rc;
}

typedef struct table_name {
	char *name;
	uint32_t root;
} table_name;

typedef struct table_list {
	table_name *items;
	size_t nr, alloc;
} table_list;

static void list_release(table_list *l)
{
	size_t i;

	for (i = 0; i < l->nr; i++)
		free(l->items[i].name);
	free(l->items);
	memset(l, 0, sizeof(*l));
}

/* The ordinary tables of `db`, by name. */
static int list_tables(table_list *out, sqlite3 *db, unsigned flags)
{
	static const char sql[] =
		"SELECT name, rootpage FROM main.sqlite_schema WHERE type = 'table' "
		"AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
		"AND coalesce(sql, '') NOT LIKE 'CREATE VIRTUAL%' ORDER BY name COLLATE BINARY";
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);

	memset(out, 0, sizeof(*out));
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);

		rc = SQLITE_OK;
		if ((flags & AWM_DBDIFF_SKIP_INTERNAL) && awm_sqlite_is_internal_table(name))
			continue;
		AWM_ARRAY_GROW(out->items, out->nr + 1, out->alloc);
		out->items[out->nr].name = awm_strdup(name);
		out->items[out->nr++].root = (uint32_t)sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		list_release(out);
		return awm_sqlite_error(db, rc, "cannot list the tables");
	}
	return 0;
}

static int same_shape(const dd_table *a, const dd_table *b)
{
	int i;

	if (a->ncol != b->ncol || memcmp(a->pk, b->pk, (size_t)a->ncol))
		return 0;
	for (i = 0; i < a->ncol; i++)
		if (strcmp(a->cols[i], b->cols[i]))
			return 0;
	return 1;
}

static const char no_key_msg[] =
	"has no primary key, so a changeset cannot hold its row changes; give it one "
	"(for example 'id INTEGER PRIMARY KEY')";

/* The WHERE clause that picks rows with a NULL in their key. */
static void null_key_where(awm_buf *out, const dd_table *t)
{
	int i;

	awm_buf_puts(out, "WHERE ");
	for (i = 0; i < t->nkey; i++) {
		if (i)
			awm_buf_puts(out, " OR ");
		awm_sql_ident(out, t->cols[t->key[i]]);
		awm_buf_puts(out, " IS NULL");
	}
}

typedef struct run_ctx {
	awm_dbdiff *d;
	sqlite3 *a, *b;
	unsigned flags;
	dd_pages *pa, *pb;
	int pages_tried;
	awm_progress_cb progress;
	void *payload;
} run_ctx;

static int diff_table(run_ctx *r, const dd_table *ta, const dd_table *tb)
{
	const dd_table *t = ta ? ta : tb;
	awm_buf where = AWM_BUF_INIT;
	dd_emit e;
	int rc;

	if (t->nkey == 0)
		return dd_same_rows(ta ? r->a : NULL, tb ? r->b : NULL, t, "", no_key_msg);
	if (ta && tb && !(r->flags & AWM_DBDIFF_NO_PAGES) && dd_table_pageable(ta) &&
	    dd_table_pageable(tb)) {
		if (!r->pages_tried) {
			r->pages_tried = 1;
			if ((rc = dd_pages_open(&r->pa, r->a)) < 0 ||
			    (rc = dd_pages_open(&r->pb, r->b)) < 0)
				return rc;
		}
		if (r->pa && r->pb) {
			dd_emit_start(&e, r->d, t);
			rc = dd_merge_pages(&e, r->pa, r->pb, r->a, r->b, ta, tb);
			dd_emit_end(&e);
			r->d->tables_paged++;
			return rc;
		}
	}
	dd_emit_start(&e, r->d, t);
	rc = dd_merge_sql(&e, ta ? r->a : NULL, tb ? r->b : NULL, t);
	dd_emit_end(&e);
	if (rc == 0 && t->ipk < 0 && !t->without_rowid) {
		/* Only a rowid table's key can hold NULLs. */
		null_key_where(&where, t);
		rc = dd_same_rows(ta ? r->a : NULL, tb ? r->b : NULL, t, where.ptr,
				  "has rows with a NULL in their primary key, which a changeset "
				  "cannot hold; give those rows a key");
	}
	awm_buf_release(&where);
	return rc;
}

static void note_only(char ***list, size_t *nr, const char *name)
{
	*list = awm_realloc(*list, (*nr + 1) * sizeof(char *));
	(*list)[(*nr)++] = awm_strdup(name);
}

/* Open a read transaction unless one is open; *began says whether to end it. */
static int begin_read(sqlite3 *db, int *began)
{
	int rc;

	*began = 0;
	if (!sqlite3_get_autocommit(db))
		return 0;
	if ((rc = awm_sqlite_exec(db, "BEGIN")) < 0)
		return rc;
	*began = 1;
	/* BEGIN is deferred: the first read takes the lock. */
	return awm_sqlite_exec(db, "SELECT count(*) FROM main.sqlite_schema");
}

/* The tables in either list, each counted once (both are in name order). */
static size_t union_size(const table_list *la, const table_list *lb)
{
	size_t i = 0, j = 0, n = 0;

	while (i < la->nr || j < lb->nr) {
		int c = i == la->nr ? 1 : j == lb->nr ? -1 :
			strcmp(la->items[i].name, lb->items[j].name);

		i += c <= 0;
		j += c >= 0;
		n++;
	}
	return n;
}

static int compare_lists(run_ctx *r, const table_list *la, const table_list *lb)
{
	size_t i = 0, j = 0, done = 0, total = union_size(la, lb);
	dd_table ta, tb;
	int rc = 0;

	memset(&ta, 0, sizeof(ta));
	memset(&tb, 0, sizeof(tb));
	while (rc == 0 && (i < la->nr || j < lb->nr)) {
		int c = i == la->nr ? 1 : j == lb->nr ? -1 :
			strcmp(la->items[i].name, lb->items[j].name);
		int use_a = c <= 0, use_b = c >= 0;

		if (use_a && (rc = load_table(&ta, r->a, la->items[i].name, la->items[i].root)) < 0)
			break;
		if (use_b && (rc = load_table(&tb, r->b, lb->items[j].name, lb->items[j].root)) < 0)
			break;
		if (use_a && use_b && !same_shape(&ta, &tb))
			rc = awm_error_set(AWM_EINVALID, "table '%s' has different columns or a "
					   "different primary key in the two databases; a changeset "
					   "cannot describe that (compare them with --sql)", ta.name);
		else if (use_a && use_b)
			rc = diff_table(r, &ta, &tb);
		else if (use_a)
			note_only(&r->d->only_a, &r->d->only_a_nr, ta.name);
		else
			note_only(&r->d->only_b, &r->d->only_b_nr, tb.name);
		if (rc == 0 && !(use_a && use_b) && (r->flags & AWM_DBDIFF_ADDED_ROWS))
			rc = diff_table(r, use_a ? &ta : NULL, use_b ? &tb : NULL);
		table_release(&ta);
		table_release(&tb);
		i += use_a;
		j += use_b;
		if (rc == 0 && r->progress)
			r->progress("Comparing tables", ++done, total, r->payload);
	}
	table_release(&ta);
	table_release(&tb);
	return rc;
}

int awm_dbdiff_run(awm_dbdiff *out, sqlite3 *a, sqlite3 *b, unsigned flags)
{
	return awm_dbdiff_run_progress(out, a, b, flags, NULL, NULL);
}

int awm_dbdiff_run_progress(awm_dbdiff *out, sqlite3 *a, sqlite3 *b, unsigned flags,
			    awm_progress_cb progress, void *payload)
{
	table_list la, lb;
	run_ctx r;
	int rc, began_a = 0, began_b = 0;

	memset(out, 0, sizeof(*out));
	memset(&la, 0, sizeof(la));
	memset(&lb, 0, sizeof(lb));
	memset(&r, 0, sizeof(r));
	awm_buf_init(&out->changeset);
	r.d = out;
	r.a = a;
	r.b = b;
	r.flags = flags;
	r.progress = progress;
	r.payload = payload;
	if ((rc = begin_read(a, &began_a)) < 0 || (rc = begin_read(b, &began_b)) < 0)
		goto done;
	if ((rc = list_tables(&la, a, flags)) < 0 || (rc = list_tables(&lb, b, flags)) < 0)
		goto done;
	rc = compare_lists(&r, &la, &lb);
done:
	dd_pages_free(r.pa);
	dd_pages_free(r.pb);
	if (began_a)
		sqlite3_exec(a, "COMMIT", NULL, NULL, NULL);
	if (began_b)
		sqlite3_exec(b, "COMMIT", NULL, NULL, NULL);
	list_release(&la);
	list_release(&lb);
	return rc;
}
