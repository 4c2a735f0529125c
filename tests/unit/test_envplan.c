/*
 * Unit tests for the environment planner (core/envplan.c): the path down
 * and up, the canonical order through merges, where schemas are checked,
 * refusals, and pending rows, which only engines without transactions
 * (Appwrite) write: the planner must finish or undo them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/envplan.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/repo.h"
#include "objects/commit.h"

typedef struct fixture {
	char dir[64];
	awm_repo *repo;
	awm_oid empty;
} fixture;

static int setup(void **state)
{
	fixture *f = awm_calloc(1, sizeof(*f));
	int reinit;
	awm_buf payload = AWM_BUF_INIT;

	strcpy(f->dir, "/tmp/awm-test-envplan.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	assert_int_equal(awm_repo_init(&f->repo, &reinit, f->dir, NULL), 0);
	awm_schema_empty_payload(&payload, "sqlite");
	awm_oid_hash(&f->empty, AWM_OBJ_SCHEMA, payload.ptr, payload.size);
	awm_buf_release(&payload);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;

	awm_repo_free(f->repo);
	awm_fs_rm_rf(f->dir);
	free(f);
	return 0;
}

/* A commit with the given parents; `schema_tag` names its schema; `down` says if it has one. */
static awm_oid commit(fixture *f, const char *msg, const awm_oid *p1, const awm_oid *p2,
		      const char *schema_tag, int down)
{
	awm_commit *c = awm_commit_new();
	awm_oid oid;

	if (p1)
		awm_commit_add_parent(c, p1);
	if (p2)
		awm_commit_add_parent(c, p2);
	assert_int_equal(awm_odb_write(&c->up, f->repo->odb, AWM_OBJ_BLOB, msg, strlen(msg)), 0);
	c->has_up = 1;
	if (down) {
		assert_int_equal(awm_odb_write(&c->down, f->repo->odb, AWM_OBJ_BLOB, "d", 1), 0);
		c->has_down = 1;
	}
	if (schema_tag)
		awm_oid_hash(&c->schema, AWM_OBJ_SCHEMA, schema_tag, strlen(schema_tag));
	else
		c->schema = f->empty;
	c->engine = awm_strdup("sqlite");
	c->author.name = awm_strdup("A");
	c->author.email = awm_strdup("a@b");
	awm_signature_copy(&c->committer, &c->author);
	c->message = awm_printf_alloc("%s\n", msg);
	assert_int_equal(awm_commit_write(f->repo->odb, c), 0);
	oid = c->oid;
	awm_commit_free(c);
	return oid;
}

static void row(awm_history *h, const awm_oid *c, awm_row_status st)
{
	awm_history_row *r;

	AWM_ARRAY_GROW(h->rows, h->nr + 1, h->alloc);
	r = &h->rows[h->nr++];
	memset(r, 0, sizeof(*r));
	r->id = (int64_t)h->nr;
	r->record_type = awm_strdup("migration");
	r->record_id = awm_strdup(awm_oid_tohex(c).s);
	r->commit = *c;
	r->status = st;
	r->created_at = awm_strdup("2026-01-01T00:00:00.000Z");
	r->updated_at = awm_strdup(r->created_at);
	r->payload = awm_strdup("{}");
	r->has_capture = 1;
}

static void assert_step(const awm_plan *p, size_t i, awm_direction dir, const awm_oid *c)
{
	assert_true(i < p->nr);
	assert_int_equal(p->steps[i].dir, dir);
	assert_true(awm_oid_equal(&p->steps[i].commit->oid, c));
}

static void test_envplan__linear_forward(void **state)
{
	fixture *f = *state;
	awm_oid c1 = commit(f, "c1", NULL, NULL, "s1", 1);
	awm_oid c2 = commit(f, "c2", &c1, NULL, "s2", 1);
	awm_oid c3 = commit(f, "c3", &c2, NULL, "s3", 1);
	awm_history h = { NULL, 0, 0 };
	awm_plan p;

	row(&h, &c1, AWM_ROW_APPLIED);
	row(&h, &c2, AWM_ROW_ROLLED_BACK);    /* not in the stack */
	assert_int_equal(awm_plan_build(&p, f->repo, &h, &c3, &f->empty), 0);
	assert_int_equal(p.nr, 2);
	assert_int_equal(p.ndown, 0);
	assert_true(p.has_head && awm_oid_equal(&p.head, &c1));
	assert_step(&p, 0, AWM_DIR_UP, &c2);
	assert_step(&p, 1, AWM_DIR_UP, &c3);
	assert_true(p.steps[0].check_schema && p.steps[1].check_schema);
	assert_true(awm_oid_equal(&p.steps[0].head_before, &c1));
	assert_true(awm_oid_equal(&p.steps[1].head_before, &c2));
	assert_int_equal(awm_plan_check(&p), 0);
	awm_plan_release(&p);
	awm_history_release(&h);
}

static void test_envplan__branch_switch_goes_down_to_the_merge_base(void **state)
{
	fixture *f = *state;
	awm_oid c1 = commit(f, "c1", NULL, NULL, "s1", 1);
	awm_oid a2 = commit(f, "a2", &c1, NULL, "sa2", 1);
	awm_oid a3 = commit(f, "a3", &a2, NULL, "sa3", 1);
	awm_oid b2 = commit(f, "b2", &c1, NULL, "sb2", 1);
	awm_oid want;
	awm_history h = { NULL, 0, 0 };
	awm_plan p;

	row(&h, &c1, AWM_ROW_APPLIED);
	row(&h, &a2, AWM_ROW_APPLIED);
	row(&h, &a3, AWM_ROW_APPLIED);
	assert_int_equal(awm_plan_build(&p, f->repo, &h, &b2, &f->empty), 0);
	assert_int_equal(p.nr, 3);
	assert_int_equal(p.ndown, 2);
	assert_true(p.has_base && awm_oid_equal(&p.base, &c1));
	assert_step(&p, 0, AWM_DIR_DOWN, &a3);
	assert_int_equal(p.steps[0].row->id, 3);
	assert_int_equal(p.steps[0].undo, AWM_UNDO_DOWN);
	assert_step(&p, 1, AWM_DIR_DOWN, &a2);
	assert_step(&p, 2, AWM_DIR_UP, &b2);
	/* After popping a3 the database is exactly a2, then c1, then b2. */
	awm_oid_hash(&want, AWM_OBJ_SCHEMA, "sa2", 3);
	assert_true(p.steps[0].check_schema && awm_oid_equal(&p.steps[0].expect_schema, &want));
	awm_oid_hash(&want, AWM_OBJ_SCHEMA, "s1", 2);
	assert_true(p.steps[1].check_schema && awm_oid_equal(&p.steps[1].expect_schema, &want));
	awm_oid_hash(&want, AWM_OBJ_SCHEMA, "sb2", 3);
	assert_true(p.steps[2].check_schema && awm_oid_equal(&p.steps[2].expect_schema, &want));
	awm_plan_release(&p);

	/* Back to nothing at all. */
	assert_int_equal(awm_plan_build(&p, f->repo, &h, NULL, &f->empty), 0);
	assert_int_equal(p.nr, 3);
	assert_true(p.steps[2].check_schema);
	assert_true(awm_oid_equal(&p.steps[2].expect_schema, &f->empty));
	awm_plan_release(&p);
	awm_history_release(&h);
}

static void test_envplan__merge_applies_first_parent_side_first(void **state)
{
	fixture *f = *state;
	awm_oid c1 = commit(f, "c1", NULL, NULL, "s1", 1);
	awm_oid a = commit(f, "a", &c1, NULL, "sa", 1);
	awm_oid b = commit(f, "b", &c1, NULL, "sb", 1);
	awm_oid m = commit(f, "m", &a, &b, "sab", 0);
	awm_history h = { NULL, 0, 0 };
	awm_plan p;

	assert_int_equal(awm_plan_build(&p, f->repo, &h, &m, &f->empty), 0);
	assert_int_equal(p.nr, 4);
	assert_step(&p, 0, AWM_DIR_UP, &c1);
	assert_step(&p, 1, AWM_DIR_UP, &a);
	assert_step(&p, 2, AWM_DIR_UP, &b);
	assert_step(&p, 3, AWM_DIR_UP, &m);
	/* After b the database holds both sides: no commit describes it. */
	assert_true(p.steps[1].check_schema);
	assert_false(p.steps[2].check_schema);
	assert_true(p.steps[3].check_schema);
	awm_plan_release(&p);

	/* A database that applied b before a is not in the canonical order. */
	row(&h, &c1, AWM_ROW_APPLIED);
	row(&h, &b, AWM_ROW_APPLIED);
	assert_int_equal(awm_plan_build(&p, f->repo, &h, &m, &f->empty), 0);
	assert_int_equal(p.ndown, 1);
	assert_step(&p, 0, AWM_DIR_DOWN, &b);
	assert_step(&p, 1, AWM_DIR_UP, &a);
	assert_step(&p, 2, AWM_DIR_UP, &b);
	assert_step(&p, 3, AWM_DIR_UP, &m);
	awm_plan_release(&p);
	awm_history_release(&h);
}

static void test_envplan__refuses_schema_change_without_down(void **state)
{
	fixture *f = *state;
	awm_oid c1 = commit(f, "c1", NULL, NULL, "s1", 1);
	awm_oid c2 = commit(f, "c2", &c1, NULL, "s2", 0);    /* no down, schema changes */
	awm_oid c3 = commit(f, "c3", &c2, NULL, "s2", 0);    /* no down, data only */
	awm_history h = { NULL, 0, 0 };
	awm_plan p;

	row(&h, &c1, AWM_ROW_APPLIED);
	row(&h, &c2, AWM_ROW_APPLIED);
	row(&h, &c3, AWM_ROW_APPLIED);
	assert_int_equal(awm_plan_build(&p, f->repo, &h, &c2, &f->empty), 0);
	assert_int_equal(p.nr, 1);
	assert_int_equal(p.steps[0].undo, AWM_UNDO_INVERSE);
	assert_null(p.steps[0].refusal);
	assert_int_equal(awm_plan_check(&p), 0);
	awm_plan_release(&p);
	assert_int_equal(awm_plan_build(&p, f->repo, &h, &c1, &f->empty), 0);
	assert_non_null(p.steps[1].refusal);
	assert_int_equal(awm_plan_check(&p), AWM_EINVALID);
	assert_non_null(strstr(awm_error_last(), "changes the schema"));
	awm_plan_release(&p);
	awm_history_release(&h);
}

/*
 * Rows adopted by awm import hold no captured changeset: a data-only SQL
 * commit without a down section cannot be rolled back there, since the
 * commit's own changeset is what it did on a scratch database, not here.
 */
static awm_oid with_changeset(fixture *f, const awm_oid *oid)
{
	awm_commit *c;
	awm_oid out;

	assert_int_equal(awm_commit_read(&c, f->repo->odb, oid), 0);
	c->changeset = c->up;   /* the planner only asks whether there is one */
	c->has_changeset = 1;
	assert_int_equal(awm_commit_write(f->repo->odb, c), 0);
	out = c->oid;
	awm_commit_free(c);
	return out;
}

static void test_envplan__refuses_adopted_data_change_without_down(void **state)
{
	fixture *f = *state;
	awm_oid c1 = commit(f, "c1", NULL, NULL, "s1", 1);
	awm_oid c2 = commit(f, "c2", &c1, NULL, "s1", 0);    /* no down, data only */
	awm_oid c3;

	c2 = with_changeset(f, &c2);
	c3 = commit(f, "c3", &c2, NULL, "s1", 1);
	awm_history h = { NULL, 0, 0 };
	awm_plan p;
	size_t i;

	row(&h, &c1, AWM_ROW_APPLIED);
	row(&h, &c2, AWM_ROW_APPLIED);
	row(&h, &c3, AWM_ROW_APPLIED);
	for (i = 0; i < h.nr; i++) {
		free(h.rows[i].payload);
		h.rows[i].payload = awm_strdup("{\"op\":\"adopt\",\"adopted\":\"import\"}");
		h.rows[i].has_capture = 0;
	}
	/* c3 has a down section: it goes back by that. */
	assert_int_equal(awm_plan_build(&p, f->repo, &h, &c2, &f->empty), 0);
	assert_int_equal(p.steps[0].undo, AWM_UNDO_DOWN);
	assert_int_equal(awm_plan_check(&p), 0);
	awm_plan_release(&p);
	assert_int_equal(awm_plan_build(&p, f->repo, &h, &c1, &f->empty), 0);
	assert_non_null(p.steps[1].refusal);
	assert_int_equal(awm_plan_check(&p), AWM_EINVALID);
	assert_non_null(strstr(awm_error_last(), "another tool applied it"));
	awm_plan_release(&p);
	awm_history_release(&h);
}

static void test_envplan__pending_rows_are_finished_or_undone(void **state)
{
	fixture *f = *state;
	awm_oid c1 = commit(f, "c1", NULL, NULL, "s1", 1);
	awm_oid c2 = commit(f, "c2", &c1, NULL, "s2", 1);
	awm_oid c3 = commit(f, "c3", &c2, NULL, "s3", 1);
	awm_oid x2 = commit(f, "x2", &c1, NULL, "sx", 1);
	awm_history h = { NULL, 0, 0 };
	awm_plan p;

	/* A step that stopped half-way on the way to the target is finished. */
	row(&h, &c1, AWM_ROW_APPLIED);
	row(&h, &c2, AWM_ROW_PENDING);
	assert_int_equal(awm_plan_build(&p, f->repo, &h, &c3, &f->empty), 0);
	assert_int_equal(p.nr, 2);
	assert_step(&p, 0, AWM_DIR_UP, &c2);
	assert_true(p.steps[0].resume);
	assert_int_equal(p.steps[0].row->id, 2);
	assert_step(&p, 1, AWM_DIR_UP, &c3);
	assert_false(p.steps[1].resume);
	awm_plan_release(&p);

	/* Off the way to the target, it is undone first. */
	assert_int_equal(awm_plan_build(&p, f->repo, &h, &x2, &f->empty), 0);
	assert_int_equal(p.nr, 2);
	assert_step(&p, 0, AWM_DIR_DOWN, &c2);
	assert_true(p.steps[0].resume);
	assert_step(&p, 1, AWM_DIR_UP, &x2);
	awm_plan_release(&p);
	awm_history_release(&h);
}

static void test_envplan__steps_back_and_unknown_commits(void **state)
{
	fixture *f = *state;
	awm_oid c1 = commit(f, "c1", NULL, NULL, "s1", 1);
	awm_oid c2 = commit(f, "c2", &c1, NULL, "s2", 1);
	awm_oid ghost, out;
	awm_history h = { NULL, 0, 0 };
	awm_plan p;
	int has;

	row(&h, &c1, AWM_ROW_APPLIED);
	row(&h, &c2, AWM_ROW_APPLIED);
	row(&h, &c2, AWM_ROW_FAILED);
	awm_plan_steps_back(&out, &has, &h, 1);
	assert_true(has && awm_oid_equal(&out, &c1));
	awm_plan_steps_back(&out, &has, &h, 2);
	assert_false(has);
	assert_true(awm_plan_in_stack(&h, &c2));
	awm_oid_hash(&ghost, AWM_OBJ_COMMIT, "ghost", 5);
	row(&h, &ghost, AWM_ROW_APPLIED);
	assert_int_equal(awm_plan_build(&p, f->repo, &h, &c2, &f->empty), AWM_ENOTFOUND);
	assert_non_null(strstr(awm_error_last(), "does not have"));
	awm_history_release(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_envplan__linear_forward, setup, teardown),
		cmocka_unit_test_setup_teardown(test_envplan__branch_switch_goes_down_to_the_merge_base,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_envplan__merge_applies_first_parent_side_first,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_envplan__refuses_schema_change_without_down,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_envplan__refuses_adopted_data_change_without_down,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_envplan__pending_rows_are_finished_or_undone,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_envplan__steps_back_and_unknown_commits,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
