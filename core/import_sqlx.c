/*
 * Importing sqlx (Rust) migration folders.
 *
 * sqlx reads `<VERSION>_<DESCRIPTION>.sql` (one-way) or the reversible pair
 * `<VERSION>_<DESCRIPTION>.up.sql` and `.down.sql`, VERSION an i64 above
 * zero, and applies them in version order.  It records each applied
 * version in `_sqlx_migrations` (version, description, installed_on,
 * success, checksum, execution_time).
 */
#include "core/import.h"
#include "core/error.h"
#include "core/sqlite.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const char *const tables[] = { "_sqlx_migrations", NULL };

/* Digits only, and an i64 above zero. */
static int version_ok(const char *v, size_t n)
{
	size_t i, lead = 0;

	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)v[i]))
			return 0;
	while (lead < n && v[lead] == '0')
		lead++;
	if (lead == n || n - lead > 19)
		return 0;
	return n - lead < 19 || strncmp(v + lead, "9223372036854775807", 19) <= 0;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
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
		const char *name = names[i], *us = strchr(name, '_'), *rest;
		awm_import_file *f;
		size_t len;

		if (!ends_with(name, ".sql"))
			continue;   /* sqlx reads .sql files only */
		if (!us || !version_ok(name, (size_t)(us - name))) {
			rc = awm_error_set(AWM_EINVALID, "'%s/%s' is not named <VERSION>_<DESCRIPTION>"
					   ".sql with a VERSION above zero, so sqlx skips it; rename "
					   "it or move it out of the folder", shown, name);
			break;
		}
		rest = us + 1;
		len = strlen(rest);
		AWM_ARRAY_GROW(files, nf + 1, alloc);
		f = &files[nf++];
		f->name = awm_strdup(name);
		f->version = awm_strndup(name, (size_t)(us - name));
		if (ends_with(rest, ".up.sql")) {
			f->role = AWM_IMPORT_UP;
			f->phrase = awm_strndup(rest, len - 7);
		} else if (ends_with(rest, ".down.sql")) {
			f->role = AWM_IMPORT_DOWN;
			f->phrase = awm_strndup(rest, len - 9);
		} else {
			f->role = AWM_IMPORT_SINGLE;
			f->phrase = awm_strndup(rest, len - 4);
		}
	}
	awm_import_names_free(names, n);
	if (rc < 0) {
		awm_import_files_free(files, nf);
		return rc;
	}
	return awm_import_pair(out, files, nf, 1, folder, shown, "sqlx");
}

static int applied(awm_import_applied *out, sqlite3 *db, const char *shown)
{
	sqlite3_stmt *st = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = awm_import_table_exists(&out->found, db, tables[0])) < 0 || !out->found)
		return rc;
	rc = sqlite3_prepare_v2(db, "SELECT version, success FROM _sqlx_migrations "
				"ORDER BY version", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return awm_sqlite_error(db, rc, "cannot read _sqlx_migrations in '%s'", shown);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);

		if (!v)
			continue;
		if (!sqlite3_column_int(st, 1)) {
			rc = awm_error_set(AWM_EINVALID, "sqlx recorded version %s in '%s' as failed "
					   "(success = false); repair the database with sqlx first",
					   v, shown);
			break;
		}
		awm_import_applied_add(out, v);
	}
	if (rc == SQLITE_DONE)
		rc = 0;
	else if (rc > 0)
		rc = awm_sqlite_error(db, rc, "cannot read _sqlx_migrations in '%s'", shown);
	sqlite3_finalize(st);
	return rc;
}

const awm_import_kind awm_import_kind_sqlx = {
	"sqlx", "<VERSION>_<DESCRIPTION>.sql, or .up.sql and .down.sql", 1, tables,
	scan, applied,
};
