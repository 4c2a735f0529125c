/*
 * Ref entry names on a remote (docs/remote-protocol.md, "Ref entries"):
 * known-answer names, and what the parser refuses, so that a refactor can
 * neither change the layout nor mistake another file for an entry.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/remote.h"
#include "core/error.h"

#include <string.h>

#define COMMIT "8ea94845c052ea1c80321d83b8208662"

static void test_remote_refs__entry_name_known_answer(void **state)
{
	awm_buf name = AWM_BUF_INIT;
	awm_oid oid;

	(void)state;
	assert_int_equal(awm_oid_fromhex(&oid, COMMIT), 0);
	awm_remote_entry_name(&name, "refs/heads/main", 42, &oid, "0123456789abcdef");
	assert_string_equal(name.ptr, "refs/heads/main/000000000042-" COMMIT "-0123456789abcdef");
	awm_buf_release(&name);
}

static void test_remote_refs__entry_parse_round_trip(void **state)
{
	awm_buf ref = AWM_BUF_INIT;
	awm_remote_entry e;

	(void)state;
	assert_int_equal(awm_remote_entry_parse(&e, &ref, "refs/envs/prod/deep/000000001234-"
						COMMIT "-fedcba9876543210"), 0);
	assert_string_equal(ref.ptr, "refs/envs/prod/deep");
	assert_int_equal(e.generation, 1234);
	assert_string_equal(awm_oid_tohex(&e.commit).s, COMMIT);
	assert_string_equal(e.push_id, "fedcba9876543210");
	awm_remote_entry_release(&e);
	/* Generations beyond twelve digits still parse. */
	assert_int_equal(awm_remote_entry_parse(&e, &ref, "refs/heads/x/1234567890123-"
						COMMIT "-fedcba9876543210"), 0);
	assert_int_equal(e.generation, 1234567890123ULL);
	awm_remote_entry_release(&e);
	awm_buf_release(&ref);
}

static void test_remote_refs__entry_parse_refuses_other_files(void **state)
{
	static const char *const bad[] = {
		"refs/heads/main",                                          /* no leaf */
		"refs/heads/main/42-" COMMIT "-0123456789abcdef",           /* short generation */
		"refs/heads/main/000000000042-" COMMIT,                     /* no push id */
		"refs/heads/main/000000000042-" COMMIT "-0123",             /* short push id */
		"refs/heads/main/000000000042-" COMMIT "-0123456789abcdeg", /* not hex */
		"refs/heads/main/00000000004x-" COMMIT "-0123456789abcdef", /* not digits */
		"refs/heads/main/000000000042-8ea94845-0123456789abcdef",   /* short id */
		"refs/heads/ma..in/000000000042-" COMMIT "-0123456789abcdef", /* bad ref */
		"HEAD/000000000042-" COMMIT "-0123456789abcdef",
		"000000000042-" COMMIT "-0123456789abcdef",
	};
	awm_buf ref = AWM_BUF_INIT;
	awm_remote_entry e;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(awm_remote_entry_parse(&e, &ref, bad[i]), AWM_EINVALID);
	awm_buf_release(&ref);
}

static void test_remote_refs__tracking_ref(void **state)
{
	awm_buf t = AWM_BUF_INIT;

	(void)state;
	awm_remote_tracking_ref(&t, "origin", "refs/heads/main");
	assert_string_equal(t.ptr, "refs/remotes/origin/main");
	awm_remote_tracking_ref(&t, "origin", "refs/envs/prod");
	assert_string_equal(t.ptr, "refs/remotes/origin/envs/prod");
	awm_buf_release(&t);
}

static void test_remote_refs__remote_names(void **state)
{
	(void)state;
	assert_int_equal(awm_remote_name_check("origin"), 0);
	assert_int_equal(awm_remote_name_check("team_b-2"), 0);
	assert_int_equal(awm_remote_name_check(""), AWM_EINVALID);
	assert_int_equal(awm_remote_name_check("-x"), AWM_EINVALID);
	assert_int_equal(awm_remote_name_check("a/b"), AWM_EINVALID);
	assert_int_equal(awm_remote_name_check("a.b"), AWM_EINVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_remote_refs__entry_name_known_answer),
		cmocka_unit_test(test_remote_refs__entry_parse_round_trip),
		cmocka_unit_test(test_remote_refs__entry_parse_refuses_other_files),
		cmocka_unit_test(test_remote_refs__tracking_ref),
		cmocka_unit_test(test_remote_refs__remote_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
