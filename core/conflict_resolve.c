/*
 * Settling data conflicts with a strategy (see conflict_data.h; the
 * conflicting rows themselves are read and rewritten in conflict_rows.c).
 *
 * Settling follows sqlite3rebaser's model.  Our changeset is the local
 * change; the other side's changes to the conflicting rows (rebuilt from
 * what the check saw: base values and current values) are the remote
 * change.  The remote change is applied to a small database holding our
 * version of those rows, with the strategy answering each conflict (OMIT:
 * ours stays, REPLACE: theirs wins); the rebase buffer that records the
 * answers configures a rebaser, which rewrites our changeset to apply on
 * top of theirs.  That keeps a strategy's choice per column: with
 * `theirs`, our update of other columns of the same row survives.  The
 * cases the rebaser leaves alone (a row the other side deleted, a row we
 * delete and they changed, a change that breaks a constraint) are settled
 * by leaving our change out.
 */
#include "core/conflict_internal.h"
#include "core/cswrite.h"
#include "core/error.h"
#include "core/sqlite.h"
#include "core/sqltext.h"

#include <stdlib.h>
#include <string.h>

/*
 * Each entry of row `d` gets `what`: "%T" there is the other side's name,
 * "%V" the value kept (`which`: 0 ours, 1 theirs, 2 none).
 */
static void settle(awm_data_check *dc, const dc_row *d, const char *what, int which,
		   const char *theirs)
{
	size_t i;
	const char *p;

	for (i = d->first; i < d->first + d->n; i++) {
		awm_conflict *c = &dc->conflicts.items[i];
		const char *v = which == 0 ? c->ours : which == 1 ? c->theirs : NULL;
		awm_buf b = AWM_BUF_INIT;

		for (p = what; *p; p++) {
			if (p[0] == '%' && p[1] == 'T') {
				awm_buf_puts(&b, theirs);
				p++;
			} else if (p[0] == '%' && p[1] == 'V') {
				awm_buf_puts(&b, v ? v : "");
				p++;
			} else {
				awm_buf_putc(&b, *p);
			}
		}
		free(c->resolution);
		c->resolution = awm_buf_detach(&b);
	}
}

/* Choose for every row; 0 when all are settled. */
static int decide(awm_data_check *dc, awm_strategy s, const char *theirs)
{
	size_t i;
	int unsettled = 0;

	for (i = 0; i < dc->rows->nr; i++) {
		dc_row *d = &dc->rows->v[i];

		d->decision = DC_UNSETTLED;
		if (!d->real) {   /* both did the same: keep theirs, drop ours */
			d->decision = d->type == SQLITE_CHANGESET_NOTFOUND ? DC_DROP : DC_REPLACE;
			continue;
		}
		if (s == AWM_STRATEGY_NONE) {
			unsettled = 1;
			continue;
		}
		switch (d->type) {
		case SQLITE_CHANGESET_DATA:
			if (d->op == SQLITE_UPDATE) {
				d->decision = s == AWM_STRATEGY_OURS ? DC_OMIT : DC_REPLACE;
				settle(dc, d, s == AWM_STRATEGY_OURS ? "kept ours: %V" :
				       "kept %T's %V", s == AWM_STRATEGY_OURS ? 0 : 1, theirs);
			} else {
				d->decision = s == AWM_STRATEGY_OURS ? DC_KEEP : DC_DROP;
				settle(dc, d, s == AWM_STRATEGY_OURS ? "deleted the row (ours)" :
				       "kept %T's row, not deleted", 2, theirs);
			}
			break;
		case SQLITE_CHANGESET_NOTFOUND:
			d->decision = DC_DROP;
			settle(dc, d, s == AWM_STRATEGY_OURS ?
			       "the row stays deleted: an update cannot bring back its other "
			       "values" : "kept %T's deletion", 2, theirs);
			break;
		case SQLITE_CHANGESET_CONFLICT:
			d->decision = s == AWM_STRATEGY_OURS ? DC_OMIT : DC_REPLACE;
			settle(dc, d, s == AWM_STRATEGY_OURS ? "kept ours: %V" :
			       "kept %T's %V", s == AWM_STRATEGY_OURS ? 0 : 1, theirs);
			break;
		default:   /* CONSTRAINT: only leaving ours out settles it */
			if (s == AWM_STRATEGY_THEIRS) {
				d->decision = DC_DROP;
				settle(dc, d, "left our change out", 2, theirs);
			} else {
				unsettled = 1;
			}
		}
	}
	return unsettled;
}

/* The remote change for a row, and our version of it in the small database. */
static void remote_change(awm_buf *r, const dc_row *d)
{
	int i, any = 0;

	if (d->type == SQLITE_CHANGESET_CONFLICT) {
		awm_cs_change(r, SQLITE_INSERT);
		for (i = 0; i < d->ncol; i++)
			awm_cs_value(r, d->cur[i]);
		return;
	}
	for (i = 0; i < d->ncol; i++)
		any |= !d->pk[i] && d->old[i] && !dc_value_equal(d->old[i], d->cur[i]);
	if (!any)
		return;
	awm_cs_change(r, SQLITE_UPDATE);
	for (i = 0; i < d->ncol; i++)
		awm_cs_value(r, d->pk[i] || (d->old[i] && !dc_value_equal(d->old[i], d->cur[i])) ?
			     d->old[i] : NULL);
	for (i = 0; i < d->ncol; i++)
		awm_cs_value(r, !d->pk[i] && d->old[i] && !dc_value_equal(d->old[i], d->cur[i]) ?
			     d->cur[i] : NULL);
}

static int create_table(sqlite3 *db, const dc_row *d)
{
	awm_buf sql = AWM_BUF_INIT;
	int i, rc, first = 1;

	/* Untyped columns keep values as they are; the key is matched as a whole. */
	awm_buf_puts(&sql, "CREATE TABLE ");
	awm_sql_ident(&sql, d->table);
	awm_buf_puts(&sql, " (");
	for (i = 0; i < d->ncol; i++)
		awm_buf_printf(&sql, "%sc%d", i ? ", " : "", i);
	awm_buf_puts(&sql, ", PRIMARY KEY (");
	for (i = 0; i < d->ncol; i++)
		if (d->pk[i]) {
			awm_buf_printf(&sql, "%sc%d", first ? "" : ", ", i);
			first = 0;
		}
	awm_buf_puts(&sql, "))");
	rc = awm_sqlite_exec(db, sql.ptr);
	awm_buf_release(&sql);
	return rc;
}

/* Our version of a row: the key, our new values, theirs for the rest. */
static int insert_ours(sqlite3 *db, const dc_row *d)
{
	awm_buf sql = AWM_BUF_INIT;
	sqlite3_stmt *st = NULL;
	int i, rc;

	if (d->op == SQLITE_DELETE)
		return 0;   /* we deleted it: our version has no row */
	awm_buf_puts(&sql, "INSERT INTO ");
	awm_sql_ident(&sql, d->table);
	awm_buf_puts(&sql, " VALUES (");
	for (i = 0; i < d->ncol; i++)
		awm_buf_puts(&sql, i ? ", ?" : "?");
	awm_buf_putc(&sql, ')');
	rc = sqlite3_prepare_v2(db, sql.ptr, -1, &st, NULL);
	for (i = 0; rc == SQLITE_OK && i < d->ncol; i++) {
		sqlite3_value *v = d->new && d->new[i] ? d->new[i] :
				   d->pk[i] && d->old ? d->old[i] : d->cur ? d->cur[i] : NULL;

		rc = v ? sqlite3_bind_value(st, i + 1, v) : sqlite3_bind_null(st, i + 1);
	}
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_DONE)
		rc = SQLITE_OK;
	rc = rc == SQLITE_OK ? 0 : awm_sqlite_error(db, rc, "cannot stage a conflicting row");
	sqlite3_finalize(st);
	awm_buf_release(&sql);
	return rc;
}

typedef struct answer_ctx {
	struct data_rows *rows;
	awm_buf key;
} answer_ctx;

static const dc_row *find_row(struct data_rows *rows, const awm_buf *key)
{
	size_t i;

	for (i = 0; i < rows->nr; i++)
		if (rows->v[i].match.size == key->size &&
		    !memcmp(rows->v[i].match.ptr, key->ptr, key->size))
			return &rows->v[i];
	return NULL;
}

static sqlite3_value **iter_key_values(sqlite3_changeset_iter *it, int op, int ncol)
{
	sqlite3_value **v = awm_calloc((size_t)(ncol > 0 ? ncol : 1), sizeof(*v));
	int i;

	for (i = 0; i < ncol; i++) {
		if (op == SQLITE_INSERT)
			sqlite3changeset_new(it, i, &v[i]);
		else
			sqlite3changeset_old(it, i, &v[i]);
	}
	return v;
}

static void iter_match(awm_buf *out, sqlite3_changeset_iter *it)
{
	const char *tab;
	unsigned char *pk;
	int ncol, op, ind, npk;
	sqlite3_value **v;

	sqlite3changeset_op(it, &tab, &ncol, &op, &ind);
	sqlite3changeset_pk(it, &pk, &npk);
	v = iter_key_values(it, op, ncol);
	dc_match_key(out, tab, ncol, pk, v);
	free(v);   /* borrowed values */
}

static int answer(void *ctx, int type, sqlite3_changeset_iter *it)
{
	answer_ctx *x = ctx;
	const dc_row *d;

	if (type == SQLITE_CHANGESET_NOTFOUND || type == SQLITE_CHANGESET_FOREIGN_KEY ||
	    type == SQLITE_CHANGESET_CONSTRAINT)
		return SQLITE_CHANGESET_OMIT;
	iter_match(&x->key, it);
	d = find_row(x->rows, &x->key);
	return d && d->decision == DC_REPLACE ? SQLITE_CHANGESET_REPLACE : SQLITE_CHANGESET_OMIT;
}

static int staged(const dc_row *d)
{
	return d->decision == DC_OMIT || d->decision == DC_REPLACE || d->decision == DC_KEEP;
}

/* The rebase buffer: their changes applied to our rows, as decided. */
static int rebase_buffer(void **out, int *n, struct data_rows *rows)
{
	answer_ctx x;
	awm_buf r = AWM_BUF_INIT;
	sqlite3 *db = NULL;
	size_t i, j;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = awm_sqlite_open_image(&db, NULL, 0)) < 0)
		return rc;
	/* Grouped by table, as a changeset must be. */
	for (i = 0; i < rows->nr && rc == 0; i++) {
		const dc_row *d = &rows->v[i];

		if (!staged(d))
			continue;
		for (j = 0; j < i; j++)
			if (staged(&rows->v[j]) && !strcmp(rows->v[j].table, d->table))
				break;
		if (j < i)
			continue;   /* this table was done with its first row */
		if ((rc = create_table(db, d)) < 0)
			break;
		awm_cs_table(&r, d->table, d->ncol, d->pk);
		for (j = i; j < rows->nr && rc == 0; j++) {
			const dc_row *e = &rows->v[j];

			if (strcmp(e->table, d->table) || !staged(e))
				continue;
			rc = insert_ours(db, e);
			remote_change(&r, e);
		}
	}
	if (rc == 0 && r.size) {
		x.rows = rows;
		awm_buf_init(&x.key);
		rc = sqlite3changeset_apply_v2(db, (int)r.size, r.ptr, NULL, answer, &x, out, n, 0);
		rc = rc == SQLITE_OK ? 0 : awm_sqlite_error(db, rc, "cannot settle the conflicts");
		awm_buf_release(&x.key);
	}
	sqlite3_close(db);
	awm_buf_release(&r);
	return rc;
}

/* Copy `cs` leaving out our changes to the rows decided DC_DROP. */
static int drop_rows(awm_buf *out, const void *cs, size_t len, struct data_rows *rows)
{
	sqlite3_changeset_iter *it = NULL;
	awm_buf key = AWM_BUF_INIT;
	char *table = NULL;
	int rc;

	awm_buf_clear(out);
	rc = sqlite3changeset_start(&it, (int)len, (void *)cs);
	while (rc == SQLITE_OK && sqlite3changeset_next(it) == SQLITE_ROW) {
		const char *tab;
		unsigned char *pk;
		int ncol, op, ind, npk;
		const dc_row *d;

		sqlite3changeset_op(it, &tab, &ncol, &op, &ind);
		sqlite3changeset_pk(it, &pk, &npk);
		iter_match(&key, it);
		if ((d = find_row(rows, &key)) && d->decision == DC_DROP)
			continue;
		if (!table || strcmp(table, tab)) {
			free(table);
			table = awm_strdup(tab);
			awm_cs_table(out, tab, ncol, pk);
		}
		awm_cs_copy_change(out, it, op, ncol);
	}
	if (it && (rc = sqlite3changeset_finalize(it)) != SQLITE_OK)
		rc = awm_sqlite_error(NULL, rc, "cannot read a rebased changeset");
	free(table);
	awm_buf_release(&key);
	return rc == SQLITE_OK ? 0 : rc;
}

int awm_data_resolve(awm_buf *out, awm_data_check *dc, const void *cs, size_t len,
		     awm_strategy strategy, const awm_conflict_labels *labels)
{
	sqlite3_rebaser *rb = NULL;
	void *buffer = NULL, *rebased = NULL;
	int nbuffer = 0, nrebased = 0, rc;
	size_t i;

	awm_buf_clear(out);
	if (!dc->rows) {   /* nothing was checked */
		awm_buf_put(out, cs, len);
		return 0;
	}
	if (decide(dc, strategy, labels && labels->theirs ? labels->theirs : "upstream")) {
		for (i = 0; i < dc->conflicts.nr; i++) {
			free(dc->conflicts.items[i].resolution);
			dc->conflicts.items[i].resolution = NULL;
		}
		return AWM_ECONFLICT;
	}
	if (!dc->rows->nr) {
		awm_buf_put(out, cs, len);
		return 0;
	}
	if ((rc = rebase_buffer(&buffer, &nbuffer, dc->rows)) < 0)
		goto done;
	if (nbuffer) {
		if ((rc = sqlite3rebaser_create(&rb)) != SQLITE_OK ||
		    (rc = sqlite3rebaser_configure(rb, nbuffer, buffer)) != SQLITE_OK ||
		    (rc = sqlite3rebaser_rebase(rb, (int)len, cs, &nrebased, &rebased)) != SQLITE_OK) {
			rc = awm_sqlite_error(NULL, rc, "cannot rebase the changeset");
			goto done;
		}
		cs = rebased;
		len = (size_t)nrebased;
	}
	rc = drop_rows(out, cs, len, dc->rows);
done:
	sqlite3rebaser_delete(rb);
	sqlite3_free(buffer);
	sqlite3_free(rebased);
	return rc;
}
