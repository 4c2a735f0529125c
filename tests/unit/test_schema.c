/*
 * Schema objects: canonical order, escaping, parse/serialize round trips,
 * malformed payloads refused; and the snapshot of a real SQLite database.
 */
#include "unit.h"
#include "core/sqlite.h"
#include "core/sqlite_schema.h"

#define HDR "awm-schema 1\nengine sqlite\n"

static const char *const good[] = {
	HDR,
	HDR "table\tt\tt\tCREATE TABLE t(a)\n",
	HDR "table\ta\ta\tCREATE TABLE a(x)\ntable\tb\tb\tCREATE TABLE b(x)\n"
	    "index\ta_x\ta\tCREATE INDEX a_x ON a(x)\nview\tv\tv\tCREATE VIEW v AS SELECT 1\n"
	    "trigger\ttr\ta\tCREATE TRIGGER tr AFTER INSERT ON a BEGIN SELECT 1; END\n",
	HDR "table\tt\tt\tCREATE TABLE t(a TEXT DEFAULT 'x\\ty\\nz\\\\w')\n",
	HDR "table\tt\tt\t\n",   /* empty SQL */
	"awm-schema 1\nengine appwrite\ncollection\tc\tc\t{}\n",   /* other engines: any type */
};

static void test_schema__round_trips(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		awm_schema *s;
		awm_buf out = AWM_BUF_INIT;

		if (awm_schema_parse(&s, good[i], strlen(good[i])) < 0)
			fail_msg("good[%zu] refused: %s", i, awm_error_last());
		assert_ok(awm_schema_serialize(&out, s));
		if (strcmp(out.ptr, good[i]))
			fail_msg("good[%zu] came back as:\n%s", i, out.ptr);
		awm_schema_free(s);
		awm_buf_release(&out);
	}
}

static void test_schema__escapes_decode(void **state)
{
	awm_schema *s;
	const awm_schema_entry *e;

	(void)state;
	assert_ok(awm_schema_parse(&s, good[3], strlen(good[3])));
	e = awm_schema_find(s, "table", "t");
	assert_non_null(e);
	assert_string_equal(e->sql, "CREATE TABLE t(a TEXT DEFAULT 'x\ty\nz\\w')");
	assert_null(awm_schema_find(s, "index", "t"));
	awm_schema_free(s);
}

/* The same objects in any order give the same bytes, hence the same id. */
static void test_schema__order_does_not_matter(void **state)
{
	awm_schema *a = awm_schema_new("sqlite"), *b = awm_schema_new("sqlite");
	awm_buf x = AWM_BUF_INIT, y = AWM_BUF_INIT, sql = AWM_BUF_INIT;

	(void)state;
	assert_ok(awm_schema_add(a, "trigger", "t1", "a", "CREATE TRIGGER t1 ..."));
	assert_ok(awm_schema_add(a, "index", "i2", "a", "CREATE INDEX i2 ON a(y)"));
	assert_ok(awm_schema_add(a, "index", "i1", "a", "CREATE INDEX i1 ON a(x)"));
	assert_ok(awm_schema_add(a, "table", "a", "a", "CREATE TABLE a(x, y)"));
	assert_ok(awm_schema_add(b, "table", "a", "a", "CREATE TABLE a(x, y)"));
	assert_ok(awm_schema_add(b, "index", "i1", "a", "CREATE INDEX i1 ON a(x)"));
	assert_ok(awm_schema_add(b, "trigger", "t1", "a", "CREATE TRIGGER t1 ..."));
	assert_ok(awm_schema_add(b, "index", "i2", "a", "CREATE INDEX i2 ON a(y)"));
	assert_ok(awm_schema_serialize(&x, a));
	assert_ok(awm_schema_serialize(&y, b));
	assert_string_equal(x.ptr, y.ptr);
	awm_schema_render_sql(&sql, a);
	assert_string_equal(sql.ptr, "CREATE TABLE a(x, y);\nCREATE INDEX i1 ON a(x);\n"
			    "CREATE INDEX i2 ON a(y);\nCREATE TRIGGER t1 ...;\n");
	assert_code(AWM_EINVALID, awm_schema_add(a, "table", "bad\tname", "t", ""));
	assert_code(AWM_EINVALID, awm_schema_add(a, "table", "", "t", ""));
	awm_schema_free(a);
	awm_schema_free(b);
	awm_buf_release(&x);
	awm_buf_release(&y);
	awm_buf_release(&sql);
}

static const char *const bad[] = {
	"",
	"awm-schema 1\n",
	"awm-schema 2\nengine sqlite\n",
	"awm-schema 1\nengine\n",
	"awm-schema 1\nengine \n",
	"awm-schema 1\nengine sqlite",
	HDR "table\tt\tCREATE TABLE t(a)\n",                   /* three fields */
	HDR "table\tt\tt\tCREATE TABLE t(a)",                   /* no final newline */
	HDR "tabel\tt\tt\tCREATE TABLE t(a)\n",                 /* unknown type */
	HDR "table\t\tt\tCREATE TABLE t(a)\n",                  /* no name */
	/* Not canonical: unsorted, duplicated, or escaped differently. */
	HDR "table\tb\tb\tCREATE TABLE b(x)\ntable\ta\ta\tCREATE TABLE a(x)\n",
	HDR "index\ti\ta\tCREATE INDEX i ON a(x)\ntable\ta\ta\tCREATE TABLE a(x)\n",
	HDR "table\ta\ta\tCREATE TABLE a(x)\ntable\ta\ta\tCREATE TABLE a(x)\n",
	HDR "table\tt\tt\tCREATE TABLE t(a \\q)\n",
	HDR "table\tt\tt\tCREATE TABLE t(a)\\\n",
	HDR "table\tt\tt\tCREATE TABLE t(a\tb)\n",
};

static void test_schema__malformed_refused(void **state)
{
	size_t i, failed = 0;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		awm_schema *s = NULL;
		int rc = awm_schema_parse(&s, bad[i], strlen(bad[i]));

		if (rc != AWM_ECORRUPT) {
			print_error("bad[%zu] gave %d:\n%s\n", i, rc, bad[i]);
			failed++;
			awm_schema_free(s);
		}
	}
	assert_int_equal(failed, 0);
}

/* A snapshot of a real database: internal tables left out, SQL normalised. */
static void test_schema__sqlite_snapshot(void **state)
{
	sqlite3 *db;
	awm_schema *s;
	awm_buf out = AWM_BUF_INIT;

	(void)state;
	assert_ok(awm_sqlite_open_image(&db, NULL, 0));
	assert_ok(awm_sqlite_exec(db,
		"CREATE TABLE users (\n  id INTEGER PRIMARY KEY,  -- the key\n  name TEXT\n);"
		"CREATE INDEX users_name ON users ( name );"
		"CREATE TABLE awm_state(id INTEGER PRIMARY KEY);"
		"CREATE TABLE awm_locks(id INTEGER PRIMARY KEY);"
		"CREATE VIEW v AS SELECT name FROM users;"
		"CREATE TABLE auto(x INTEGER PRIMARY KEY AUTOINCREMENT);"));
	assert_ok(awm_sqlite_schema_snapshot(&s, db));
	assert_ok(awm_schema_serialize(&out, s));
	assert_string_equal(out.ptr, HDR
		"table\tauto\tauto\tCREATE TABLE auto(x INTEGER PRIMARY KEY AUTOINCREMENT)\n"
		"table\tusers\tusers\tCREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT)\n"
		"index\tusers_name\tusers\tCREATE INDEX users_name ON users(name)\n"
		"view\tv\tv\tCREATE VIEW v AS SELECT name FROM users\n");
	awm_schema_free(s);
	sqlite3_close(db);
	awm_buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_schema__round_trips),
		cmocka_unit_test(test_schema__escapes_decode),
		cmocka_unit_test(test_schema__order_does_not_matter),
		cmocka_unit_test(test_schema__malformed_refused),
		cmocka_unit_test(test_schema__sqlite_snapshot),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
