/*
 * The saved state of a stopped rebase (see rebase_state.h).
 */
#include "core/rebase_state.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/sqlite.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define STATE_VERSION 1

void awm_rebase_state_release(awm_rebase_state *st)
{
	size_t i;

	free(st->operation);
	free(st->head_name);
	free(st->reflog);
	free(st->todo);
	for (i = 0; i < st->nfiles; i++) {
		free(st->files[i].path);
		awm_buf_release(&st->files[i].bytes);
	}
	free(st->files);
	for (i = 0; i < st->nreport; i++)
		free(st->report[i]);
	free(st->report);
	free(st->db_file);
	memset(st, 0, sizeof(*st));
}

static void state_path(awm_buf *out, awm_repo *repo, const char *rel)
{
	awm_buf_clear(out);
	awm_repo_path(out, repo, "rebase");
	if (rel) {
		awm_buf_putc(out, '/');
		awm_buf_puts(out, rel);
	}
}

int awm_rebase_in_progress(awm_repo *repo)
{
	awm_buf path = AWM_BUF_INIT;
	int yes;

	state_path(&path, repo, "state.json");
	yes = awm_fs_exists(path.ptr);
	awm_buf_release(&path);
	return yes;
}

static json_t *hex(const awm_oid *oid)
{
	return json_string(awm_oid_tohex(oid).s);
}

static int get_oid(awm_oid *out, json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) && awm_oid_fromhex(out, json_string_value(v)) == 0 ? 0 : -1;
}

static char *get_str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? awm_strdup(json_string_value(v)) : NULL;
}

static int corrupt(const char *path, const char *what)
{
	return awm_error_set(AWM_ECORRUPT, "the saved rebase state '%s' is damaged (%s); "
			     "remove .awm/rebase to forget the stopped rebase", path, what);
}

static int read_files(awm_rebase_state *st, awm_repo *repo, json_t *files, const char *where)
{
	awm_buf path = AWM_BUF_INIT;
	size_t i;
	int rc = 0;

	st->files = awm_calloc(json_array_size(files) + 1, sizeof(awm_rebase_file));
	for (i = 0; i < json_array_size(files) && rc == 0; i++) {
		json_t *f = json_array_get(files, i);
		awm_rebase_file *e = &st->files[st->nfiles++];
		char *saved = get_str(f, "saved");

		awm_buf_init(&e->bytes);
		e->path = get_str(f, "path");
		e->existed = saved != NULL;
		e->mode = (unsigned)json_integer_value(json_object_get(f, "mode"));
		if (!e->path)
			rc = corrupt(where, "a file without a path");
		else if (saved) {
			state_path(&path, repo, saved);
			if (awm_fs_read_file(&e->bytes, path.ptr) < 0)
				rc = corrupt(where, "a kept file is missing");
		}
		free(saved);
	}
	awm_buf_release(&path);
	return rc;
}

int awm_rebase_state_read(awm_rebase_state *out, awm_repo *repo)
{
	awm_buf path = AWM_BUF_INIT, text = AWM_BUF_INIT;
	json_t *j = NULL, *todo, *report;
	const char *strategy;
	size_t i;
	int rc;

	memset(out, 0, sizeof(*out));
	state_path(&path, repo, "state.json");
	if ((rc = awm_fs_read_file(&text, path.ptr)) < 0) {
		if (rc == AWM_ENOTFOUND)
			rc = awm_error_set(AWM_ENOTFOUND, "no rebase or cherry-pick is in progress");
		goto done;
	}
	if (!(j = json_loadb(text.ptr, text.size, 0, NULL)) ||
	    json_integer_value(json_object_get(j, "version")) != STATE_VERSION) {
		rc = corrupt(path.ptr, "not version 1 JSON");
		goto done;
	}
	out->operation = get_str(j, "operation");
	out->head_name = get_str(j, "head_name");
	out->reflog = get_str(j, "reflog");
	out->db_file = get_str(j, "db");
	out->has_theirs_hide = get_oid(&out->theirs_hide, j, "theirs_hide") == 0;
	strategy = json_string_value(json_object_get(j, "strategy"));
	out->strategy = strategy && awm_strategy_parse(strategy) > 0 ?
			(awm_strategy)awm_strategy_parse(strategy) : AWM_STRATEGY_NONE;
	out->replayed = (size_t)json_integer_value(json_object_get(j, "replayed"));
	out->skipped = (size_t)json_integer_value(json_object_get(j, "skipped"));
	if (!out->operation || !out->reflog || get_oid(&out->orig_head, j, "orig_head") < 0 ||
	    get_oid(&out->onto, j, "onto") < 0 || get_oid(&out->upstream, j, "upstream") < 0 ||
	    get_oid(&out->current, j, "current") < 0 ||
	    !json_is_array(todo = json_object_get(j, "todo"))) {
		rc = corrupt(path.ptr, "a field is missing");
		goto done;
	}
	out->todo = awm_calloc(json_array_size(todo) + 1, sizeof(awm_oid));
	for (i = 0; i < json_array_size(todo); i++)
		if (awm_oid_fromhex(&out->todo[out->ntodo++],
				    json_string_value(json_array_get(todo, i)) ?
				    json_string_value(json_array_get(todo, i)) : "") < 0) {
			rc = corrupt(path.ptr, "a bad id in todo");
			goto done;
		}
	report = json_object_get(j, "report");
	out->report = awm_calloc(json_array_size(report) + 1, sizeof(char *));
	for (i = 0; i < json_array_size(report); i++)
		if (json_string_value(json_array_get(report, i)))
			out->report[out->nreport++] = awm_strdup(json_string_value(json_array_get(report, i)));
	rc = read_files(out, repo, json_object_get(j, "files"), path.ptr);
done:
	if (rc < 0)
		awm_rebase_state_release(out);
	json_decref(j);
	awm_buf_release(&path);
	awm_buf_release(&text);
	return rc;
}

static json_t *to_json(const awm_rebase_state *st)
{
	json_t *j = json_object(), *todo = json_array(), *files = json_array(), *rep = json_array();
	size_t i;

	json_object_set_new(j, "version", json_integer(STATE_VERSION));
	json_object_set_new(j, "operation", json_string(st->operation));
	json_object_set_new(j, "head_name", st->head_name ? json_string(st->head_name) : json_null());
	json_object_set_new(j, "reflog", json_string(st->reflog));
	json_object_set_new(j, "orig_head", hex(&st->orig_head));
	json_object_set_new(j, "onto", hex(&st->onto));
	json_object_set_new(j, "upstream", hex(&st->upstream));
	if (st->has_theirs_hide)
		json_object_set_new(j, "theirs_hide", hex(&st->theirs_hide));
	json_object_set_new(j, "current", hex(&st->current));
	json_object_set_new(j, "strategy", st->strategy ? json_string(awm_strategy_name(st->strategy))
							: json_null());
	for (i = 0; i < st->ntodo; i++)
		json_array_append_new(todo, hex(&st->todo[i]));
	json_object_set_new(j, "todo", todo);
	json_object_set_new(j, "replayed", json_integer((json_int_t)st->replayed));
	json_object_set_new(j, "skipped", json_integer((json_int_t)st->skipped));
	for (i = 0; i < st->nfiles; i++) {
		json_t *f = json_object();
		char name[32];

		snprintf(name, sizeof(name), "files/%zu", i);
		json_object_set_new(f, "path", json_string(st->files[i].path));
		json_object_set_new(f, "saved", st->files[i].existed ? json_string(name) : json_null());
		json_object_set_new(f, "mode", json_integer(st->files[i].mode));
		json_array_append_new(files, f);
	}
	json_object_set_new(j, "files", files);
	for (i = 0; i < st->nreport; i++)
		json_array_append_new(rep, json_string(st->report[i]));
	json_object_set_new(j, "report", rep);
	json_object_set_new(j, "db", st->db_file ? json_string(st->db_file) : json_null());
	return j;
}

int awm_rebase_state_write(awm_rebase_state *st, awm_repo *repo, sqlite3 *db)
{
	awm_buf path = AWM_BUF_INIT, image = AWM_BUF_INIT;
	char *text = NULL, *old_db = st->db_file;
	json_t *j = NULL;
	size_t i;
	int rc;

	st->db_file = NULL;
	state_path(&path, repo, "files");
	if ((rc = awm_fs_mkdir_p(path.ptr, 0755)) < 0)
		goto done;
	for (i = 0; i < st->nfiles; i++) {
		char name[32];

		if (!st->files[i].existed)
			continue;
		snprintf(name, sizeof(name), "files/%zu", i);
		state_path(&path, repo, name);
		if (!awm_fs_exists(path.ptr) &&
		    (rc = awm_fs_write_atomic(path.ptr, st->files[i].bytes.ptr,
					      st->files[i].bytes.size, 0644, 0)) < 0)
			goto done;
	}
	if (db) {
		st->db_file = awm_printf_alloc("db-%s.db", awm_oid_tohex(&st->current).s);
		state_path(&path, repo, st->db_file);
		/* A cache, as the scratch cache is: no fsync; a torn file is rebuilt. */
		if ((rc = awm_sqlite_serialize(&image, db)) < 0 ||
		    (rc = awm_fs_write_atomic(path.ptr, image.ptr, image.size, 0644,
					      AWM_FS_NOSYNC)) < 0)
			goto done;
	}
	j = to_json(st);
	text = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS);
	state_path(&path, repo, "state.json");
	if ((rc = awm_fs_write_atomic(path.ptr, text, strlen(text), 0644, 0)) < 0)
		goto done;
	if (old_db && (!st->db_file || strcmp(old_db, st->db_file))) {
		state_path(&path, repo, old_db);
		unlink(path.ptr);
	}
done:
	free(old_db);
	free(text);
	json_decref(j);
	awm_buf_release(&path);
	awm_buf_release(&image);
	return rc;
}

int awm_rebase_state_remove(awm_repo *repo)
{
	awm_buf path = AWM_BUF_INIT;
	int rc;

	/* state.json first: without it, what is left is not a stopped rebase. */
	state_path(&path, repo, "state.json");
	if (unlink(path.ptr) < 0 && awm_fs_exists(path.ptr)) {
		rc = awm_error_os(AWM_ERROR, "cannot remove '%s'", path.ptr);
		goto done;
	}
	state_path(&path, repo, NULL);
	rc = awm_fs_rm_rf(path.ptr);
done:
	awm_buf_release(&path);
	return rc;
}

int awm_rebase_state_keep_file(awm_rebase_state *st, awm_repo *repo, const char *path)
{
	awm_buf full = AWM_BUF_INIT;
	awm_rebase_file *f;
	struct stat sb;
	size_t i;
	int rc = 0;

	for (i = 0; i < st->nfiles; i++)
		if (!strcmp(st->files[i].path, path))
			return 0;
	st->files = awm_realloc(st->files, (st->nfiles + 1) * sizeof(awm_rebase_file));
	f = &st->files[st->nfiles];
	memset(f, 0, sizeof(*f));
	awm_buf_init(&f->bytes);
	awm_path_join(&full, repo->root, path);
	if (stat(full.ptr, &sb) == 0) {
		f->existed = 1;
		f->mode = (unsigned)(sb.st_mode & 07777);
		if ((rc = awm_fs_read_file(&f->bytes, full.ptr)) < 0) {
			awm_buf_release(&f->bytes);
			goto done;
		}
	}
	f->path = awm_strdup(path);
	st->nfiles++;
done:
	awm_buf_release(&full);
	return rc;
}

int awm_rebase_state_restore(awm_rebase_state *st, awm_repo *repo, const char *path)
{
	awm_buf full = AWM_BUF_INIT;
	size_t i;
	int rc = 0;

	for (i = 0; i < st->nfiles && rc == 0; i++) {
		awm_rebase_file *f = &st->files[i];

		if (path && strcmp(path, f->path))
			continue;
		awm_buf_clear(&full);
		awm_path_join(&full, repo->root, f->path);
		if (f->existed)
			rc = awm_fs_write_atomic(full.ptr, f->bytes.ptr, f->bytes.size,
						 (mode_t)(f->mode ? f->mode : 0644), 0);
		else if (unlink(full.ptr) < 0 && awm_fs_exists(full.ptr))
			rc = awm_error_os(AWM_ERROR, "cannot remove '%s'", full.ptr);
	}
	awm_buf_release(&full);
	return rc;
}

int awm_rebase_state_db(sqlite3 **out, const awm_rebase_state *st, awm_repo *repo)
{
	awm_buf path = AWM_BUF_INIT, image = AWM_BUF_INIT;
	char *want = awm_printf_alloc("db-%s.db", awm_oid_tohex(&st->current).s);
	int rc = 0;

	*out = NULL;
	if (st->db_file && !strcmp(st->db_file, want)) {
		state_path(&path, repo, st->db_file);
		if (awm_fs_read_file(&image, path.ptr) == 0 &&
		    awm_sqlite_open_image(out, image.ptr, image.size) == 0)
			rc = 0;
		awm_error_clear();   /* missing or torn: the caller replays instead */
	}
	free(want);
	awm_buf_release(&path);
	awm_buf_release(&image);
	return rc;
}
