/*
 * The diff engine's values and output: exact equality and SQLite's
 * ordering of values, and writing rows as changeset changes (cswrite.h).
 */
#include "core/cswrite.h"
#include "core/dbdiff_internal.h"

#include <stdlib.h>
#include <string.h>

int dd_value_equal(const dd_value *a, const dd_value *b)
{
	if (a->type != b->type)
		return 0;
	switch (a->type) {
	case SQLITE_INTEGER:
		return a->i == b->i;
	case SQLITE_FLOAT:
		return !memcmp(&a->r, &b->r, sizeof(double));
	case SQLITE_TEXT:
	case SQLITE_BLOB:
		return a->n == b->n && (!a->n || !memcmp(a->p, b->p, a->n));
	default:
		return 1;
	}
}

/* SQLite's integer-against-real comparison, exact over the whole range. */
static int int_real_cmp(int64_t i, double r)
{
	double s;
	int64_t y;

	if (r < -9223372036854775808.0)
		return 1;
	if (r >= 9223372036854775808.0)
		return -1;
	y = (int64_t)r;
	if (i < y)
		return -1;
	if (i > y)
		return 1;
	s = (double)i;
	return (s < r) ? -1 : (s > r);
}

static int type_rank(int type)
{
	switch (type) {
	case SQLITE_NULL: return 0;
	case SQLITE_INTEGER: case SQLITE_FLOAT: return 1;
	case SQLITE_TEXT: return 2;
	default: return 3;
	}
}

int dd_value_cmp(const dd_value *a, const dd_value *b)
{
	int ra = type_rank(a->type), rb = type_rank(b->type), c;
	size_t n;

	if (ra != rb)
		return ra < rb ? -1 : 1;
	switch (ra) {
	case 0:
		return 0;
	case 1:
		if (a->type == SQLITE_INTEGER && b->type == SQLITE_INTEGER)
			return (a->i > b->i) - (a->i < b->i);
		if (a->type == SQLITE_FLOAT && b->type == SQLITE_FLOAT)
			return (a->r > b->r) - (a->r < b->r);
		if (a->type == SQLITE_INTEGER)
			return int_real_cmp(a->i, b->r);
		return -int_real_cmp(b->i, a->r);
	default:
		n = a->n < b->n ? a->n : b->n;
		c = n ? memcmp(a->p, b->p, n) : 0;
		return c ? c : (a->n > b->n) - (a->n < b->n);
	}
}

static void put_value(awm_buf *out, const dd_value *v)
{
	switch (v->type) {
	case SQLITE_INTEGER: awm_cs_int(out, v->i); break;
	case SQLITE_FLOAT: awm_cs_real(out, v->r); break;
	case SQLITE_TEXT: awm_cs_bytes(out, AWM_CS_TEXT, v->p, v->n); break;
	case SQLITE_BLOB: awm_cs_bytes(out, AWM_CS_BLOB, v->p, v->n); break;
	default: awm_cs_null(out);
	}
}

void dd_emit_start(dd_emit *e, awm_dbdiff *d, const dd_table *t)
{
	e->d = d;
	e->t = t;
	e->header_done = 0;
	e->changed = awm_calloc((size_t)t->ncol, 1);
}

void dd_emit_end(dd_emit *e)
{
	free(e->changed);
	e->changed = NULL;
}

static void header(dd_emit *e)
{
	if (e->header_done)
		return;
	awm_cs_table(&e->d->changeset, e->t->name, e->t->ncol, e->t->pk);
	e->header_done = 1;
	e->d->tables_changed++;
}

static void whole_row(dd_emit *e, int op, const dd_value *row)
{
	int i;

	header(e);
	awm_cs_change(&e->d->changeset, op);
	for (i = 0; i < e->t->ncol; i++)
		put_value(&e->d->changeset, &row[i]);
}

void dd_emit_insert(dd_emit *e, const dd_value *row)
{
	whole_row(e, SQLITE_INSERT, row);
	e->d->inserts++;
}

void dd_emit_delete(dd_emit *e, const dd_value *row)
{
	whole_row(e, SQLITE_DELETE, row);
	e->d->deletes++;
}

int dd_emit_update(dd_emit *e, const dd_value *old, const dd_value *new)
{
	const dd_table *t = e->t;
	awm_buf *out = &e->d->changeset;
	int i, any = 0;

	for (i = 0; i < t->ncol; i++) {
		e->changed[i] = !t->pk[i] && !dd_value_equal(&old[i], &new[i]);
		any |= e->changed[i];
	}
	if (!any)
		return 0;
	header(e);
	awm_cs_change(out, SQLITE_UPDATE);
	for (i = 0; i < t->ncol; i++) {
		if (t->pk[i] || e->changed[i])
			put_value(out, &old[i]);
		else
			awm_cs_undefined(out);
	}
	for (i = 0; i < t->ncol; i++) {
		if (e->changed[i])
			put_value(out, &new[i]);
		else
			awm_cs_undefined(out);
	}
	e->d->updates++;
	return 1;
}
