/*
 * The pack backend: every pack in objects/pack, rescanned on demand so that
 * packs written by another process (a gc, a fetch) become visible.
 */
#include "objects/pack.h"
#include "core/error.h"
#include "core/fs.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct pack_backend {
	awm_odb_backend base;
	char *packdir;
	awm_pack **packs;
	size_t nr, alloc;
} pack_backend;

static int known(pack_backend *pb, const char *idx_path)
{
	size_t i;

	for (i = 0; i < pb->nr; i++)
		if (!strcmp(pb->packs[i]->idx_path, idx_path))
			return 1;
	return 0;
}

static int pack_refresh(awm_odb_backend *b)
{
	pack_backend *pb = (pack_backend *)b;
	awm_buf path = AWM_BUF_INIT;
	struct dirent *e;
	DIR *d = opendir(pb->packdir);

	if (!d)
		return errno == ENOENT ? 0 : awm_error_os(AWM_ERROR, "cannot read '%s'", pb->packdir);
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		awm_pack *p;

		if (n < 5 || strcmp(e->d_name + n - 4, ".idx") || strncmp(e->d_name, "pack-", 5))
			continue;
		awm_buf_clear(&path);
		awm_buf_printf(&path, "%s/%s", pb->packdir, e->d_name);
		if (known(pb, path.ptr))
			continue;
		/*
		 * A pack that cannot be opened (being deleted by gc, or damaged)
		 * is skipped here; fsck reports damaged packs.
		 */
		if (awm_pack_open(&p, path.ptr) < 0)
			continue;
		AWM_ARRAY_GROW(pb->packs, pb->nr + 1, pb->alloc);
		pb->packs[pb->nr++] = p;
	}
	closedir(d);
	awm_buf_release(&path);
	awm_error_clear();
	return 0;
}

static int pack_lookup(awm_odb_backend *b, awm_odb_record *out, const awm_oid *oid)
{
	pack_backend *pb = (pack_backend *)b;
	size_t i;

	for (i = 0; i < pb->nr; i++) {
		int64_t pos = awm_pack_find(pb->packs[i], oid);

		if (pos >= 0)
			return awm_pack_record_at(out, pb->packs[i], (uint32_t)pos);
	}
	return AWM_ENOTFOUND;
}

static int pack_exists(awm_odb_backend *b, const awm_oid *oid)
{
	pack_backend *pb = (pack_backend *)b;
	size_t i;

	for (i = 0; i < pb->nr; i++)
		if (awm_pack_find(pb->packs[i], oid) >= 0)
			return 1;
	return 0;
}

static int pack_prefix(awm_odb_backend *b, const char *hex, size_t len,
		       awm_prefix_matches *m)
{
	pack_backend *pb = (pack_backend *)b;
	size_t i;
	int rc;

	for (i = 0; i < pb->nr; i++)
		if ((rc = awm_pack_prefix(pb->packs[i], hex, len, m)) < 0)
			return rc;
	return 0;
}

static int pack_foreach(awm_odb_backend *b, awm_odb_record_cb cb, void *payload)
{
	pack_backend *pb = (pack_backend *)b;
	awm_odb_record rec;
	size_t i;
	uint32_t j;
	int rc = 0;

	awm_odb_record_init(&rec);
	for (i = 0; rc == 0 && i < pb->nr; i++) {
		for (j = 0; rc == 0 && j < pb->packs[i]->count; j++) {
			awm_oid oid;

			awm_pack_oid_at(&oid, pb->packs[i], j);
			if (awm_pack_record_at(&rec, pb->packs[i], j) < 0) {
				rec.frame = NULL;   /* reason in awm_error_last() */
				rec.type = AWM_OBJ_NONE;
			}
			rc = cb(&oid, &rec, payload);
		}
	}
	awm_odb_record_release(&rec);
	return rc;
}

static void pack_count(awm_odb_backend *b, size_t *files, size_t *objects)
{
	pack_backend *pb = (pack_backend *)b;
	size_t i;

	*files = pb->nr;
	*objects = 0;
	for (i = 0; i < pb->nr; i++)
		*objects += pb->packs[i]->count;
}

static void pack_backend_free(awm_odb_backend *b)
{
	pack_backend *pb = (pack_backend *)b;
	size_t i;

	for (i = 0; i < pb->nr; i++)
		awm_pack_free(pb->packs[i]);
	free(pb->packs);
	free(pb->packdir);
	free(pb);
}

size_t awm_pack_list(awm_odb_backend *b, const awm_pack ***out)
{
	pack_backend *pb = (pack_backend *)b;

	*out = (const awm_pack **)pb->packs;
	return pb->nr;
}

int awm_odb_pack_new(awm_odb_backend **out, const char *objects_dir)
{
	pack_backend *pb = awm_calloc(1, sizeof(*pb));
	awm_buf dir = AWM_BUF_INIT;

	awm_path_join(&dir, objects_dir, "pack");
	pb->packdir = awm_buf_detach(&dir);
	pb->base.name = "pack";
	pb->base.lookup = pack_lookup;
	pb->base.exists = pack_exists;
	pb->base.prefix = pack_prefix;
	pb->base.foreach = pack_foreach;
	pb->base.refresh = pack_refresh;
	pb->base.count = pack_count;
	pb->base.free = pack_backend_free;
	*out = &pb->base;
	return pack_refresh(&pb->base);
}
