/*
 * Migration files: markers, sections, line numbers, CRLF, file names, and
 * the file:line of a failing statement.
 */
#include "unit.h"
#include "core/migration.h"
#include "core/sqlite.h"

#define P "migrations/1_x.sql"

static void parse_ok(awm_migration *m, const char *text)
{
	if (awm_migration_parse(m, P, text, strlen(text)) < 0)
		fail_msg("refused: %s\n%s", awm_error_last(), text);
}

static void test_migration__sections_and_lines(void **state)
{
	awm_migration m;
	awm_oid up;

	(void)state;
	parse_ok(&m, "-- a header comment\n"
		     "\n"
		     "-- awm:up\n"
		     "CREATE TABLE t(a);\n"
		     "INSERT INTO t VALUES (1);\n"
		     "-- awm:down\n"
		     "DROP TABLE t;\n");
	assert_string_equal(m.path, P);
	assert_string_equal(m.name, "1_x.sql");
	assert_string_equal(m.up.ptr, "CREATE TABLE t(a);\nINSERT INTO t VALUES (1);\n");
	assert_string_equal(m.down.ptr, "DROP TABLE t;\n");
	assert_int_equal(m.up_line, 4);
	assert_int_equal(m.down_line, 7);
	assert_true(m.has_down);
	/* The section ids are blob ids of the section text. */
	awm_oid_hash(&up, AWM_OBJ_BLOB, m.up.ptr, m.up.size);
	assert_true(awm_oid_equal(&up, &m.up_oid));
	awm_migration_release(&m);
}

static void test_migration__marker_forms(void **state)
{
	awm_migration m;

	(void)state;
	/* Trailing blanks are allowed; leading ones make it an ordinary comment. */
	parse_ok(&m, "-- awm:up \t\nSELECT 1;\n  -- awm:down\nSELECT 2;\n");
	assert_string_equal(m.up.ptr, "SELECT 1;\n  -- awm:down\nSELECT 2;\n");
	assert_false(m.has_down);
	awm_migration_release(&m);
	/* No newline at the end of the file; markers at the very end. */
	parse_ok(&m, "-- awm:up\nSELECT 1;\n-- awm:down");
	assert_string_equal(m.up.ptr, "SELECT 1;\n");
	assert_string_equal(m.down.ptr, "");
	assert_false(m.has_down);
	awm_migration_release(&m);
	parse_ok(&m, "-- awm:up\nSELECT 1;");
	assert_string_equal(m.up.ptr, "SELECT 1;");
	awm_migration_release(&m);
	/* A down section of comments only is no down section. */
	parse_ok(&m, "-- awm:up\nSELECT 1;\n-- awm:down\n-- nothing to undo\n\n  ;\n");
	assert_false(m.has_down);
	awm_migration_release(&m);
	/* "-- awm:upgrade" is not the marker. */
	assert_code(AWM_EINVALID, awm_migration_parse(&m, P, "-- awm:upgrade\nSELECT 1;\n", 25));
	awm_migration_release(&m);
}

static void test_migration__refused(void **state)
{
	static const struct { const char *text, *why; } bad[] = {
		{ "", "no '-- awm:up' line" },
		{ "CREATE TABLE t(a);\n", "no '-- awm:up' line" },
		{ "-- awm:down\nDROP TABLE t;\n", "no '-- awm:up' line" },
		{ "-- awm:up\n-- only a comment\n\n", "holds no SQL statement" },
		{ "-- awm:up\n/* block */ ;\n-- awm:down\nDROP TABLE t;\n", "holds no SQL statement" },
		{ "-- awm:up\nSELECT 1;\n-- awm:up\nSELECT 2;\n", P ":3: a second '-- awm:up'" },
		{ "-- awm:up\nSELECT 1;\n-- awm:down\nx;\n-- awm:down\n", P ":5: a second '-- awm:down'" },
		{ "-- awm:down\nx;\n-- awm:up\nSELECT 1;\n", P ":3: '-- awm:up' must come before" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		awm_migration m;
		int rc = awm_migration_parse(&m, P, bad[i].text, strlen(bad[i].text));

		if (rc != AWM_EINVALID)
			fail_msg("bad[%zu] gave %d", i, rc);
		assert_error_has(bad[i].why);
		assert_error_has(P);
		awm_migration_release(&m);   /* frees what was set before the refusal */
	}
}

static void test_migration__names(void **state)
{
	static const char *const good[] = {
		"1_x.sql", "20240101120000_add_users.sql", "007_a-b_C9.sql",
	};
	static const char *const bad[] = {
		"x.sql", "1.sql", "1_.sql", "_x.sql", "1x_y.sql", "1_x.SQL", "1_x.sql.bak",
		"1_a b.sql", "1_a.b.sql", "1_ä.sql", "1_x", ".sql", "1__.sql.txt",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_ok(awm_migration_name_check(good[i]));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (awm_migration_name_check(bad[i]) != AWM_EINVALID)
			fail_msg("'%s' was accepted", bad[i]);
}

static void write_text(const char *path, const char *text)
{
	assert_ok(awm_fs_write_atomic(path, text, strlen(text), 0644, 0));
}

/* A Windows checkout (CRLF) records the same blobs as LF, at the same lines. */
static void test_migration__crlf_is_not_a_change(void **state)
{
	char *dir;
	awm_repo *repo = unit_repo_new(&dir);
	awm_buf path = AWM_BUF_INIT;
	awm_migration lf, crlf;
	char **names;
	size_t n;

	(void)state;
	awm_repo_migrations_dir(&path, repo);
	awm_buf_puts(&path, "/1_lf.sql");
	write_text(path.ptr, "-- awm:up\nCREATE TABLE t(a);\n\n-- awm:down\nDROP TABLE t;\n");
	awm_repo_migrations_dir(&path, repo);
	awm_buf_puts(&path, "/2_crlf.sql");
	write_text(path.ptr, "-- awm:up\r\nCREATE TABLE t(a);\r\n\r\n-- awm:down\r\n"
			     "DROP TABLE t;\r\n");
	awm_repo_migrations_dir(&path, repo);
	awm_buf_puts(&path, "/notes.txt");
	write_text(path.ptr, "ignored");
	assert_ok(awm_migration_list(&names, &n, repo));
	assert_int_equal(n, 2);
	assert_string_equal(names[0], "1_lf.sql");
	assert_string_equal(names[1], "2_crlf.sql");
	awm_migration_list_free(names, n);
	assert_ok(awm_migration_load(&lf, repo, "1_lf.sql"));
	assert_ok(awm_migration_load(&crlf, repo, "2_crlf.sql"));
	assert_string_equal(crlf.path, "migrations/2_crlf.sql");
	assert_true(awm_oid_equal(&lf.up_oid, &crlf.up_oid));
	assert_true(awm_oid_equal(&lf.down_oid, &crlf.down_oid));
	assert_int_equal(lf.up_line, crlf.up_line);
	assert_int_equal(lf.down_line, crlf.down_line);
	assert_null(strchr(crlf.up.ptr, '\r'));
	awm_migration_release(&lf);
	awm_migration_release(&crlf);
	assert_code(AWM_ENOTFOUND, awm_migration_load(&lf, repo, "3_missing.sql"));
	awm_migration_release(&lf);
	awm_buf_release(&path);
	awm_repo_free(repo);
	unit_tmpdir_free(dir);
}

/* A failing statement is reported at its file line, with SQLite's message. */
static void test_migration__failing_statement_line(void **state)
{
	awm_migration m;
	sqlite3 *db;

	(void)state;
	parse_ok(&m, "-- header\n"
		     "-- awm:up\n"
		     "CREATE TABLE t(a);\n"
		     "\n"
		     "-- a comment before the bad statement\n"
		     "INSERT INTO t\n"
		     "  SELECT * FROM missing_table;\n"
		     "-- awm:down\n"
		     "DROP TABLE nope;\n");
	assert_ok(awm_sqlite_open_image(&db, NULL, 0));
	assert_code(AWM_ERROR, awm_sqlite_run_script(db, m.up.ptr, m.path, m.up_line));
	assert_error_has(P ":6: ");
	assert_error_has("no such table: missing_table");
	assert_code(AWM_ERROR, awm_sqlite_run_script(db, m.down.ptr, m.path, m.down_line));
	assert_error_has(P ":9: ");
	sqlite3_close(db);
	awm_migration_release(&m);
}

static void test_migration__create_names_sort_last(void **state)
{
	char *dir;
	awm_repo *repo = unit_repo_new(&dir);
	awm_buf a = AWM_BUF_INIT, b = AWM_BUF_INIT, text = AWM_BUF_INIT, full = AWM_BUF_INIT;
	awm_migration m;

	(void)state;
	assert_ok(awm_migration_create(&a, repo, "Add users!", 1700000000));
	assert_string_equal(a.ptr, "migrations/20231114221320_add_users.sql");
	/* The clock went back: the new file still sorts after. */
	assert_ok(awm_migration_create(&b, repo, "add  e-mail", 1600000000));
	assert_string_equal(b.ptr, "migrations/20231114221321_add_e_mail.sql");
	assert_code(AWM_EUSAGE, awm_migration_create(&b, repo, "--- !!", 1700000000));
	/* The template parses, and has no statement in its up section yet. */
	awm_path_join(&full, repo->root, a.ptr);
	assert_ok(awm_fs_read_file(&text, full.ptr));
	assert_code(AWM_EINVALID, awm_migration_parse(&m, a.ptr, text.ptr, text.size));
	assert_error_has("holds no SQL statement");
	awm_migration_release(&m);
	awm_buf_release(&a);
	awm_buf_release(&b);
	awm_buf_release(&text);
	awm_buf_release(&full);
	awm_repo_free(repo);
	unit_tmpdir_free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_migration__sections_and_lines),
		cmocka_unit_test(test_migration__marker_forms),
		cmocka_unit_test(test_migration__refused),
		cmocka_unit_test(test_migration__names),
		cmocka_unit_test(test_migration__crlf_is_not_a_change),
		cmocka_unit_test(test_migration__failing_statement_line),
		cmocka_unit_test(test_migration__create_names_sort_last),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
