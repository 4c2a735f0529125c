/*
 * Revision parsing: names, ~N, ^N, ^, id prefixes, ranges, and what is
 * ambiguous or unknown.
 *
 *   A - B - C - D   main (D merges C and F)
 *        \     /
 *         E - F     topic
 */
#include "unit.h"
#include "core/revparse.h"
#include "objects/odb_backend.h"
#include "objects/packwriter.h"

typedef struct fixture {
	char *dir;
	awm_repo *repo;
	awm_oid a, b, c, d, e, f;
} fixture;

static int setup(void **state)
{
	fixture *x = awm_calloc(1, sizeof(*x));
	awm_oid p[2];

	x->repo = unit_repo_new(&x->dir);
	x->a = unit_commit(x->repo, NULL, 0, "a", 100);
	x->b = unit_commit(x->repo, &x->a, 1, "b", 101);
	x->c = unit_commit(x->repo, &x->b, 1, "c", 102);
	x->e = unit_commit(x->repo, &x->b, 1, "e", 103);
	x->f = unit_commit(x->repo, &x->e, 1, "f", 104);
	p[0] = x->c;
	p[1] = x->f;
	x->d = unit_commit(x->repo, p, 2, "d", 105);
	unit_set_ref(x->repo, "refs/heads/main", &x->d);
	unit_set_ref(x->repo, "refs/heads/topic", &x->f);
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	fixture *x = *state;

	awm_repo_free(x->repo);
	unit_tmpdir_free(x->dir);
	free(x);
	return 0;
}

static void expect(fixture *x, const char *spec, const awm_oid *want)
{
	awm_oid got;

	if (awm_revparse(&got, x->repo, spec) < 0)
		fail_msg("'%s': %s", spec, awm_error_last());
	if (!awm_oid_equal(&got, want))
		fail_msg("'%s' gave %s, expected %s", spec, awm_oid_tohex(&got).s,
			 awm_oid_tohex(want).s);
}

static void test_revparse__ancestry(void **state)
{
	fixture *x = *state;

	expect(x, "main", &x->d);
	expect(x, "HEAD", &x->d);
	expect(x, "@", &x->d);
	expect(x, "main^", &x->c);
	expect(x, "main^1", &x->c);
	expect(x, "main^2", &x->f);
	expect(x, "main^0", &x->d);
	expect(x, "main~0", &x->d);
	expect(x, "main~", &x->c);
	expect(x, "main~1", &x->c);
	expect(x, "main~2", &x->b);
	expect(x, "main~3", &x->a);
	expect(x, "main^^", &x->b);
	expect(x, "main^2~1", &x->e);
	expect(x, "main^2^", &x->e);
	expect(x, "main^2~2", &x->b);
	expect(x, "HEAD~1^", &x->b);
	expect(x, "topic~2", &x->b);
	expect(x, "refs/heads/topic", &x->f);
	expect(x, "heads/topic", &x->f);
}

static void test_revparse__past_the_root(void **state)
{
	fixture *x = *state;
	awm_oid got;

	assert_code(AWM_ENOTFOUND, awm_revparse(&got, x->repo, "main~4"));
	assert_error_has("past the first commit");
	assert_code(AWM_ENOTFOUND, awm_revparse(&got, x->repo, "main^3"));
	assert_error_has("no parent 3");
	assert_code(AWM_ENOTFOUND, awm_revparse(&got, x->repo, "main~1^2"));
	assert_code(AWM_EINVALID, awm_revparse(&got, x->repo, "main~x"));
	assert_code(AWM_EINVALID, awm_revparse(&got, x->repo, "main^!"));
	assert_code(AWM_EINVALID, awm_revparse(&got, x->repo, ""));
	assert_code(AWM_ENOTFOUND, awm_revparse(&got, x->repo, "nonesuch"));
	assert_error_has("unknown revision 'nonesuch'");
	assert_code(AWM_ENOTFOUND, awm_revparse(&got, x->repo, "main/../x"));
}

static void test_revparse__ids_and_prefixes(void **state)
{
	fixture *x = *state;
	awm_oid_hex h = awm_oid_tohex(&x->e);
	awm_oid got;
	char spec[64];

	expect(x, h.s, &x->e);
	expect(x, awm_oid_short(&x->e, 12).s, &x->e);
	snprintf(spec, sizeof(spec), "%s~1", awm_oid_short(&x->e, 12).s);
	expect(x, spec, &x->b);
	/* Three digits are never enough; a missing full id is not found. */
	assert_code(AWM_ENOTFOUND, awm_revparse(&got, x->repo, awm_oid_short(&x->e, 3).s));
	assert_code(AWM_ENOTFOUND, awm_revparse(&got, x->repo, "00000000000000000000000000000000"));
	assert_error_has("not found");
}

/* Branch names come before environment names, as refs/heads before refs/tags in git. */
static void test_revparse__branch_and_env_names(void **state)
{
	fixture *x = *state;
	awm_buf ref = AWM_BUF_INIT;

	unit_set_ref(x->repo, "refs/envs/staging", &x->a);
	unit_set_ref(x->repo, "refs/envs/topic", &x->b);
	unit_set_ref(x->repo, "refs/remotes/origin/main", &x->c);
	expect(x, "staging", &x->a);
	expect(x, "envs/staging", &x->a);
	expect(x, "refs/envs/staging", &x->a);
	expect(x, "topic", &x->f);            /* the branch */
	expect(x, "envs/topic", &x->b);       /* the environment */
	expect(x, "origin/main", &x->c);
	expect(x, "remotes/origin/main", &x->c);
	expect(x, "staging~0", &x->a);
	assert_ok(awm_revparse_ref(&ref, x->repo, "topic"));
	assert_string_equal(ref.ptr, "refs/heads/topic");
	assert_ok(awm_revparse_ref(&ref, x->repo, "staging"));
	assert_string_equal(ref.ptr, "refs/envs/staging");
	assert_ok(awm_revparse_ref(&ref, x->repo, "@"));
	assert_string_equal(ref.ptr, "HEAD");
	assert_code(AWM_ENOTFOUND, awm_revparse_ref(&ref, x->repo, "nonesuch"));
	awm_buf_release(&ref);
}

/*
 * A hex string that is also a ref name means the ref.  Enough blobs make
 * some 4-digit prefix shared, which is ambiguous, and lists the candidates.
 */
static void test_revparse__ambiguity(void **state)
{
	fixture *x = *state;
	awm_oid *blobs = awm_calloc(1500, sizeof(awm_oid)), got;
	char shared[5] = "", name[64];
	size_t i, j, hit = 0;
	awm_packwriter *pw;

	assert_ok(awm_packwriter_new(&pw, x->repo->odb, 0, 0));   /* one pack: no 1500 fsyncs */
	for (i = 0; i < 1500; i++) {
		char text[32];

		snprintf(text, sizeof(text), "blob %zu\n", i);
		assert_ok(awm_packwriter_add(pw, &blobs[i], AWM_OBJ_BLOB, text, strlen(text)));
	}
	assert_ok(awm_packwriter_commit(pw, NULL));
	awm_packwriter_free(pw);
	for (i = 0; i < 1500 && !shared[0]; i++)
		for (j = i + 1; j < 1500 && !shared[0]; j++)
			if (awm_oid_has_prefix(&blobs[j], awm_oid_tohex(&blobs[i]).s, 4)) {
				memcpy(shared, awm_oid_tohex(&blobs[i]).s, 4);
				hit = j;
			}
	assert_true(shared[0] != '\0');
	assert_code(AWM_EAMBIGUOUS, awm_revparse(&got, x->repo, shared));
	assert_error_has("ambiguous");
	assert_error_has(awm_oid_tohex(&blobs[hit]).s);
	/* A branch of that name wins. */
	snprintf(name, sizeof(name), "refs/heads/%s", shared);
	unit_set_ref(x->repo, name, &x->c);
	expect(x, shared, &x->c);
	/* A full id that is also a branch name means the branch too. */
	snprintf(name, sizeof(name), "refs/heads/%s", awm_oid_tohex(&x->a).s);
	unit_set_ref(x->repo, name, &x->f);
	expect(x, awm_oid_tohex(&x->a).s, &x->f);
	free(blobs);
}

static void test_revparse__ranges(void **state)
{
	fixture *x = *state;
	awm_oid from, to;
	int has_from;

	assert_ok(awm_revparse_range(&from, &has_from, &to, x->repo, "topic..main"));
	assert_true(has_from);
	assert_true(awm_oid_equal(&from, &x->f));
	assert_true(awm_oid_equal(&to, &x->d));
	assert_ok(awm_revparse_range(&from, &has_from, &to, x->repo, "main~2.."));
	assert_true(awm_oid_equal(&from, &x->b));
	assert_true(awm_oid_equal(&to, &x->d));   /* HEAD */
	assert_ok(awm_revparse_range(&from, &has_from, &to, x->repo, "..topic"));
	assert_true(awm_oid_equal(&from, &x->d));
	assert_true(awm_oid_equal(&to, &x->f));
	assert_ok(awm_revparse_range(&from, &has_from, &to, x->repo, "topic"));
	assert_false(has_from);
	assert_code(AWM_ENOTFOUND, awm_revparse_range(&from, &has_from, &to, x->repo, "x..main"));
}

static void test_revparse__unborn_and_detached_head(void **state)
{
	fixture *x = *state;
	awm_oid got;

	assert_ok(awm_ref_set_symbolic(x->repo, "HEAD", "refs/heads/unborn", "switch"));
	assert_code(AWM_ENOTFOUND, awm_revparse(&got, x->repo, "HEAD"));
	assert_error_has("awm commit");
	assert_code(AWM_ENOTFOUND, awm_revparse(&got, x->repo, "@~1"));
	assert_ok(awm_ref_detach_head(x->repo, &x->e, "detach"));
	expect(x, "HEAD", &x->e);
	expect(x, "@^", &x->b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_revparse__ancestry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_revparse__past_the_root, setup, teardown),
		cmocka_unit_test_setup_teardown(test_revparse__ids_and_prefixes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_revparse__branch_and_env_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_revparse__ambiguity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_revparse__ranges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_revparse__unborn_and_detached_head,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
