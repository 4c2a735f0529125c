/*
 * The SQLite wrapper: statement normalisation for schema ids, running
 * scripts statement by statement, and error translation.
 */
#include "unit.h"
#include "core/sqlite.h"
#include "core/sqlite_schema.h"

static void test_sqlite__normalize(void **state)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "CREATE TABLE t (a INT)", "CREATE TABLE t(a INT)" },
		{ "CREATE TABLE t(a INT);", "CREATE TABLE t(a INT)" },
		{ "  CREATE\tTABLE\n\n t ( a  INT ,b TEXT ) ;  ", "CREATE TABLE t(a INT, b TEXT)" },
		{ "CREATE TABLE t(a,b,c)", "CREATE TABLE t(a, b, c)" },
		{ "CREATE TABLE t(a , b)", "CREATE TABLE t(a, b)" },
		{ "CREATE TABLE t(\n  a INT, -- the a\n  b INT /* the b */\n)",
		  "CREATE TABLE t(a INT, b INT)" },
		{ "CREATE TABLE t(a/*x*/INT)", "CREATE TABLE t(a INT)" },
		{ "CREATE TABLE t(a TEXT DEFAULT 'x  --  y,z (  )')",
		  "CREATE TABLE t(a TEXT DEFAULT 'x  --  y,z (  )')" },
		{ "CREATE TABLE \"my  table\" (\"a  b\" INT)", "CREATE TABLE \"my  table\"(\"a  b\" INT)" },
		{ "CREATE TABLE [x  y](`a  b` INT)", "CREATE TABLE [x  y](`a  b` INT)" },
		{ "SELECT 'it''s  here'", "SELECT 'it''s  here'" },
		{ "SELECT \"a\"\"  b\"", "SELECT \"a\"\"  b\"" },
		{ "CREATE INDEX i ON t ( a )", "CREATE INDEX i ON t(a)" },
		{ "CHECK (a > 0  AND b<1)", "CHECK(a > 0 AND b<1)" },
		{ "a;;", "a" },
		{ "", "" },
		{ "-- only a comment", "" },
		{ "/* unterminated", "" },
		{ "x 'unterminated  string", "x 'unterminated  string" },
		/* The created object's own name loses quotes it does not need... */
		{ "CREATE TABLE \"t\"(a INT)", "CREATE TABLE t(a INT)" },
		{ "CREATE UNIQUE INDEX `ix_1` ON t(a)", "CREATE UNIQUE INDEX ix_1 ON t(a)" },
		{ "CREATE TABLE IF NOT EXISTS [t2] (a)", "CREATE TABLE IF NOT EXISTS t2(a)" },
		/* ...but keeps those it needs, and no other quotes change. */
		{ "CREATE TABLE \"select\"(a)", "CREATE TABLE \"select\"(a)" },
		{ "CREATE TABLE \"2x\"(a)", "CREATE TABLE \"2x\"(a)" },
		{ "CREATE TABLE t(\"a\" TEXT DEFAULT \"b\")", "CREATE TABLE t(\"a\" TEXT DEFAULT \"b\")" },
	};
	awm_buf out = AWM_BUF_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		awm_sql_normalize(&out, cases[i].in);
		if (strcmp(out.ptr, cases[i].out))
			fail_msg("normalize(\"%s\") = \"%s\", expected \"%s\"", cases[i].in,
				 out.ptr, cases[i].out);
		/* Normalising twice changes nothing. */
		{
			awm_buf again = AWM_BUF_INIT;
			char *copy = awm_strdup(out.ptr);

			awm_sql_normalize(&again, copy);
			assert_string_equal(again.ptr, out.ptr);
			awm_buf_release(&again);
			free(copy);
		}
	}
	awm_buf_release(&out);
}

/* Formatting does not change the schema id; content does. */
static void test_sqlite__formatting_keeps_the_schema_id(void **state)
{
	sqlite3 *a, *b, *c;
	awm_schema *sa, *sb, *sc;
	awm_buf pa = AWM_BUF_INIT, pb = AWM_BUF_INIT, pc = AWM_BUF_INIT;

	(void)state;
	assert_ok(awm_sqlite_open_image(&a, NULL, 0));
	assert_ok(awm_sqlite_open_image(&b, NULL, 0));
	assert_ok(awm_sqlite_open_image(&c, NULL, 0));
	assert_ok(awm_sqlite_exec(a, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)"));
	assert_ok(awm_sqlite_exec(b, "CREATE TABLE t (\n  id INTEGER PRIMARY KEY, -- key\n"
				     "  v TEXT\n)"));
	assert_ok(awm_sqlite_exec(c, "CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB)"));
	assert_ok(awm_sqlite_schema_snapshot(&sa, a));
	assert_ok(awm_sqlite_schema_snapshot(&sb, b));
	assert_ok(awm_sqlite_schema_snapshot(&sc, c));
	awm_schema_serialize(&pa, sa);
	awm_schema_serialize(&pb, sb);
	awm_schema_serialize(&pc, sc);
	assert_string_equal(pa.ptr, pb.ptr);
	assert_string_not_equal(pa.ptr, pc.ptr);
	awm_schema_free(sa);
	awm_schema_free(sb);
	awm_schema_free(sc);
	sqlite3_close(a);
	sqlite3_close(b);
	sqlite3_close(c);
	awm_buf_release(&pa);
	awm_buf_release(&pb);
	awm_buf_release(&pc);
}

static void test_sqlite__script_is_empty(void **state)
{
	(void)state;
	assert_true(awm_sqlite_script_is_empty(""));
	assert_true(awm_sqlite_script_is_empty("  \n\t-- x\n/* y */ ; ;\n"));
	assert_false(awm_sqlite_script_is_empty("-- x\nSELECT 1"));
	assert_false(awm_sqlite_script_is_empty("/* */x"));
}

static int count_rows(sqlite3 *db, const char *table)
{
	sqlite3_stmt *st;
	char sql[128];
	int n = -1;

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void test_sqlite__run_script(void **state)
{
	sqlite3 *db;

	(void)state;
	assert_ok(awm_sqlite_open_image(&db, NULL, 0));
	/* Several statements, comments between them, a ';' inside a string. */
	assert_ok(awm_sqlite_run_script(db,
		"CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT); -- trailing\n"
		"/* block */ INSERT INTO t(v) VALUES ('a;b');\n"
		"INSERT INTO t(v) SELECT v FROM t;\n"
		"SELECT * FROM t;\n"
		"  -- the end", "f.sql", 1));
	assert_int_equal(count_rows(db, "t"), 2);
	/* A constraint failure maps to AWM_ECONFLICT, at its line. */
	assert_code(AWM_ECONFLICT, awm_sqlite_run_script(db,
		"\n\nINSERT INTO t(id, v) VALUES (1, 'dup');", "f.sql", 10));
	assert_error_has("f.sql:12: ");
	assert_error_has("UNIQUE constraint failed");
	/* Syntax errors too. */
	assert_code(AWM_ERROR, awm_sqlite_run_script(db, "SELECT 1;\nSELEC 2;", "g.sql", 1));
	assert_error_has("g.sql:2: ");
	assert_error_has("syntax error");
	sqlite3_close(db);
}

/* awm wraps each migration in its own transaction; scripts may not end it. */
static void test_sqlite__transaction_control_refused(void **state)
{
	static const char *const scripts[] = {
		"BEGIN;", "begin transaction;", "COMMIT;", "END;", "ROLLBACK;",
		"SAVEPOINT x;", "RELEASE x;", "VACUUM;",
	};
	sqlite3 *db;
	size_t i;

	(void)state;
	assert_ok(awm_sqlite_open_image(&db, NULL, 0));
	for (i = 0; i < sizeof(scripts) / sizeof(scripts[0]); i++) {
		if (awm_sqlite_run_script(db, scripts[i], "t.sql", 3) != AWM_EINVALID)
			fail_msg("'%s' was allowed", scripts[i]);
		assert_error_has("t.sql:3: ");
	}
	/* Words that merely start like them are fine. */
	assert_ok(awm_sqlite_run_script(db, "CREATE TABLE beginning(x); "
					"CREATE TABLE ending(x);", "t.sql", 1));
	sqlite3_close(db);
}

static void test_sqlite__image_round_trip(void **state)
{
	sqlite3 *db, *copy;
	awm_buf image = AWM_BUF_INIT;

	(void)state;
	assert_ok(awm_sqlite_open_image(&db, NULL, 0));
	assert_ok(awm_sqlite_exec(db, "CREATE TABLE t(x); INSERT INTO t VALUES (1), (2), (3);"));
	assert_ok(awm_sqlite_serialize(&image, db));
	assert_true(image.size > 0);
	assert_ok(awm_sqlite_open_image(&copy, image.ptr, image.size));
	assert_int_equal(count_rows(copy, "t"), 3);
	assert_ok(awm_sqlite_exec(copy, "INSERT INTO t VALUES (4)"));   /* writable */
	assert_int_equal(count_rows(db, "t"), 3);
	sqlite3_close(db);
	sqlite3_close(copy);
	awm_buf_release(&image);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sqlite__normalize),
		cmocka_unit_test(test_sqlite__formatting_keeps_the_schema_id),
		cmocka_unit_test(test_sqlite__script_is_empty),
		cmocka_unit_test(test_sqlite__run_script),
		cmocka_unit_test(test_sqlite__transaction_control_refused),
		cmocka_unit_test(test_sqlite__image_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
