/*
 * Importing b2-manager (b2m) migration folders.
 *
 * `b2m migrations create <phrase>` writes a Python script named
 * `YYYYMMDDHHMMSS<nanoseconds>_<phrase>.py`: the UTC time to the second,
 * nine digits of nanoseconds, then the phrase.  Each script changes a
 * SQLite database whose path it takes as its argument; they run in name
 * order, which is time order.  awm records each as a script migration
 * (script.h): the program runs once on a scratch copy and its effect is
 * kept as a changeset, so replaying it needs no Python.
 *
 * b2m keeps no record of the scripts it ran inside the database: it
 * versions whole database files in the bucket (a `<db>.metadata.json` of
 * hashes and upload events beside each file).  So there is no bookkeeping
 * table to read; the user says how far a database is (--applied).
 */
#include "core/import.h"
#include "core/error.h"
#include "core/fs.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define STAMP_DIGITS 14   /* YYYYMMDDHHMMSS */
#define NANO_DIGITS 9

static const char *const tables[] = { NULL };

static int two(const char *p)
{
	return (p[0] - '0') * 10 + (p[1] - '0');
}

/* `v` is 23 digits: a plausible UTC time to the second, then nanoseconds. */
static int version_ok(const char *v, size_t n)
{
	size_t i;

	if (n != STAMP_DIGITS + NANO_DIGITS)
		return 0;
	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)v[i]))
			return 0;
	return two(v + 4) >= 1 && two(v + 4) <= 12 && two(v + 6) >= 1 && two(v + 6) <= 31 &&
	       two(v + 8) <= 23 && two(v + 10) <= 59 && two(v + 12) <= 60;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n > m && !strcmp(s + n - m, suffix);
}

static int read_script(awm_import_item *it, const char *folder, const char *shown)
{
	awm_buf path = AWM_BUF_INIT;
	int rc;

	awm_path_join(&path, folder, it->up_file);
	if ((rc = awm_fs_read_file(&it->up, path.ptr)) < 0)
		awm_error_prefix("%s/%s", shown, it->up_file);
	awm_buf_release(&path);
	return rc;
}

static int scan(awm_import_list *out, const char *folder, const char *shown)
{
	char **names;
	size_t n, i;
	int rc;

	if ((rc = awm_import_list_dir(&names, &n, folder, shown)) < 0)
		return rc;
	for (i = 0; i < n && rc == 0; i++) {
		const char *name = names[i], *us = strchr(name, '_');
		awm_import_item *it;

		/* Helpers b2m's scripts import (changeset.py) carry no version. */
		if (!ends_with(name, ".py") || !isdigit((unsigned char)name[0]))
			continue;
		if (!us || !version_ok(name, (size_t)(us - name))) {
			rc = awm_error_set(AWM_EINVALID, "'%s/%s' is not named YYYYMMDDHHMMSS"
					   "<nanoseconds>_<phrase>.py (a UTC time, 9 digits of "
					   "nanoseconds, '_', a phrase) as b2m names migrations; rename "
					   "it or move it out of the folder", shown, name);
			break;
		}
		if (out->nr && !strncmp(out->items[out->nr - 1].version, name, (size_t)(us - name))) {
			rc = awm_error_set(AWM_EINVALID, "'%s/%s' and '%s/%s' have one version; give "
					   "one a new time", shown, out->items[out->nr - 1].up_file,
					   shown, name);
			break;
		}
		it = awm_import_list_add(out);
		it->version = awm_strndup(name, (size_t)(us - name));
		it->phrase = awm_strndup(us + 1, strlen(us + 1) - 3);
		it->up_file = awm_strdup(name);
		it->up_line = 1;
		it->is_script = 1;
		rc = read_script(it, folder, shown);
	}
	awm_import_names_free(names, n);
	return rc;
}

const awm_import_kind awm_import_kind_b2m = {
	"b2m", "YYYYMMDDHHMMSS<nanoseconds>_<phrase>.py scripts", 0, tables, scan, NULL,
};
