/*
 * Snapshot and page objects: known-answer ids, the text format and what
 * its parser refuses, and pages stored whole or as deltas read back.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tests/unit/dbtest.h"
#include "core/error.h"
#include "objects/snapshot.h"

static void test_snapshot__page_id_known_answer(void **state)
{
	awm_buf payload = AWM_BUF_INIT;
	awm_oid id;

	(void)state;
	/* printf 'page 5\0\000abcd' | xxhsum -H2 */
	awm_page_full_payload(&payload, "abcd", 4);
	assert_int_equal(payload.size, 5);
	awm_oid_hash(&id, AWM_OBJ_PAGE, payload.ptr, payload.size);
	assert_string_equal(awm_oid_tohex(&id).s, "1d28859ea79dcf326f4f7ff5caf3cf21");
	assert_string_equal(awm_otype_name(AWM_OBJ_PAGE), "page");
	assert_string_equal(awm_otype_name(AWM_OBJ_SNAPSHOT), "snapshot");
	assert_int_equal(awm_otype_from_name("snapshot"), AWM_OBJ_SNAPSHOT);
	awm_buf_release(&payload);
}

static const char good[] =
	"awm-snapshot 1\n"
	"commit 0123456789abcdef0123456789abcdef\n"
	"engine sqlite\n"
	"page-size 4096\n"
	"pages 2\n"
	"1d28859ea79dcf326f4f7ff5caf3cf21\n"
	"1d28859ea79dcf326f4f7ff5caf3cf21\n";

static void test_snapshot__format_round_trip(void **state)
{
	awm_snapshot *s;
	awm_buf out = AWM_BUF_INIT;

	(void)state;
	assert_int_equal(awm_snapshot_parse(&s, good, strlen(good)), 0);
	assert_int_equal(s->page_size, 4096);
	assert_int_equal(s->npages, 2);
	assert_string_equal(s->engine, "sqlite");
	assert_string_equal(awm_oid_tohex(&s->commit).s, "0123456789abcdef0123456789abcdef");
	awm_snapshot_serialize(&out, s);
	assert_string_equal(out.ptr, good);
	awm_snapshot_free(s);
	awm_buf_release(&out);
}

static void refused(const char *from, const char *to, const char *why)
{
	awm_buf text = AWM_BUF_INIT;
	const char *at = strstr(good, from);
	awm_snapshot *s = NULL;

	assert_non_null(at);
	awm_buf_put(&text, good, (size_t)(at - good));
	awm_buf_puts(&text, to);
	awm_buf_puts(&text, at + strlen(from));
	assert_int_equal(awm_snapshot_parse(&s, text.ptr, text.size), AWM_ECORRUPT);
	if (!strstr(awm_error_last(), why))
		fail_msg("'%s' -> '%s': got '%s'", from, to, awm_error_last());
	awm_buf_release(&text);
}

static void test_snapshot__parser_refuses(void **state)
{
	(void)state;
	refused("awm-snapshot 1", "awm-snapshot 2", "first line");
	refused("page-size 4096", "page-size 4000", "page-size");
	refused("page-size 4096", "page-size 04096", "page-size");
	refused("pages 2", "pages 3", "fewer page lines");
	refused("pages 2", "pages 1", "data after the last page line");
	refused("commit 0123", "commit 0x23", "commit");
	refused("cf21\n1d28", "cf2g\n1d28", "bad page line");
	refused("engine sqlite\n", "", "engine");
}

static void test_snapshot__pages_whole_and_delta(void **state)
{
	char *dir = test_tmpdir();
	awm_odb *odb;
	awm_page_reader *r;
	awm_buf payload = AWM_BUF_INIT, got = AWM_BUF_INIT;
	unsigned char base[4096], page[4096];
	awm_oid base_id, delta_id, anchor;
	int i, kind;

	(void)state;
	for (i = 0; i < 4096; i++)
		base[i] = (unsigned char)(i * 7);
	memcpy(page, base, sizeof(page));
	memcpy(page + 1000, "a row that changed", 18);
	assert_int_equal(awm_odb_open(&odb, dir), 0);
	r = awm_page_reader_new(odb, 4096);
	awm_page_full_payload(&payload, base, sizeof(base));
	assert_int_equal(awm_odb_write(&base_id, odb, AWM_OBJ_PAGE, payload.ptr, payload.size), 0);
	assert_int_equal(awm_page_delta_payload(r, &payload, &base_id, base, page, sizeof(page)), 0);
	assert_true(payload.size < 200);   /* a small change costs little */
	assert_int_equal(awm_page_parse(&kind, &anchor, payload.ptr, payload.size), 0);
	assert_int_equal(kind, AWM_PAGE_DELTA);
	assert_true(awm_oid_equal(&anchor, &base_id));
	assert_int_equal(awm_odb_write(&delta_id, odb, AWM_OBJ_PAGE, payload.ptr, payload.size), 0);

	assert_int_equal(awm_page_reader_get(r, &got, &anchor, &delta_id), 0);
	assert_int_equal(got.size, 4096);
	assert_memory_equal(got.ptr, page, 4096);
	assert_true(awm_oid_equal(&anchor, &base_id));
	assert_int_equal(awm_page_reader_get(r, &got, &anchor, &base_id), 0);
	assert_memory_equal(got.ptr, base, 4096);
	assert_true(awm_oid_equal(&anchor, &base_id));

	/* A delta resting on a delta is refused: any page is two reads away at most. */
	assert_int_equal(awm_page_delta_payload(r, &payload, &delta_id, page, base, 4096), 0);
	assert_int_equal(awm_odb_write(&anchor, odb, AWM_OBJ_PAGE, payload.ptr, payload.size), 0);
	assert_int_equal(awm_page_reader_get(r, &got, NULL, &anchor), AWM_ECORRUPT);
	assert_int_equal(awm_page_parse(&kind, &anchor, "\x07", 1), AWM_ECORRUPT);

	awm_page_reader_free(r);
	awm_odb_free(odb);
	awm_fs_rm_rf(dir);
	free(dir);
	awm_buf_release(&payload);
	awm_buf_release(&got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_snapshot__page_id_known_answer),
		cmocka_unit_test(test_snapshot__format_round_trip),
		cmocka_unit_test(test_snapshot__parser_refuses),
		cmocka_unit_test(test_snapshot__pages_whole_and_delta),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
