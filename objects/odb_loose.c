/*
 * Loose objects: one file per object at objects/<2 hex>/<30 hex>, holding a
 * 14-byte header and one zstd frame (docs/format.md, "Loose objects").
 * Files are written to a temporary name, fsynced and renamed, so a crash
 * never leaves a partial object under its id.
 */
#include "objects/odb_backend.h"
#include "core/error.h"
#include "core/fs.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct loose_backend {
	awm_odb_backend base;
	char *dir;
} loose_backend;

static void loose_path(awm_buf *out, const char *dir, const awm_oid *oid)
{
	awm_oid_hex h = awm_oid_tohex(oid);

	awm_buf_clear(out);
	awm_buf_printf(out, "%s/%.2s/%s", dir, h.s, h.s + 2);
}

int awm_loose_write_record(const char *objects_dir, const awm_oid *oid,
			   awm_otype type, uint64_t size,
			   const void *frame, size_t frame_len)
{
	awm_buf path = AWM_BUF_INIT, data = AWM_BUF_INIT;
	unsigned char hdr[AWM_LOOSE_HDRSZ];
	char *slash;
	int rc;

	loose_path(&path, objects_dir, oid);
	if (awm_fs_exists(path.ptr))
		goto done_ok;
	slash = strrchr(path.ptr, '/');
	*slash = '\0';
	rc = awm_fs_mkdir_p(path.ptr, 0755);
	*slash = '/';
	if (rc < 0)
		goto done;
	memcpy(hdr, AWM_LOOSE_MAGIC, 4);
	hdr[4] = AWM_LOOSE_VERSION;
	hdr[5] = (unsigned char)type;
	awm_put_be64(hdr + 6, size);
	awm_buf_put(&data, hdr, sizeof(hdr));
	awm_buf_put(&data, frame, frame_len);
	rc = awm_fs_write_atomic(path.ptr, data.ptr, data.size, 0444, 0);
	goto done;
done_ok:
	rc = 0;
done:
	awm_buf_release(&path);
	awm_buf_release(&data);
	return rc;
}

/* Parse the bytes of a loose file already in rec->hold. */
static int parse_loose(awm_odb_record *rec)
{
	const unsigned char *p = (const unsigned char *)rec->hold.ptr;

	if (rec->hold.size < AWM_LOOSE_HDRSZ || memcmp(p, AWM_LOOSE_MAGIC, 4))
		return awm_error_set(AWM_ECORRUPT, "'%s' is not a loose object file",
				     rec->where.ptr);
	if (p[4] != AWM_LOOSE_VERSION)
		return awm_error_set(AWM_ECORRUPT, "'%s' has unsupported format version %d",
				     rec->where.ptr, p[4]);
	rec->type = (awm_otype)p[5];
	rec->size = awm_get_be64(p + 6);
	rec->frame = p + AWM_LOOSE_HDRSZ;
	rec->frame_len = rec->hold.size - AWM_LOOSE_HDRSZ;
	return 0;
}

static int loose_lookup(awm_odb_backend *b, awm_odb_record *out, const awm_oid *oid)
{
	loose_backend *lb = (loose_backend *)b;
	int rc;

	loose_path(&out->where, lb->dir, oid);
	awm_buf_clear(&out->hold);
	if ((rc = awm_fs_read_file(&out->hold, out->where.ptr)) < 0)
		return rc;
	return parse_loose(out);
}

static int loose_exists(awm_odb_backend *b, const awm_oid *oid)
{
	loose_backend *lb = (loose_backend *)b;
	awm_buf path = AWM_BUF_INIT;
	int found;

	loose_path(&path, lb->dir, oid);
	found = access(path.ptr, F_OK) == 0;
	awm_buf_release(&path);
	return found;
}

/* Call `fn` for each loose object file in fan-out directory `xx`. */
typedef int (*loose_visit)(loose_backend *lb, const awm_oid *oid,
			   const char *path, void *payload);

static int visit_dir(loose_backend *lb, unsigned fan, loose_visit fn, void *payload)
{
	awm_buf path = AWM_BUF_INIT;
	char hex[AWM_OID_HEXSZ + 1];
	struct dirent *e;
	DIR *d;
	int rc = 0;

	awm_buf_printf(&path, "%s/%02x", lb->dir, fan);
	if (!(d = opendir(path.ptr))) {
		rc = errno == ENOENT ? 0 : awm_error_os(AWM_ERROR, "cannot read '%s'", path.ptr);
		awm_buf_release(&path);
		return rc;
	}
	while (rc == 0 && (e = readdir(d))) {
		awm_oid oid;

		if (strlen(e->d_name) != AWM_OID_HEXSZ - 2)
			continue;   /* temporary files and strays */
		/* Two digits from the folder, thirty from the name (length checked). */
		snprintf(hex, 3, "%02x", fan);
		memcpy(hex + 2, e->d_name, AWM_OID_HEXSZ - 2);
		hex[AWM_OID_HEXSZ] = '\0';
		if (awm_oid_fromhex(&oid, hex) < 0)
			continue;
		awm_buf_truncate(&path, strlen(lb->dir) + 3);
		awm_buf_printf(&path, "/%s", e->d_name);
		rc = fn(lb, &oid, path.ptr, payload);
	}
	closedir(d);
	awm_buf_release(&path);
	return rc;
}

struct prefix_ctx {
	const char *hex;
	size_t len;
	awm_prefix_matches *m;
};

static int prefix_visit(loose_backend *lb, const awm_oid *oid, const char *path,
			void *payload)
{
	struct prefix_ctx *c = payload;

	(void)lb;
	(void)path;
	if (awm_oid_has_prefix(oid, c->hex, c->len))
		awm_prefix_matches_add(c->m, oid);
	return 0;
}

static int loose_prefix(awm_odb_backend *b, const char *hex, size_t len,
			awm_prefix_matches *m)
{
	struct prefix_ctx c = { hex, len, m };
	char fan[3] = { hex[0], hex[1], 0 };

	return visit_dir((loose_backend *)b, (unsigned)strtoul(fan, NULL, 16),
			 prefix_visit, &c);
}

struct foreach_ctx {
	awm_odb_record_cb cb;
	void *payload;
};

static int foreach_visit(loose_backend *lb, const awm_oid *oid, const char *path,
			 void *payload)
{
	struct foreach_ctx *c = payload;
	awm_odb_record rec;
	int rc;

	(void)lb;
	awm_odb_record_init(&rec);
	awm_buf_puts(&rec.where, path);
	rc = awm_fs_read_file(&rec.hold, path);
	if (rc == AWM_ENOTFOUND) {
		rc = 0;   /* removed by a concurrent gc */
		goto done;
	}
	if (rc == 0 && (rc = parse_loose(&rec)) < 0) {
		/* Report unparsable files through the callback with no frame. */
		rec.frame = NULL;
		rec.type = AWM_OBJ_NONE;
		rc = 0;
	}
	if (rc == 0)
		rc = c->cb(oid, &rec, c->payload);
done:
	awm_odb_record_release(&rec);
	return rc;
}

static int loose_foreach(awm_odb_backend *b, awm_odb_record_cb cb, void *payload)
{
	struct foreach_ctx c = { cb, payload };
	unsigned fan;
	int rc;

	for (fan = 0; fan < 256; fan++)
		if ((rc = visit_dir((loose_backend *)b, fan, foreach_visit, &c)) != 0)
			return rc;
	return 0;
}

static int count_visit(loose_backend *lb, const awm_oid *oid, const char *path,
		       void *payload)
{
	(void)lb; (void)oid; (void)path;
	(*(size_t *)payload)++;
	return 0;
}

static void loose_count(awm_odb_backend *b, size_t *files, size_t *objects)
{
	size_t n = 0;
	unsigned fan;

	for (fan = 0; fan < 256; fan++)
		visit_dir((loose_backend *)b, fan, count_visit, &n);
	*files = *objects = n;
}

static int loose_refresh(awm_odb_backend *b)
{
	(void)b;
	return 0;
}

static void loose_free(awm_odb_backend *b)
{
	loose_backend *lb = (loose_backend *)b;

	free(lb->dir);
	free(lb);
}

int awm_odb_loose_new(awm_odb_backend **out, const char *objects_dir)
{
	loose_backend *lb = awm_calloc(1, sizeof(*lb));

	lb->base.name = "loose";
	lb->base.lookup = loose_lookup;
	lb->base.exists = loose_exists;
	lb->base.prefix = loose_prefix;
	lb->base.foreach = loose_foreach;
	lb->base.refresh = loose_refresh;
	lb->base.count = loose_count;
	lb->base.free = loose_free;
	lb->dir = awm_strdup(objects_dir);
	*out = &lb->base;
	return 0;
}
