/*
 * Commit objects: parse/serialize round trips, and malformed payloads
 * refused with AWM_ECORRUPT.
 */
#include "unit.h"

#define ID1 "8ea94845c052ea1c80321d83b8208662"
#define ID2 "7e9c4f181d45558edaae8a6e7184d9e0"
#define SCHEMA "schema 6e3c5a123def28030bc52022420ccdb0\n"
#define WHO "A U Thor <author@example.com> 1700000000 +0000"
#define TAIL "engine sqlite\nauthor " WHO "\ncommitter " WHO "\n\nmsg\n"

/* Canonical payloads: each parses, and serialises back to the same bytes. */
static const char *const good[] = {
	SCHEMA TAIL,
	"parent " ID1 "\n" SCHEMA TAIL,
	"parent " ID1 "\nparent " ID2 "\nparent " ID1 "\n" SCHEMA TAIL,
	"up " ID1 "\n" SCHEMA TAIL,
	"up " ID1 "\ndown " ID2 "\nscript " ID1 "\nchangeset " ID2 "\n" SCHEMA TAIL,
	SCHEMA "engine sqlite\nkind data\nmigration m/1_x.sql\nauthor " WHO "\ncommitter "
		WHO "\ngitcommit 0123456789abcdef0123456789abcdef01234567\n\nmsg\n",
	SCHEMA "engine sqlite\nkind script\nauthor " WHO "\ncommitter " WHO "\n\n",
	SCHEMA "engine appwrite\nauthor  <> 0 -1200\ncommitter x <y> -5 +1400\n\nno newline",
	SCHEMA "engine sqlite\nauthor " WHO "\ncommitter " WHO "\n\nsubject\n\nbody\n\n"
		"parent " ID1 "\n",   /* header-like text in a message is message */
};

static void test_commit__round_trips(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		awm_commit *c;
		awm_buf out = AWM_BUF_INIT;

		if (awm_commit_parse(&c, NULL, good[i], strlen(good[i])) < 0)
			fail_msg("good[%zu] refused: %s", i, awm_error_last());
		assert_ok(awm_commit_serialize(&out, c));
		if (strcmp(out.ptr, good[i]))
			fail_msg("good[%zu] came back as:\n%s", i, out.ptr);
		awm_commit_free(c);
		awm_buf_release(&out);
	}
}

static void test_commit__fields(void **state)
{
	awm_commit *c;
	const char *p = good[5];

	(void)state;
	assert_ok(awm_commit_parse(&c, NULL, p, strlen(p)));
	assert_int_equal(c->nparents, 0);
	assert_false(c->has_up);
	assert_int_equal(c->kind, AWM_KIND_DATA);
	assert_string_equal(c->migration, "m/1_x.sql");
	assert_string_equal(c->engine, "sqlite");
	assert_string_equal(c->author.name, "A U Thor");
	assert_string_equal(c->author.email, "author@example.com");
	assert_int_equal(c->author.time, 1700000000);
	assert_int_equal(c->author.tz, 0);
	assert_string_equal(c->gitcommit, "0123456789abcdef0123456789abcdef01234567");
	assert_string_equal(c->message, "msg\n");
	awm_commit_free(c);
	p = good[7];
	assert_ok(awm_commit_parse(&c, NULL, p, strlen(p)));
	assert_string_equal(c->author.name, "");
	assert_int_equal(c->author.tz, -720);
	assert_int_equal(c->committer.time, -5);
	assert_int_equal(c->committer.tz, 840);
	assert_string_equal(c->message, "no newline");
	awm_commit_free(c);
}

/* A written commit reads back equal, through the store. */
static void test_commit__write_and_read(void **state)
{
	char *dir;
	awm_repo *repo = unit_repo_new(&dir);
	awm_oid parents[2];
	awm_commit *c;

	(void)state;
	parents[0] = unit_commit(repo, NULL, 0, "root", 100);
	parents[1] = unit_commit(repo, NULL, 0, "other root", 101);
	parents[0] = unit_commit(repo, parents, 2, "merge", 102);
	assert_ok(awm_commit_read(&c, repo->odb, &parents[0]));
	assert_true(awm_oid_equal(&c->oid, &parents[0]));
	assert_int_equal(c->nparents, 2);
	assert_int_equal(c->committer.time, 102);
	assert_string_equal(c->message, "merge\n");
	parents[1] = c->schema;
	awm_commit_free(c);
	/* A schema is not a commit; a missing id is missing. */
	assert_code(AWM_EINVALID, awm_commit_read(&c, repo->odb, &parents[1]));
	assert_error_has("not a commit");
	awm_oid_clear(&parents[1]);
	assert_code(AWM_ENOTFOUND, awm_commit_read(&c, repo->odb, &parents[1]));
	awm_repo_free(repo);
	unit_tmpdir_free(dir);
}

static const char *const bad[] = {
	"",
	"\n",
	"msg\n",
	TAIL,                                                       /* no schema */
	"parent " ID1 "x\n" SCHEMA TAIL,                            /* 33 digits */
	"parent 8ea94845c052ea1c80321d83b820866\n" SCHEMA TAIL,     /* 31 digits */
	"parent " ID1 " \n" SCHEMA TAIL,
	"parent 8EA94845C052EA1C80321D83B8208662\n" SCHEMA TAIL,    /* not lowercase */
	"up " ID1 "\nparent " ID2 "\n" SCHEMA TAIL,                 /* order */
	"down " ID1 "\nup " ID2 "\n" SCHEMA TAIL,
	"up " ID1 "\nup " ID2 "\n" SCHEMA TAIL,                     /* twice */
	SCHEMA SCHEMA TAIL,
	SCHEMA "engine sqlite\nengine sqlite\nauthor " WHO "\ncommitter " WHO "\n\nmsg\n",
	SCHEMA "engine \nauthor " WHO "\ncommitter " WHO "\n\nmsg\n",
	SCHEMA "engine sq lite\nauthor " WHO "\ncommitter " WHO "\n\nmsg\n",
	SCHEMA "engine sqlite\nkind sql\nauthor " WHO "\ncommitter " WHO "\n\nmsg\n",
	SCHEMA "engine sqlite\nkind bogus\nauthor " WHO "\ncommitter " WHO "\n\nmsg\n",
	SCHEMA "engine sqlite\nmigration \nauthor " WHO "\ncommitter " WHO "\n\nmsg\n",
	SCHEMA "engine sqlite\ncommitter " WHO "\nauthor " WHO "\n\nmsg\n",
	SCHEMA "engine sqlite\nauthor " WHO "\n\nmsg\n",
	SCHEMA "engine sqlite\nauthor " WHO "\ncommitter " WHO "\nfoo bar\n\nmsg\n",
	SCHEMA "engine sqlite\nauthor " WHO "\ncommitter " WHO "\nmsg\n",   /* no blank */
	SCHEMA "engine sqlite\nauthor " WHO "\ncommitter " WHO,             /* truncated */
	SCHEMA "engine sqlite\nauthor " WHO "\ncommitter " WHO "\n",        /* no message */
	SCHEMA "engine sqlite\nauthor " WHO "\ncommitter " WHO "\ngitcommit 123\n\nm\n",
	SCHEMA "engine sqlite\nauthor " WHO "\ncommitter " WHO
		"\ngitcommit 0123456789abcdef0123456789abcdef0123456z\n\nm\n",
	/* Signatures. */
	SCHEMA "engine sqlite\nauthor A U Thor author@example.com 1 +0000\ncommitter " WHO "\n\nm\n",
	SCHEMA "engine sqlite\nauthor <a@b> 1 +0000\ncommitter " WHO "\n\nm\n",
	SCHEMA "engine sqlite\nauthor A <a@b>1 +0000\ncommitter " WHO "\n\nm\n",
	SCHEMA "engine sqlite\nauthor A <a@b> +0000\ncommitter " WHO "\n\nm\n",
	SCHEMA "engine sqlite\nauthor A <a@b> 1\ncommitter " WHO "\n\nm\n",
	SCHEMA "engine sqlite\nauthor A <a@b> 1 0000\ncommitter " WHO "\n\nm\n",
	SCHEMA "engine sqlite\nauthor A <a@b> 1 +000\ncommitter " WHO "\n\nm\n",
	SCHEMA "engine sqlite\nauthor A <a@b> 1 +00000\ncommitter " WHO "\n\nm\n",
	SCHEMA "engine sqlite\nauthor A <a@b> 1 +00x0\ncommitter " WHO "\n\nm\n",
	SCHEMA "engine sqlite\nauthor A <a@b> 1x +0000\ncommitter " WHO "\n\nm\n",
	/* Forms that would not serialise back to the same bytes. */
	SCHEMA "engine sqlite\nauthor A <a@b> 1 +0060\ncommitter " WHO "\n\nm\n",
	SCHEMA "engine sqlite\nauthor A <a@b> 1 +0099\ncommitter " WHO "\n\nm\n",
	SCHEMA "engine sqlite\nauthor A <a@b> 1 -0000\ncommitter " WHO "\n\nm\n",
	SCHEMA "engine sqlite\nauthor A <a@b> 01 +0000\ncommitter " WHO "\n\nm\n",
	SCHEMA "engine sqlite\nauthor A <a@b> -0 +0000\ncommitter " WHO "\n\nm\n",
	SCHEMA "engine sqlite\nauthor A <a@b> 1-2 +0000\ncommitter " WHO "\n\nm\n",
	SCHEMA "engine sqlite\nauthor A <a@b> - +0000\ncommitter " WHO "\n\nm\n",
	SCHEMA "engine sqlite\nauthor A <a@b> 99999999999999999999 +0000\ncommitter " WHO "\n\nm\n",
	SCHEMA "engine sqlite\nauthor A>B <a@b> 1 +0000\ncommitter " WHO "\n\nm\n",
	SCHEMA "engine sqlite\nauthor A <a<b> 1 +0000\ncommitter " WHO "\n\nm\n",
};

static void test_commit__malformed_refused(void **state)
{
	size_t i, failed = 0;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		awm_commit *c = NULL;
		int rc = awm_commit_parse(&c, NULL, bad[i], strlen(bad[i]));

		if (rc != AWM_ECORRUPT)
			print_error("bad[%zu] gave %d:\n%s\n", i, rc, bad[i]), failed++;
		else
			assert_error_has("malformed");
	}
	assert_int_equal(failed, 0);
}

/* Every strict prefix of a canonical commit (but those ending a message) is refused. */
static void test_commit__truncations_refused(void **state)
{
	const char *p = good[4];
	size_t n, len = strlen(p), body = (size_t)(strstr(p, "\n\n") - p) + 2;

	(void)state;
	for (n = 0; n < body; n++) {
		awm_commit *c = NULL;

		if (awm_commit_parse(&c, NULL, p, n) != AWM_ECORRUPT)
			fail_msg("a cut at %zu of %zu was accepted", n, len);
	}
}

static void test_commit__serialize_refuses_bad_fields(void **state)
{
	awm_commit *c;
	awm_buf out = AWM_BUF_INIT;

	(void)state;
	assert_ok(awm_commit_parse(&c, NULL, good[0], strlen(good[0])));
	free(c->author.name);
	c->author.name = awm_strdup("Evil\ncommitter x");
	assert_code(AWM_EINVALID, awm_commit_serialize(&out, c));
	free(c->author.name);
	c->author.name = awm_strdup("A <b>");
	assert_code(AWM_EINVALID, awm_commit_serialize(&out, c));
	free(c->author.name);
	c->author.name = awm_strdup("A");
	c->migration = awm_strdup("a\nb");
	assert_code(AWM_EINVALID, awm_commit_serialize(&out, c));
	free(c->migration);
	c->migration = NULL;
	free(c->engine);
	c->engine = awm_strdup("two words");
	assert_code(AWM_EINVALID, awm_commit_serialize(&out, c));
	free(c->engine);
	c->engine = awm_strdup("sqlite");
	c->kind = (awm_commit_kind)7;
	assert_code(AWM_EINVALID, awm_commit_serialize(&out, c));
	awm_commit_free(c);
	awm_buf_release(&out);
}

static void test_commit__subject_and_kinds(void **state)
{
	awm_commit *c;
	awm_buf s = AWM_BUF_INIT;

	(void)state;
	assert_ok(awm_commit_parse(&c, NULL, good[8], strlen(good[8])));
	awm_commit_subject(&s, c);
	assert_string_equal(s.ptr, "subject");
	awm_commit_free(c);
	assert_string_equal(awm_commit_kind_name(AWM_KIND_SQL), "sql");
	assert_int_equal(awm_commit_kind_from_name("script", 6), AWM_KIND_SCRIPT);
	assert_int_equal(awm_commit_kind_from_name("scrip", 5), -1);
	assert_null(awm_commit_kind_name((awm_commit_kind)3));
	awm_buf_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_commit__round_trips),
		cmocka_unit_test(test_commit__fields),
		cmocka_unit_test(test_commit__write_and_read),
		cmocka_unit_test(test_commit__malformed_refused),
		cmocka_unit_test(test_commit__truncations_refused),
		cmocka_unit_test(test_commit__serialize_refuses_bad_fields),
		cmocka_unit_test(test_commit__subject_and_kinds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
