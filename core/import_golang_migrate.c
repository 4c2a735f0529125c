/*
 * Importing golang-migrate folders.
 *
 * golang-migrate reads `<version>_<title>.up.<ext>` and
 * `<version>_<title>.down.<ext>` (the title runs to the last ".up." or
 * ".down."), version a uint64, and applies them in version order.  Its
 * sqlite driver keeps one row in `schema_migrations` (version, dirty): the
 * version the database is at, and whether a migration failed halfway.
 */
#include "core/import.h"
#include "core/error.h"
#include "core/sqlite.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const char *const tables[] = { "schema_migrations", NULL };

/* The start of the last ".up." or ".down." in `s`, and which it is. */
static const char *direction(const char *s, int *role)
{
	const char *p, *found = NULL;

	for (p = s; *p; p++) {
		if (!strncmp(p, ".up.", 4)) {
			found = p;
			*role = AWM_IMPORT_UP;
		} else if (!strncmp(p, ".down.", 6)) {
			found = p;
			*role = AWM_IMPORT_DOWN;
		}
	}
	return found;
}

static int fits_u64(const char *v, size_t n)
{
	while (n > 1 && *v == '0')
		v++, n--;
	return n < 20 || (n == 20 && strncmp(v, "18446744073709551615", 20) <= 0);
}

static int scan(awm_import_list *out, const char *folder, const char *shown)
{
	awm_import_file *files = NULL;
	char **names;
	size_t n, i, nf = 0, alloc = 0;
	int rc;

	if ((rc = awm_import_list_dir(&names, &n, folder, shown)) < 0)
		return rc;
	for (i = 0; i < n && rc == 0; i++) {
		const char *name = names[i], *p = name, *dir, *ext;
		size_t n_sql = strlen(name);
		int role = 0, is_sql = n_sql > 4 && !strcmp(name + n_sql - 4, ".sql");
		awm_import_file *f;

		while (isdigit((unsigned char)*p))
			p++;
		dir = p > name && *p == '_' ? direction(p + 1, &role) : NULL;
		if (!dir) {
			if (is_sql)
				rc = awm_error_set(AWM_EINVALID, "'%s/%s' is not named <version>_<title>"
						   ".up.sql or .down.sql, so golang-migrate skips it; "
						   "rename it or move it out of the folder", shown, name);
			continue;
		}
		ext = dir + (role == AWM_IMPORT_UP ? 4 : 6);
		if (strcmp(ext, "sql")) {
			rc = awm_error_set(AWM_EINVALID, "'%s/%s' is not an SQL migration; awm imports "
					   "the .sql files of golang-migrate's sqlite driver", shown,
					   name);
			break;
		}
		if (!fits_u64(name, (size_t)(p - name))) {
			rc = awm_error_set(AWM_EINVALID, "'%s/%s': version %.*s does not fit in 64 "
					   "bits, so golang-migrate cannot read it", shown, name,
					   (int)(p - name), name);
			break;
		}
		AWM_ARRAY_GROW(files, nf + 1, alloc);
		f = &files[nf++];
		f->name = awm_strdup(name);
		f->version = awm_strndup(name, (size_t)(p - name));
		f->phrase = awm_strndup(p + 1, (size_t)(dir - p - 1));
		f->role = role;
	}
	awm_import_names_free(names, n);
	if (rc < 0) {
		awm_import_files_free(files, nf);
		return rc;
	}
	return awm_import_pair(out, files, nf, 1, folder, shown, "golang-migrate");
}

static int applied(awm_import_applied *out, sqlite3 *db, const char *shown)
{
	sqlite3_stmt *st = NULL;
	int rc, rows = 0;

	memset(out, 0, sizeof(*out));
	if ((rc = awm_import_table_exists(&out->found, db, tables[0])) < 0 || !out->found)
		return rc;
	rc = sqlite3_prepare_v2(db, "SELECT version, dirty FROM schema_migrations", -1, &st,
				NULL);
	if (rc != SQLITE_OK)
		return awm_sqlite_error(db, rc, "'schema_migrations' in '%s' is not golang-migrate's",
					shown);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);

		if (++rows > 1) {
			rc = awm_error_set(AWM_EINVALID, "'schema_migrations' in '%s' holds more than "
					   "one row; golang-migrate keeps one", shown);
			break;
		}
		if (sqlite3_column_int(st, 1)) {
			rc = awm_error_set(AWM_EINVALID, "golang-migrate marked version %s in '%s' "
					   "dirty: a migration failed halfway; repair the database, "
					   "then run 'migrate force %s'", v ? v : "?", shown,
					   v ? v : "<version>");
			break;
		}
		if (v && *v != '-')   /* -1: no version */
			out->upto = awm_strdup(v);
	}
	if (rc == SQLITE_DONE)
		rc = 0;
	else if (rc > 0)
		rc = awm_sqlite_error(db, rc, "cannot read schema_migrations in '%s'", shown);
	sqlite3_finalize(st);
	return rc;
}

const awm_import_kind awm_import_kind_golang_migrate = {
	"golang-migrate", "<version>_<title>.up.sql and .down.sql", 1, tables, scan, applied,
};
