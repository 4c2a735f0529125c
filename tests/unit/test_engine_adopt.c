/*
 * Unit tests for the engine's adopt operation (awm_engine_adopt, the
 * sqlite engine's core/engine_sqlite_adopt.c): the rows it writes, the
 * other tool's table it drops, and what it refuses without changing
 * anything (a database with history, a schema that is not the head's, a
 * lock the caller does not hold).
 */
#include "unit.h"

#include "core/engine.h"
#include "core/env.h"
#include "core/sqlite.h"
#include "core/sqlite_schema.h"

typedef struct fixture {
	char *dir;
	awm_repo *repo;
	char *url;
	awm_lock_request req;
	awm_oid c1, c2;      /* c1: table t; c2, its child: t and index t_v */
} fixture;

/* The id of the schema `sql` gives an empty database, stored. */
static awm_oid schema_of(awm_repo *repo, const char *sql)
{
	awm_schema *s = NULL;
	awm_buf payload = AWM_BUF_INIT;
	sqlite3 *db = NULL;
	awm_oid oid;

	assert_ok(awm_sqlite_open_image(&db, NULL, 0));
	assert_ok(awm_sqlite_exec(db, sql));
	assert_ok(awm_sqlite_schema_snapshot(&s, db));
	awm_schema_serialize(&payload, s);
	assert_ok(awm_odb_write(&oid, repo->odb, AWM_OBJ_SCHEMA, payload.ptr, payload.size));
	sqlite3_close(db);
	awm_schema_free(s);
	awm_buf_release(&payload);
	return oid;
}

static awm_oid commit_with(awm_repo *repo, const awm_oid *parent, const char *subject,
			   const char *sql)
{
	awm_commit *c = awm_commit_new();
	awm_oid oid;

	if (parent)
		awm_commit_add_parent(c, parent);
	c->schema = schema_of(repo, sql);
	assert_ok(awm_odb_write(&c->up, repo->odb, AWM_OBJ_BLOB, sql, strlen(sql)));
	c->has_up = 1;
	c->engine = awm_strdup("sqlite");
	c->migration = awm_printf_alloc("migrations/%s.sql", subject);
	c->author.name = awm_strdup("A U Thor");
	c->author.email = awm_strdup("author@example.com");
	awm_signature_copy(&c->committer, &c->author);
	c->message = awm_printf_alloc("%s\n", subject);
	assert_ok(awm_commit_write(repo->odb, c));
	oid = c->oid;
	awm_commit_free(c);
	return oid;
}

static const char t_sql[] = "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);";
static const char t_index_sql[] = "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);"
				  "CREATE INDEX t_v ON t (v);";

static int setup(void **state)
{
	fixture *f = awm_calloc(1, sizeof(*f));
	awm_buf path = AWM_BUF_INIT;
	sqlite3 *db = NULL;

	f->repo = unit_repo_new(&f->dir);
	f->c1 = commit_with(f->repo, NULL, "t", t_sql);
	f->c2 = commit_with(f->repo, &f->c1, "t_v", t_index_sql);
	/* What the other tool left: its migrations' tables, and its own. */
	awm_path_join(&path, f->dir, "x.db");
	assert_ok(awm_sqlite_open(&db, path.ptr, 1));
	assert_ok(awm_sqlite_exec(db, t_index_sql));
	assert_ok(awm_sqlite_exec(db, "INSERT INTO t (v) VALUES ('kept');"
				  "CREATE TABLE _tool (version INTEGER PRIMARY KEY);"
				  "CREATE INDEX _tool_v ON _tool (version);"
				  "INSERT INTO _tool VALUES (1), (2);"));
	sqlite3_close(db);
	f->url = awm_printf_alloc("sqlite:%s", path.ptr);
	f->req.id = AWM_ENV_LOCK_ID;
	f->req.owner = "tester@host:1";
	f->req.ttl_ms = 60000;
	awm_buf_release(&path);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;

	awm_repo_free(f->repo);
	unit_tmpdir_free(f->dir);
	free(f->url);
	free(f);
	return 0;
}

static int has_table(awm_engine *e, const char *name)
{
	awm_schema *s = NULL;
	int yes;

	/* Snapshots leave out only awm's and SQLite's own tables. */
	assert_ok(awm_engine_snapshot(&s, e));
	yes = awm_schema_find(s, "table", name) != NULL;
	awm_schema_free(s);
	return yes;
}

/* Adopt c1..c2 (or nothing) in the fixture's database, holding the lock when `lock`. */
static int adopt(fixture *f, awm_engine *e, int upto, int lock)
{
	awm_commit *c[2] = { NULL, NULL };
	const awm_commit *list[2];
	static const char *const drop[] = { "_tool", NULL };
	awm_lock_info holder;
	awm_adopt a;
	int rc, i;

	assert_ok(awm_commit_read(&c[0], f->repo->odb, &f->c1));
	assert_ok(awm_commit_read(&c[1], f->repo->odb, &f->c2));
	list[0] = c[0];
	list[1] = c[1];
	if (lock) {
		assert_ok(awm_engine_lock(&holder, e, &f->req));
		awm_lock_info_release(&holder);
	}
	memset(&a, 0, sizeof(a));
	a.repo = f->repo;
	a.commits = list;
	a.nr = (size_t)upto;
	a.note = "awm import test";
	a.drop_tables = drop;
	a.lock = &f->req;
	a.release_lock = 1;
	rc = awm_engine_adopt(e, &a);
	for (i = 0; i < 2; i++)
		awm_commit_free(c[i]);
	return rc;
}

static void test_engine_adopt__rows_and_the_tool_table(void **state)
{
	fixture *f = *state;
	awm_engine *e = NULL;
	awm_history h;
	awm_lock_info l;

	assert_ok(awm_engine_open(&e, f->repo, f->url, AWM_ENGINE_WRITE));
	assert_true(has_table(e, "_tool"));
	assert_ok(adopt(f, e, 2, 1));
	assert_false(has_table(e, "_tool"));
	assert_true(has_table(e, "t"));
	assert_ok(awm_engine_history(&h, e));
	assert_int_equal(h.nr, 2);
	assert_true(awm_oid_equal(&h.rows[0].commit, &f->c1));
	assert_true(awm_oid_equal(&h.rows[1].commit, &f->c2));
	assert_int_equal(h.rows[1].status, AWM_ROW_APPLIED);
	assert_false(h.rows[1].has_capture);
	assert_non_null(strstr(h.rows[1].payload, "\"op\":\"adopt\""));
	assert_non_null(strstr(h.rows[1].payload, "\"adopted\":\"awm import test\""));
	assert_non_null(strstr(h.rows[1].payload, "\"subject\":\"t_v\""));
	assert_ok(awm_engine_lock_read(&l, e, f->req.id));
	assert_false(l.held);   /* released with the adoption */
	awm_history_release(&h);

	/* Once it has history, it is awm's: a second adoption is refused. */
	assert_code(AWM_EEXISTS, adopt(f, e, 2, 1));
	assert_error_has("already has awm history (2 rows");
	assert_ok(awm_engine_history(&h, e));
	assert_int_equal(h.nr, 2);
	awm_history_release(&h);
	awm_engine_free(e);
}

static void test_engine_adopt__refuses_a_schema_that_is_not_the_head_s(void **state)
{
	fixture *f = *state;
	awm_engine *e = NULL;
	awm_history h;
	awm_lock_info l;

	assert_ok(awm_engine_open(&e, f->repo, f->url, AWM_ENGINE_WRITE));
	/* The database has c2's index, so it is not at c1. */
	assert_code(AWM_EINVALID, adopt(f, e, 1, 1));
	assert_error_has("is not the one the history has at");
	assert_error_has("index 't_v' added");
	assert_true(has_table(e, "_tool"));   /* the drop was rolled back */
	assert_ok(awm_engine_history(&h, e));
	assert_int_equal(h.nr, 0);
	awm_history_release(&h);
	/* Nor before any commit. */
	assert_code(AWM_EINVALID, adopt(f, e, 0, 0));
	assert_error_has("at the start");
	assert_ok(awm_engine_lock_read(&l, e, f->req.id));
	assert_true(l.held);   /* a failed adoption leaves the lock to the caller */
	awm_lock_info_release(&l);
	awm_engine_free(e);
}

static void test_engine_adopt__needs_the_lock_and_a_writable_database(void **state)
{
	fixture *f = *state;
	awm_engine *e = NULL;

	assert_ok(awm_engine_open(&e, f->repo, f->url, 0));
	assert_code(AWM_EINVALID, adopt(f, e, 2, 0));
	assert_error_has("read-only");
	awm_engine_free(e);
	assert_ok(awm_engine_open(&e, f->repo, f->url, AWM_ENGINE_WRITE));
	assert_code(AWM_ELOCKED, adopt(f, e, 2, 0));
	assert_true(has_table(e, "_tool"));
	awm_engine_free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_engine_adopt__rows_and_the_tool_table,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_engine_adopt__refuses_a_schema_that_is_not_the_head_s, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_engine_adopt__needs_the_lock_and_a_writable_database, setup,
			teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
