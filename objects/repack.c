/*
 * Repacking every object into one pack (see repack.h).
 */
#include "objects/repack.h"
#include "objects/pack.h"
#include "objects/packwriter.h"
#include "core/error.h"
#include "core/fs.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

typedef struct repack_ctx {
	awm_odb *odb;
	awm_packwriter *pw;
	char **loose;
	size_t nloose, aloose;
	size_t seen, total;
	awm_progress_cb progress;
	void *payload;
} repack_ctx;

static int collect(const awm_oid *oid, const awm_odb_record *rec, void *payload)
{
	repack_ctx *c = payload;
	awm_object *obj = NULL;
	int rc;

	if (!rec->frame)
		return awm_error_code();   /* unparsable file; message already set */
	if (!awm_packwriter_has(c->pw, oid)) {
		if ((rc = awm_odb_record_decode(&obj, awm_odb_zstd(c->odb), oid, rec)) < 0) {
			awm_error_prefix("gc stopped, nothing was removed");
			return rc;
		}
		awm_object_free(obj);
		if ((rc = awm_packwriter_add_record(c->pw, oid, rec)) < 0)
			return rc;
	}
	if (strstr(rec->where.ptr, "/pack/") == NULL) {
		AWM_ARRAY_GROW(c->loose, c->nloose + 1, c->aloose);
		c->loose[c->nloose++] = awm_strdup(rec->where.ptr);
	}
	if (c->progress && (++c->seen % 1024 == 0 || c->seen == c->total))
		c->progress("Packing objects", c->seen, c->total, c->payload);
	return 0;
}

/* Remove loose files and emptied fan-out directories. */
static size_t remove_loose(char **paths, size_t n)
{
	size_t i, removed = 0;

	for (i = 0; i < n; i++) {
		char *slash;

		if (unlink(paths[i]) == 0)
			removed++;
		if ((slash = strrchr(paths[i], '/'))) {
			*slash = '\0';
			rmdir(paths[i]);   /* fails harmlessly unless empty */
		}
	}
	return removed;
}

/* A `.pack` whose `.idx` never came (a writer died between the two) or went. */
static int is_orphan_pack(const char *dir, const char *name, awm_buf *path)
{
	size_t n = strlen(name);
	struct stat st;

	if (n < 6 || strcmp(name + n - 5, ".pack"))
		return 0;
	awm_buf_clear(path);
	awm_path_join(path, dir, name);
	memcpy(path->ptr + path->size - 5, ".idx", 5);
	return lstat(path->ptr, &st) < 0 && errno == ENOENT;
}

/* A leftover of a writer: a temporary file, or an orphan pack, older than `age`. */
static int is_stale_temp(const char *dir, const char *name, long age, awm_buf *path)
{
	struct stat st;

	if (!strstr(name, ".tmp-") && strncmp(name, "tmp-", 4) &&
	    !is_orphan_pack(dir, name, path))
		return 0;
	awm_buf_clear(path);
	awm_path_join(path, dir, name);
	return lstat(path->ptr, &st) == 0 && time(NULL) - st.st_mtime >= age;
}

static size_t remove_temps_in(const char *dir, long age)
{
	awm_buf path = AWM_BUF_INIT;
	struct dirent *e;
	size_t n = 0;
	DIR *d = opendir(dir);

	if (!d)
		return 0;
	while ((e = readdir(d)))
		if (is_stale_temp(dir, e->d_name, age, &path) && unlink(path.ptr) == 0)
			n++;
	closedir(d);
	awm_buf_release(&path);
	return n;
}

static size_t remove_temps(const char *objects_dir, long age)
{
	awm_buf dir = AWM_BUF_INIT;
	size_t n = 0;
	unsigned fan;

	for (fan = 0; fan < 256; fan++) {
		awm_buf_clear(&dir);
		awm_buf_printf(&dir, "%s/%02x", objects_dir, fan);
		n += remove_temps_in(dir.ptr, age);
	}
	awm_buf_clear(&dir);
	awm_buf_printf(&dir, "%s/pack", objects_dir);
	n += remove_temps_in(dir.ptr, age);
	awm_buf_release(&dir);
	return n;
}

static size_t remove_packs(char **idx_paths, size_t n, const char *keep)
{
	size_t i, removed = 0;

	for (i = 0; i < n; i++) {
		size_t len = strlen(idx_paths[i]);
		char *pack = awm_malloc(len + 2);

		memcpy(pack, idx_paths[i], len - 4);
		memcpy(pack + len - 4, ".pack", 6);
		if (strcmp(pack, keep)) {
			/* The index goes first: without it the pack is invisible. */
			if (unlink(idx_paths[i]) == 0)
				removed++;
			unlink(pack);
		}
		free(pack);
	}
	return removed;
}

int awm_odb_repack(awm_repack_stats *stats, awm_odb *odb, long temp_age,
		   awm_progress_cb progress, void *payload)
{
	repack_ctx c;
	const awm_pack **packs;
	char **old = NULL;
	size_t npacks, packed, loose, i;
	awm_buf newpack = AWM_BUF_INIT;
	int rc;

	memset(&c, 0, sizeof(c));
	memset(stats, 0, sizeof(*stats));
	c.odb = odb;
	c.progress = progress;
	c.payload = payload;
	if ((rc = awm_odb_refresh(odb)) < 0)
		return rc;
	awm_odb_count(odb, &loose, &npacks, &packed);
	c.total = loose + packed;
	npacks = awm_odb_packs(odb, &packs);
	old = awm_calloc(npacks + 1, sizeof(char *));
	for (i = 0; i < npacks; i++)
		old[i] = awm_strdup(packs[i]->idx_path);

	if (loose == 0 && npacks <= 1)
		goto temps;   /* already one pack: nothing to gain */
	if ((rc = awm_packwriter_new(&c.pw, odb, 0, AWM_PACKWRITER_KEEP_EXISTING)) < 0)
		goto done;
	if ((rc = awm_odb_foreach_record(odb, collect, &c)) < 0)
		goto done;
	stats->objects = awm_packwriter_count(c.pw);
	if ((rc = awm_packwriter_commit(c.pw, &newpack)) < 0)
		goto done;
	if (!newpack.size) {
		rc = awm_error_set(AWM_ERROR, "gc wrote no pack; nothing was removed");
		goto done;
	}
	stats->loose_removed = remove_loose(c.loose, c.nloose);
	stats->packs_removed = remove_packs(old, npacks, newpack.ptr);
temps:
	stats->temps_removed = remove_temps(awm_odb_dir(odb), temp_age);
	rc = 0;
done:
	awm_packwriter_free(c.pw);
	for (i = 0; i < c.nloose; i++)
		free(c.loose[i]);
	free(c.loose);
	for (i = 0; i < npacks; i++)
		free(old[i]);
	free(old);
	awm_buf_release(&newpack);
	return rc;
}
