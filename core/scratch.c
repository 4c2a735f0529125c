/*
 * Scratch databases and their cache (see scratch.h).
 */
#include "core/scratch.h"
#include "core/changeset.h"
#include "core/dbsnapshot.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/migration.h"
#include "core/script.h"
#include "core/sqlite.h"
#include "core/walk.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_KEEP 16
#define REPLAYING "Replaying commits"

static void cache_path(awm_buf *out, awm_repo *repo, const awm_oid *commit)
{
	awm_repo_path(out, repo, "cache/db");
	awm_buf_printf(out, "/%s.db", awm_oid_tohex(commit).s);
}

/*
 * Apply the changeset object of `c`, or `data` when given (its inverse
 * when `invert`); the first conflict stops it, naming the table and row.
 */
static int apply_changeset(sqlite3 *db, awm_repo *repo, const awm_commit *c,
			   const void *data, size_t len, int invert)
{
	awm_object *cs = NULL;
	char what[96];
	int rc;

	if (!data) {
		if ((rc = awm_odb_read_typed(&cs, repo->odb, &c->changeset, AWM_OBJ_CHANGESET)) < 0)
			return rc;
		data = cs->data;
		len = cs->size;
	}
	snprintf(what, sizeof(what), "%s the changeset of %s", invert ? "undoing" : "replaying",
		 awm_oid_short(&c->oid, 10).s);
	rc = awm_changeset_apply(db, data, len, invert, what);
	awm_object_free(cs);
	return rc;
}

/*
 * The file line where a section of `c` starts, so errors point into the
 * migration file: known when the file is still there with that section
 * unchanged; else 1, counting from the start of the section.
 */
static int section_line(awm_repo *repo, const awm_commit *c, const awm_oid *blob)
{
	awm_buf path = AWM_BUF_INIT, text = AWM_BUF_INIT;
	awm_migration m;
	int line = 1;

	if (!c->migration)
		return 1;
	awm_path_join(&path, repo->root, c->migration);
	if (awm_fs_read_file(&text, path.ptr) == 0) {
		awm_crlf_to_lf(&text);
		if (awm_migration_parse(&m, c->migration, text.ptr, text.size) == 0) {
			if (awm_oid_equal(blob, &m.up_oid))
				line = m.up_line;
			else if (m.has_down && awm_oid_equal(blob, &m.down_oid))
				line = m.down_line;
		}
		awm_migration_release(&m);
	}
	awm_error_clear();
	awm_buf_release(&path);
	awm_buf_release(&text);
	return line;
}

/*
 * Run a section of `c`.  An error names "<migration>:<line>" counting from
 * the section's first line; only when it fails is the file read to turn
 * that into the line in the file (a replay of many commits reads none).
 */
static int run_blob(sqlite3 *db, awm_repo *repo, const awm_commit *c, const awm_oid *blob)
{
	awm_object *sql;
	char *msg, *end;
	size_t n;
	long line;
	int rc, first;

	if ((rc = awm_odb_read_typed(&sql, repo->odb, blob, AWM_OBJ_BLOB)) < 0)
		return rc;
	rc = awm_sqlite_run_script(db, (const char *)sql->data,
				   c->migration ? c->migration : awm_oid_tohex(&c->oid).s, 1);
	awm_object_free(sql);
	if (rc == 0 || !c->migration)
		return rc;
	msg = awm_strdup(awm_error_last());
	n = strlen(c->migration);
	if (!strncmp(msg, c->migration, n) && msg[n] == ':' &&
	    (line = strtol(msg + n + 1, &end, 10)) > 0 && *end == ':' &&
	    (first = section_line(repo, c, blob)) > 1)
		awm_error_set(rc, "%s:%ld%s", c->migration, line + first - 1, end);
	else
		awm_error_set(rc, "%s", msg);   /* section_line may have cleared it */
	free(msg);
	return rc;
}

int awm_replay_up_ex(sqlite3 *db, awm_repo *repo, const awm_commit *c, unsigned flags)
{
	int rc = 0;

	if (strcmp(c->engine, "sqlite"))
		return awm_error_set(AWM_EINVALID, "commit %s is a migration for '%s', which has no "
				     "SQLite database state to build", awm_oid_short(&c->oid, 10).s,
				     c->engine);
	if (c->kind == AWM_KIND_SCRIPT && (flags & AWM_REPLAY_RERUN_SCRIPTS))
		return awm_script_rerun(repo, db, c);
	if (c->has_up)
		rc = run_blob(db, repo, c, &c->up);
	if (rc == 0 && c->has_changeset && c->kind != AWM_KIND_SQL)
		rc = apply_changeset(db, repo, c, NULL, 0, 0);
	return rc;
}

int awm_replay_up(sqlite3 *db, awm_repo *repo, const awm_commit *c)
{
	return awm_replay_up_ex(db, repo, c, 0);
}

awm_undo awm_replay_undo_method(const awm_commit *c, int has_captured)
{
	if (c->kind != AWM_KIND_SQL) {
		if (c->has_changeset)
			return c->has_down ? AWM_UNDO_INVERSE_THEN_DOWN : AWM_UNDO_INVERSE;
		return c->has_down ? AWM_UNDO_DOWN : AWM_UNDO_NONE;
	}
	if (c->has_down)
		return AWM_UNDO_DOWN;
	return has_captured || c->has_changeset ? AWM_UNDO_INVERSE : AWM_UNDO_NONE;
}

int awm_replay_down(sqlite3 *db, awm_repo *repo, const awm_commit *c,
		    const void *captured, size_t captured_len, int has_captured)
{
	awm_undo how = awm_replay_undo_method(c, has_captured);
	int rc = 0;

	switch (how) {
	case AWM_UNDO_NONE:
		return awm_error_set(AWM_EINVALID, "commit %s has neither a down section nor "
				     "a changeset, so it cannot be rolled back",
				     awm_oid_tohex(&c->oid).s);
	case AWM_UNDO_DOWN:
		return run_blob(db, repo, c, &c->down);
	case AWM_UNDO_INVERSE:
	case AWM_UNDO_INVERSE_THEN_DOWN:
		/* Only a SQL commit's effect differs per database; the others replay theirs. */
		if (c->kind == AWM_KIND_SQL && has_captured)
			rc = captured_len ? apply_changeset(db, repo, c, captured, captured_len, 1) : 0;
		else if (c->has_changeset)
			rc = apply_changeset(db, repo, c, NULL, 0, 1);
		if (rc == 0 && how == AWM_UNDO_INVERSE_THEN_DOWN)
			rc = run_blob(db, repo, c, &c->down);
		return rc;
	}
	return 0;
}

static int load_cached(sqlite3 **out, awm_repo *repo, const awm_oid *commit)
{
	awm_buf path = AWM_BUF_INIT, image = AWM_BUF_INIT;
	int rc;

	cache_path(&path, repo, commit);
	rc = awm_fs_read_file(&image, path.ptr);
	if (rc == 0) {
		utimes(path.ptr, NULL);   /* most recently used: evicted last */
		rc = awm_sqlite_open_image(out, image.ptr, image.size);
	}
	awm_buf_release(&path);
	awm_buf_release(&image);
	return rc;
}

/*
 * Replay what lies between the loaded state of `base` and `commit`.  A
 * first-parent chain without merges (`chain`, newest first) is replayed as
 * it is; a chain through a merge takes the canonical order, which also
 * brings in the merged-in sides.
 */
static int replay_to(size_t *replayed, sqlite3 *db, awm_repo *repo, awm_commit **chain,
		     size_t nr, const awm_oid *commit, const awm_oid *base,
		     awm_progress_cb progress, void *payload)
{
	awm_oid *order = NULL;
	size_t i, n = 0;
	int rc = 0, merges = 0;

	for (i = 0; i < nr; i++)
		merges |= chain[i]->nparents > 1;
	*replayed = nr;
	if (!merges) {
		for (i = nr; i-- > 0 && rc == 0; ) {
			if ((rc = awm_replay_up(db, repo, chain[i])) < 0)
				awm_error_prefix("cannot rebuild the state of %s",
						 awm_oid_tohex(&chain[i]->oid).s);
			else if (progress)
				progress(REPLAYING, nr - i, nr, payload);
		}
		return rc;
	}
	/* `base` is a first-parent ancestor: its history is a prefix of the order. */
	if ((rc = awm_walk_canonical_list(&order, &n, repo, commit, base)) < 0)
		return rc;
	*replayed = n;
	for (i = 0; i < n && rc == 0; i++) {
		awm_commit *c;

		if ((rc = awm_commit_read(&c, repo->odb, &order[i])) < 0)
			break;
		if ((rc = awm_replay_up(db, repo, c)) < 0)
			awm_error_prefix("cannot rebuild the state of %s", awm_oid_tohex(&c->oid).s);
		else if (progress)
			progress(REPLAYING, i + 1, n, payload);
		awm_commit_free(c);
	}
	free(order);
	return rc;
}

int awm_scratch_open(sqlite3 **out, awm_repo *repo, const awm_oid *commit)
{
	return awm_scratch_open_ex(out, repo, commit, 0);
}

int awm_scratch_open_ex(sqlite3 **out, awm_repo *repo, const awm_oid *commit,
			unsigned flags)
{
	return awm_scratch_open_progress(out, repo, commit, flags, NULL, NULL);
}

int awm_scratch_open_progress(sqlite3 **out, awm_repo *repo, const awm_oid *commit,
			      unsigned flags, awm_progress_cb progress, void *payload)
{
	awm_commit **chain = NULL;
	size_t nr = 0, alloc = 0, i, replayed = 0;
	awm_oid cur;
	int have_cur = commit && !awm_oid_is_zero(commit), rc = 0, from_snapshot = 0;
	int have_base = 0;
	sqlite3 *db = NULL;

	if (have_cur)
		cur = *commit;
	/* Walk back along first parents to a cached state or the root. */
	while (have_cur) {
		awm_commit *c;

		if (load_cached(&db, repo, &cur) == 0) {
			have_base = 1;
			break;
		}
		awm_error_clear();
		if ((rc = awm_dbsnapshot_open(&db, repo, &cur)) == 0) {
			from_snapshot = have_base = 1;
			break;
		}
		if (rc != AWM_ENOTFOUND)
			goto done;   /* a damaged snapshot is reported, not skipped */
		rc = 0;
		if ((rc = awm_commit_read(&c, repo->odb, &cur)) < 0)
			goto done;
		AWM_ARRAY_GROW(chain, nr + 1, alloc);
		chain[nr++] = c;
		have_cur = c->nparents > 0;
		if (have_cur)
			cur = c->parents[0];
	}
	if (!db && (rc = awm_sqlite_open_image(&db, NULL, 0)) < 0)
		goto done;
	if ((rc = replay_to(&replayed, db, repo, chain, nr, commit, have_base ? &cur : NULL,
			    progress, payload)) < 0)
		goto done;
	if ((replayed > 1 || from_snapshot) && commit && !(flags & AWM_SCRATCH_NO_SAVE))
		awm_scratch_save(repo, commit, db);   /* next time, no replay */
	awm_error_clear();
done:
	for (i = 0; i < nr; i++)
		awm_commit_free(chain[i]);
	free(chain);
	if (rc < 0) {
		sqlite3_close(db);
		return rc;
	}
	*out = db;
	return 0;
}

typedef struct cached {
	char *path;
	time_t mtime;
} cached;

static int newest_first(const void *a, const void *b)
{
	const cached *x = a, *y = b;

	return (y->mtime > x->mtime) - (y->mtime < x->mtime);
}

/* Drop the least recently used states beyond the configured number. */
static void evict(awm_repo *repo)
{
	long keep = (long)awm_config_int_or(repo->config, "cache.scratchkeep", DEFAULT_KEEP);
	awm_buf dir = AWM_BUF_INIT;
	cached *list = NULL;
	size_t nr = 0, alloc = 0, i;
	struct dirent *e;
	DIR *d;

	awm_repo_path(&dir, repo, "cache/db");
	if (!(d = opendir(dir.ptr)))
		goto done;
	while ((e = readdir(d))) {
		struct stat st;
		char *p;

		if (!strstr(e->d_name, ".db"))
			continue;
		p = awm_printf_alloc("%s/%s", dir.ptr, e->d_name);
		if (stat(p, &st) < 0) {
			free(p);
			continue;
		}
		AWM_ARRAY_GROW(list, nr + 1, alloc);
		list[nr].path = p;
		list[nr++].mtime = st.st_mtime;
	}
	closedir(d);
	if (nr)
		qsort(list, nr, sizeof(cached), newest_first);
	for (i = 0; i < nr; i++) {
		if ((long)i >= keep)
			unlink(list[i].path);
		free(list[i].path);
	}
	free(list);
done:
	awm_buf_release(&dir);
}

int awm_scratch_save(awm_repo *repo, const awm_oid *commit, sqlite3 *db)
{
	awm_buf path = AWM_BUF_INIT, image = AWM_BUF_INIT;
	int rc;

	awm_repo_path(&path, repo, "cache/db");
	if ((rc = awm_fs_mkdir_p(path.ptr, 0755)) < 0)
		goto done;
	cache_path(&path, repo, commit);
	if ((rc = awm_sqlite_serialize(&image, db)) < 0)
		goto done;
	/* A cache needs no fsync; a torn file is caught by SQLite and rebuilt. */
	rc = awm_fs_write_atomic(path.ptr, image.ptr, image.size, 0644, AWM_FS_NOSYNC);
	evict(repo);
done:
	awm_buf_release(&path);
	awm_buf_release(&image);
	return rc;
}

int awm_require_sqlite_history(awm_repo *repo, const awm_oid *commit, const char *hint)
{
	awm_commit *c;
	int rc;

	if ((rc = awm_commit_read(&c, repo->odb, commit)) < 0)
		return rc;
	if (strcmp(c->engine, "sqlite"))
		rc = awm_error_set(AWM_EINVALID, "commit %s is a migration for '%s', whose "
				   "migrations are whole schemas: %s", awm_oid_short(commit, 10).s,
				   c->engine, hint);
	awm_commit_free(c);
	return rc;
}
