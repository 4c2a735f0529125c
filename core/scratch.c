/*
 * Scratch databases and their cache (see scratch.h).
 */
#include "core/scratch.h"
#include "core/changeset.h"
#include "core/dbsnapshot.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/script.h"
#include "core/sqlite.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_KEEP 16

static void cache_path(awm_buf *out, awm_repo *repo, const awm_oid *commit)
{
	awm_repo_path(out, repo, "cache/db");
	awm_buf_printf(out, "/%s.db", awm_oid_tohex(commit).s);
}

static int apply_changeset(sqlite3 *db, awm_repo *repo, const awm_commit *c)
{
	awm_object *cs;
	char what[64];
	int rc = awm_odb_read_typed(&cs, repo->odb, &c->changeset, AWM_OBJ_CHANGESET);

	if (rc < 0)
		return rc;
	snprintf(what, sizeof(what), "the changeset of %s", awm_oid_short(&c->oid, 10).s);
	rc = awm_changeset_apply(db, cs->data, cs->size, 0, what);
	awm_object_free(cs);
	return rc;
}

int awm_replay_up_ex(sqlite3 *db, awm_repo *repo, const awm_commit *c, unsigned flags)
{
	awm_object *up;
	int rc = 0;

	if (c->kind == AWM_KIND_SCRIPT && (flags & AWM_REPLAY_RERUN_SCRIPTS))
		return awm_script_rerun(repo, db, c);
	if (c->has_up) {
		if ((rc = awm_odb_read_typed(&up, repo->odb, &c->up, AWM_OBJ_BLOB)) < 0)
			return rc;
		rc = awm_sqlite_run_script(db, (const char *)up->data,
					   c->migration ? c->migration : awm_oid_tohex(&c->oid).s, 1);
		awm_object_free(up);
	}
	if (rc == 0 && c->has_changeset && c->kind != AWM_KIND_SQL)
		rc = apply_changeset(db, repo, c);
	return rc;
}

int awm_replay_up(sqlite3 *db, awm_repo *repo, const awm_commit *c)
{
	return awm_replay_up_ex(db, repo, c, 0);
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

int awm_scratch_open(sqlite3 **out, awm_repo *repo, const awm_oid *commit)
{
	awm_commit **chain = NULL;
	size_t nr = 0, alloc = 0, i;
	awm_oid cur;
	int have_cur = commit && !awm_oid_is_zero(commit), rc = 0, from_snapshot = 0;
	sqlite3 *db = NULL;

	if (have_cur)
		cur = *commit;
	/* Walk back along first parents to a cached state or the root. */
	while (have_cur) {
		awm_commit *c;

		if (load_cached(&db, repo, &cur) == 0)
			break;
		awm_error_clear();
		if ((rc = awm_dbsnapshot_open(&db, repo, &cur)) == 0) {
			from_snapshot = 1;
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
	for (i = nr; i-- > 0; )
		if ((rc = awm_replay_up(db, repo, chain[i])) < 0) {
			awm_error_prefix("cannot rebuild the state of %s",
					 awm_oid_tohex(&chain[i]->oid).s);
			goto done;
		}
	if ((nr > 1 || from_snapshot) && commit)
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
