/*
 * From one database to another as up SQL + changeset, and back as the
 * inverse changeset + down SQL: both directions must reproduce the other
 * database exactly, for schema changes of every kind (tables added,
 * dropped and rebuilt, columns added, dropped and renamed, indexes,
 * views, triggers) mixed with row changes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tests/unit/dbtest.h"
#include "core/changeset.h"
#include "core/delta.h"
#include "core/error.h"
#include "core/sqlite.h"

static sqlite3 *mem_db(const char *sql)
{
	sqlite3 *db;

	assert_int_equal(awm_sqlite_open_image(&db, NULL, 0), 0);
	if (sql)
		must_exec(db, sql);
	return db;
}

static sqlite3 *copy_db(sqlite3 *db)
{
	awm_buf img = AWM_BUF_INIT;
	sqlite3 *out;

	assert_int_equal(awm_sqlite_serialize(&img, db), 0);
	assert_int_equal(awm_sqlite_open_image(&out, img.ptr, img.size), 0);
	awm_buf_release(&img);
	return out;
}

static void run_sql(sqlite3 *db, const awm_buf *sql, const char *what)
{
	if (sql->size && awm_sqlite_run_script(db, sql->ptr, what, 1) < 0)
		fail_msg("%s fails: %s\n%s", what, awm_error_last(), sql->ptr);
}

/*
 * base -> target as a delta; then replay (base + up + changeset) must give
 * target and rollback (target - changeset + down) must give base.
 */
static void round_trip(sqlite3 *base, sqlite3 *target, int expect_warning)
{
	sqlite3 *work = copy_db(base), *replay = copy_db(base), *back = copy_db(target);
	awm_db_delta d;
	int rc = awm_db_delta_compute(&d, work, target, 0);

	if (rc < 0)
		fail_msg("delta: %s", awm_error_last());
	if (!same_database(work, target, 1))
		fail_msg("the moved base differs from the target");
	run_sql(replay, &d.up_sql, "up SQL");
	assert_int_equal(awm_changeset_apply(replay, d.diff.changeset.ptr, d.diff.changeset.size,
					     0, "changeset"), 0);
	if (!same_database(replay, target, 1))
		fail_msg("replaying up SQL and changeset does not give the target:\n%s",
			 d.up_sql.ptr);
	assert_int_equal(awm_changeset_apply(back, d.diff.changeset.ptr, d.diff.changeset.size,
					     1, "inverse"), 0);
	run_sql(back, &d.down_sql, "down SQL");
	if (!expect_warning && !same_database(back, base, 1))
		fail_msg("inverse changeset and down SQL do not give the base:\n%s",
			 d.down_sql.ptr);
	assert_int_equal(d.warning != NULL, expect_warning);
	awm_db_delta_release(&d);
	sqlite3_close(work);
	sqlite3_close(replay);
	sqlite3_close(back);
}

static const char base_sql[] =
	"CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INTEGER);"
	"CREATE INDEX users_name ON users(name);"
	"CREATE TABLE tags(k TEXT, n INTEGER, note, PRIMARY KEY(n, k)) WITHOUT ROWID;"
	"CREATE VIEW adults AS SELECT name FROM users WHERE age >= 18;"
	"INSERT INTO users VALUES(1, 'ada', 36), (2, 'bob', 12), (3, 'cy', NULL);"
	"INSERT INTO tags VALUES('x', 1, 'a'), ('y', 1, NULL), ('x', 2, X'00ff');";

static void check(const char *change, int expect_warning)
{
	sqlite3 *base = mem_db(base_sql), *target = copy_db(base);

	must_exec(target, change);
	round_trip(base, target, expect_warning);
	sqlite3_close(base);
	sqlite3_close(target);
}

static void test_delta__rows_only(void **state)
{
	(void)state;
	check("UPDATE users SET age = 37 WHERE id = 1; DELETE FROM tags WHERE k = 'y';"
	      "INSERT INTO users VALUES(4, 'dee', 1.5)", 0);
}

static void test_delta__column_added_with_values(void **state)
{
	(void)state;
	check("ALTER TABLE users ADD COLUMN email TEXT;"
	      "UPDATE users SET email = name || '@example.com' WHERE id < 3", 0);
}

static void test_delta__column_dropped_comes_back(void **state)
{
	(void)state;
	check("DROP INDEX users_name; DROP VIEW adults; ALTER TABLE users DROP COLUMN age;"
	      "CREATE VIEW adults AS SELECT name FROM users", 0);
}

static void test_delta__column_renamed(void **state)
{
	(void)state;
	check("ALTER TABLE users RENAME COLUMN name TO full_name", 0);
}

static void test_delta__not_null_column_without_default(void **state)
{
	(void)state;
	/* The copy cannot fill `code`: the table is rebuilt empty and refilled. */
	check("CREATE TABLE t2(id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INTEGER, "
	      "code TEXT NOT NULL);"
	      "INSERT INTO t2 SELECT id, name, age, 'c' || id FROM users;"
	      "DROP VIEW adults; DROP TABLE users; ALTER TABLE t2 RENAME TO users;"
	      "CREATE INDEX users_name ON users(name);"
	      "CREATE VIEW adults AS SELECT name FROM users WHERE age >= 18", 0);
}

static void test_delta__tables_added_and_dropped(void **state)
{
	(void)state;
	check("DROP TABLE tags; CREATE TABLE notes(id INTEGER PRIMARY KEY, body BLOB);"
	      "INSERT INTO notes VALUES(1, X'01'), (2, NULL);"
	      "CREATE TRIGGER users_touch AFTER UPDATE ON users BEGIN SELECT 1; END;"
	      "UPDATE users SET name = 'Ada' WHERE id = 1", 0);
}

static void test_delta__table_without_key(void **state)
{
	sqlite3 *base = mem_db(base_sql), *target = copy_db(base), *work = copy_db(base);
	awm_db_delta d;

	(void)state;
	must_exec(target, "CREATE TABLE log(msg TEXT); INSERT INTO log VALUES('hi')");
	assert_int_equal(awm_db_delta_compute(&d, work, target, 0), AWM_EINVALID);
	assert_non_null(strstr(awm_error_last(), "table 'log' has no primary key"));
	sqlite3_close(work);
	sqlite3_close(target);
	/* An empty one is only schema, and a dropped one comes back by its down SQL. */
	target = copy_db(base);
	must_exec(target, "CREATE TABLE log(msg TEXT)");
	round_trip(base, target, 0);
	sqlite3_close(target);
	must_exec(base, "CREATE TABLE log(msg TEXT); INSERT INTO log VALUES('a'), ('a'), ('b')");
	target = copy_db(base);
	must_exec(target, "DROP TABLE log");
	round_trip(base, target, 0);
	sqlite3_close(target);
	sqlite3_close(base);
}

/* Random schema changes on random tables, mixed with row changes. */
static void random_schema_change(rng *r, sqlite3 *db, int nt, table_spec *specs)
{
	awm_buf sql = AWM_BUF_INIT;
	int t = rng_int(r, nt), op = rng_int(r, 7);

	switch (op) {
	case 0:
		awm_buf_printf(&sql, "ALTER TABLE t%d ADD COLUMN n%d %s", t, rng_int(r, 1000),
			       rng_int(r, 2) ? "INTEGER DEFAULT 5" : "TEXT");
		break;
	case 1:
		if (specs[t].ncol > 1)
			awm_buf_printf(&sql, "ALTER TABLE t%d DROP COLUMN c%d", t, specs[t].ncol - 1);
		break;
	case 2:
		awm_buf_printf(&sql, "ALTER TABLE t%d RENAME COLUMN c0 TO r%d", t, rng_int(r, 1000));
		break;
	case 3:
		awm_buf_printf(&sql, "DROP TABLE t%d", t);
		break;
	case 4:
		awm_buf_printf(&sql, "CREATE INDEX i%d ON t%d(c0)", rng_int(r, 1000), t);
		break;
	case 5:
		awm_buf_printf(&sql, "CREATE TABLE n%d(id INTEGER PRIMARY KEY, v); "
			       "INSERT INTO n%d VALUES(1, 'one'), (2, 2.5)", t, t);
		break;
	default:
		awm_buf_printf(&sql, "CREATE VIEW v%d AS SELECT * FROM t%d", rng_int(r, 1000), t);
	}
	if (sql.size && sqlite3_exec(db, sql.ptr, NULL, NULL, NULL) == SQLITE_OK && op == 1)
		specs[t].ncol--;
	awm_buf_release(&sql);
}

static void test_delta__random_round_trips(void **state)
{
	rng r = { test_seed("delta round trips") };
	int n = test_cases(200) / 4, i, k;

	(void)state;
	for (i = 0; i < n; i++) {
		sqlite3 *base = mem_db(NULL), *target;
		table_spec specs[3];
		int nt = 1 + rng_int(&r, 3);

		memset(specs, 0, sizeof(specs));
		for (k = 0; k < nt; k++) {
			create_table(&r, base, k, &specs[k]);
			insert_rows(&r, base, k, &specs[k], rng_int(&r, 30), 0);
		}
		target = copy_db(base);
		for (k = 0; k < nt; k++)
			change_rows(&r, target, k, &specs[k], 10, 0);
		for (k = rng_int(&r, 3); k >= 0; k--)
			random_schema_change(&r, target, nt, specs);
		round_trip(base, target, 0);
		sqlite3_close(base);
		sqlite3_close(target);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_delta__rows_only),
		cmocka_unit_test(test_delta__column_added_with_values),
		cmocka_unit_test(test_delta__column_dropped_comes_back),
		cmocka_unit_test(test_delta__column_renamed),
		cmocka_unit_test(test_delta__not_null_column_without_default),
		cmocka_unit_test(test_delta__tables_added_and_dropped),
		cmocka_unit_test(test_delta__table_without_key),
		cmocka_unit_test(test_delta__random_round_trips),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
