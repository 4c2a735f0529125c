/*
 * The object database front end: it asks the pack backend, then the loose
 * backend, and verifies every object it hands out.
 */
#include "objects/odb_backend.h"
#include "objects/pack.h"
#include "core/error.h"
#include "core/fs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct awm_odb {
	char *dir;
	awm_odb_backend *backends[2];   /* packs first: most objects live there */
	awm_zstd *z;
};

void awm_put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24); p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8); p[3] = (unsigned char)v;
}

void awm_put_be64(unsigned char *p, uint64_t v)
{
	awm_put_be32(p, (uint32_t)(v >> 32));
	awm_put_be32(p + 4, (uint32_t)v);
}

uint32_t awm_get_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

uint64_t awm_get_be64(const unsigned char *p)
{
	return (uint64_t)awm_get_be32(p) << 32 | awm_get_be32(p + 4);
}

void awm_odb_record_init(awm_odb_record *rec)
{
	memset(rec, 0, sizeof(*rec));
	awm_buf_init(&rec->hold);
	awm_buf_init(&rec->where);
}

void awm_odb_record_release(awm_odb_record *rec)
{
	awm_buf_release(&rec->hold);
	awm_buf_release(&rec->where);
	rec->frame = NULL;
}

void awm_object_free(awm_object *obj)
{
	if (!obj)
		return;
	free(obj->data);
	free(obj);
}

int awm_odb_record_decode(awm_object **out, awm_zstd *z, const awm_oid *oid,
		      const awm_odb_record *rec)
{
	awm_buf data = AWM_BUF_INIT;
	awm_object *obj;
	awm_oid actual;
	int rc = 0;

	/* The message names the object and its file; built only on failure. */
	if (!awm_otype_name(rec->type))
		rc = awm_error_set(AWM_ECORRUPT, "unknown type %d", rec->type);
	else if (rec->size > SIZE_MAX / 2)
		rc = awm_error_set(AWM_ECORRUPT, "impossible size");
	else
		rc = awm_zstd_decompress(z, &data, rec->frame, rec->frame_len,
					 (size_t)rec->size, NULL);
	if (rc == 0) {
		awm_oid_hash(&actual, rec->type, data.ptr, data.size);
		if (!awm_oid_equal(&actual, oid))
			rc = awm_error_set(AWM_ECORRUPT, "content hashes to %s",
					   awm_oid_tohex(&actual).s);
	}
	if (rc < 0) {
		awm_error_prefix("object %s in '%s'", awm_oid_tohex(oid).s, rec->where.ptr);
		awm_buf_release(&data);
		return rc;
	}
	obj = awm_calloc(1, sizeof(*obj));
	obj->oid = *oid;
	obj->type = rec->type;
	obj->size = data.size;
	obj->data = (unsigned char *)awm_buf_detach(&data);
	*out = obj;
	return 0;
}

int awm_oid_has_prefix(const awm_oid *oid, const char *hex, size_t len)
{
	awm_oid_hex h = awm_oid_tohex(oid);
	size_t i;

	for (i = 0; i < len; i++) {
		char c = hex[i];

		if (c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		if (h.s[i] != c)
			return 0;
	}
	return 1;
}

void awm_prefix_matches_add(awm_prefix_matches *m, const awm_oid *oid)
{
	size_t i;

	for (i = 0; i < m->nr; i++)
		if (awm_oid_equal(&m->oid[i], oid))
			return;
	if (m->nr == sizeof(m->oid) / sizeof(m->oid[0])) {
		m->more = 1;
		return;
	}
	m->oid[m->nr++] = *oid;
}

int awm_odb_open(awm_odb **out, const char *objects_dir)
{
	awm_odb *odb;
	awm_buf packdir = AWM_BUF_INIT;
	int rc;

	awm_path_join(&packdir, objects_dir, "pack");
	rc = awm_fs_mkdir_p(packdir.ptr, 0755);
	awm_buf_release(&packdir);
	if (rc < 0)
		return rc;
	odb = awm_calloc(1, sizeof(*odb));
	odb->dir = awm_strdup(objects_dir);
	odb->z = awm_zstd_new(AWM_ZSTD_LEVEL);
	if ((rc = awm_odb_pack_new(&odb->backends[0], objects_dir)) < 0 ||
	    (rc = awm_odb_loose_new(&odb->backends[1], objects_dir)) < 0) {
		awm_odb_free(odb);
		return rc;
	}
	*out = odb;
	return 0;
}

void awm_odb_free(awm_odb *odb)
{
	size_t i;

	if (!odb)
		return;
	for (i = 0; i < 2; i++)
		if (odb->backends[i])
			odb->backends[i]->free(odb->backends[i]);
	awm_zstd_free(odb->z);
	free(odb->dir);
	free(odb);
}

const char *awm_odb_dir(const awm_odb *odb)
{
	return odb->dir;
}

awm_zstd *awm_odb_zstd(awm_odb *odb)
{
	return odb->z;
}

int awm_odb_refresh(awm_odb *odb)
{
	return odb->backends[0]->refresh(odb->backends[0]);
}

static int find_once(awm_odb *odb, awm_odb_record *out, const awm_oid *oid)
{
	size_t i;
	int rc;

	for (i = 0; i < 2; i++) {
		rc = odb->backends[i]->lookup(odb->backends[i], out, oid);
		if (rc != AWM_ENOTFOUND)
			return rc;
	}
	return AWM_ENOTFOUND;
}

int awm_odb_find_record(awm_odb *odb, awm_odb_record *out, const awm_oid *oid)
{
	int rc = find_once(odb, out, oid);

	/* A concurrent gc may have moved the object into a new pack. */
	if (rc == AWM_ENOTFOUND && awm_odb_refresh(odb) == 0)
		rc = find_once(odb, out, oid);
	if (rc == AWM_ENOTFOUND)
		return awm_error_set(AWM_ENOTFOUND, "object %s not found",
				     awm_oid_tohex(oid).s);
	return rc;
}

int awm_odb_read(awm_object **out, awm_odb *odb, const awm_oid *oid)
{
	awm_odb_record rec;
	int rc;

	awm_odb_record_init(&rec);
	if ((rc = awm_odb_find_record(odb, &rec, oid)) == 0)
		rc = awm_odb_record_decode(out, odb->z, oid, &rec);
	awm_odb_record_release(&rec);
	return rc;
}

int awm_odb_read_typed(awm_object **out, awm_odb *odb, const awm_oid *oid,
		       awm_otype type)
{
	int rc = awm_odb_read(out, odb, oid);

	if (rc == 0 && (*out)->type != type) {
		rc = awm_error_set(AWM_EINVALID, "object %s is a %s, not a %s",
				   awm_oid_tohex(oid).s, awm_otype_name((*out)->type),
				   awm_otype_name(type));
		awm_object_free(*out);
		*out = NULL;
	}
	return rc;
}

int awm_odb_read_header(awm_otype *type, size_t *size, awm_odb *odb,
			const awm_oid *oid)
{
	awm_odb_record rec;
	int rc;

	awm_odb_record_init(&rec);
	if ((rc = awm_odb_find_record(odb, &rec, oid)) == 0) {
		*type = rec.type;
		*size = (size_t)rec.size;
	}
	awm_odb_record_release(&rec);
	return rc;
}

int awm_odb_exists(awm_odb *odb, const awm_oid *oid)
{
	size_t i;

	for (i = 0; i < 2; i++)
		if (odb->backends[i]->exists(odb->backends[i], oid))
			return 1;
	return 0;
}

int awm_odb_write(awm_oid *out, awm_odb *odb, awm_otype type,
		  const void *data, size_t len)
{
	awm_buf frame = AWM_BUF_INIT;
	int rc;

	awm_oid_hash(out, type, data, len);
	if (awm_odb_exists(odb, out))
		return 0;
	if ((rc = awm_zstd_compress(odb->z, &frame, data, len)) == 0)
		rc = awm_loose_write_record(odb->dir, out, type, len, frame.ptr, frame.size);
	awm_buf_release(&frame);
	return rc;
}

int awm_odb_resolve_prefix(awm_oid *out, awm_odb *odb, const char *hex)
{
	awm_prefix_matches m;
	size_t len = strlen(hex), i;
	awm_buf list = AWM_BUF_INIT;
	int rc;

	if (len < AWM_OID_MINPREFIX || len > AWM_OID_HEXSZ || !awm_is_hex(hex, len))
		return awm_error_set(AWM_EINVALID, "'%s' is not an object id or a prefix "
				     "of at least %d hex digits", hex, AWM_OID_MINPREFIX);
	memset(&m, 0, sizeof(m));
	for (i = 0; i < 2; i++)
		if ((rc = odb->backends[i]->prefix(odb->backends[i], hex, len, &m)) < 0)
			return rc;
	if (m.nr == 0)
		return awm_error_set(AWM_ENOTFOUND, "no object matches '%s'", hex);
	if (m.nr == 1) {
		*out = m.oid[0];
		return 0;
	}
	for (i = 0; i < m.nr; i++)
		awm_buf_printf(&list, "\n  %s", awm_oid_tohex(&m.oid[i]).s);
	if (m.more)
		awm_buf_puts(&list, "\n  ...");
	rc = awm_error_set(AWM_EAMBIGUOUS, "short id '%s' is ambiguous; candidates:%s",
			   hex, list.ptr);
	awm_buf_release(&list);
	return rc;
}

struct foreach_adapter {
	awm_odb_foreach_cb cb;
	void *payload;
};

static int adapt(const awm_oid *oid, const awm_odb_record *rec, void *payload)
{
	struct foreach_adapter *a = payload;

	return a->cb(oid, rec->where.ptr, a->payload);
}

int awm_odb_foreach_record(awm_odb *odb, awm_odb_record_cb cb, void *payload)
{
	size_t i;
	int rc;

	for (i = 0; i < 2; i++)
		if ((rc = odb->backends[i]->foreach(odb->backends[i], cb, payload)) != 0)
			return rc;
	return 0;
}

int awm_odb_foreach(awm_odb *odb, awm_odb_foreach_cb cb, void *payload)
{
	struct foreach_adapter a = { cb, payload };

	return awm_odb_foreach_record(odb, adapt, &a);
}

void awm_odb_count(awm_odb *odb, size_t *loose, size_t *packs, size_t *packed)
{
	size_t files = 0, objs = 0;

	odb->backends[0]->count(odb->backends[0], packs, packed);
	odb->backends[1]->count(odb->backends[1], &files, &objs);
	*loose = objs;
}

size_t awm_odb_packs(awm_odb *odb, const awm_pack ***out)
{
	return awm_pack_list(odb->backends[0], out);
}
