/*
 * The conflicting rows of a database (see conflict_data.h): what a
 * settled changeset makes of them, reading them, and the SQL that turns
 * one reading into another, which is how a SQL migration carries a
 * strategy's choice.
 */
#include "core/conflict_internal.h"
#include "core/error.h"
#include "core/sqlite.h"
#include "core/sqltext.h"

#include <stdlib.h>
#include <string.h>

static int skip_conflict(void *ctx, int type, sqlite3_changeset_iter *it)
{
	(void)ctx; (void)type; (void)it;
	return SQLITE_CHANGESET_OMIT;
}

int awm_data_apply_settled(sqlite3 *db, const void *cs, size_t len)
{
	int rc, triggers = 1;

	if (!len)
		return 0;
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, -1, &triggers);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
	rc = sqlite3changeset_apply_v2(db, (int)len, (void *)cs, NULL, skip_conflict, NULL, NULL,
				       NULL, SQLITE_CHANGESETAPPLY_NOSAVEPOINT);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, triggers, NULL);
	return rc == SQLITE_OK ? 0 : awm_sqlite_error(db, rc, "cannot apply the settled changeset");
}

typedef struct row_state {
	int present;
	sqlite3_value **vals;    /* ncol */
} row_state;

struct awm_data_rows {
	row_state *v;
	size_t nr;
	int *ncol;
};

void awm_data_rows_free(awm_data_rows *r)
{
	size_t i;
	int j;

	if (!r)
		return;
	for (i = 0; i < r->nr; i++) {
		for (j = 0; r->v[i].vals && j < r->ncol[i]; j++)
			sqlite3_value_free(r->v[i].vals[j]);
		free(r->v[i].vals);
	}
	free(r->v);
	free(r->ncol);
	free(r);
}

/* " WHERE k1 = ?1 AND k2 = ?2" over the key columns, binding in column order. */
static void where_key(awm_buf *sql, const dc_row *d, char **names)
{
	int i, n = 0;

	for (i = 0; i < d->ncol; i++) {
		if (!d->pk[i])
			continue;
		awm_buf_puts(sql, n ? " AND " : " WHERE ");
		awm_sql_ident(sql, names[i]);
		awm_buf_printf(sql, " IS ?%d", ++n);
	}
}

static sqlite3_value **key_values(const dc_row *d)
{
	return d->op == SQLITE_INSERT ? d->new : d->old;
}

static int read_row(row_state *out, const dc_row *d, sqlite3 *db)
{
	char **names = dc_column_names(db, d->table, d->ncol);
	awm_buf sql = AWM_BUF_INIT;
	sqlite3_stmt *st = NULL;
	int i, n = 0, rc;

	awm_buf_puts(&sql, "SELECT ");
	for (i = 0; i < d->ncol; i++) {
		awm_buf_puts(&sql, i ? ", " : "");
		awm_sql_ident(&sql, names[i]);
	}
	awm_buf_puts(&sql, " FROM ");
	awm_sql_ident(&sql, d->table);
	where_key(&sql, d, names);
	rc = sqlite3_prepare_v2(db, sql.ptr, -1, &st, NULL);
	for (i = 0; rc == SQLITE_OK && i < d->ncol; i++)
		if (d->pk[i])
			rc = sqlite3_bind_value(st, ++n, key_values(d)[i]);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		out->present = 1;
		out->vals = awm_calloc((size_t)d->ncol, sizeof(sqlite3_value *));
		for (i = 0; i < d->ncol; i++)
			out->vals[i] = sqlite3_value_dup(sqlite3_column_value(st, i));
		rc = SQLITE_DONE;
	}
	rc = rc == SQLITE_DONE ? 0 : awm_sqlite_error(db, rc, "cannot read row %s of '%s'",
						      d->key, d->table);
	sqlite3_finalize(st);
	awm_buf_release(&sql);
	dc_names_free(names, d->ncol);
	return rc;
}

int awm_data_rows_read(awm_data_rows **out, const awm_data_check *dc, sqlite3 *db)
{
	awm_data_rows *r = awm_calloc(1, sizeof(*r));
	size_t i;
	int rc = 0;

	r->nr = dc->rows ? dc->rows->nr : 0;
	r->v = awm_calloc(r->nr ? r->nr : 1, sizeof(row_state));
	r->ncol = awm_calloc(r->nr ? r->nr : 1, sizeof(int));
	for (i = 0; i < r->nr && rc == 0; i++) {
		r->ncol[i] = dc->rows->v[i].ncol;
		rc = read_row(&r->v[i], &dc->rows->v[i], db);
	}
	if (rc < 0) {
		awm_data_rows_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

void awm_data_rows_fix_sql(awm_buf *out, const awm_data_check *dc, const awm_data_rows *from,
			   const awm_data_rows *to, sqlite3 *db)
{
	size_t i;
	int j;

	for (i = 0; i < from->nr && i < to->nr; i++) {
		const dc_row *d = &dc->rows->v[i];
		const row_state *a = &from->v[i], *b = &to->v[i];
		char **names;
		int n = 0;

		if (!a->present && !b->present)
			continue;
		names = dc_column_names(db, d->table, d->ncol);
		if (a->present && !b->present) {
			awm_buf_puts(out, "DELETE FROM ");
			awm_sql_ident(out, d->table);
		} else if (!a->present) {
			awm_buf_puts(out, "INSERT INTO ");
			awm_sql_ident(out, d->table);
			awm_buf_puts(out, " (");
			for (j = 0; j < d->ncol; j++) {
				awm_buf_puts(out, j ? ", " : "");
				awm_sql_ident(out, names[j]);
			}
			awm_buf_puts(out, ") VALUES (");
			for (j = 0; j < d->ncol; j++) {
				awm_buf_puts(out, j ? ", " : "");
				awm_sql_literal(out, b->vals[j]);
			}
			awm_buf_puts(out, ");\n");
			dc_names_free(names, d->ncol);
			continue;
		} else {
			for (j = 0; j < d->ncol; j++)
				n += !d->pk[j] && !dc_value_equal(a->vals[j], b->vals[j]);
			if (!n) {
				dc_names_free(names, d->ncol);
				continue;
			}
			awm_buf_puts(out, "UPDATE ");
			awm_sql_ident(out, d->table);
			awm_buf_puts(out, " SET ");
			n = 0;
			for (j = 0; j < d->ncol; j++) {
				if (d->pk[j] || dc_value_equal(a->vals[j], b->vals[j]))
					continue;
				awm_buf_puts(out, n++ ? ", " : "");
				awm_sql_ident(out, names[j]);
				awm_buf_puts(out, " = ");
				awm_sql_literal(out, b->vals[j]);
			}
		}
		n = 0;
		for (j = 0; j < d->ncol; j++) {
			if (!d->pk[j])
				continue;
			awm_buf_puts(out, n++ ? " AND " : " WHERE ");
			awm_sql_ident(out, names[j]);
			awm_buf_puts(out, " = ");
			awm_sql_literal(out, (a->present ? a : b)->vals[j]);
		}
		awm_buf_puts(out, ";\n");
		dc_names_free(names, d->ncol);
	}
}
