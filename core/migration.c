/*
 * Migration files (see migration.h).
 */
#include "core/migration.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/sqlite.h"

#include <ctype.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

int awm_migration_is_sql(const char *name)
{
	size_t n = strlen(name);

	return n >= 4 && !strcmp(name + n - 4, ".sql");
}

int awm_migration_is_appwrite(const char *name)
{
	size_t n = strlen(name);

	return isdigit((unsigned char)name[0]) && n > 5 && !strcmp(name + n - 5, ".json");
}

static int phrase_ok(const char *p, const char *end)
{
	if (p == end)
		return 0;
	for (; p < end; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-')
			return 0;
	return 1;
}

int awm_migration_name_check(const char *name)
{
	const char *p = name, *dot = strrchr(name, '.'), *q;
	int sql = awm_migration_is_sql(name);

	if (sql && strlen(name) < 7)
		return awm_error_set(AWM_EINVALID, "'%s' does not end in '.sql'", name);
	if (!isdigit((unsigned char)*p))
		goto bad;
	while (isdigit((unsigned char)*p))
		p++;
	if (*p++ != '_' || !dot || dot < p || !phrase_ok(p, dot))
		goto bad;
	for (q = dot + 1; *q; q++)
		if (!isalnum((unsigned char)*q))
			goto bad;
	if (!dot[1])
		goto bad;
	if (!sql && !strcasecmp(dot, ".sql"))
		return awm_error_set(AWM_EINVALID, "migration file name '%s' ends in '%s'; "
				     "SQL migrations end in '.sql', in lower case: rename it",
				     name, dot);
	return 0;
bad:
	if (!sql)
		return awm_error_set(AWM_EINVALID, "script migration name '%s' is not "
				     "<version>_<phrase>.<ext> (digits, '_', then letters, digits, "
				     "'_' or '-', then an extension such as .py); rename it", name);
	return awm_error_set(AWM_EINVALID, "migration file name '%s' is not "
			     "<version>_<phrase>.sql (digits, '_', then letters, digits, "
			     "'_' or '-'); rename it, or create files with 'awm new'", name);
}

/* Is the line [p, eol) the marker, ignoring trailing blanks? */
static int is_marker(const char *p, const char *eol, const char *marker)
{
	size_t n = strlen(marker);

	if ((size_t)(eol - p) < n || memcmp(p, marker, n))
		return 0;
	for (p += n; p < eol; p++)
		if (*p != ' ' && *p != '\t')
			return 0;
	return 1;
}

int awm_migration_parse(awm_migration *out, const char *path, const char *text, size_t len)
{
	const char *p = text, *end = text + len, *up = NULL, *down = NULL;
	const char *up_marker = NULL, *down_marker = NULL;
	int line = 1, up_line = 0, down_line = 0;
	const char *slash;

	memset(out, 0, sizeof(*out));
	awm_buf_init(&out->up);
	awm_buf_init(&out->down);
	out->path = awm_strdup(path);
	slash = strrchr(path, '/');
	out->name = awm_strdup(slash ? slash + 1 : path);
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));

		if (!eol)
			eol = end;
		if (is_marker(p, eol, AWM_UP_MARKER)) {
			if (up_marker)
				return awm_error_set(AWM_EINVALID, "%s:%d: a second '%s' line",
						     path, line, AWM_UP_MARKER);
			if (down_marker)
				return awm_error_set(AWM_EINVALID, "%s:%d: '%s' must come before '%s'",
						     path, line, AWM_UP_MARKER, AWM_DOWN_MARKER);
			up_marker = p;
			up = eol < end ? eol + 1 : end;
			up_line = line + 1;
		} else if (is_marker(p, eol, AWM_DOWN_MARKER)) {
			if (down_marker)
				return awm_error_set(AWM_EINVALID, "%s:%d: a second '%s' line",
						     path, line, AWM_DOWN_MARKER);
			down_marker = p;
			down = eol < end ? eol + 1 : end;
			down_line = line + 1;
		}
		p = eol < end ? eol + 1 : end;
		line++;
	}
	if (!up_marker)
		return awm_error_set(AWM_EINVALID, "%s: no '%s' line; put the forward "
				     "migration below a '%s' line", path, AWM_UP_MARKER,
				     AWM_UP_MARKER);
	awm_buf_put(&out->up, up, (size_t)((down_marker ? down_marker : end) - up));
	if (down)
		awm_buf_put(&out->down, down, (size_t)(end - down));
	out->up_line = up_line;
	out->down_line = down_line;
	if (awm_sqlite_script_is_empty(out->up.ptr))
		return awm_error_set(AWM_EINVALID, "%s: the up section holds no SQL statement", path);
	out->has_down = down && !awm_sqlite_script_is_empty(out->down.ptr);
	awm_oid_hash(&out->up_oid, AWM_OBJ_BLOB, out->up.ptr, out->up.size);
	if (out->has_down)
		awm_oid_hash(&out->down_oid, AWM_OBJ_BLOB, out->down.ptr, out->down.size);
	return 0;
}

int awm_migration_parse_appwrite(awm_migration *out, const char *path, const char *text,
				 size_t len)
{
	const char *slash = strrchr(path, '/');
	size_t i;

	memset(out, 0, sizeof(*out));
	awm_buf_init(&out->up);
	awm_buf_init(&out->down);
	out->path = awm_strdup(path);
	out->name = awm_strdup(slash ? slash + 1 : path);
	out->is_appwrite = 1;
	awm_buf_put(&out->up, text, len);
	out->up_line = 1;
	for (i = 0; i < len && text[i] && strchr(" \t\r\n", text[i]); i++)
		;
	if (i == len)
		return awm_error_set(AWM_EINVALID, "%s: the file is empty; write the schema as "
				     "appwrite.json has it: {\"collections\": [...]}", path);
	awm_oid_hash(&out->up_oid, AWM_OBJ_BLOB, out->up.ptr, out->up.size);
	return 0;
}

void awm_migration_from_script(awm_migration *out, const char *path, awm_buf *bytes)
{
	const char *slash = strrchr(path, '/');
	size_t probe = bytes->size < 8000 ? bytes->size : 8000;

	memset(out, 0, sizeof(*out));
	awm_buf_init(&out->up);
	awm_buf_init(&out->down);
	out->path = awm_strdup(path);
	out->name = awm_strdup(slash ? slash + 1 : path);
	out->is_script = 1;
	if (!memchr(bytes->ptr, '\0', probe))
		awm_crlf_to_lf(bytes);
	out->script = *bytes;
	awm_buf_init(bytes);
	awm_oid_hash(&out->script_oid, AWM_OBJ_BLOB, out->script.ptr, out->script.size);
}

int awm_migration_load(awm_migration *out, awm_repo *repo, const char *name)
{
	awm_buf dir = AWM_BUF_INIT, rel = AWM_BUF_INIT, path = AWM_BUF_INIT, text = AWM_BUF_INIT;
	int rc;

	memset(out, 0, sizeof(*out));
	awm_repo_migrations_dir(&dir, repo);
	awm_repo_migrations_rel(&rel, repo);
	awm_path_join(&path, dir.ptr, name);
	if ((rc = awm_fs_read_file(&text, path.ptr)) == 0) {
		awm_buf_clear(&path);
		awm_path_join(&path, rel.ptr, name);
		if (awm_migration_is_sql(name)) {
			awm_crlf_to_lf(&text);
			rc = awm_migration_parse(out, path.ptr, text.ptr, text.size);
		} else if (awm_migration_is_appwrite(name)) {
			awm_crlf_to_lf(&text);
			rc = awm_migration_parse_appwrite(out, path.ptr, text.ptr, text.size);
		} else {
			awm_migration_from_script(out, path.ptr, &text);
		}
	}
	awm_buf_release(&dir);
	awm_buf_release(&rel);
	awm_buf_release(&path);
	awm_buf_release(&text);
	return rc;
}

int awm_migration_append_up(awm_buf *out, awm_buf *inserted, const char *text, size_t len,
			    const char *lines)
{
	const char *p = text, *end = text + len, *at = NULL, *l;
	int up = 0, crlf = len > 1 && memchr(text, '\r', len) != NULL;

	while (p < end && !at) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *stop = eol ? eol : end;

		/* Markers are matched as the parser does, with any CR before the LF. */
		if (stop > p && stop[-1] == '\r')
			stop--;
		if (is_marker(p, stop, AWM_UP_MARKER))
			up = 1;
		else if (up && is_marker(p, stop, AWM_DOWN_MARKER))
			at = p;
		p = eol ? eol + 1 : end;
	}
	if (!up)
		return awm_error_set(AWM_EINVALID, "no '%s' line to add to", AWM_UP_MARKER);
	if (!at)
		at = end;
	awm_buf_clear(out);
	awm_buf_clear(inserted);
	awm_buf_put(out, text, (size_t)(at - text));
	if (at > text && at[-1] != '\n') {
		awm_buf_puts(out, crlf ? "\r\n" : "\n");
		awm_buf_putc(inserted, '\n');
	}
	for (l = lines; *l; l++) {
		if (*l == '\n' && crlf)
			awm_buf_putc(out, '\r');
		awm_buf_putc(out, *l);
		awm_buf_putc(inserted, *l);
	}
	awm_buf_put(out, at, (size_t)(end - at));
	return 0;
}

void awm_migration_release(awm_migration *m)
{
	free(m->path);
	free(m->name);
	awm_buf_release(&m->up);
	awm_buf_release(&m->down);
	awm_buf_release(&m->script);
	memset(m, 0, sizeof(*m));
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n > k && !strcmp(s + n - k, suffix);
}

/* A versioned program: a digit first, then .py, .sh, or an executable file. */
static int is_script_candidate(const awm_buf *dir, const char *name)
{
	awm_buf path = AWM_BUF_INIT;
	struct stat st;
	int yes;

	if (!isdigit((unsigned char)name[0]) || ends_with(name, "~"))
		return 0;
	if (ends_with(name, ".py") || ends_with(name, ".sh"))
		return 1;
	awm_path_join(&path, dir->ptr, name);
	yes = stat(path.ptr, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111);
	awm_buf_release(&path);
	return yes;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int awm_migration_list(char ***names, size_t *n, awm_repo *repo)
{
	awm_buf dir = AWM_BUF_INIT;
	struct dirent *e;
	size_t alloc = 0;
	DIR *d;

	*names = NULL;
	*n = 0;
	awm_repo_migrations_dir(&dir, repo);
	d = opendir(dir.ptr);
	if (!d) {
		awm_buf_release(&dir);
		return 0;   /* no folder yet: no migrations */
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || !(awm_migration_is_sql(e->d_name) ||
					     awm_migration_is_appwrite(e->d_name) ||
					     is_script_candidate(&dir, e->d_name)))
			continue;
		AWM_ARRAY_GROW(*names, *n + 1, alloc);
		(*names)[(*n)++] = awm_strdup(e->d_name);
	}
	closedir(d);
	awm_buf_release(&dir);
	if (*n)
		qsort(*names, *n, sizeof(char *), cmp_str);
	return 0;
}

void awm_migration_list_free(char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static int slugify(awm_buf *out, const char *phrase)
{
	const char *p;

	for (p = phrase; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (isalnum(c))
			awm_buf_putc(out, (char)tolower(c));
		else if (out->size && out->ptr[out->size - 1] != '_')
			awm_buf_putc(out, '_');
	}
	while (out->size && out->ptr[out->size - 1] == '_')
		awm_buf_truncate(out, out->size - 1);
	if (!out->size)
		return awm_error_set(AWM_EUSAGE, "the phrase '%s' has no letters or digits", phrase);
	return 0;
}

/* The version of the newest file named YYYYMMDDHHMMSS_..., as a time; 0 if none. */
static time_t newest_version(awm_repo *repo)
{
	char **names;
	size_t n, i;
	time_t best = 0;

	if (awm_migration_list(&names, &n, repo) < 0)
		return 0;
	for (i = 0; i < n; i++) {
		struct tm tm;
		char *rest;

		memset(&tm, 0, sizeof(tm));
		rest = strptime(names[i], "%Y%m%d%H%M%S", &tm);
		if (rest && *rest == '_') {
			time_t t = timegm(&tm);

			if (t > best)
				best = t;
		}
	}
	awm_migration_list_free(names, n);
	return best;
}

static const char template_text[] =
	AWM_UP_MARKER "\n"
	"-- %s\n"
	"\n"
	"\n"
	AWM_DOWN_MARKER "\n"
	"-- Undo the up section. Without one, a rollback inverts the data changes only.\n"
	"\n";

int awm_migration_create(awm_buf *path_out, awm_repo *repo, const char *phrase, time_t now)
{
	awm_buf slug = AWM_BUF_INIT, dir = AWM_BUF_INIT, name = AWM_BUF_INIT;
	awm_buf path = AWM_BUF_INIT, text = AWM_BUF_INIT, rel = AWM_BUF_INIT;
	time_t newest;
	struct tm tm;
	char stamp[32];
	int rc;

	if ((rc = slugify(&slug, phrase)) < 0)
		goto done;
	newest = newest_version(repo);
	if (now <= newest)
		now = newest + 1;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d%H%M%S", &tm);
	awm_buf_printf(&name, "%s_%s.sql", stamp, slug.ptr);
	awm_repo_migrations_dir(&dir, repo);
	if ((rc = awm_fs_mkdir_p(dir.ptr, 0755)) < 0)
		goto done;
	awm_path_join(&path, dir.ptr, name.ptr);
	awm_buf_printf(&text, template_text, phrase);
	if ((rc = awm_fs_write_atomic(path.ptr, text.ptr, text.size, 0644, AWM_FS_EXCL)) < 0)
		goto done;
	awm_repo_migrations_rel(&rel, repo);
	awm_buf_clear(path_out);
	awm_path_join(path_out, rel.ptr, name.ptr);
done:
	awm_buf_release(&slug);
	awm_buf_release(&dir);
	awm_buf_release(&name);
	awm_buf_release(&path);
	awm_buf_release(&text);
	awm_buf_release(&rel);
	return rc;
}
