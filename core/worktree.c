/*
 * Recorded migrations and the state of the migrations folder (worktree.h).
 */
#include "core/worktree.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/migration.h"
#include "core/walk.h"
#include "objects/commit.h"

#include <stdlib.h>
#include <string.h>

static int cmp_recorded(const void *a, const void *b)
{
	return strcmp(((const awm_recorded *)a)->path, ((const awm_recorded *)b)->path);
}

/* By path, then newest first, so the first of each path is the one to keep. */
static int cmp_path_order(const void *a, const void *b)
{
	const awm_recorded *x = a, *y = b;
	int c = strcmp(x->path, y->path);

	return c ? c : (x->order > y->order) - (x->order < y->order);
}

int awm_recorded_load(awm_recorded_set *out, awm_repo *repo, const awm_oid *head)
{
	awm_walk *w;
	awm_oid oid;
	size_t i, j;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!head)
		return 0;
	awm_walk_new(&w, repo, 0);
	rc = awm_walk_push(w, head);
	while (rc == 0 && (rc = awm_walk_next(w, &oid)) == 1) {
		awm_commit *c;
		awm_recorded *r;

		if ((rc = awm_commit_read(&c, repo->odb, &oid)) < 0)
			break;
		if (c->migration && (c->has_up || c->has_script)) {
			AWM_ARRAY_GROW(out->items, out->nr + 1, out->alloc);
			r = &out->items[out->nr++];
			r->path = awm_strdup(c->migration);
			r->commit = oid;
			r->up = c->up;
			r->down = c->down;
			r->has_down = c->has_down;
			r->is_script = c->has_script;
			r->script = c->script;
			r->order = out->nr - 1;
		}
		awm_commit_free(c);
		rc = 0;
	}
	awm_walk_free(w);
	if (rc < 0) {
		awm_recorded_release(out);
		return rc;
	}
	if (out->nr)   /* none when the history holds only data commits */
		qsort(out->items, out->nr, sizeof(awm_recorded), cmp_path_order);
	for (i = j = 0; i < out->nr; i++) {
		if (j && !strcmp(out->items[j - 1].path, out->items[i].path)) {
			free(out->items[i].path);
			continue;
		}
		out->items[j++] = out->items[i];
	}
	out->nr = j;
	return 0;
}

const awm_recorded *awm_recorded_find(const awm_recorded_set *set, const char *path)
{
	awm_recorded key;

	if (!set->nr)
		return NULL;
	key.path = (char *)path;
	return bsearch(&key, set->items, set->nr, sizeof(awm_recorded), cmp_recorded);
}

void awm_recorded_release(awm_recorded_set *set)
{
	size_t i;

	for (i = 0; i < set->nr; i++)
		free(set->items[i].path);
	free(set->items);
	memset(set, 0, sizeof(*set));
}

static awm_wt_entry *add(awm_wt_status *st, awm_wt_state state, const char *path,
			 const char *name)
{
	awm_wt_entry *e;

	AWM_ARRAY_GROW(st->items, st->nr + 1, st->alloc);
	e = &st->items[st->nr++];
	memset(e, 0, sizeof(*e));
	e->state = state;
	e->path = awm_strdup(path);
	e->name = awm_strdup(name);
	return e;
}

/* What differs between a recorded migration and the file now. */
static char *describe_edit(awm_repo *repo, const awm_recorded *r, const char *name)
{
	awm_migration m;
	char *why = NULL;

	if (awm_migration_load(&m, repo, name) < 0) {
		why = awm_printf_alloc("it no longer parses: %s", awm_error_last());
		awm_error_clear();
		awm_migration_release(&m);   /* a refused parse keeps the names it set */
		return why;
	}
	if (r->is_script || m.is_script) {
		if (!m.is_script || !r->is_script || !awm_oid_equal(&m.script_oid, &r->script))
			why = awm_strdup("the program changed");
	} else if (!awm_oid_equal(&m.up_oid, &r->up))
		why = awm_strdup("its up section changed");
	else if (m.has_down != r->has_down || (m.has_down && !awm_oid_equal(&m.down_oid, &r->down)))
		why = awm_strdup("its down section changed");
	awm_migration_release(&m);
	return why;
}

int awm_worktree_status(awm_wt_status *out, awm_repo *repo, const awm_recorded_set *rec)
{
	awm_buf rel = AWM_BUF_INIT, path = AWM_BUF_INIT;
	char **names;
	size_t n, i;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = awm_migration_list(&names, &n, repo)) < 0)
		return rc;
	awm_repo_migrations_rel(&rel, repo);
	for (i = 0; i < n; i++) {
		const awm_recorded *r;

		awm_buf_clear(&path);
		awm_path_join(&path, rel.ptr, names[i]);
		r = awm_recorded_find(rec, path.ptr);
		if (r) {
			char *why = describe_edit(repo, r, names[i]);

			if (why) {
				awm_wt_entry *e = add(out, AWM_WT_EDITED, path.ptr, names[i]);

				e->commit = r->commit;
				e->detail = why;
			}
		} else if (awm_migration_name_check(names[i]) < 0) {
			add(out, AWM_WT_BADNAME, path.ptr, names[i]);
			awm_error_clear();
		} else {
			add(out, AWM_WT_NEW, path.ptr, names[i]);
		}
	}
	/* Recorded files that are gone. */
	for (i = 0; i < rec->nr; i++) {
		const char *slash = strrchr(rec->items[i].path, '/');
		const char *name = slash ? slash + 1 : rec->items[i].path;
		awm_buf full = AWM_BUF_INIT;

		awm_path_join(&full, repo->root, rec->items[i].path);
		if (!awm_fs_exists(full.ptr)) {
			awm_wt_entry *e = add(out, AWM_WT_MISSING, rec->items[i].path, name);

			e->commit = rec->items[i].commit;
		}
		awm_buf_release(&full);
	}
	awm_migration_list_free(names, n);
	awm_buf_release(&rel);
	awm_buf_release(&path);
	return 0;
}

void awm_wt_status_release(awm_wt_status *st)
{
	size_t i;

	for (i = 0; i < st->nr; i++) {
		free(st->items[i].path);
		free(st->items[i].name);
		free(st->items[i].detail);
	}
	free(st->items);
	memset(st, 0, sizeof(*st));
}
