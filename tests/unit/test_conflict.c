/*
 * Conflicts between two sides: schema touches and their overlaps, data
 * conflicts found by applying a changeset, settling them with a strategy
 * through sqlite3rebaser, and the report lines.
 */
#include "unit.h"
#include "core/conflict.h"
#include "core/changeset.h"
#include "core/conflict_data.h"
#include "core/migration.h"
#include "core/sqlite.h"
#include "core/sqlite_schema.h"

static awm_schema *schema_of(const char *sql)
{
	sqlite3 *db;
	awm_schema *s;

	assert_ok(awm_sqlite_open_image(&db, NULL, 0));
	assert_ok(awm_sqlite_exec(db, sql));
	assert_ok(awm_sqlite_schema_snapshot(&s, db));
	sqlite3_close(db);
	return s;
}

static awm_oid oid_of(const char *hex)
{
	awm_oid o;

	assert_ok(awm_oid_fromhex(&o, hex));
	return o;
}

static void test_conflict__schema_touches(void **state)
{
	awm_schema *base = schema_of("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);"
				     "CREATE TABLE u (id INTEGER PRIMARY KEY);");
	awm_schema *ours = schema_of("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, email TEXT);"
				     "CREATE TABLE u (id INTEGER PRIMARY KEY);"
				     "CREATE INDEX ix ON t (a);");
	awm_schema *theirs = schema_of("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, email INT, "
				       "city TEXT);"
				       "CREATE INDEX ix ON t (a, id);");
	awm_oid o = oid_of("11111111111111111111111111111111");
	awm_oid t = oid_of("22222222222222222222222222222222");
	awm_schema_touches to, tt;
	awm_conflict_list l;
	awm_buf line = AWM_BUF_INIT;

	(void)state;
	memset(&to, 0, sizeof(to));
	memset(&tt, 0, sizeof(tt));
	memset(&l, 0, sizeof(l));
	awm_schema_touches_add(&to, base, ours, &o, "migrations/2_ours.sql");
	awm_schema_touches_add(&tt, base, theirs, &t, NULL);
	assert_int_equal(to.nr, 2);   /* column email, index ix */
	assert_int_equal(tt.nr, 4);   /* columns email, city; index ix; table u dropped */
	awm_schema_touches_conflicts(&l, &to, &tt);
	/* email on both sides and the index; city and u are one side's only. */
	assert_int_equal(l.nr, 2);
	awm_conflict_format(&line, &l.items[0], NULL);
	assert_string_equal(line.ptr, "CONFLICT (schema): table 't', column 'email': ours adds "
			    "column in 1111111111 (migrations/2_ours.sql), upstream adds column in "
			    "2222222222");
	awm_buf_clear(&line);
	awm_conflict_format(&line, &l.items[1], NULL);
	assert_string_equal(line.ptr, "CONFLICT (schema): index 'ix': ours creates in 1111111111 "
			    "(migrations/2_ours.sql), upstream creates in 2222222222");
	assert_int_equal(awm_conflict_unresolved(&l), 2);
	awm_conflict_list_release(&l);
	awm_schema_touches_release(&to);
	awm_schema_touches_release(&tt);
	awm_schema_free(base);
	awm_schema_free(ours);
	awm_schema_free(theirs);
	awm_buf_release(&line);
}

/* A table dropped on one side conflicts with any change to it on the other. */
static void test_conflict__drop_against_column(void **state)
{
	awm_schema *base = schema_of("CREATE TABLE t (id INTEGER PRIMARY KEY);");
	awm_schema *ours = schema_of("CREATE TABLE t (id INTEGER PRIMARY KEY, x);");
	awm_schema *theirs = schema_of("CREATE TABLE other (id INTEGER PRIMARY KEY);");
	awm_oid o = oid_of("11111111111111111111111111111111");
	awm_schema_touches to, tt;
	awm_conflict_list l;

	(void)state;
	memset(&to, 0, sizeof(to));
	memset(&tt, 0, sizeof(tt));
	memset(&l, 0, sizeof(l));
	awm_schema_touches_add(&to, base, ours, &o, NULL);
	awm_schema_touches_add(&tt, base, theirs, &o, NULL);
	awm_schema_touches_conflicts(&l, &to, &tt);
	assert_int_equal(l.nr, 1);
	assert_string_equal(l.items[0].object, "t");
	assert_string_equal(l.items[0].column, "x");
	assert_string_equal(l.items[0].what_theirs, "drops");
	awm_conflict_list_release(&l);
	awm_schema_touches_release(&to);
	awm_schema_touches_release(&tt);
	awm_schema_free(base);
	awm_schema_free(ours);
	awm_schema_free(theirs);
}

/* Run `sql` on `db` under a session; the changeset into `out`. */
static void capture(awm_buf *out, sqlite3 *db, const char *sql)
{
	sqlite3_session *s;
	void *cs;
	int n;

	assert_int_equal(sqlite3session_create(db, "main", &s), SQLITE_OK);
	assert_int_equal(sqlite3session_attach(s, NULL), SQLITE_OK);
	assert_ok(awm_sqlite_exec(db, sql));
	assert_int_equal(sqlite3session_changeset(s, &n, &cs), SQLITE_OK);
	awm_buf_clear(out);
	awm_buf_put(out, cs, (size_t)n);
	sqlite3_free(cs);
	sqlite3session_delete(s);
}

#define BASE "CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, b TEXT);" \
	     "INSERT INTO t VALUES (1, 10, 'x'), (2, 20, 'y'), (3, 30, 'z');"

static char *query(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	awm_buf b = AWM_BUF_INIT;
	int i;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (i = 0; i < sqlite3_column_count(st); i++)
			awm_buf_printf(&b, "%s%s", i ? "|" : "",
				       sqlite3_column_text(st, i) ? (const char *)sqlite3_column_text(st, i) : "NULL");
		awm_buf_putc(&b, ' ');
	}
	sqlite3_finalize(st);
	return awm_buf_detach(&b);
}

/*
 * Ours changes a and b of row 1, deletes row 2, inserts row 4; theirs
 * changes a of row 1, b of row 2, and inserts another row 4.  Each
 * strategy is checked on what the settled changeset does to theirs.
 */
static void settle(awm_strategy s, const char *want)
{
	sqlite3 *db;
	awm_buf ours = AWM_BUF_INIT, out = AWM_BUF_INIT;
	awm_schema *recorded;
	awm_data_check dc;
	awm_oid commit = oid_of("33333333333333333333333333333333");
	char *got;

	assert_ok(awm_sqlite_open_image(&db, NULL, 0));
	assert_ok(awm_sqlite_exec(db, BASE));
	assert_ok(awm_sqlite_exec(db, "SAVEPOINT ours"));
	capture(&ours, db, "UPDATE t SET a = 50, b = 'A' WHERE id = 1; DELETE FROM t WHERE id = 2;"
		"INSERT INTO t VALUES (4, 4, 'ours');");
	assert_ok(awm_sqlite_schema_snapshot(&recorded, db));
	assert_ok(awm_sqlite_exec(db, "ROLLBACK TO ours; RELEASE ours"));
	assert_ok(awm_sqlite_exec(db, "UPDATE t SET a = 70 WHERE id = 1;"
				  "UPDATE t SET b = 'yy' WHERE id = 2;"
				  "INSERT INTO t VALUES (4, 4, 'theirs');"));
	assert_ok(awm_data_check_run(&dc, db, ours.ptr, ours.size, recorded, &commit, NULL));
	/* a of row 1; b of row 2 (deleted by ours); b of row 4 (both inserted). */
	assert_int_equal(dc.conflicts.nr, 3);
	assert_string_equal(dc.conflicts.items[0].column, "a");
	assert_string_equal(dc.conflicts.items[0].base, "10");
	assert_string_equal(dc.conflicts.items[0].theirs, "70");
	assert_string_equal(dc.conflicts.items[0].ours, "50");
	assert_int_equal(dc.conflicts.items[1].type, SQLITE_CHANGESET_DATA);
	assert_null(dc.conflicts.items[1].ours);
	assert_int_equal(dc.conflicts.items[2].type, SQLITE_CHANGESET_CONFLICT);
	/* The check leaves the database as it was. */
	got = query(db, "SELECT * FROM t ORDER BY id");
	assert_string_equal(got, "1|70|x 2|20|yy 3|30|z 4|4|theirs ");
	free(got);
	if (s == AWM_STRATEGY_NONE) {
		assert_code(AWM_ECONFLICT, awm_data_resolve(&out, &dc, ours.ptr, ours.size, s, NULL));
		assert_int_equal(awm_conflict_unresolved(&dc.conflicts), 3);
	} else {
		assert_ok(awm_data_resolve(&out, &dc, ours.ptr, ours.size, s, NULL));
		assert_int_equal(awm_conflict_unresolved(&dc.conflicts), 0);
		assert_ok(awm_changeset_apply(db, out.ptr, out.size, 0, "the settled changeset"));
		got = query(db, "SELECT * FROM t ORDER BY id");
		assert_string_equal(got, want);
		free(got);
	}
	awm_data_check_release(&dc);
	awm_schema_free(recorded);
	awm_buf_release(&ours);
	awm_buf_release(&out);
	sqlite3_close(db);
}

static void test_conflict__settle_theirs(void **state)
{
	(void)state;
	/* Their a, our b in row 1; row 2 stays as they changed it; their row 4. */
	settle(AWM_STRATEGY_THEIRS, "1|70|A 2|20|yy 3|30|z 4|4|theirs ");
}

static void test_conflict__settle_ours(void **state)
{
	(void)state;
	settle(AWM_STRATEGY_OURS, "1|50|A 3|30|z 4|4|ours ");
}

static void test_conflict__unsettled_without_strategy(void **state)
{
	(void)state;
	settle(AWM_STRATEGY_NONE, NULL);
}

static void test_conflict__append_up(void **state)
{
	awm_buf out = AWM_BUF_INIT, added = AWM_BUF_INIT;
	static const char crlf[] = "-- awm:up\r\nUPDATE t SET a = 1;\r\n-- awm:down\r\nSELECT 1;\r\n";
	static const char bare[] = "-- awm:up\nUPDATE t SET a = 1;";

	(void)state;
	assert_ok(awm_migration_append_up(&out, &added, crlf, strlen(crlf), "-- x\nSELECT 2;\n"));
	assert_string_equal(out.ptr, "-- awm:up\r\nUPDATE t SET a = 1;\r\n-- x\r\nSELECT 2;\r\n"
			    "-- awm:down\r\nSELECT 1;\r\n");
	assert_string_equal(added.ptr, "-- x\nSELECT 2;\n");
	assert_ok(awm_migration_append_up(&out, &added, bare, strlen(bare), "SELECT 2;\n"));
	assert_string_equal(out.ptr, "-- awm:up\nUPDATE t SET a = 1;\nSELECT 2;\n");
	assert_string_equal(added.ptr, "\nSELECT 2;\n");
	assert_code(AWM_EINVALID, awm_migration_append_up(&out, &added, "SELECT 1;", 9, "x\n"));
	awm_buf_release(&out);
	awm_buf_release(&added);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conflict__schema_touches),
		cmocka_unit_test(test_conflict__drop_against_column),
		cmocka_unit_test(test_conflict__settle_theirs),
		cmocka_unit_test(test_conflict__settle_ours),
		cmocka_unit_test(test_conflict__unsettled_without_strategy),
		cmocka_unit_test(test_conflict__append_up),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
