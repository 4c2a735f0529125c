/*
 * The database side of an import (see import.h): what a tool says it
 * applied, and whether the database's schema agrees.
 */
#include "core/import.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/sqlite.h"
#include "core/sqlite_schema.h"

#include <stdlib.h>
#include <string.h>

/* ---- an already-migrated database ---- */

/* How many migrations, from the first, the database has applied. */
static int applied_count(size_t *k, const awm_import_kind *kind, const awm_import_list *l,
			 const char *folder, const awm_import_applied *a, const char *db)
{
	int numeric = kind->numeric;
	char *done;
	size_t i, j;
	int rc = 0;

	*k = 0;
	if (!a->found)
		return 0;
	if (a->upto) {
		for (i = 0; i < l->nr; i++)
			if (!awm_import_version_cmp(l->items[i].version, a->upto, numeric)) {
				*k = i + 1;
				return 0;
			}
		return awm_error_set(AWM_EINVALID, "'%s' is at %s version %s, which '%s' does not "
				     "have; nothing was imported", db, kind->name, a->upto,
				     folder);
	}
	done = awm_calloc(l->nr ? l->nr : 1, 1);
	for (j = 0; j < a->nr && rc == 0; j++) {
		for (i = 0; i < l->nr; i++)
			if (!awm_import_version_cmp(l->items[i].version, a->versions[j], numeric))
				break;
		if (i == l->nr)
			rc = awm_error_set(AWM_EINVALID, "'%s' has %s version %s applied, which '%s' "
					   "does not have; nothing was imported", db, kind->name,
					   a->versions[j], folder);
		else
			done[i] = 1;
	}
	while (rc == 0 && *k < l->nr && done[*k])
		(*k)++;
	for (i = *k; rc == 0 && i < l->nr; i++)
		if (done[i])
			rc = awm_error_set(AWM_EINVALID, "'%s' has version %s applied but not the "
					   "earlier %s; awm's history is a line, so apply %s with %s "
					   "first; nothing was imported", db, l->items[i].version,
					   l->items[*k].version, l->items[*k].version, kind->name);
	free(done);
	return rc;
}

/*
 * The database's schema without the tool's bookkeeping tables, and which
 * of those it has (`st->tables`).
 */
static int db_schema(awm_import_db *st, sqlite3 *db, const awm_import_kind *kind)
{
	awm_schema *s;
	size_t i, j, n = 0, nt = 0;
	int rc;

	if ((rc = awm_sqlite_schema_snapshot(&s, db)) < 0)
		return rc;
	for (j = 0; kind->tables[j]; j++)
		;
	st->tables = awm_calloc(j + 1, sizeof(char *));
	for (i = 0; i < s->nr; i++) {
		int skip = 0;

		for (j = 0; kind->tables[j]; j++)
			if (!strcmp(s->entries[i].tbl_name, kind->tables[j])) {
				skip = 1;
				if (!strcmp(s->entries[i].type, "table"))
					st->tables[nt++] = kind->tables[j];
			}
		if (skip) {
			free(s->entries[i].type);
			free(s->entries[i].name);
			free(s->entries[i].tbl_name);
			free(s->entries[i].sql);
		} else {
			s->entries[n++] = s->entries[i];
		}
	}
	s->nr = n;
	st->schema = s;
	return 0;
}

/* "table 'x' differs, index 'y' is only in the database, ...". */
static void schema_differences(awm_buf *out, const awm_schema *have, const awm_schema *want)
{
	size_t i, shown = 0, total = 0;

	for (i = 0; i < have->nr; i++) {
		const awm_schema_entry *e = &have->entries[i];
		const awm_schema_entry *w = awm_schema_find(want, e->type, e->name);

		if (w && !strcmp(w->sql, e->sql))
			continue;
		if (shown++ < 6)
			awm_buf_printf(out, "%s%s '%s' %s", out->size ? ", " : "", e->type, e->name,
				       w ? "differs" : "is only in the database");
		total++;
	}
	for (i = 0; i < want->nr; i++) {
		const awm_schema_entry *w = &want->entries[i];

		if (awm_schema_find(have, w->type, w->name))
			continue;
		if (shown++ < 6)
			awm_buf_printf(out, "%s%s '%s' is missing from the database",
				       out->size ? ", " : "", w->type, w->name);
		total++;
	}
	if (total > 6)
		awm_buf_printf(out, ", and %zu more", total - 6);
}

static int schema_matches(int *yes, awm_schema *have, awm_schema *want, awm_buf *why)
{
	awm_buf a = AWM_BUF_INIT, b = AWM_BUF_INIT;

	awm_schema_serialize(&a, have);
	awm_schema_serialize(&b, want);
	*yes = a.size == b.size && !memcmp(a.ptr, b.ptr, a.size);
	if (!*yes)
		schema_differences(why, have, want);
	awm_buf_release(&a);
	awm_buf_release(&b);
	return 0;
}

int awm_import_env_database(awm_buf *out, awm_repo *repo, const char *env)
{
	awm_buf key = AWM_BUF_INIT, url = AWM_BUF_INIT;
	int rc;

	awm_buf_printf(&key, "env.%s.url", env);
	rc = awm_config_get_string(&url, repo->config, key.ptr);
	if (rc == AWM_ENOTFOUND)
		rc = awm_error_set(AWM_ENOTFOUND, "no environment '%s' in awm.conf; add "
				   "[env \"%s\"] url = sqlite:<file>, or give --db <file>", env, env);
	else if (rc == 0 && strncmp(url.ptr, "sqlite:", 7))
		rc = awm_error_set(AWM_EINVALID, "environment '%s' is not a SQLite database "
				   "('%s'); give --db <file>", env, url.ptr);
	else if (rc == 0) {
		awm_buf_clear(out);
		if (url.ptr[7] == '/')
			awm_buf_puts(out, url.ptr + 7);
		else
			awm_path_join(out, repo->root, url.ptr + 7);
	}
	awm_buf_release(&key);
	awm_buf_release(&url);
	return rc;
}

/* What the user says was applied, for a tool that keeps no record (b2m). */
static int stated_applied(awm_import_applied *out, const awm_import_kind *kind,
			  const char *stated, const char *shown)
{
	memset(out, 0, sizeof(*out));
	if (!stated)
		return awm_error_set(AWM_EUSAGE, "%s keeps no record in the database of the "
				     "migrations it ran, so say how far '%s' is: --applied "
				     "<version> (its last migration) or --applied none",
				     kind->name, shown);
	if (strcmp(stated, "none")) {
		out->found = 1;
		out->upto = awm_strdup(stated);
	}
	return 0;
}

static int read_applied(awm_import_applied *out, const awm_import_kind *kind, sqlite3 *db,
			const char *stated, const char *shown)
{
	if (!kind->applied)
		return stated_applied(out, kind, stated, shown);
	if (stated)
		return awm_error_set(AWM_EUSAGE, "--applied is for tools that keep no record in "
				     "the database; %s's %s table in '%s' says what was applied",
				     kind->name, kind->tables[0], shown);
	return kind->applied(out, db, shown);
}

int awm_import_db_read(awm_import_db *out, const awm_import_kind *kind,
		       const awm_import_list *l, const char *folder, const char *path,
		       const char *shown, const char *stated)
{
	awm_import_applied a;
	sqlite3 *db = NULL;
	int rc;

	memset(&a, 0, sizeof(a));
	memset(out, 0, sizeof(*out));
	if (!awm_fs_exists(path))
		return awm_error_set(AWM_ENOTFOUND, "the database '%s' does not exist", shown);
	rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
	if (rc != SQLITE_OK) {
		rc = awm_sqlite_error(db, rc, "cannot open the database '%s'", shown);
		goto done;
	}
	if ((rc = read_applied(&a, kind, db, stated, shown)) < 0 ||
	    (rc = applied_count(&out->applied, kind, l, folder, &a, shown)) < 0 ||
	    (rc = db_schema(out, db, kind)) < 0)
		goto done;
	if (out->applied)
		out->version = l->items[out->applied - 1].version;
done:
	sqlite3_close(db);
	awm_import_applied_release(&a);
	return rc;
}

int awm_import_db_check(const awm_import_db *st, awm_schema *want, const char *db)
{
	const char *version = st->version;
	awm_buf why = AWM_BUF_INIT;
	int yes, rc;

	schema_matches(&yes, st->schema, want, &why);
	rc = yes ? 0 : awm_error_set(AWM_EINVALID, "the schema of '%s' is not what the imported "
				     "history gives %s%s (%s); the database has drifted from its "
				     "migrations, so awm cannot tell which commit it is at; nothing "
				     "was imported", db, version ? "after version " : "before any "
				     "migration", version ? version : "", why.ptr);
	awm_buf_release(&why);
	return rc;
}

void awm_import_db_release(awm_import_db *st)
{
	awm_schema_free(st->schema);
	free(st->tables);
	memset(st, 0, sizeof(*st));
}
