/*
 * Importing dbmate folders.
 *
 * dbmate reads the files whose names start with digits (the version) and
 * end in .sql, in file-name order.  Each holds an up block under a
 * `-- migrate:up` line and optionally a down block under `-- migrate:down`
 * (either line may carry options such as `transaction:false`); nothing but
 * comments may come before the up block.  Applied versions are rows of
 * `schema_migrations` (version).
 */
#include "core/import.h"
#include "core/error.h"
#include "core/sqlite.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const char *const tables[] = { "schema_migrations", NULL };

/* Is [p, eol) a "--<spaces>migrate:<word>" line, with options or nothing after? */
static int directive(const char *p, const char *eol, const char *word)
{
	size_t n = strlen(word);

	if (eol - p < 2 || p[0] != '-' || p[1] != '-')
		return 0;
	for (p += 2; p < eol && (*p == ' ' || *p == '\t'); p++)
		;
	if ((size_t)(eol - p) < 8 + n || strncmp(p, "migrate:", 8) || strncmp(p + 8, word, n))
		return 0;
	p += 8 + n;
	return p == eol || *p == ' ' || *p == '\t' || *p == '\r';
}

static int blank_or_comment(const char *p, const char *eol)
{
	while (p < eol && isspace((unsigned char)*p))
		p++;
	return p == eol || (eol - p >= 2 && p[0] == '-' && p[1] == '-');
}

static int parse(awm_import_item *it, const awm_buf *text, const char *shown)
{
	const char *p = text->ptr, *end = text->ptr + text->size;
	const char *up = NULL, *down = NULL, *down_line_start = NULL;
	int line = 1, up_line = 0, down_line = 0;

	for (; p < end; line++) {
		const char *eol = memchr(p, '\n', (size_t)(end - p)), *next;

		if (!eol)
			eol = end;
		next = eol < end ? eol + 1 : end;
		if (!up && directive(p, eol, "up")) {
			up = next;
			up_line = line + 1;
		} else if (!down && directive(p, eol, "down")) {
			if (!up)
				return awm_error_set(AWM_EINVALID, "%s/%s:%d: '-- migrate:down' comes "
						     "before '-- migrate:up', which dbmate refuses", shown,
						     it->up_file, line);
			down_line_start = p;
			down = next;
			down_line = line + 1;
		} else if (!up && !blank_or_comment(p, eol)) {
			return awm_error_set(AWM_EINVALID, "%s/%s:%d: a statement before '-- "
					     "migrate:up', which dbmate refuses", shown, it->up_file,
					     line);
		}
		p = next;
	}
	if (!up)
		return awm_error_set(AWM_EINVALID, "%s/%s: no '-- migrate:up' line; dbmate needs "
				     "one above the up block", shown, it->up_file);
	awm_buf_put(&it->up, up, (size_t)((down_line_start ? down_line_start : end) - up));
	it->up_line = up_line;
	if (down) {
		awm_buf_put(&it->down, down, (size_t)(end - down));
		it->down_file = awm_strdup(it->up_file);
		it->down_line = down_line;
	}
	return 0;
}

static int cmp_version(const void *a, const void *b)
{
	return strcmp(**(char **const *)a, **(char **const *)b);
}

/* dbmate keys applied versions by their digits: two files with one are refused. */
static int check_unique(const awm_import_list *l)
{
	char ***v = awm_calloc(l->nr ? l->nr : 1, sizeof(*v));
	size_t i;
	int rc = 0;

	for (i = 0; i < l->nr; i++)
		v[i] = &l->items[i].version;
	qsort(v, l->nr, sizeof(*v), cmp_version);
	for (i = 1; i < l->nr && rc == 0; i++)
		if (!strcmp(*v[i - 1], *v[i]))
			rc = awm_error_set(AWM_EINVALID, "two files have version %s; dbmate would "
					   "refuse them too, so give one a new version", *v[i]);
	free(v);
	return rc;
}

static int scan(awm_import_list *out, const char *folder, const char *shown)
{
	awm_buf text = AWM_BUF_INIT;
	char **names;
	size_t n, i;
	int rc;

	if ((rc = awm_import_list_dir(&names, &n, folder, shown)) < 0)
		return rc;
	for (i = 0; i < n && rc == 0; i++) {
		const char *name = names[i], *p = name;
		size_t len = strlen(name);
		awm_import_item *it;

		if (len < 5 || strcmp(name + len - 4, ".sql"))
			continue;
		while (isdigit((unsigned char)*p))
			p++;
		if (p == name) {
			rc = awm_error_set(AWM_EINVALID, "'%s/%s' does not start with its version "
					   "digits, so dbmate skips it; rename it or move it out of "
					   "the folder", shown, name);
			break;
		}
		it = awm_import_list_add(out);
		it->version = awm_strndup(name, (size_t)(p - name));
		it->phrase = awm_strndup(p, (size_t)(name + len - 4 - p));
		it->up_file = awm_strdup(name);
		if ((rc = awm_import_read(&text, folder, shown, name)) == 0)
			rc = parse(it, &text, shown);
	}
	awm_buf_release(&text);
	awm_import_names_free(names, n);
	return rc < 0 ? rc : check_unique(out);
}

static int applied(awm_import_applied *out, sqlite3 *db, const char *shown)
{
	sqlite3_stmt *st = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = awm_import_table_exists(&out->found, db, tables[0])) < 0 || !out->found)
		return rc;
	rc = sqlite3_prepare_v2(db, "SELECT version FROM schema_migrations ORDER BY version",
				-1, &st, NULL);
	if (rc != SQLITE_OK)
		return awm_sqlite_error(db, rc, "cannot read schema_migrations in '%s'", shown);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);

		if (v)
			awm_import_applied_add(out, v);
	}
	rc = rc == SQLITE_DONE ? 0 : awm_sqlite_error(db, rc, "cannot read schema_migrations "
							"in '%s'", shown);
	sqlite3_finalize(st);
	return rc;
}

const awm_import_kind awm_import_kind_dbmate = {
	"dbmate", "<version>_<name>.sql with -- migrate:up and -- migrate:down", 0, tables,
	scan, applied,
};
