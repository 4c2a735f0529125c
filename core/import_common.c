/*
 * What the import kinds share: item lists, reading a tool's folder,
 * comparing versions, pairing up and down files (see import.h).
 */
#include "core/import.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/sqlite.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- lists ---- */

awm_import_item *awm_import_list_add(awm_import_list *l)
{
	awm_import_item *it;

	AWM_ARRAY_GROW(l->items, l->nr + 1, l->alloc);
	it = &l->items[l->nr++];
	memset(it, 0, sizeof(*it));
	awm_buf_init(&it->up);
	awm_buf_init(&it->down);
	return it;
}

void awm_import_list_release(awm_import_list *l)
{
	size_t i;

	for (i = 0; i < l->nr; i++) {
		free(l->items[i].version);
		free(l->items[i].phrase);
		free(l->items[i].up_file);
		free(l->items[i].down_file);
		awm_buf_release(&l->items[i].up);
		awm_buf_release(&l->items[i].down);
	}
	free(l->items);
	memset(l, 0, sizeof(*l));
}

void awm_import_applied_add(awm_import_applied *a, const char *version)
{
	AWM_ARRAY_GROW(a->versions, a->nr + 1, a->alloc);
	a->versions[a->nr++] = awm_strdup(version);
}

void awm_import_applied_release(awm_import_applied *a)
{
	size_t i;

	for (i = 0; i < a->nr; i++)
		free(a->versions[i]);
	free(a->versions);
	free(a->upto);
	memset(a, 0, sizeof(*a));
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int awm_import_list_dir(char ***names, size_t *n, const char *folder, const char *shown)
{
	awm_buf path = AWM_BUF_INIT;
	struct dirent *e;
	size_t alloc = 0;
	DIR *d = opendir(folder);

	*names = NULL;
	*n = 0;
	if (!d)
		return awm_error_os(AWM_ENOTFOUND, "cannot read the folder '%s'", shown);
	while ((e = readdir(d))) {
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		awm_buf_clear(&path);
		awm_path_join(&path, folder, e->d_name);
		if (stat(path.ptr, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		AWM_ARRAY_GROW(*names, *n + 1, alloc);
		(*names)[(*n)++] = awm_strdup(e->d_name);
	}
	closedir(d);
	awm_buf_release(&path);
	if (*n)
		qsort(*names, *n, sizeof(char *), cmp_name);
	return 0;
}

void awm_import_names_free(char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int awm_import_read(awm_buf *out, const char *folder, const char *shown, const char *name)
{
	awm_buf path = AWM_BUF_INIT;
	int rc;

	awm_path_join(&path, folder, name);
	awm_buf_clear(out);
	rc = awm_fs_read_file(out, path.ptr);
	if (rc < 0)
		awm_error_prefix("%s/%s", shown, name);
	else
		awm_crlf_to_lf(out);
	awm_buf_release(&path);
	return rc;
}

int awm_import_version_cmp(const char *a, const char *b, int numeric)
{
	size_t la, lb;

	if (!numeric)
		return strcmp(a, b);
	while (*a == '0' && a[1])
		a++;
	while (*b == '0' && b[1])
		b++;
	la = strlen(a);
	lb = strlen(b);
	if (la != lb)
		return la < lb ? -1 : 1;
	return strcmp(a, b);
}

int awm_import_table_exists(int *out, sqlite3 *db, const char *table)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_schema WHERE type = 'table' "
				    "AND name = ?1", -1, &st, NULL);

	if (rc != SQLITE_OK)
		return awm_sqlite_error(db, rc, "cannot read the schema");
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : awm_sqlite_error(db, rc, "cannot "
									 "read the schema");
}

typedef struct pair_key {
	awm_import_file f;
	int numeric;
} pair_key;

static int cmp_pair(const void *a, const void *b)
{
	const pair_key *x = a, *y = b;
	int c = awm_import_version_cmp(x->f.version, y->f.version, x->numeric);

	return c ? c : x->f.role - y->f.role;
}

void awm_import_files_free(awm_import_file *files, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(files[i].name);
		free(files[i].version);
		free(files[i].phrase);
	}
	free(files);
}

static const char *role_name(int role)
{
	return role == AWM_IMPORT_UP ? "up" : role == AWM_IMPORT_DOWN ? "down" : "single";
}

int awm_import_pair(awm_import_list *out, awm_import_file *files, size_t n, int numeric,
		    const char *folder, const char *shown, const char *kind)
{
	pair_key *keys = awm_calloc(n ? n : 1, sizeof(*keys));
	size_t i, j;
	int rc = 0;

	for (i = 0; i < n; i++) {
		keys[i].f = files[i];
		keys[i].numeric = numeric;
	}
	qsort(keys, n, sizeof(*keys), cmp_pair);
	for (i = 0; i < n && rc == 0; i = j) {
		const awm_import_file *up = NULL, *down = NULL;
		awm_import_item *it;

		for (j = i; j < n && !awm_import_version_cmp(keys[i].f.version, keys[j].f.version,
							      numeric); j++) {
			const awm_import_file *f = &keys[j].f;
			const awm_import_file **slot = f->role == AWM_IMPORT_DOWN ? &down : &up;

			if (*slot) {
				rc = awm_error_set(AWM_EINVALID, "'%s/%s' and '%s/%s' are both the %s "
						   "script of version %s; %s would refuse them too, so "
						   "give one a new version", shown, (*slot)->name, shown,
						   f->name, role_name(f->role), f->version, kind);
				break;
			}
			*slot = f;
		}
		if (rc < 0)
			break;
		if (!up) {
			rc = awm_error_set(AWM_EINVALID, "'%s/%s' is a down script without an up "
					   "script for version %s", shown, down->name, down->version);
			break;
		}
		if (down && up->role == AWM_IMPORT_SINGLE) {
			rc = awm_error_set(AWM_EINVALID, "'%s/%s' is a down script, but version %s is "
					   "the one-way '%s/%s'; rename it to .up.sql or drop the "
					   "down script", shown, down->name, down->version, shown,
					   up->name);
			break;
		}
		it = awm_import_list_add(out);
		it->version = awm_strdup(up->version);
		it->phrase = awm_strdup(up->phrase);
		it->up_file = awm_strdup(up->name);
		it->up_line = it->down_line = 1;
		if ((rc = awm_import_read(&it->up, folder, shown, up->name)) < 0)
			break;
		if (down) {
			it->down_file = awm_strdup(down->name);
			rc = awm_import_read(&it->down, folder, shown, down->name);
		}
	}
	free(keys);
	awm_import_files_free(files, n);
	return rc;
}

