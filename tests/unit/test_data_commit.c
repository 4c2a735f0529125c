/*
 * Data commits through the library, in a real repository: checkout, edit
 * with SQL, commit --from-db, then roll back by hand (inverse changeset,
 * then down SQL, as `awm rollback` will) and compare with the base.  Also
 * script migrations: replayed from what they recorded, or run again with
 * AWM_REPLAY_RERUN_SCRIPTS.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tests/unit/dbtest.h"
#include "core/changeset.h"
#include "core/checkout.h"
#include "core/error.h"
#include "core/record.h"
#include "core/refs.h"
#include "core/repo.h"
#include "core/scratch.h"
#include "core/sqlite.h"
#include "objects/commit.h"

#include <sys/stat.h>

typedef struct fixture {
	char *dir;
	awm_repo *repo;
} fixture;

static char *in_dir(const fixture *f, const char *name)
{
	return awm_printf_alloc("%s/%s", f->dir, name);
}

static void write_file(const fixture *f, const char *name, const char *text, mode_t mode)
{
	char *path = in_dir(f, name);

	assert_int_equal(awm_fs_write_atomic(path, text, strlen(text), mode, AWM_FS_NOSYNC), 0);
	free(path);
}

static void record_files(fixture *f)
{
	awm_record_result res;

	if (awm_record_migrations(&res, f->repo, NULL) < 0)
		fail_msg("commit: %s", awm_error_last());
	assert_true(res.nr > 0);
	awm_record_result_release(&res);
}

static int setup(void **state)
{
	fixture *f = awm_calloc(1, sizeof(*f));
	int reinit;

	setenv("AWM_AUTHOR_NAME", "A U Thor", 1);
	setenv("AWM_AUTHOR_EMAIL", "author@example.com", 1);
	setenv("AWM_AUTHOR_DATE", "1700000000 +0000", 1);
	f->dir = test_tmpdir();
	assert_int_equal(awm_repo_init(&f->repo, &reinit, f->dir, NULL), 0);
	write_file(f, "migrations/1_base.sql",
		   "-- awm:up\n"
		   "CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INTEGER);\n"
		   "CREATE INDEX users_name ON users(name);\n"
		   "CREATE TABLE tags(k TEXT, n INTEGER, PRIMARY KEY(n, k)) WITHOUT ROWID;\n"
		   "CREATE TABLE old(id INTEGER PRIMARY KEY, v BLOB);\n"
		   "INSERT INTO users VALUES(1, 'ada', 36), (2, 'bob', 12), (3, 'cy', NULL);\n"
		   "INSERT INTO tags VALUES('x', 1), ('y', 2);\n"
		   "INSERT INTO old VALUES(1, X'00ff'), (2, 2.5);\n", 0644);
	record_files(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;

	awm_repo_free(f->repo);
	awm_fs_rm_rf(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

static void checkout(fixture *f, const char *name, const awm_oid *commit)
{
	awm_checkout_result res;
	char *path = in_dir(f, name);

	if (awm_checkout_db(&res, f->repo, path, commit, AWM_CHECKOUT_FORCE, NULL, NULL) < 0)
		fail_msg("checkout: %s", awm_error_last());
	awm_checkout_result_release(&res);
	free(path);
}

static void head(fixture *f, awm_oid *out)
{
	assert_int_equal(awm_ref_lookup(out, f->repo, "HEAD"), 0);
}

static void blob(awm_buf *out, fixture *f, const awm_oid *id, awm_otype type)
{
	awm_object *obj;

	assert_int_equal(awm_odb_read_typed(&obj, f->repo->odb, id, type), 0);
	awm_buf_clear(out);
	awm_buf_put(out, obj->data, obj->size);
	awm_object_free(obj);
}

/* What `awm rollback` does to a DATA commit: inverse changeset, then down SQL. */
static void roll_back(fixture *f, sqlite3 *db, const awm_commit *c)
{
	awm_buf b = AWM_BUF_INIT;

	if (c->has_changeset) {
		blob(&b, f, &c->changeset, AWM_OBJ_CHANGESET);
		if (awm_changeset_apply(db, b.ptr, b.size, 1, "inverse") < 0)
			fail_msg("inverse changeset: %s", awm_error_last());
	}
	if (c->has_down) {
		blob(&b, f, &c->down, AWM_OBJ_BLOB);
		if (awm_sqlite_run_script(db, b.ptr, "down", 1) < 0)
			fail_msg("down SQL: %s\n%s", awm_error_last(), b.ptr);
	}
	awm_buf_release(&b);
}

static void test_data_commit__from_db_then_rollback(void **state)
{
	fixture *f = *state;
	awm_record_result res;
	awm_oid base, now;
	awm_commit *c;
	sqlite3 *dev, *orig, *edited, *replayed;
	char *dev_path = in_dir(f, "dev.db"), *base_path = in_dir(f, "base.db");
	char *copy_path = in_dir(f, "edited.db"), *replay_path = in_dir(f, "replayed.db");
	char *cache;

	head(f, &base);
	checkout(f, "dev.db", &base);
	checkout(f, "base.db", &base);
	dev = open_file(dev_path);
	must_exec(dev, "UPDATE users SET name = 'Ada', age = 37 WHERE id = 1;"
		  "DELETE FROM users WHERE id = 2;"
		  "INSERT INTO users VALUES(4, 'dee', 1.5);"
		  "DELETE FROM tags WHERE k = 'y'; INSERT INTO tags VALUES('z', 3);"
		  "ALTER TABLE users ADD COLUMN email TEXT;"
		  "UPDATE users SET email = 'cy@example.com' WHERE id = 3;"
		  "DROP TABLE old;"
		  "CREATE TABLE notes(id INTEGER PRIMARY KEY, body);"
		  "INSERT INTO notes VALUES(1, 'n1'), (2, NULL);");
	sqlite3_close(dev);
	copy_fast(dev_path, copy_path);
	if (awm_record_from_db(&res, f->repo, dev_path, NULL) < 0)
		fail_msg("commit --from-db: %s", awm_error_last());
	assert_int_equal(res.nr, 1);
	assert_null(res.commits[0].warning);
	head(f, &now);
	assert_true(awm_oid_equal(&now, &res.commits[0].oid));
	awm_record_result_release(&res);
	assert_int_equal(awm_commit_read(&c, f->repo->odb, &now), 0);
	assert_int_equal(c->kind, AWM_KIND_DATA);
	assert_true(c->has_up && c->has_down && c->has_changeset);
	assert_true(awm_oid_equal(&c->parents[0], &base));

	/* Replaying from nothing cached gives the edited database. */
	cache = in_dir(f, ".awm/cache");
	awm_fs_rm_rf(cache);
	free(cache);
	checkout(f, "replayed.db", &now);
	replayed = open_file(replay_path);
	edited = open_file(copy_path);
	if (!same_database(replayed, edited, 1))
		fail_msg("the data commit does not replay to the edited database");

	/* Rolling back the checked-out file gives the base again, dropped table and all. */
	dev = open_file(dev_path);
	roll_back(f, dev, c);
	orig = open_file(base_path);
	if (!same_database(dev, orig, 1))
		fail_msg("inverse changeset and down SQL do not restore the base");
	sqlite3_close(dev);
	sqlite3_close(orig);
	sqlite3_close(edited);
	sqlite3_close(replayed);
	awm_commit_free(c);
	free(dev_path);
	free(base_path);
	free(copy_path);
	free(replay_path);
}

/* The state after `commit` replayed from its parent, with `flags`. */
static sqlite3 *replay_one(fixture *f, const awm_oid *commit, unsigned flags)
{
	awm_commit *c;
	sqlite3 *db;

	assert_int_equal(awm_commit_read(&c, f->repo->odb, commit), 0);
	assert_int_equal(awm_scratch_open(&db, f->repo, &c->parents[0]), 0);
	if (awm_replay_up_ex(db, f->repo, c, flags) < 0)
		fail_msg("replay: %s", awm_error_last());
	awm_commit_free(c);
	return db;
}

static int stamp_of(sqlite3 *db)
{
	sqlite3_stmt *st;
	int v = -1;

	assert_int_equal(sqlite3_prepare_v2(db, "SELECT v FROM stamps WHERE id = 1", -1, &st,
					    NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void test_data_commit__script_replay_and_rerun(void **state)
{
	fixture *f = *state;
	awm_oid commit;
	awm_commit *c;
	sqlite3 *db;

	/* The script writes whatever AWM_TEST_STAMP says: a stand-in for any outside input. */
	write_file(f, "migrations/2_stamp.sh",
		   "sqlite3 \"$1\" \"CREATE TABLE stamps(id INTEGER PRIMARY KEY, v INTEGER);"
		   " INSERT INTO stamps VALUES(1, $AWM_TEST_STAMP)\"\n", 0644);
	setenv("AWM_TEST_STAMP", "1", 1);
	record_files(f);
	head(f, &commit);
	assert_int_equal(awm_commit_read(&c, f->repo->odb, &commit), 0);
	assert_int_equal(c->kind, AWM_KIND_SCRIPT);
	assert_true(c->has_script && c->has_up && c->has_changeset);
	awm_commit_free(c);

	setenv("AWM_TEST_STAMP", "2", 1);
	db = replay_one(f, &commit, 0);
	assert_int_equal(stamp_of(db), 1);   /* replayed: the recording, no script run */
	sqlite3_close(db);
	db = replay_one(f, &commit, AWM_REPLAY_RERUN_SCRIPTS);
	assert_int_equal(stamp_of(db), 2);   /* run again: what the script does now */
	sqlite3_close(db);
	unsetenv("AWM_TEST_STAMP");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_data_commit__from_db_then_rollback, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_data_commit__script_replay_and_rerun, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
