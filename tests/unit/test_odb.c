/*
 * The object store: loose objects, packs written by the packwriter, lookups
 * by id and by prefix, repacking, and damage detected on read.
 */
#include "unit.h"

#include <dirent.h>
#include "objects/odb.h"
#include "objects/odb_backend.h"
#include "objects/pack.h"
#include "objects/packwriter.h"
#include "objects/repack.h"

/* Enough objects that several pairs share a 4-digit prefix (about 30). */
#define NOBJ 2000

typedef struct fixture {
	char *dir;
	awm_buf objects;
	awm_odb *odb;
	awm_oid ids[NOBJ];
} fixture;

static void payload(awm_buf *out, size_t i)
{
	awm_buf_clear(out);
	awm_buf_printf(out, "object number %zu\n", i);
	if (i % 10 == 0)   /* some larger ones, so entries differ in size */
		for (size_t k = 0; k < 200; k++)
			awm_buf_printf(out, "line %zu of object %zu\n", k, i);
}

static awm_otype type_of(size_t i)
{
	return i % 3 == 0 ? AWM_OBJ_BLOB : i % 3 == 1 ? AWM_OBJ_SCHEMA : AWM_OBJ_CHANGESET;
}

static int setup(void **state)
{
	fixture *f = awm_calloc(1, sizeof(*f));

	f->dir = unit_tmpdir();
	awm_buf_init(&f->objects);
	awm_path_join(&f->objects, f->dir, "objects");
	assert_ok(awm_odb_open(&f->odb, f->objects.ptr));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;

	awm_odb_free(f->odb);
	awm_buf_release(&f->objects);
	unit_tmpdir_free(f->dir);
	free(f);
	return 0;
}

/*
 * Write objects [from, to) into one pack; returns the pack's path.  Without
 * AWM_PACKWRITER_KEEP_EXISTING, objects already stored are left out.
 */
static char *write_pack_flags(fixture *f, size_t from, size_t to, int flags)
{
	awm_packwriter *pw;
	awm_buf path = AWM_BUF_INIT, data = AWM_BUF_INIT;
	size_t i;

	assert_ok(awm_packwriter_new(&pw, f->odb, 0, flags));
	for (i = from; i < to; i++) {
		payload(&data, i);
		assert_ok(awm_packwriter_add(pw, &f->ids[i], type_of(i), data.ptr, data.size));
	}
	if (flags & AWM_PACKWRITER_KEEP_EXISTING)
		assert_int_equal(awm_packwriter_count(pw), to - from);
	assert_ok(awm_packwriter_commit(pw, &path));
	assert_true(path.size > 0);
	assert_true(awm_fs_exists(path.ptr));
	awm_packwriter_free(pw);
	awm_buf_release(&data);
	return awm_buf_detach(&path);
}

static char *write_pack(fixture *f, size_t from, size_t to)
{
	return write_pack_flags(f, from, to, AWM_PACKWRITER_KEEP_EXISTING);
}

static void check_object(fixture *f, awm_odb *odb, size_t i)
{
	awm_buf data = AWM_BUF_INIT;
	awm_object *obj;
	awm_otype t;
	size_t size;

	payload(&data, i);
	assert_true(awm_odb_exists(odb, &f->ids[i]));
	assert_ok(awm_odb_read(&obj, odb, &f->ids[i]));
	assert_int_equal(obj->type, type_of(i));
	assert_int_equal(obj->size, data.size);
	assert_memory_equal(obj->data, data.ptr, data.size);
	assert_ok(awm_odb_read_header(&t, &size, odb, &f->ids[i]));
	assert_int_equal(t, type_of(i));
	assert_int_equal(size, data.size);
	awm_object_free(obj);
	awm_buf_release(&data);
}

typedef struct hexid {
	char hex[AWM_OID_HEXSZ + 1];
} hexid;

static int cmp_hexid(const void *a, const void *b)
{
	return strcmp(((const hexid *)a)->hex, ((const hexid *)b)->hex);
}

/* A 4-digit prefix shared by two of ids[0..n), and one held by a single id. */
static void find_prefixes(fixture *f, size_t n, char shared[5], char unique[5])
{
	hexid *h = awm_calloc(n, sizeof(*h));
	size_t i;

	shared[0] = unique[0] = '\0';
	for (i = 0; i < n; i++)
		memcpy(h[i].hex, awm_oid_tohex(&f->ids[i]).s, AWM_OID_HEXSZ + 1);
	qsort(h, n, sizeof(*h), cmp_hexid);
	for (i = 0; i < n; i++) {
		int same_prev = i > 0 && !strncmp(h[i].hex, h[i - 1].hex, 4);
		int same_next = i + 1 < n && !strncmp(h[i].hex, h[i + 1].hex, 4);

		if (same_next && !shared[0])
			memcpy(shared, h[i].hex, 4), shared[4] = '\0';
		if (!same_prev && !same_next && !unique[0])
			memcpy(unique, h[i].hex, 4), unique[4] = '\0';
	}
	free(h);
	if (!shared[0] || !unique[0])
		fail_msg("the fixture needs both a shared and a unique 4-digit prefix");
}

static void test_odb__pack_finds_every_id(void **state)
{
	fixture *f = *state;
	size_t loose, packs, packed, i;
	const awm_pack **list;
	char *path = write_pack(f, 0, NOBJ);
	awm_odb *fresh;
	awm_oid missing;

	awm_odb_count(f->odb, &loose, &packs, &packed);
	assert_int_equal(loose, 0);
	assert_int_equal(packs, 1);
	assert_int_equal(packed, NOBJ);
	for (i = 0; i < NOBJ; i++)
		check_object(f, f->odb, i);
	/* A second handle sees the pack from disk alone. */
	assert_ok(awm_odb_open(&fresh, f->objects.ptr));
	for (i = 0; i < NOBJ; i += 7)
		check_object(f, fresh, i);
	assert_int_equal(awm_odb_packs(fresh, &list), 1);
	assert_true(awm_pack_find(list[0], &f->ids[NOBJ - 1]) >= 0);
	/* Ids around the stored ones are not found. */
	awm_oid_hash(&missing, AWM_OBJ_BLOB, "not stored", 10);
	assert_int_equal(awm_pack_find(list[0], &missing), -1);
	assert_false(awm_odb_exists(fresh, &missing));
	{
		awm_object *obj = NULL;

		assert_code(AWM_ENOTFOUND, awm_odb_read(&obj, fresh, &missing));
		assert_error_has(awm_oid_tohex(&missing).s);
		awm_oid_clear(&missing);
		assert_code(AWM_ENOTFOUND, awm_odb_read(&obj, fresh, &missing));
		memset(missing.id, 0xff, sizeof(missing.id));
		assert_code(AWM_ENOTFOUND, awm_odb_read(&obj, fresh, &missing));
		assert_null(obj);
	}
	assert_ok(awm_pack_verify_checksums(list[0]));
	awm_odb_free(fresh);
	free(path);
}

static void test_odb__prefixes(void **state)
{
	fixture *f = *state;
	char shared[5], unique[5], upper[5];
	awm_oid got;
	char *path = write_pack(f, 0, NOBJ);
	size_t i, hits = 0;

	find_prefixes(f, NOBJ, shared, unique);
	/* A unique prefix resolves; so does every full id. */
	assert_ok(awm_odb_resolve_prefix(&got, f->odb, unique));
	assert_true(awm_oid_has_prefix(&got, unique, 4));
	for (i = 0; i < 4; i++)
		upper[i] = (char)(unique[i] >= 'a' ? unique[i] - 'a' + 'A' : unique[i]);
	upper[4] = '\0';
	assert_ok(awm_odb_resolve_prefix(&got, f->odb, upper));
	assert_true(awm_oid_has_prefix(&got, unique, 4));
	for (i = 0; i < NOBJ; i += 13) {
		assert_ok(awm_odb_resolve_prefix(&got, f->odb, awm_oid_tohex(&f->ids[i]).s));
		assert_true(awm_oid_equal(&got, &f->ids[i]));
	}
	/* An ambiguous prefix names every candidate. */
	assert_code(AWM_EAMBIGUOUS, awm_odb_resolve_prefix(&got, f->odb, shared));
	assert_error_has("ambiguous");
	for (i = 0; i < NOBJ; i++) {
		if (!awm_oid_has_prefix(&f->ids[i], shared, 4))
			continue;
		assert_error_has(awm_oid_tohex(&f->ids[i]).s);
		hits++;
	}
	assert_true(hits >= 2);
	/* Longer prefixes of the candidates resolve each one. */
	for (i = 0; i < NOBJ; i++) {
		if (awm_oid_has_prefix(&f->ids[i], shared, 4)) {
			assert_ok(awm_odb_resolve_prefix(&got, f->odb,
							 awm_oid_short(&f->ids[i], 12).s));
			assert_true(awm_oid_equal(&got, &f->ids[i]));
		}
	}
	assert_code(AWM_EINVALID, awm_odb_resolve_prefix(&got, f->odb, "abc"));
	assert_code(AWM_EINVALID, awm_odb_resolve_prefix(&got, f->odb, "abcx"));
	assert_code(AWM_EINVALID, awm_odb_resolve_prefix(&got, f->odb,
							 "0123456789abcdef0123456789abcdef0"));
	free(path);
}

static void test_odb__unknown_prefix(void **state)
{
	fixture *f = *state;
	awm_oid got;
	char *path = write_pack(f, 0, 50);
	char probe[5];
	unsigned v;

	/* Some 4-digit prefix that none of the 50 ids has. */
	for (v = 0; v < 0x10000; v++) {
		size_t i;
		int used = 0;

		snprintf(probe, sizeof(probe), "%04x", v);
		for (i = 0; i < 50 && !used; i++)
			used = awm_oid_has_prefix(&f->ids[i], probe, 4);
		if (!used)
			break;
	}
	assert_code(AWM_ENOTFOUND, awm_odb_resolve_prefix(&got, f->odb, probe));
	assert_error_has(probe);
	free(path);
}

/* Candidates can sit in different backends: one packed, one loose. */
static void test_odb__ambiguity_across_pack_and_loose(void **state)
{
	fixture *f = *state;
	char shared[5], unique[5];
	awm_buf data = AWM_BUF_INIT;
	size_t i, first = NOBJ, second = NOBJ;
	awm_oid got, written;
	awm_packwriter *pw;

	/* Compute the ids first, to choose the split. */
	for (i = 0; i < NOBJ; i++) {
		payload(&data, i);
		awm_oid_hash(&f->ids[i], type_of(i), data.ptr, data.size);
	}
	find_prefixes(f, NOBJ, shared, unique);
	for (i = 0; i < NOBJ && second == NOBJ; i++) {
		if (!awm_oid_has_prefix(&f->ids[i], shared, 4))
			continue;
		if (first == NOBJ)
			first = i;
		else
			second = i;
	}
	assert_true(second < NOBJ);
	assert_ok(awm_packwriter_new(&pw, f->odb, 0, 0));
	payload(&data, first);
	assert_ok(awm_packwriter_add(pw, NULL, type_of(first), data.ptr, data.size));
	assert_ok(awm_packwriter_commit(pw, NULL));
	awm_packwriter_free(pw);
	payload(&data, second);
	assert_ok(awm_odb_write(&written, f->odb, type_of(second), data.ptr, data.size));
	assert_true(awm_oid_equal(&written, &f->ids[second]));
	assert_code(AWM_EAMBIGUOUS, awm_odb_resolve_prefix(&got, f->odb, shared));
	assert_error_has(awm_oid_tohex(&f->ids[first]).s);
	assert_error_has(awm_oid_tohex(&f->ids[second]).s);
	awm_buf_release(&data);
}

static void test_odb__small_batches_go_loose(void **state)
{
	fixture *f = *state;
	awm_packwriter *pw;
	awm_buf data = AWM_BUF_INIT, path = AWM_BUF_INIT;
	size_t i, loose, packs, packed;

	assert_ok(awm_packwriter_new(&pw, f->odb, 64, 0));
	for (i = 0; i < 10; i++) {
		payload(&data, i);
		assert_ok(awm_packwriter_add(pw, &f->ids[i], type_of(i), data.ptr, data.size));
		/* The same object again is not a second entry. */
		assert_ok(awm_packwriter_add(pw, NULL, type_of(i), data.ptr, data.size));
		assert_true(awm_packwriter_has(pw, &f->ids[i]));
	}
	assert_int_equal(awm_packwriter_count(pw), 10);
	assert_ok(awm_packwriter_commit(pw, &path));
	assert_int_equal(path.size, 0);
	awm_packwriter_free(pw);
	awm_odb_count(f->odb, &loose, &packs, &packed);
	assert_int_equal(loose, 10);
	assert_int_equal(packs, 0);
	for (i = 0; i < 10; i++)
		check_object(f, f->odb, i);
	/* Objects the store has are skipped by a new batch. */
	assert_ok(awm_packwriter_new(&pw, f->odb, 0, 0));
	payload(&data, 3);
	assert_ok(awm_packwriter_add(pw, NULL, type_of(3), data.ptr, data.size));
	assert_int_equal(awm_packwriter_count(pw), 0);
	awm_packwriter_free(pw);
	awm_buf_release(&data);
	awm_buf_release(&path);
}

/* Directory entries other than "." and "..". */
static size_t count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

/* An uncommitted batch leaves nothing behind. */
static void test_odb__discarded_batch_leaves_nothing(void **state)
{
	fixture *f = *state;
	awm_packwriter *pw;
	awm_buf data = AWM_BUF_INIT, packdir = AWM_BUF_INIT;
	size_t i, loose, packs, packed;

	assert_ok(awm_packwriter_new(&pw, f->odb, 0, 0));
	for (i = 0; i < NOBJ; i++) {   /* more than 1 MiB: part of it is on disk */
		payload(&data, i);
		assert_ok(awm_packwriter_add(pw, NULL, type_of(i), data.ptr, data.size));
	}
	awm_packwriter_free(pw);
	awm_odb_refresh(f->odb);
	awm_odb_count(f->odb, &loose, &packs, &packed);
	assert_int_equal(loose + packs + packed, 0);
	/* Not even the temporary pack file. */
	awm_path_join(&packdir, f->objects.ptr, "pack");
	assert_int_equal(count_entries(packdir.ptr), 0);
	awm_buf_release(&data);
	awm_buf_release(&packdir);
}

static void test_odb__same_batch_twice_is_one_pack(void **state)
{
	fixture *f = *state;
	char *a = write_pack(f, 0, 100), *b = write_pack(f, 0, 100);
	size_t loose, packs, packed;

	assert_string_equal(a, b);
	awm_odb_count(f->odb, &loose, &packs, &packed);
	assert_int_equal(packs, 1);
	free(a);
	free(b);
}

/* Offset of the middle of object i's frame inside its pack. */
static size_t frame_middle(const awm_pack *p, const awm_oid *oid)
{
	int64_t pos = awm_pack_find(p, oid);
	awm_odb_record rec;
	size_t off;

	assert_true(pos >= 0);
	awm_odb_record_init(&rec);
	assert_ok(awm_pack_record_at(&rec, p, (uint32_t)pos));
	off = (size_t)(rec.frame - p->pack) + rec.frame_len / 2;
	awm_odb_record_release(&rec);
	return off;
}

static void test_odb__flipped_byte_in_pack(void **state)
{
	fixture *f = *state;
	char *path = write_pack(f, 0, 300);
	const awm_pack **list;
	awm_object *obj = NULL;
	awm_odb *fresh;
	size_t off, i;

	assert_int_equal(awm_odb_packs(f->odb, &list), 1);
	off = frame_middle(list[0], &f->ids[40]);
	unit_flip_byte(path, off);
	assert_ok(awm_odb_open(&fresh, f->objects.ptr));
	assert_code(AWM_ECORRUPT, awm_odb_read(&obj, fresh, &f->ids[40]));
	assert_null(obj);
	assert_error_has(awm_oid_tohex(&f->ids[40]).s);
	assert_error_has(path);
	/* The other objects are still readable. */
	for (i = 0; i < 300; i++)
		if (i != 40)
			check_object(f, fresh, i);
	assert_int_equal(awm_odb_packs(fresh, &list), 1);
	assert_code(AWM_ECORRUPT, awm_pack_verify_checksums(list[0]));
	assert_error_has(path);
	awm_odb_free(fresh);
	free(path);
}

/* A flip in an entry header (its type) is caught too: the type is hashed. */
static void test_odb__flipped_type_in_pack(void **state)
{
	fixture *f = *state;
	char *path = write_pack(f, 0, 30);
	const awm_pack **list;
	awm_object *obj = NULL;
	awm_odb *fresh;
	int64_t pos;

	assert_int_equal(awm_odb_packs(f->odb, &list), 1);
	pos = awm_pack_find(list[0], &f->ids[4]);   /* a schema: 4 % 3 == 1 */
	unit_flip_byte(path, (size_t)awm_get_be64(list[0]->offsets + (size_t)pos * 8));
	assert_ok(awm_odb_open(&fresh, f->objects.ptr));
	assert_code(AWM_ECORRUPT, awm_odb_read(&obj, fresh, &f->ids[4]));
	assert_error_has(awm_oid_tohex(&f->ids[4]).s);
	awm_odb_free(fresh);
	free(path);
}

static void test_odb__flipped_byte_in_index(void **state)
{
	fixture *f = *state;
	char *path = write_pack(f, 0, 300);
	awm_buf idx = AWM_BUF_INIT;
	const awm_pack **list;
	awm_odb *fresh;
	awm_pack *p;
	size_t n = strlen(path);

	awm_buf_put(&idx, path, n - 5);
	awm_buf_puts(&idx, ".idx");
	/* An offset byte near the end of the offset table. */
	assert_int_equal(awm_odb_packs(f->odb, &list), 1);
	unit_flip_byte(idx.ptr, (size_t)(list[0]->offsets - list[0]->idx) + 300 * 8 - 3);
	assert_ok(awm_pack_open(&p, idx.ptr));
	assert_code(AWM_ECORRUPT, awm_pack_verify_checksums(p));
	assert_error_has(idx.ptr);
	awm_pack_free(p);
	/* The header: the pack no longer opens at all. */
	unit_flip_byte(idx.ptr, 1);
	assert_code(AWM_ECORRUPT, awm_pack_open(&p, idx.ptr));
	assert_ok(awm_odb_open(&fresh, f->objects.ptr));
	assert_false(awm_odb_exists(fresh, &f->ids[0]));
	awm_odb_free(fresh);
	awm_buf_release(&idx);
	free(path);
}

static void loose_path(awm_buf *out, fixture *f, const awm_oid *oid)
{
	awm_oid_hex h = awm_oid_tohex(oid);

	awm_buf_clear(out);
	awm_buf_printf(out, "%s/%.2s/%s", f->objects.ptr, h.s, h.s + 2);
}

static void test_odb__loose_damage(void **state)
{
	fixture *f = *state;
	awm_buf path = AWM_BUF_INIT, data = AWM_BUF_INIT, other = AWM_BUF_INIT;
	awm_object *obj = NULL;
	size_t i;

	for (i = 0; i < 4; i++) {
		payload(&data, i * 10);   /* large ones */
		assert_ok(awm_odb_write(&f->ids[i], f->odb, AWM_OBJ_BLOB, data.ptr, data.size));
		/* Writing again is a no-op. */
		assert_ok(awm_odb_write(&f->ids[i], f->odb, AWM_OBJ_BLOB, data.ptr, data.size));
	}
	/* 0: a byte in the frame; 1: the type byte; 2: the magic. */
	loose_path(&path, f, &f->ids[0]);
	unit_flip_byte(path.ptr, AWM_LOOSE_HDRSZ + 20);
	assert_code(AWM_ECORRUPT, awm_odb_read(&obj, f->odb, &f->ids[0]));
	assert_error_has(awm_oid_tohex(&f->ids[0]).s);
	assert_error_has(path.ptr);
	loose_path(&path, f, &f->ids[1]);
	unit_flip_byte(path.ptr, 5);
	assert_code(AWM_ECORRUPT, awm_odb_read(&obj, f->odb, &f->ids[1]));
	loose_path(&path, f, &f->ids[2]);
	unit_flip_byte(path.ptr, 0);
	assert_code(AWM_ECORRUPT, awm_odb_read(&obj, f->odb, &f->ids[2]));
	assert_error_has(path.ptr);
	/* 3: another object's intact file under its name. */
	payload(&data, 77);
	assert_ok(awm_odb_write(&f->ids[4], f->odb, AWM_OBJ_BLOB, data.ptr, data.size));
	loose_path(&other, f, &f->ids[4]);
	loose_path(&path, f, &f->ids[3]);
	assert_int_equal(unlink(path.ptr), 0);
	assert_ok(awm_fs_copy_file(other.ptr, path.ptr));
	assert_code(AWM_ECORRUPT, awm_odb_read(&obj, f->odb, &f->ids[3]));
	assert_error_has("hashes to");
	assert_null(obj);
	awm_buf_release(&path);
	awm_buf_release(&data);
	awm_buf_release(&other);
}

typedef struct count_ctx {
	size_t loose, packed;
} count_ctx;

static int count_where(const awm_oid *oid, const char *where, void *payload)
{
	count_ctx *c = payload;

	(void)oid;
	if (strstr(where, "/pack/"))
		c->packed++;
	else
		c->loose++;
	return 0;
}

static void test_odb__repack_merges_everything(void **state)
{
	fixture *f = *state;
	awm_repack_stats st;
	awm_buf data = AWM_BUF_INIT;
	char *a = write_pack(f, 0, 500), *b = write_pack_flags(f, 400, 900, 0);
	count_ctx c = { 0, 0 };
	size_t i, loose, packs, packed;

	for (i = 900; i < 950; i++) {
		payload(&data, i);
		assert_ok(awm_odb_write(&f->ids[i], f->odb, type_of(i), data.ptr, data.size));
	}
	assert_ok(awm_odb_repack(&st, f->odb, 3600, NULL, NULL));
	assert_int_equal(st.objects, 950);
	assert_int_equal(st.loose_removed, 50);
	assert_int_equal(st.packs_removed, 2);
	assert_false(awm_fs_exists(a));
	assert_false(awm_fs_exists(b));
	assert_ok(awm_odb_refresh(f->odb));
	for (i = 0; i < 950; i++)
		check_object(f, f->odb, i);
	{
		awm_odb *fresh;

		assert_ok(awm_odb_open(&fresh, f->objects.ptr));
		awm_odb_count(fresh, &loose, &packs, &packed);
		assert_int_equal(loose, 0);
		assert_int_equal(packs, 1);
		assert_int_equal(packed, 950);
		assert_ok(awm_odb_foreach(fresh, count_where, &c));
		assert_int_equal(c.packed, 950);
		assert_int_equal(c.loose, 0);
		for (i = 0; i < 950; i += 3)
			check_object(f, fresh, i);
		/* Nothing to gain the second time. */
		assert_ok(awm_odb_repack(&st, fresh, 3600, NULL, NULL));
		assert_int_equal(st.packs_removed, 0);
		awm_odb_free(fresh);
	}
	awm_buf_release(&data);
	free(a);
	free(b);
}

/* gc refuses to remove anything when an object it would copy is damaged. */
static void test_odb__repack_stops_on_damage(void **state)
{
	fixture *f = *state;
	awm_repack_stats st;
	awm_buf data = AWM_BUF_INIT, path = AWM_BUF_INIT;
	char *a = write_pack(f, 0, 100);
	size_t loose, packs, packed;

	payload(&data, 500);
	assert_ok(awm_odb_write(&f->ids[500], f->odb, AWM_OBJ_BLOB, data.ptr, data.size));
	loose_path(&path, f, &f->ids[500]);
	unit_flip_byte(path.ptr, AWM_LOOSE_HDRSZ + 3);
	assert_code(AWM_ECORRUPT, awm_odb_repack(&st, f->odb, 3600, NULL, NULL));
	assert_error_has("nothing was removed");
	assert_true(awm_fs_exists(a));
	assert_true(awm_fs_exists(path.ptr));
	awm_odb_refresh(f->odb);
	awm_odb_count(f->odb, &loose, &packs, &packed);
	assert_int_equal(packs, 1);
	assert_int_equal(loose, 1);
	awm_buf_release(&data);
	awm_buf_release(&path);
	free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_odb__pack_finds_every_id, setup, teardown),
		cmocka_unit_test_setup_teardown(test_odb__prefixes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_odb__unknown_prefix, setup, teardown),
		cmocka_unit_test_setup_teardown(test_odb__ambiguity_across_pack_and_loose,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_odb__small_batches_go_loose, setup, teardown),
		cmocka_unit_test_setup_teardown(test_odb__discarded_batch_leaves_nothing,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_odb__same_batch_twice_is_one_pack,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_odb__flipped_byte_in_pack, setup, teardown),
		cmocka_unit_test_setup_teardown(test_odb__flipped_type_in_pack, setup, teardown),
		cmocka_unit_test_setup_teardown(test_odb__flipped_byte_in_index, setup, teardown),
		cmocka_unit_test_setup_teardown(test_odb__loose_damage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_odb__repack_merges_everything, setup, teardown),
		cmocka_unit_test_setup_teardown(test_odb__repack_stops_on_damage, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
