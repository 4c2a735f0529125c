/*
 * One table through the history (see table_history.h).
 *
 * Every commit met becomes a node (its parents, changeset and the view of
 * the table its schema gives); views are built once per schema id.  Nodes
 * and views live in arrays found through oidmaps, and are referred to by
 * index, since the arrays move as they grow.
 */
#include "core/table_history.h"
#include "core/error.h"
#include "core/sql_table.h"
#include "objects/commit.h"
#include "objects/oidmap.h"
#include "objects/schema.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

typedef struct dep {
	char *type, *name, *sql;
} dep;

/* The table as one schema has it. */
typedef struct view {
	int has_table, parsed;
	char *sql;
	awm_sql_table t;
	dep *deps;           /* indexes and triggers on the table, in schema order */
	size_t ndeps;
} view;

typedef struct node {
	awm_oid *parents;
	size_t nparents;
	uint32_t view;
	int has_changeset;
	awm_oid changeset;
} node;

struct awm_table_history {
	awm_repo *repo;
	char *table, *column;
	view *views;
	size_t nviews, aviews;
	awm_oidmap view_of_schema;
	node *nodes;
	size_t nnodes, anodes;
	awm_oidmap node_of_commit;
	uint32_t empty;      /* the view of an empty schema */
};

static uint32_t new_view(awm_table_history *h)
{
	AWM_ARRAY_GROW(h->views, h->nviews + 1, h->aviews);
	memset(&h->views[h->nviews], 0, sizeof(view));
	return (uint32_t)h->nviews++;
}

int awm_table_history_new(awm_table_history **out, awm_repo *repo, const char *table,
			  const char *column)
{
	awm_table_history *h = awm_calloc(1, sizeof(*h));

	h->repo = repo;
	h->table = awm_strdup(table);
	h->column = column ? awm_strdup(column) : NULL;
	h->empty = new_view(h);
	*out = h;
	return 0;
}

void awm_table_history_free(awm_table_history *h)
{
	size_t i, j;

	if (!h)
		return;
	for (i = 0; i < h->nviews; i++) {
		view *v = &h->views[i];

		free(v->sql);
		awm_sql_table_release(&v->t);
		for (j = 0; j < v->ndeps; j++) {
			free(v->deps[j].type);
			free(v->deps[j].name);
			free(v->deps[j].sql);
		}
		free(v->deps);
	}
	for (i = 0; i < h->nnodes; i++)
		free(h->nodes[i].parents);
	free(h->views);
	free(h->nodes);
	awm_oidmap_release(&h->view_of_schema);
	awm_oidmap_release(&h->node_of_commit);
	free(h->table);
	free(h->column);
	free(h);
}

static int get_view(uint32_t *out, awm_table_history *h, const awm_oid *schema)
{
	awm_schema *s;
	uint32_t idx;
	size_t i;
	view *v;
	int rc;

	if (awm_oidmap_get(&h->view_of_schema, schema, out))
		return 0;
	if ((rc = awm_schema_read(&s, h->repo->odb, schema)) < 0)
		return rc;
	idx = new_view(h);
	v = &h->views[idx];
	for (i = 0; i < s->nr; i++) {
		const awm_schema_entry *e = &s->entries[i];

		if (!awm_sql_ident_equal(e->tbl_name, h->table))
			continue;
		if (!strcmp(e->type, "table") && awm_sql_ident_equal(e->name, h->table)) {
			v->has_table = 1;
			v->sql = awm_strdup(e->sql);
			v->parsed = awm_sql_table_parse(&v->t, e->sql) == 0;
		} else if (!strcmp(e->type, "index") || !strcmp(e->type, "trigger")) {
			v->deps = awm_realloc(v->deps, (v->ndeps + 1) * sizeof(dep));
			v->deps[v->ndeps].type = awm_strdup(e->type);
			v->deps[v->ndeps].name = awm_strdup(e->name);
			v->deps[v->ndeps].sql = awm_strdup(e->sql);
			v->ndeps++;
		}
	}
	awm_schema_free(s);
	awm_oidmap_put(&h->view_of_schema, schema, idx);
	*out = idx;
	return 0;
}

static int get_node(uint32_t *out, awm_table_history *h, const awm_oid *oid)
{
	awm_commit *c;
	uint32_t idx, v;
	node *n;
	int rc;

	if (awm_oidmap_get(&h->node_of_commit, oid, out))
		return 0;
	if ((rc = awm_commit_read(&c, h->repo->odb, oid)) < 0)
		return rc;
	if ((rc = get_view(&v, h, &c->schema)) < 0) {
		awm_commit_free(c);
		return rc;
	}
	AWM_ARRAY_GROW(h->nodes, h->nnodes + 1, h->anodes);
	idx = (uint32_t)h->nnodes++;
	n = &h->nodes[idx];
	memset(n, 0, sizeof(*n));
	n->view = v;
	n->nparents = c->nparents;
	n->parents = awm_calloc(c->nparents + 1, sizeof(awm_oid));
	if (c->nparents)
		memcpy(n->parents, c->parents, c->nparents * sizeof(awm_oid));
	n->has_changeset = c->has_changeset;
	n->changeset = c->changeset;
	awm_commit_free(c);
	awm_oidmap_put(&h->node_of_commit, oid, idx);
	*out = idx;
	return 0;
}

static const char *column_def(const view *v, const char *column)
{
	const awm_sql_column *c;

	if (!v->has_table || !v->parsed || !(c = awm_sql_table_column(&v->t, column)))
		return NULL;
	return c->def;
}

static int same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* The indexes and triggers (naming `column`, when given) of both are equal. */
static int same_deps(const view *a, const view *b, const char *column)
{
	size_t i = 0, j = 0;

	for (;;) {
		while (i < a->ndeps && column && !awm_sql_mentions(a->deps[i].sql, column))
			i++;
		while (j < b->ndeps && column && !awm_sql_mentions(b->deps[j].sql, column))
			j++;
		if (i == a->ndeps || j == b->ndeps)
			return i == a->ndeps && j == b->ndeps;
		if (strcmp(a->deps[i].name, b->deps[j].name) || strcmp(a->deps[i].sql, b->deps[j].sql))
			return 0;
		i++;
		j++;
	}
}

static int value_set(sqlite3_value *v)
{
	return v && sqlite3_value_type(v) != SQLITE_NULL;
}

/* 1 when the changeset changes the table's rows (or the column's values). */
static int rows_touched(awm_table_history *h, const node *n, const view *v)
{
	sqlite3_changeset_iter *it = NULL;
	awm_object *cs = NULL;
	long col = -1;
	size_t i;
	int hit = 0;

	if (awm_odb_read_typed(&cs, h->repo->odb, &n->changeset, AWM_OBJ_CHANGESET) < 0)
		return -1;
	if (h->column && v->parsed)
		for (i = 0; i < v->t.ncols; i++)
			if (awm_sql_ident_equal(v->t.cols[i].name, h->column))
				col = (long)i;
	if (sqlite3changeset_start(&it, (int)cs->size, cs->data) == SQLITE_OK) {
		while (!hit && sqlite3changeset_next(it) == SQLITE_ROW) {
			const char *tab;
			int ncol, op, indirect;
			sqlite3_value *o = NULL, *nv = NULL;

			sqlite3changeset_op(it, &tab, &ncol, &op, &indirect);
			if (!awm_sql_ident_equal(tab, h->table))
				continue;
			if (!h->column) {
				hit = 1;
			} else if (col >= 0 && col < ncol && (size_t)ncol == v->t.ncols) {
				if (op != SQLITE_INSERT)
					sqlite3changeset_old(it, (int)col, &o);
				if (op != SQLITE_DELETE)
					sqlite3changeset_new(it, (int)col, &nv);
				hit = op == SQLITE_UPDATE ? nv != NULL
				      : value_set(op == SQLITE_INSERT ? nv : o);
			}
		}
		sqlite3changeset_finalize(it);
	}
	awm_object_free(cs);
	return hit;
}

int awm_table_history_touches(awm_table_history *h, const awm_oid *commit)
{
	uint32_t idx, pidx, pv;
	const view *a, *b;
	int rc;

	if ((rc = get_node(&idx, h, commit)) < 0)
		return rc;
	pv = h->empty;
	if (h->nodes[idx].nparents) {
		if ((rc = get_node(&pidx, h, &h->nodes[idx].parents[0])) < 0)
			return rc;
		pv = h->nodes[pidx].view;
	}
	a = &h->views[h->nodes[idx].view];
	b = &h->views[pv];
	if (h->column) {
		if (!same_str(column_def(a, h->column), column_def(b, h->column)))
			return 1;
	} else if (a->has_table != b->has_table || !same_str(a->sql, b->sql)) {
		return 1;
	}
	if (!same_deps(a, b, h->column))
		return 1;
	if (!h->nodes[idx].has_changeset)
		return 0;
	rc = rows_touched(h, &h->nodes[idx], a);
	return rc < 0 ? awm_error_set(AWM_ECORRUPT, "cannot read the changeset of %s",
				      awm_oid_tohex(commit).s) : rc;
}

/* ---- blame ---- */

void awm_blame_release(awm_blame *b)
{
	size_t i;

	for (i = 0; i < b->nr; i++) {
		free(b->lines[i].kind);
		free(b->lines[i].name);
		free(b->lines[i].definition);
	}
	free(b->lines);
	memset(b, 0, sizeof(*b));
}

/* The definition of a blame line's subject in `v`, or NULL when absent. */
static const char *defined_as(const view *v, const awm_blame_line *l)
{
	size_t i;

	if (!strcmp(l->kind, "column"))
		return column_def(v, l->name);
	if (!strcmp(l->kind, "table"))
		return v->has_table ? v->sql : NULL;
	if (!strcmp(l->kind, "constraint")) {
		for (i = 0; v->has_table && v->parsed && i < v->t.ncons; i++)
			if (!strcmp(v->t.constraints[i], l->name))
				return v->t.constraints[i];
		return NULL;
	}
	for (i = 0; i < v->ndeps; i++)
		if (!strcmp(v->deps[i].type, l->kind) && !strcmp(v->deps[i].name, l->name))
			return v->deps[i].sql;
	return NULL;
}

static int blame_line(awm_table_history *h, awm_blame_line *l, const awm_oid *start)
{
	awm_oid cur = *start;
	uint32_t idx, pidx;
	size_t i;
	int rc, moved;

	do {
		if ((rc = get_node(&idx, h, &cur)) < 0)
			return rc;
		moved = 0;
		for (i = 0; i < h->nodes[idx].nparents && !moved; i++) {
			awm_oid p = h->nodes[idx].parents[i];

			if ((rc = get_node(&pidx, h, &p)) < 0)
				return rc;
			if (same_str(defined_as(&h->views[h->nodes[pidx].view], l), l->definition)) {
				cur = p;
				moved = 1;
			}
		}
	} while (moved);
	l->commit = cur;
	return 0;
}

static void add_line(awm_blame *b, const char *kind, const char *name, const char *def)
{
	AWM_ARRAY_GROW(b->lines, b->nr + 1, b->alloc);
	b->lines[b->nr].kind = awm_strdup(kind);
	b->lines[b->nr].name = awm_strdup(name);
	b->lines[b->nr].definition = awm_strdup(def);
	awm_oid_clear(&b->lines[b->nr].commit);
	b->nr++;
}

int awm_table_history_blame(awm_blame *out, awm_table_history *h, const awm_oid *start)
{
	uint32_t idx;
	const view *v;
	size_t i;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = get_node(&idx, h, start)) < 0)
		return rc;
	v = &h->views[h->nodes[idx].view];
	if (!v->has_table)
		return awm_error_set(AWM_ENOTFOUND, "there is no table '%s' at %s; 'awm log -- %s' "
				     "shows the commits that touched it", h->table,
				     awm_oid_short(start, 10).s, h->table);
	for (i = 0; v->parsed && i < v->t.ncols; i++)
		add_line(out, "column", v->t.cols[i].name, v->t.cols[i].def);
	for (i = 0; v->parsed && i < v->t.ncons; i++)
		add_line(out, "constraint", v->t.constraints[i], v->t.constraints[i]);
	if (!v->parsed)
		add_line(out, "table", h->table, v->sql);
	for (i = 0; i < v->ndeps; i++)
		if (!strcmp(v->deps[i].type, "index"))
			add_line(out, "index", v->deps[i].name, v->deps[i].sql);
	for (i = 0; i < v->ndeps; i++)
		if (!strcmp(v->deps[i].type, "trigger"))
			add_line(out, "trigger", v->deps[i].name, v->deps[i].sql);
	for (i = 0; i < out->nr; i++)
		if ((rc = blame_line(h, &out->lines[i], start)) < 0) {
			awm_blame_release(out);
			return rc;
		}
	return 0;
}
