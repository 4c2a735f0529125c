/*
 * The conflict list, its report lines, and schema conflicts (see
 * conflict.h).
 */
#include "core/conflict.h"
#include "core/error.h"
#include "core/sql_table.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

const char *awm_strategy_name(awm_strategy s)
{
	switch (s) {
	case AWM_STRATEGY_OURS: return "ours";
	case AWM_STRATEGY_THEIRS: return "theirs";
	default: return NULL;
	}
}

int awm_strategy_parse(const char *name)
{
	if (!strcmp(name, "ours"))
		return AWM_STRATEGY_OURS;
	if (!strcmp(name, "theirs"))
		return AWM_STRATEGY_THEIRS;
	return -1;
}

awm_conflict *awm_conflict_add(awm_conflict_list *l, awm_conflict_kind kind)
{
	awm_conflict *c;

	AWM_ARRAY_GROW(l->items, l->nr + 1, l->alloc);
	c = &l->items[l->nr++];
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	return c;
}

static void conflict_release(awm_conflict *c)
{
	free(c->object_type);
	free(c->object);
	free(c->column);
	free(c->key);
	free(c->base);
	free(c->theirs);
	free(c->ours);
	free(c->what_ours);
	free(c->what_theirs);
	free(c->message);
	free(c->our_file);
	free(c->their_file);
	free(c->resolution);
}

void awm_conflict_list_release(awm_conflict_list *l)
{
	size_t i;

	for (i = 0; i < l->nr; i++)
		conflict_release(&l->items[i]);
	free(l->items);
	memset(l, 0, sizeof(*l));
}

void awm_conflict_list_take(awm_conflict_list *to, awm_conflict_list *from)
{
	size_t i;

	for (i = 0; i < from->nr; i++) {
		AWM_ARRAY_GROW(to->items, to->nr + 1, to->alloc);
		to->items[to->nr++] = from->items[i];
	}
	free(from->items);
	memset(from, 0, sizeof(*from));
}

int awm_conflict_settleable(const awm_conflict *c)
{
	return c->kind == AWM_CONFLICT_DATA && c->type != SQLITE_CHANGESET_FOREIGN_KEY;
}

size_t awm_conflict_unresolved(const awm_conflict_list *l)
{
	size_t i, n = 0;

	for (i = 0; i < l->nr; i++)
		n += !l->items[i].resolution;
	return n;
}

const char *awm_conflict_kind_name(awm_conflict_kind kind)
{
	switch (kind) {
	case AWM_CONFLICT_SCRIPT: return "schema";
	case AWM_CONFLICT_SCHEMA: return "schema";
	case AWM_CONFLICT_MIGRATION: return "migration";
	case AWM_CONFLICT_DATA: return "data";
	}
	return "?";
}

const char *awm_conflict_type_name(int type)
{
	switch (type) {
	case SQLITE_CHANGESET_DATA: return "DATA";
	case SQLITE_CHANGESET_NOTFOUND: return "NOTFOUND";
	case SQLITE_CHANGESET_CONFLICT: return "CONFLICT";
	case SQLITE_CHANGESET_CONSTRAINT: return "CONSTRAINT";
	case SQLITE_CHANGESET_FOREIGN_KEY: return "FOREIGN_KEY";
	default: return "?";
	}
}

/* " in <commit> (<file>)" */
static void put_commit(awm_buf *out, const awm_oid *commit, const char *file)
{
	if (awm_oid_is_zero(commit))
		return;
	awm_buf_printf(out, " in %s", awm_oid_short(commit, 10).s);
	if (file)
		awm_buf_printf(out, " (%s)", file);
}

static const char *or_absent(const char *v)
{
	return v ? v : "(no row)";
}

void awm_conflict_format(awm_buf *out, const awm_conflict *c, const awm_conflict_labels *labels)
{
	static const awm_conflict_labels plain = { "upstream", "ours" };

	if (!labels)
		labels = &plain;
	if (c->resolution)
		awm_buf_printf(out, "resolved (%s): ", c->kind == AWM_CONFLICT_DATA ? "data" :
			       awm_conflict_kind_name(c->kind));
	else if (c->kind == AWM_CONFLICT_DATA)
		awm_buf_printf(out, "CONFLICT (data, %s): ", awm_conflict_type_name(c->type));
	else
		awm_buf_printf(out, "CONFLICT (%s): ", awm_conflict_kind_name(c->kind));
	switch (c->kind) {
	case AWM_CONFLICT_SCRIPT:
		awm_buf_printf(out, "%s", c->message ? c->message : "the script fails");
		if (!awm_oid_is_zero(&c->ours_commit))
			awm_buf_printf(out, " (%s %s)", labels->ours,
				       awm_oid_short(&c->ours_commit, 10).s);
		break;
	case AWM_CONFLICT_MIGRATION:
		awm_buf_printf(out, "migration '%s' was recorded on both sides with %s: %s",
			       c->message, c->what_ours ? c->what_ours : "different text",
			       labels->ours);
		put_commit(out, &c->ours_commit, NULL);
		awm_buf_printf(out, ", %s", labels->theirs);
		put_commit(out, &c->their_commit, NULL);
		break;
	case AWM_CONFLICT_SCHEMA:
		awm_buf_printf(out, "%s '%s'", c->object_type, c->object);
		if (c->column)
			awm_buf_printf(out, ", column '%s'", c->column);
		awm_buf_printf(out, ": %s %s", labels->ours, c->what_ours);
		put_commit(out, &c->ours_commit, c->our_file);
		if (c->what_theirs) {
			awm_buf_printf(out, ", %s %s", labels->theirs, c->what_theirs);
			put_commit(out, &c->their_commit, c->their_file);
		} else if (c->message) {
			awm_buf_printf(out, ": %s", c->message);
		}
		break;
	case AWM_CONFLICT_DATA:
		awm_buf_printf(out, "table '%s', row %s", c->object, c->key);
		if (c->column)
			awm_buf_printf(out, ", column '%s'", c->column);
		if (c->type == SQLITE_CHANGESET_FOREIGN_KEY)
			awm_buf_printf(out, ": %s refers to no row of table '%s'",
				       c->ours ? c->ours : "its key", c->message);
		else if (c->type == SQLITE_CHANGESET_CONSTRAINT)
			awm_buf_printf(out, ": %s %s breaks a constraint", labels->ours,
				       c->ours ? c->ours : "");
		else
			awm_buf_printf(out, ": base %s, %s %s, %s %s", or_absent(c->base),
				       labels->theirs, or_absent(c->theirs), labels->ours,
				       or_absent(c->ours));
		put_commit(out, &c->ours_commit, c->our_file);
		break;
	}
	if (c->resolution)
		awm_buf_printf(out, "; %s", c->resolution);
}

void awm_schema_touches_release(awm_schema_touches *t)
{
	size_t i;

	for (i = 0; i < t->nr; i++) {
		free(t->items[i].type);
		free(t->items[i].name);
		free(t->items[i].column);
		free(t->items[i].file);
	}
	free(t->items);
	memset(t, 0, sizeof(*t));
}

typedef struct touch_ctx {
	awm_schema_touches *t;
	const awm_oid *commit;
	const char *file;
} touch_ctx;

/* Record one touch; a touch of the same thing replaces the older one. */
static void touch(touch_ctx *x, const char *type, const char *name, const char *column,
		  const char *what)
{
	awm_schema_touch *e;
	size_t i;

	for (i = 0; i < x->t->nr; i++) {
		e = &x->t->items[i];
		if (!strcmp(e->type, type) && awm_sql_ident_equal(e->name, name) &&
		    ((!e->column && !column) ||
		     (e->column && column && awm_sql_ident_equal(e->column, column))))
			break;
	}
	if (i == x->t->nr) {
		AWM_ARRAY_GROW(x->t->items, x->t->nr + 1, x->t->alloc);
		e = &x->t->items[x->t->nr++];
		memset(e, 0, sizeof(*e));
		e->type = awm_strdup(type);
		e->name = awm_strdup(name);
		e->column = column ? awm_strdup(column) : NULL;
	} else {
		free(e->file);
	}
	e->what = what;
	e->commit = *x->commit;
	e->file = x->file ? awm_strdup(x->file) : NULL;
}

static int same_strings(char **a, size_t na, char **b, size_t nb)
{
	size_t i;

	if (na != nb)
		return 0;
	for (i = 0; i < na; i++)
		if (strcmp(a[i], b[i]))
			return 0;
	return 1;
}

/*
 * A table whose definition changed: column by column when only columns
 * differ, else the table as a whole.
 */
static void table_changed(touch_ctx *x, const awm_schema_entry *from, const awm_schema_entry *to)
{
	awm_sql_table a, b;
	size_t i;
	int ok;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	ok = awm_sql_table_parse(&a, from->sql) == 0 && awm_sql_table_parse(&b, to->sql) == 0 &&
	     !strcmp(a.tail, b.tail) && same_strings(a.constraints, a.ncons, b.constraints, b.ncons);
	awm_error_clear();
	if (!ok) {
		touch(x, "table", to->name, NULL, "changes");
		goto done;
	}
	for (i = 0; i < b.ncols; i++) {
		const awm_sql_column *old = awm_sql_table_column(&a, b.cols[i].name);

		if (!old)
			touch(x, "table", to->name, b.cols[i].name, "adds column");
		else if (strcmp(old->def, b.cols[i].def))
			touch(x, "table", to->name, b.cols[i].name, "changes column");
	}
	for (i = 0; i < a.ncols; i++)
		if (!awm_sql_table_column(&b, a.cols[i].name))
			touch(x, "table", to->name, a.cols[i].name, "drops column");
done:
	awm_sql_table_release(&a);
	awm_sql_table_release(&b);
}

void awm_schema_touches_add(awm_schema_touches *t, const awm_schema *from, const awm_schema *to,
			    const awm_oid *commit, const char *file)
{
	touch_ctx x = { t, commit, file };
	size_t i;

	for (i = 0; i < to->nr; i++) {
		const awm_schema_entry *e = &to->entries[i];
		const awm_schema_entry *old = from ? awm_schema_find(from, e->type, e->name) : NULL;

		if (!old)
			touch(&x, e->type, e->name, NULL, "creates");
		else if (strcmp(old->sql, e->sql)) {
			if (!strcmp(e->type, "table"))
				table_changed(&x, old, e);
			else
				touch(&x, e->type, e->name, NULL, "changes");
		}
	}
	for (i = 0; from && i < from->nr; i++)
		if (!awm_schema_find(to, from->entries[i].type, from->entries[i].name))
			touch(&x, from->entries[i].type, from->entries[i].name, NULL, "drops");
}

static int touches_overlap(const awm_schema_touch *a, const awm_schema_touch *b)
{
	if (strcmp(a->type, b->type) || !awm_sql_ident_equal(a->name, b->name))
		return 0;
	if (a->column && b->column)
		return awm_sql_ident_equal(a->column, b->column);
	return 1;   /* the whole object on one side at least */
}

void awm_schema_touches_conflicts(awm_conflict_list *out, const awm_schema_touches *ours,
				  const awm_schema_touches *theirs)
{
	size_t i, j;

	for (i = 0; i < ours->nr; i++) {
		const awm_schema_touch *o = &ours->items[i];

		for (j = 0; j < theirs->nr; j++) {
			const awm_schema_touch *t = &theirs->items[j];
			awm_conflict *c;

			if (!touches_overlap(o, t))
				continue;
			c = awm_conflict_add(out, AWM_CONFLICT_SCHEMA);
			c->object_type = awm_strdup(o->type);
			c->object = awm_strdup(o->name);
			c->column = o->column ? awm_strdup(o->column) :
				    t->column ? awm_strdup(t->column) : NULL;
			c->what_ours = awm_strdup(o->what);
			c->what_theirs = awm_strdup(t->what);
			c->ours_commit = o->commit;
			c->their_commit = t->commit;
			c->our_file = o->file ? awm_strdup(o->file) : NULL;
			c->their_file = t->file ? awm_strdup(t->file) : NULL;
		}
	}
}
