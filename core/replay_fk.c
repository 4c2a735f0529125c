/*
 * Foreign keys a replayed commit leaves dangling (see replay.h and
 * docs/graph-operations.md, "Data conflicts").
 *
 * Scratch databases run with foreign keys off, as every database awm
 * applies to: PRAGMA foreign_keys cannot change inside the replay's
 * savepoint, and turning it on would break the table rebuilds migrations
 * do.  So sqlite3changeset_apply_v2 never reports FOREIGN_KEY; instead
 * PRAGMA foreign_key_check runs on the tables that declare a foreign key,
 * before the commit and after it, and a violation that is new after it is
 * a FOREIGN_KEY conflict, when the other side had a part in it: it changed
 * the referencing row or the row referenced (by key), or the schema of
 * either table.  A dangling reference the commit made by itself (one that
 * a later commit of the same branch fixes, say) is not a conflict between
 * the two sides; neither is one the new base already had.
 *
 * A schema without foreign keys costs one query per commit.
 */
#include "core/replay_internal.h"
#include "core/changeset.h"
#include "core/cswrite.h"
#include "core/error.h"
#include "core/sql_table.h"
#include "core/sqlite.h"
#include "core/sqltext.h"

#include <stdlib.h>
#include <string.h>

void rp_fk_release(rp_fk_list *l)
{
	size_t i;

	for (i = 0; i < l->nr; i++) {
		free(l->v[i].table);
		free(l->v[i].parent);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static void fk_add(rp_fk_list *l, sqlite3_stmt *st)
{
	rp_fk_row *v;

	AWM_ARRAY_GROW(l->v, l->nr + 1, l->alloc);
	v = &l->v[l->nr++];
	v->table = awm_strdup((const char *)sqlite3_column_text(st, 0));
	v->has_rowid = sqlite3_column_type(st, 1) != SQLITE_NULL;
	v->rowid = sqlite3_column_int64(st, 1);
	v->parent = awm_strdup((const char *)sqlite3_column_text(st, 2));
	v->fkid = sqlite3_column_int(st, 3);
}

int rp_fk_scan(rp_fk_list *out, sqlite3 *db)
{
	static const char tables[] =
		"SELECT name FROM sqlite_schema AS s WHERE type = 'table' AND "
		"EXISTS (SELECT 1 FROM pragma_foreign_key_list(s.name))";
	sqlite3_stmt *t = NULL, *st = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = sqlite3_prepare_v2(db, tables, -1, &t, NULL)) != SQLITE_OK)
		return awm_sqlite_error(db, rc, "cannot list the foreign keys");
	while ((rc = sqlite3_step(t)) == SQLITE_ROW) {
		if (!st && (rc = sqlite3_prepare_v2(db, "SELECT * FROM pragma_foreign_key_check(?1)",
						    -1, &st, NULL)) != SQLITE_OK)
			break;
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, (const char *)sqlite3_column_text(t, 0), -1,
				  SQLITE_TRANSIENT);
		/* A key SQLite cannot check (a "foreign key mismatch") is left out. */
		while (sqlite3_step(st) == SQLITE_ROW)
			fk_add(out, st);
	}
	rc = rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 :
	     awm_sqlite_error(db, rc, "cannot check the foreign keys");
	sqlite3_finalize(st);
	sqlite3_finalize(t);
	return rc;
}

static void state_key(sqlite3 *db, sqlite3_int64 *changes, int *schema_version)
{
	*changes = sqlite3_total_changes64(db);
	*schema_version = rp_schema_version(db);
}

int rp_fk_before(rp_job *j)
{
	awm_replayer *r = j->r;
	sqlite3_int64 changes;
	int sv;

	state_key(r->db, &changes, &sv);
	if (r->has_fk_known && changes == r->fk_changes && sv == r->fk_schema_version) {
		j->fk_before = r->fk_known;   /* taken over */
		memset(&r->fk_known, 0, sizeof(r->fk_known));
		r->has_fk_known = 0;
		return 0;
	}
	rp_fk_release(&r->fk_known);
	r->has_fk_known = 0;
	return rp_fk_scan(&j->fk_before, r->db);
}

void rp_fk_keep(rp_job *j)
{
	awm_replayer *r = j->r;

	rp_fk_release(&r->fk_known);
	r->fk_known = j->fk_after;   /* taken over */
	memset(&j->fk_after, 0, sizeof(j->fk_after));
	state_key(r->db, &r->fk_changes, &r->fk_schema_version);
	r->has_fk_known = 1;
}

/* Whether `v` (the n-th of its table and key without a rowid) was there before. */
static int was_there(const rp_fk_list *before, const rp_fk_list *after, size_t n)
{
	const rp_fk_row *v = &after->v[n];
	size_t i, seen = 0, had = 0;

	for (i = 0; i < before->nr; i++) {
		const rp_fk_row *b = &before->v[i];

		if (b->fkid != v->fkid || b->has_rowid != v->has_rowid || strcmp(b->table, v->table))
			continue;
		if (v->has_rowid && b->rowid == v->rowid)
			return 1;
		had++;
	}
	if (v->has_rowid)
		return 0;
	/* No rowid (WITHOUT ROWID tables): only how many there are can be compared. */
	for (i = 0; i < n; i++)
		seen += !after->v[i].has_rowid && after->v[i].fkid == v->fkid &&
			!strcmp(after->v[i].table, v->table);
	return seen < had;
}

/* What the report says of one dangling reference, and how it is matched. */
typedef struct fk_info {
	char **from, **to;          /* the key's columns, and the parent's (NULL: its key) */
	int n;
	char *parent;               /* the parent table, as the schema names it, or NULL */
	char *key, *column, *value; /* for the report */
	awm_buf child_key, parent_key;   /* awm_data_row_key form; empty: unknown */
} fk_info;

static void info_release(fk_info *f)
{
	int i;

	for (i = 0; i < f->n; i++) {
		free(f->from[i]);
		free(f->to[i]);
	}
	free(f->from);
	free(f->to);
	free(f->parent);
	free(f->key);
	free(f->column);
	free(f->value);
	awm_buf_release(&f->child_key);
	awm_buf_release(&f->parent_key);
}

static char *first_text(sqlite3 *db, const char *sql, const char *arg)
{
	sqlite3_stmt *st = NULL;
	char *s = NULL;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
			s = awm_strdup((const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	return s;
}

/* The key columns of `table`, in column order, each with its place in the key. */
static int key_columns(char ***names, int **pos, sqlite3 *db, const char *table)
{
	sqlite3_stmt *st = NULL;
	int n = 0;

	*names = NULL;
	*pos = NULL;
	if (sqlite3_prepare_v2(db, "SELECT name, pk FROM pragma_table_info(?1) WHERE pk > 0 "
			       "ORDER BY cid", -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		*names = awm_realloc(*names, (size_t)(n + 1) * sizeof(char *));
		*pos = awm_realloc(*pos, (size_t)(n + 1) * sizeof(int));
		(*names)[n] = awm_strdup((const char *)sqlite3_column_text(st, 0));
		(*pos)[n++] = sqlite3_column_int(st, 1);
	}
	sqlite3_finalize(st);
	return n;
}

static void names_free(char **names, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* The columns of foreign key `fkid` of `table`. */
static void fk_columns(fk_info *f, sqlite3 *db, const char *table, int fkid)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db, "SELECT \"from\", \"to\" FROM pragma_foreign_key_list(?1) "
			       "WHERE id = ?2 ORDER BY seq", -1, &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, fkid);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *to = (const char *)sqlite3_column_text(st, 1);

		f->from = awm_realloc(f->from, (size_t)(f->n + 1) * sizeof(char *));
		f->to = awm_realloc(f->to, (size_t)(f->n + 1) * sizeof(char *));
		f->from[f->n] = awm_strdup((const char *)sqlite3_column_text(st, 0));
		f->to[f->n++] = to ? awm_strdup(to) : NULL;
	}
	sqlite3_finalize(st);
}

/*
 * The parent's key from the referencing values (`vals`, one per column of
 * the foreign key), when the foreign key points at the parent's key.
 */
static void parent_key(fk_info *f, sqlite3 *db, sqlite3_value **vals)
{
	char **pk;
	int *pos, npk, i, k;

	if (!f->parent)
		return;
	npk = key_columns(&pk, &pos, db, f->parent);
	if (npk != f->n)
		goto done;
	awm_buf_put(&f->parent_key, f->parent, strlen(f->parent) + 1);
	for (i = 0; i < npk; i++) {
		for (k = 0; k < f->n; k++)
			if (f->to[k] ? awm_sql_ident_equal(f->to[k], pk[i]) : pos[i] == k + 1)
				break;
		if (k == f->n) {
			awm_buf_clear(&f->parent_key);
			break;
		}
		awm_cs_value(&f->parent_key, vals[k]);
	}
done:
	names_free(pk, npk);
	free(pos);
}

/* Read the referencing row: its key and the values of the foreign key. */
static void read_row(fk_info *f, sqlite3 *db, const rp_fk_row *v)
{
	awm_buf sql = AWM_BUF_INIT, b = AWM_BUF_INIT;
	sqlite3_stmt *st = NULL;
	char **pk;
	int *pos, npk, i;

	npk = key_columns(&pk, &pos, db, v->table);
	awm_buf_puts(&sql, "SELECT ");
	for (i = 0; i < f->n + npk; i++) {
		awm_buf_puts(&sql, i ? ", " : "");
		awm_sql_ident(&sql, i < f->n ? f->from[i] : pk[i - f->n]);
	}
	awm_buf_puts(&sql, " FROM ");
	awm_sql_ident(&sql, v->table);
	awm_buf_puts(&sql, " WHERE rowid = ?1");
	if (f->n && v->has_rowid &&
	    sqlite3_prepare_v2(db, sql.ptr, -1, &st, NULL) == SQLITE_OK &&
	    (sqlite3_bind_int64(st, 1, v->rowid), sqlite3_step(st)) == SQLITE_ROW) {
		sqlite3_value **vals = awm_calloc((size_t)f->n, sizeof(*vals));

		awm_buf_puts(&b, f->n > 1 ? "(" : "");
		for (i = 0; i < f->n; i++) {
			vals[i] = sqlite3_column_value(st, i);
			awm_buf_puts(&b, i ? ", " : "");
			awm_sql_value_format(&b, vals[i]);
		}
		awm_buf_puts(&b, f->n > 1 ? ")" : "");
		f->value = awm_buf_detach(&b);
		parent_key(f, db, vals);
		free(vals);
		if (npk)
			awm_buf_put(&f->child_key, v->table, strlen(v->table) + 1);
		for (i = 0; i < npk; i++) {
			awm_buf_printf(&b, "%s%s=", i ? " " : "", pk[i]);
			awm_sql_value_format(&b, sqlite3_column_value(st, f->n + i));
			awm_cs_value(&f->child_key, sqlite3_column_value(st, f->n + i));
		}
		if (!npk)
			awm_buf_printf(&b, "rowid=%lld", (long long)v->rowid);
		f->key = awm_buf_detach(&b);
	}
	sqlite3_finalize(st);
	names_free(pk, npk);
	free(pos);
	awm_buf_release(&sql);
	awm_buf_release(&b);
}

static int side_has_row(const awm_side *side, const awm_buf *key)
{
	awm_oid h;

	if (!key->size)
		return 0;
	rp_row_hash(&h, key);
	return awm_oidset_contains(&side->rows, &h);
}

static int side_touched_table(const awm_side *side, const char *table)
{
	size_t i;

	for (i = 0; table && i < side->touches.nr; i++)
		if (!strcmp(side->touches.items[i].type, "table") &&
		    awm_sql_ident_equal(side->touches.items[i].name, table))
			return 1;
	return 0;
}

/* Did the other side have a part in it?  Unknown rows count as yes. */
static int theirs_involved(const awm_side *side, const fk_info *f, const char *table)
{
	if (!side)
		return 1;
	if (!f->child_key.size || !f->parent_key.size)
		return 1;
	return side_has_row(side, &f->child_key) || side_has_row(side, &f->parent_key) ||
	       side_touched_table(side, table) || side_touched_table(side, f->parent);
}

int rp_check_fk(rp_job *j)
{
	sqlite3 *db = j->r->db;
	rp_fk_list after;
	size_t i;
	int rc, found = 0;

	if ((rc = rp_fk_scan(&after, db)) < 0)
		return rc;
	for (i = 0; i < after.nr; i++) {
		const rp_fk_row *v = &after.v[i];
		fk_info f;
		awm_conflict *e;
		int k;

		if (was_there(&j->fk_before, &after, i))
			continue;
		memset(&f, 0, sizeof(f));
		awm_buf_init(&f.child_key);
		awm_buf_init(&f.parent_key);
		f.parent = first_text(db, "SELECT name FROM sqlite_schema WHERE type = 'table' "
				      "AND name = ?1 COLLATE NOCASE", v->parent);
		fk_columns(&f, db, v->table, v->fkid);
		read_row(&f, db, v);
		if (theirs_involved(j->r->theirs, &f, v->table)) {
			awm_buf cols = AWM_BUF_INIT;

			for (k = 0; k < f.n; k++)
				awm_buf_printf(&cols, "%s%s", k ? ", " : "", f.from[k]);
			e = awm_conflict_add(&j->out->conflicts, AWM_CONFLICT_DATA);
			e->type = SQLITE_CHANGESET_FOREIGN_KEY;
			e->object = awm_strdup(v->table);
			e->key = awm_strdup(f.key ? f.key : "(a row without rowid)");
			e->column = cols.size ? awm_buf_detach(&cols) : NULL;
			e->ours = f.value ? awm_strdup(f.value) : NULL;
			e->message = awm_strdup(f.parent ? f.parent : v->parent);
			e->ours_commit = j->c->oid;
			e->our_file = j->c->migration ? awm_strdup(j->c->migration) : NULL;
			found++;
			awm_buf_release(&cols);
		}
		info_release(&f);
	}
	if (found) {
		rp_fk_release(&after);
		return AWM_ECONFLICT;
	}
	j->fk_after = after;   /* the next replay starts from it (rp_fk_keep) */
	return 0;
}
