/*
 * .awm/packed-refs: many refs in one sorted file, written by gc so that
 * thousands of refs do not mean thousands of files.
 */
#include "core/refs_internal.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/lockfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PACKED_HEADER "# awm packed-refs 1\n"

static void clear_entries(awm_packed_refs *pr)
{
	size_t i;

	for (i = 0; i < pr->nr; i++)
		free(pr->names[i]);
	pr->nr = 0;
}

void awm_refs_cache_free(awm_repo *repo)
{
	awm_packed_refs *pr = repo->packed;

	if (!pr)
		return;
	clear_entries(pr);
	free(pr->names);
	free(pr->oids);
	free(pr);
	repo->packed = NULL;
}

static int same_file(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

static int parse(awm_packed_refs *pr, const awm_buf *data, const char *path)
{
	const char *p = data->ptr, *end = data->ptr + data->size;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		awm_oid oid;
		char *name;

		if (len && p[0] != '#') {
			if (len < AWM_OID_HEXSZ + 2 || p[AWM_OID_HEXSZ] != ' ' ||
			    awm_ref_parse_content(&oid, p, AWM_OID_HEXSZ, path) < 0)
				return awm_error_set(AWM_ECORRUPT, "'%s' has a malformed line", path);
			name = awm_strndup(p + AWM_OID_HEXSZ + 1, len - AWM_OID_HEXSZ - 1);
			if (awm_refname_check(name) < 0) {
				free(name);
				return awm_error_set(AWM_ECORRUPT, "'%s' lists an invalid ref name", path);
			}
			AWM_ARRAY_GROW(pr->names, pr->nr + 1, pr->alloc);
			pr->oids = awm_realloc(pr->oids, pr->alloc * sizeof(awm_oid));
			pr->names[pr->nr] = name;
			pr->oids[pr->nr] = oid;
			pr->nr++;
		}
		p += len + 1;
	}
	return 0;
}

int awm_packed_refs_load(awm_packed_refs **out, awm_repo *repo)
{
	awm_buf path = AWM_BUF_INIT, data = AWM_BUF_INIT;
	awm_packed_refs *pr = repo->packed;
	struct stat st;
	int rc = 0;

	if (!pr)
		pr = repo->packed = awm_calloc(1, sizeof(*pr));
	awm_repo_path(&path, repo, "packed-refs");
	if (stat(path.ptr, &st) < 0) {
		if (errno != ENOENT) {
			rc = awm_error_os(AWM_ERROR, "cannot stat '%s'", path.ptr);
			goto done;
		}
		clear_entries(pr);
		pr->loaded = 0;
		goto done;
	}
	if (pr->loaded && same_file(&pr->st, &st))
		goto done;
	clear_entries(pr);
	if ((rc = awm_fs_read_file(&data, path.ptr)) < 0 || (rc = parse(pr, &data, path.ptr)) < 0) {
		clear_entries(pr);
		goto done;
	}
	pr->st = st;
	pr->loaded = 1;
done:
	*out = pr;
	awm_buf_release(&path);
	awm_buf_release(&data);
	return rc;
}

long awm_packed_refs_find(const awm_packed_refs *pr, const char *name)
{
	long lo = 0, hi = (long)pr->nr;

	while (lo < hi) {
		long mid = lo + (hi - lo) / 2;
		int c = strcmp(pr->names[mid], name);

		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static void render(awm_buf *out, char **names, const awm_oid *oids, size_t nr,
		   const char *skip)
{
	size_t i;

	awm_buf_puts(out, PACKED_HEADER);
	for (i = 0; i < nr; i++)
		if (!skip || strcmp(names[i], skip))
			awm_buf_printf(out, "%s %s\n", awm_oid_tohex(&oids[i]).s, names[i]);
}

int awm_packed_refs_remove(awm_repo *repo, const char *name)
{
	awm_buf path = AWM_BUF_INIT, text = AWM_BUF_INIT;
	awm_lockfile lk = AWM_LOCKFILE_INIT;
	awm_packed_refs *pr;
	int rc;

	awm_repo_path(&path, repo, "packed-refs");
	if ((rc = awm_lockfile_acquire(&lk, path.ptr, AWM_LOCK_TIMEOUT_MS)) < 0)
		goto done;
	if ((rc = awm_packed_refs_load(&pr, repo)) < 0)
		goto done;
	if (awm_packed_refs_find(pr, name) < 0)
		goto done;   /* not packed: nothing to rewrite */
	render(&text, pr->names, pr->oids, pr->nr, name);
	if ((rc = awm_lockfile_write(&lk, text.ptr, text.size)) == 0)
		rc = awm_lockfile_commit(&lk);
done:
	awm_lockfile_release(&lk);
	awm_buf_release(&path);
	awm_buf_release(&text);
	return rc;
}

typedef struct pack_ctx {
	char **names;
	awm_oid *oids;
	size_t nr, alloc, oalloc;
} pack_ctx;

static int gather(const char *name, const awm_oid *oid, void *payload)
{
	pack_ctx *c = payload;

	AWM_ARRAY_GROW(c->names, c->nr + 1, c->alloc);
	AWM_ARRAY_GROW(c->oids, c->nr + 1, c->oalloc);
	c->names[c->nr] = awm_strdup(name);
	c->oids[c->nr] = *oid;
	c->nr++;
	return 0;
}

/* Delete a loose ref if it still holds the value that was just packed. */
static void drop_loose(awm_repo *repo, const char *name, const awm_oid *packed)
{
	awm_buf path = AWM_BUF_INIT, data = AWM_BUF_INIT;
	awm_lockfile lk = AWM_LOCKFILE_INIT;
	awm_oid cur;

	awm_repo_path(&path, repo, name);
	if (!awm_fs_exists(path.ptr) ||
	    awm_lockfile_acquire(&lk, path.ptr, AWM_LOCK_TIMEOUT_MS) < 0)
		goto done;
	if (awm_fs_read_file(&data, path.ptr) == 0 &&
	    awm_ref_parse_content(&cur, data.ptr, data.size, name) == 0 &&
	    awm_oid_equal(&cur, packed))
		unlink(path.ptr);
done:
	awm_lockfile_release(&lk);
	awm_buf_release(&path);
	awm_buf_release(&data);
	awm_error_clear();
}

int awm_refs_pack(awm_repo *repo, size_t *count)
{
	pack_ctx c = { NULL, NULL, 0, 0, 0 };
	awm_buf path = AWM_BUF_INIT, text = AWM_BUF_INIT;
	awm_lockfile lk = AWM_LOCKFILE_INIT;
	size_t i;
	int rc;

	*count = 0;
	awm_repo_path(&path, repo, "packed-refs");
	if ((rc = awm_lockfile_acquire(&lk, path.ptr, AWM_LOCK_TIMEOUT_MS)) < 0)
		goto done;
	/* awm_ref_foreach merges loose and packed, sorted, loose winning. */
	if ((rc = awm_ref_foreach(repo, "refs/", gather, &c)) < 0)
		goto done;
	render(&text, c.names, c.oids, c.nr, NULL);
	if ((rc = awm_lockfile_write(&lk, text.ptr, text.size)) < 0 ||
	    (rc = awm_lockfile_commit(&lk)) < 0)
		goto done;
	for (i = 0; i < c.nr; i++)
		drop_loose(repo, c.names[i], &c.oids[i]);
	*count = c.nr;
done:
	awm_lockfile_release(&lk);
	for (i = 0; i < c.nr; i++)
		free(c.names[i]);
	free(c.names);
	free(c.oids);
	awm_buf_release(&path);
	awm_buf_release(&text);
	return rc;
}
