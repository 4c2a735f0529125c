/*
 * Writing and reading database snapshots (see dbsnapshot.h).
 */
#include "core/dbsnapshot.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/scratch.h"
#include "core/sqlite.h"
#include "objects/commit.h"
#include "objects/packwriter.h"
#include "objects/snapshot.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* How far back along first parents a new snapshot looks for an older one. */
#define BASE_SEARCH 1000

static void index_path(awm_buf *out, awm_repo *repo, const awm_oid *commit)
{
	awm_repo_path(out, repo, "snapshots");
	awm_buf_printf(out, "/%s", awm_oid_tohex(commit).s);
}

int awm_dbsnapshot_lookup(awm_oid *out, awm_repo *repo, const awm_oid *commit)
{
	awm_buf path = AWM_BUF_INIT, text = AWM_BUF_INIT;
	int rc;

	index_path(&path, repo, commit);
	if (!awm_fs_exists(path.ptr)) {
		rc = AWM_ENOTFOUND;
		goto done;
	}
	if ((rc = awm_fs_read_file(&text, path.ptr)) < 0)
		goto done;
	awm_buf_rtrim(&text);
	if (text.size != AWM_OID_HEXSZ || awm_oid_fromhex(out, text.ptr) < 0)
		rc = awm_error_set(AWM_ECORRUPT, "'%s' does not hold a snapshot id", path.ptr);
done:
	awm_buf_release(&path);
	awm_buf_release(&text);
	return rc;
}

static uint32_t image_page_size(const unsigned char *image, size_t len)
{
	uint32_t ps;

	if (len < 100)
		return 4096;
	ps = ((uint32_t)image[16] << 8) | image[17];
	return ps == 1 ? 65536 : ps;
}

int awm_dbsnapshot_open(sqlite3 **out, awm_repo *repo, const awm_oid *commit)
{
	awm_snapshot *s = NULL;
	awm_page_reader *r = NULL;
	awm_buf image = AWM_BUF_INIT, page = AWM_BUF_INIT;
	awm_oid snap;
	size_t i;
	int rc;

	if ((rc = awm_dbsnapshot_lookup(&snap, repo, commit)) < 0)
		return rc;
	if ((rc = awm_snapshot_read(&s, repo->odb, &snap)) < 0)
		goto done;
	if (!awm_oid_equal(&s->commit, commit)) {
		rc = awm_error_set(AWM_ECORRUPT, "snapshot %s belongs to commit %s, not %s",
				   awm_oid_tohex(&snap).s, awm_oid_tohex(&s->commit).s,
				   awm_oid_tohex(commit).s);
		goto done;
	}
	r = awm_page_reader_new(repo->odb, s->page_size);
	awm_buf_grow(&image, s->npages * (size_t)s->page_size);
	for (i = 0; i < s->npages; i++) {
		if ((rc = awm_page_reader_get(r, &page, NULL, &s->pages[i])) < 0)
			goto done;
		awm_buf_put(&image, page.ptr, page.size);
	}
	if (s->npages && image_page_size((unsigned char *)image.ptr, image.size) != s->page_size) {
		rc = awm_error_set(AWM_ECORRUPT, "snapshot %s: its pages do not form a database",
				   awm_oid_tohex(&snap).s);
		goto done;
	}
	rc = awm_sqlite_open_image(out, image.ptr, image.size);
done:
	if (rc < 0 && rc != AWM_ENOTFOUND)
		awm_error_prefix("cannot load the snapshot of %s", awm_oid_tohex(commit).s);
	awm_snapshot_free(s);
	awm_page_reader_free(r);
	awm_buf_release(&image);
	awm_buf_release(&page);
	return rc;
}

/* The nearest first-parent ancestor of `commit` with a snapshot. */
static int find_base(awm_snapshot **out, awm_oid *base_commit, awm_repo *repo,
		     const awm_oid *commit)
{
	awm_oid cur = *commit, snap;
	int steps, rc;

	*out = NULL;
	for (steps = 0; steps < BASE_SEARCH; steps++) {
		awm_commit *c;

		if ((rc = awm_commit_read(&c, repo->odb, &cur)) < 0)
			return rc;
		if (!c->nparents) {
			awm_commit_free(c);
			return 0;
		}
		cur = c->parents[0];
		awm_commit_free(c);
		if (awm_dbsnapshot_lookup(&snap, repo, &cur) == 0 &&
		    awm_snapshot_read(out, repo->odb, &snap) == 0) {
			*base_commit = cur;
			return 0;
		}
		awm_error_clear();
	}
	return 0;
}

typedef struct writer {
	awm_repo *repo;
	awm_packwriter *pw;
	awm_page_reader *reader;
	const awm_snapshot *base;
	uint32_t psz;
	awm_buf payload, old, anchor_bytes;
	awm_dbsnapshot_stats *st;
} writer;

static int add_page(writer *w, awm_oid *id, const awm_buf *payload)
{
	return awm_packwriter_add(w->pw, id, AWM_OBJ_PAGE, payload->ptr, payload->size);
}

/* The page object for page `i` holding `page`. */
static int store_page(writer *w, awm_oid *out, size_t i, const unsigned char *page)
{
	awm_oid anchor;
	int rc;

	awm_page_full_payload(&w->payload, page, w->psz);
	awm_oid_hash(out, AWM_OBJ_PAGE, w->payload.ptr, w->payload.size);
	if (w->base && i < w->base->npages) {
		const awm_oid *prev = &w->base->pages[i];

		if (awm_oid_equal(prev, out)) {
			w->st->reused++;
			return 0;
		}
		if ((rc = awm_page_reader_get(w->reader, &w->old, &anchor, prev)) < 0)
			return rc;
		if (!memcmp(w->old.ptr, page, w->psz)) {
			*out = *prev;
			w->st->reused++;
			return 0;
		}
		/* A delta rests on a full page: the old page itself, or its base. */
		if (!awm_oid_equal(&anchor, prev) &&
		    (rc = awm_page_reader_get(w->reader, &w->old, NULL, &anchor)) < 0)
			return rc;
		if ((rc = awm_page_delta_payload(w->reader, &w->anchor_bytes, &anchor, w->old.ptr,
						 page, w->psz)) < 0)
			return rc;
		if (w->anchor_bytes.size <= w->psz / 2) {
			awm_oid_hash(out, AWM_OBJ_PAGE, w->anchor_bytes.ptr, w->anchor_bytes.size);
			w->st->deltas++;
			return add_page(w, out, &w->anchor_bytes);
		}
		awm_oid_hash(out, AWM_OBJ_PAGE, w->payload.ptr, w->payload.size);
	}
	w->st->full++;
	return add_page(w, out, &w->payload);
}

static int write_index(awm_repo *repo, const awm_oid *commit, const awm_oid *snap)
{
	awm_buf path = AWM_BUF_INIT, text = AWM_BUF_INIT;
	int rc;

	awm_repo_path(&path, repo, "snapshots");
	if ((rc = awm_fs_mkdir_p(path.ptr, 0755)) == 0) {
		index_path(&path, repo, commit);
		awm_buf_printf(&text, "%s\n", awm_oid_tohex(snap).s);
		rc = awm_fs_write_atomic(path.ptr, text.ptr, text.size, 0644, 0);
	}
	awm_buf_release(&path);
	awm_buf_release(&text);
	return rc;
}

static uint64_t file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
}

static int write_snapshot(writer *w, const awm_oid *commit, const awm_buf *image,
			  awm_progress_cb progress, void *payload)
{
	awm_snapshot s;
	awm_buf text = AWM_BUF_INIT, pack = AWM_BUF_INIT;
	size_t i;
	int rc = 0;

	memset(&s, 0, sizeof(s));
	s.commit = *commit;
	s.engine = "sqlite";
	s.page_size = w->psz;
	s.npages = image->size / w->psz;
	s.pages = awm_calloc(s.npages + 1, sizeof(awm_oid));
	w->st->pages = s.npages;
	for (i = 0; i < s.npages && rc == 0; i++) {
		rc = store_page(w, &s.pages[i], i,
				(const unsigned char *)image->ptr + i * (size_t)w->psz);
		if (progress && (i % 1024 == 0 || i + 1 == s.npages))
			progress("Storing pages", i + 1, s.npages, payload);
	}
	if (rc < 0)
		goto done;
	awm_snapshot_serialize(&text, &s);
	if ((rc = awm_packwriter_add(w->pw, &w->st->snapshot, AWM_OBJ_SNAPSHOT, text.ptr,
				     text.size)) < 0 ||
	    (rc = awm_packwriter_commit(w->pw, &pack)) < 0)
		goto done;
	if (pack.size) {
		w->st->stored_bytes = file_size(pack.ptr);
		awm_buf_truncate(&pack, pack.size - 5);
		awm_buf_puts(&pack, ".idx");
		w->st->stored_bytes += file_size(pack.ptr);
	}
	rc = write_index(w->repo, commit, &w->st->snapshot);
done:
	free(s.pages);
	awm_buf_release(&text);
	awm_buf_release(&pack);
	return rc;
}

int awm_dbsnapshot_create(awm_dbsnapshot_stats *out, awm_repo *repo, const awm_oid *commit,
			  awm_progress_cb progress, void *payload)
{
	awm_snapshot *base = NULL;
	awm_buf image = AWM_BUF_INIT;
	sqlite3 *db = NULL;
	writer w;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&w, 0, sizeof(w));
	if (awm_dbsnapshot_lookup(&out->snapshot, repo, commit) == 0) {
		out->existed = 1;
		return 0;
	}
	awm_error_clear();
	if ((rc = awm_scratch_open(&db, repo, commit)) < 0 ||
	    (rc = awm_sqlite_serialize(&image, db)) < 0)
		goto done;
	sqlite3_close(db);
	db = NULL;
	out->image_bytes = image.size;
	w.psz = image_page_size((unsigned char *)image.ptr, image.size);
	if ((rc = find_base(&base, &out->base_commit, repo, commit)) < 0)
		goto done;
	if (base && base->page_size == w.psz) {
		out->has_base = 1;
		w.base = base;
	}
	w.repo = repo;
	w.st = out;
	w.reader = awm_page_reader_new(repo->odb, w.psz);
	awm_buf_init(&w.payload);
	awm_buf_init(&w.old);
	awm_buf_init(&w.anchor_bytes);
	/* Always a pack: a large image must not become thousands of loose files. */
	if ((rc = awm_packwriter_new(&w.pw, repo->odb, 0, 0)) < 0)
		goto done;
	rc = write_snapshot(&w, commit, &image, progress, payload);
done:
	sqlite3_close(db);
	awm_snapshot_free(base);
	awm_packwriter_free(w.pw);
	awm_page_reader_free(w.reader);
	awm_buf_release(&w.payload);
	awm_buf_release(&w.old);
	awm_buf_release(&w.anchor_bytes);
	awm_buf_release(&image);
	return rc;
}

int awm_dbsnapshot_foreach(awm_repo *repo, awm_dbsnapshot_cb cb, void *payload)
{
	awm_buf dir = AWM_BUF_INIT;
	struct dirent *e;
	DIR *d;
	int rc = 0;

	awm_repo_path(&dir, repo, "snapshots");
	d = opendir(dir.ptr);
	awm_buf_release(&dir);
	if (!d)
		return 0;
	while (rc == 0 && (e = readdir(d))) {
		awm_oid commit, snap;

		if (strlen(e->d_name) != AWM_OID_HEXSZ || awm_oid_fromhex(&commit, e->d_name) < 0)
			continue;
		if ((rc = awm_dbsnapshot_lookup(&snap, repo, &commit)) == 0)
			rc = cb(&commit, &snap, payload);
		else if (rc == AWM_ENOTFOUND)
			rc = 0;   /* removed meanwhile */
	}
	closedir(d);
	return rc;
}
