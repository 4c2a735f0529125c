/*
 * Walks and merge bases on a small DAG, from commit objects and again from
 * the commit-graph index, which must give the same answers.
 *
 *        B(2) - C(3)
 *       /           \
 *   A(1)             M(6) - N(7)
 *       \           /
 *        D(4) - E(5)
 *
 *   X1 = merge(C, E) at 8, X2 = merge(E, C) at 9: a criss-cross, whose
 *   merge bases are C and E.  Numbers are commit times.
 */
#include "unit.h"
#include "core/commit_graph.h"
#include "core/walk.h"

typedef struct fixture {
	char *dir;
	awm_repo *repo;
	awm_oid a, b, c, d, e, m, n, x1, x2;
	int graph;   /* walk through the commit-graph */
} fixture;

static int setup_common(void **state, int graph)
{
	fixture *f = awm_calloc(1, sizeof(*f));
	awm_oid p[2];
	size_t count;

	f->repo = unit_repo_new(&f->dir);
	f->a = unit_commit(f->repo, NULL, 0, "A", 1);
	f->b = unit_commit(f->repo, &f->a, 1, "B", 2);
	f->c = unit_commit(f->repo, &f->b, 1, "C", 3);
	f->d = unit_commit(f->repo, &f->a, 1, "D", 4);
	f->e = unit_commit(f->repo, &f->d, 1, "E", 5);
	p[0] = f->c;
	p[1] = f->e;
	f->m = unit_commit(f->repo, p, 2, "M", 6);
	f->n = unit_commit(f->repo, &f->m, 1, "N", 7);
	f->x1 = unit_commit(f->repo, p, 2, "X1", 8);
	p[0] = f->e;
	p[1] = f->c;
	f->x2 = unit_commit(f->repo, p, 2, "X2", 9);
	unit_set_ref(f->repo, "refs/heads/main", &f->n);
	unit_set_ref(f->repo, "refs/heads/x1", &f->x1);
	unit_set_ref(f->repo, "refs/heads/x2", &f->x2);
	if (graph) {
		assert_ok(awm_commit_graph_write(f->repo, &count));
		assert_int_equal(count, 9);
		assert_non_null(awm_repo_graph(f->repo));
	}
	f->graph = graph;
	*state = f;
	return 0;
}

/* One fixture per group: the tests only add commits, never move old ones. */
static int setup(void **state)
{
	return setup_common(state, 0);
}

static int setup_graph(void **state)
{
	return setup_common(state, 1);
}

static int teardown(void **state)
{
	fixture *f = *state;

	awm_repo_free(f->repo);
	unit_tmpdir_free(f->dir);
	free(f);
	return 0;
}

/* The subjects a walk yields, space-separated. */
static void walk_subjects(awm_buf *out, fixture *f, unsigned flags, const awm_oid *push,
			  const awm_oid *hide)
{
	awm_buf subj = AWM_BUF_INIT;
	awm_walk *w;
	awm_oid oid;
	int rc;

	awm_buf_clear(out);
	assert_ok(awm_walk_new(&w, f->repo, flags));
	assert_ok(awm_walk_push(w, push));
	if (hide)
		assert_ok(awm_walk_hide(w, hide));
	while ((rc = awm_walk_next(w, &oid)) == 1) {
		assert_ok(awm_walk_subject(w, &subj));
		awm_buf_printf(out, "%s%s", out->size ? " " : "", subj.ptr);
	}
	assert_int_equal(rc, 0);
	awm_walk_free(w);
	awm_buf_release(&subj);
}

static void test_walk__date_order(void **state)
{
	fixture *f = *state;
	awm_buf s = AWM_BUF_INIT;

	walk_subjects(&s, f, 0, &f->n, NULL);
	assert_string_equal(s.ptr, "N M E D C B A");
	walk_subjects(&s, f, AWM_WALK_TOPO, &f->n, NULL);
	assert_string_equal(s.ptr, "N M E D C B A");
	walk_subjects(&s, f, AWM_WALK_FIRST_PARENT, &f->n, NULL);
	assert_string_equal(s.ptr, "N M C B A");
	walk_subjects(&s, f, 0, &f->a, NULL);
	assert_string_equal(s.ptr, "A");
	awm_buf_release(&s);
}

/* A..B: what B has that A has not. */
static void test_walk__hide(void **state)
{
	fixture *f = *state;
	awm_buf s = AWM_BUF_INIT;

	walk_subjects(&s, f, 0, &f->n, &f->c);
	assert_string_equal(s.ptr, "N M E D");
	walk_subjects(&s, f, 0, &f->n, &f->e);
	assert_string_equal(s.ptr, "N M C B");
	walk_subjects(&s, f, AWM_WALK_TOPO, &f->x2, &f->x1);
	assert_string_equal(s.ptr, "X2");
	walk_subjects(&s, f, 0, &f->c, &f->n);
	assert_string_equal(s.ptr, "");
	walk_subjects(&s, f, 0, &f->n, &f->n);
	assert_string_equal(s.ptr, "");
	awm_buf_release(&s);
}

static void test_walk__parents(void **state)
{
	fixture *f = *state;
	awm_walk *w;
	awm_oid oid, *parents;

	assert_ok(awm_walk_new(&w, f->repo, 0));
	assert_ok(awm_walk_push(w, &f->m));
	assert_int_equal(awm_walk_next(w, &oid), 1);
	assert_true(awm_oid_equal(&oid, &f->m));
	assert_int_equal(awm_walk_parents(w, &parents), 2);
	assert_true(awm_oid_equal(&parents[0], &f->c));
	assert_true(awm_oid_equal(&parents[1], &f->e));
	awm_walk_free(w);
}

static int has(const awm_oid *list, size_t n, const awm_oid *oid)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (awm_oid_equal(&list[i], oid))
			return 1;
	return 0;
}

static void test_walk__merge_bases(void **state)
{
	fixture *f = *state;
	awm_oid *bases;
	size_t n;

	assert_ok(awm_merge_bases(&bases, &n, f->repo, &f->c, &f->e));
	assert_int_equal(n, 1);
	assert_true(awm_oid_equal(&bases[0], &f->a));
	free(bases);
	assert_ok(awm_merge_bases(&bases, &n, f->repo, &f->n, &f->e));
	assert_int_equal(n, 1);
	assert_true(awm_oid_equal(&bases[0], &f->e));
	free(bases);
	assert_ok(awm_merge_bases(&bases, &n, f->repo, &f->b, &f->b));
	assert_int_equal(n, 1);
	assert_true(awm_oid_equal(&bases[0], &f->b));
	free(bases);
	/* Criss-cross: two best common ancestors. */
	assert_ok(awm_merge_bases(&bases, &n, f->repo, &f->x1, &f->x2));
	assert_int_equal(n, 2);
	assert_true(has(bases, n, &f->c));
	assert_true(has(bases, n, &f->e));
	free(bases);
	assert_ok(awm_merge_bases(&bases, &n, f->repo, &f->x1, &f->n));
	assert_int_equal(n, 2);
	assert_true(has(bases, n, &f->c));
	assert_true(has(bases, n, &f->e));
	free(bases);
}

static void test_walk__unrelated_histories(void **state)
{
	fixture *f = *state;
	awm_oid other = unit_commit(f->repo, NULL, 0, "other root", 10), *bases;
	size_t n;

	assert_ok(awm_merge_bases(&bases, &n, f->repo, &f->n, &other));
	assert_int_equal(n, 0);
	free(bases);
	assert_int_equal(awm_is_ancestor(f->repo, &other, &f->n), 0);
}

static void test_walk__is_ancestor(void **state)
{
	fixture *f = *state;

	assert_int_equal(awm_is_ancestor(f->repo, &f->a, &f->n), 1);
	assert_int_equal(awm_is_ancestor(f->repo, &f->e, &f->n), 1);
	assert_int_equal(awm_is_ancestor(f->repo, &f->n, &f->n), 1);
	assert_int_equal(awm_is_ancestor(f->repo, &f->n, &f->a), 0);
	assert_int_equal(awm_is_ancestor(f->repo, &f->c, &f->e), 0);
	assert_int_equal(awm_is_ancestor(f->repo, &f->x1, &f->x2), 0);
}

/*
 * Clock skew: a child older than its parent.  The date order may put the
 * parent first, but the topological order never does.
 */
static void test_walk__topo_survives_clock_skew(void **state)
{
	fixture *f = *state;
	awm_oid p[2], old_child, merge;
	awm_buf s = AWM_BUF_INIT;

	old_child = unit_commit(f->repo, &f->c, 1, "old child", 0);
	p[0] = old_child;
	p[1] = f->e;
	merge = unit_commit(f->repo, p, 2, "merge", 50);
	walk_subjects(&s, f, AWM_WALK_TOPO, &merge, NULL);
	assert_string_equal(s.ptr, "merge E D old child C B A");
	awm_buf_release(&s);
}

/* Commits made after the graph was written are walked from their objects. */
static void test_walk__new_commits_on_top(void **state)
{
	fixture *f = *state;
	awm_oid o = unit_commit(f->repo, &f->n, 1, "O", 11), *bases;
	awm_oid p = unit_commit(f->repo, &o, 1, "P", 12);
	awm_buf s = AWM_BUF_INIT;
	size_t n;

	walk_subjects(&s, f, 0, &p, NULL);
	assert_string_equal(s.ptr, "P O N M E D C B A");
	walk_subjects(&s, f, AWM_WALK_TOPO, &p, &f->m);
	assert_string_equal(s.ptr, "P O N");
	assert_ok(awm_merge_bases(&bases, &n, f->repo, &p, &f->x1));
	assert_int_equal(n, 2);
	free(bases);
	assert_int_equal(awm_is_ancestor(f->repo, &f->d, &p), 1);
	awm_buf_release(&s);
}

/*
 * The canonical order: oldest first, a merge's first-parent side, then its
 * merged-in side, then the merge; dates do not matter (X2 lists E first).
 */
static void test_walk__canonical(void **state)
{
	fixture *f = *state;
	awm_buf s = AWM_BUF_INIT;

	walk_subjects(&s, f, AWM_WALK_CANONICAL, &f->n, NULL);
	assert_string_equal(s.ptr, "A B C D E M N");
	walk_subjects(&s, f, AWM_WALK_CANONICAL, &f->x2, NULL);
	assert_string_equal(s.ptr, "A D E B C X2");
	/* From a first-parent ancestor on: a suffix of the whole order. */
	walk_subjects(&s, f, AWM_WALK_CANONICAL, &f->n, &f->c);
	assert_string_equal(s.ptr, "D E M N");
	walk_subjects(&s, f, AWM_WALK_CANONICAL, &f->x2, &f->e);
	assert_string_equal(s.ptr, "B C X2");
	walk_subjects(&s, f, AWM_WALK_CANONICAL | AWM_WALK_FIRST_PARENT, &f->n, NULL);
	assert_string_equal(s.ptr, "A B C M N");
	awm_buf_release(&s);
}

/* A missing parent is an error, not the end of the history. */
static void test_walk__missing_parent(void **state)
{
	fixture *f = *state;
	awm_oid ghost = unit_oid("0123456789abcdef0123456789abcdef"), tip, oid;
	awm_walk *w;
	int rc;

	tip = unit_commit(f->repo, &ghost, 1, "orphan", 20);
	assert_ok(awm_walk_new(&w, f->repo, 0));
	assert_ok(awm_walk_push(w, &tip));
	while ((rc = awm_walk_next(w, &oid)) == 1)
		;
	assert_code(AWM_ENOTFOUND, rc);
	assert_error_has(awm_oid_tohex(&ghost).s);
	awm_walk_free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_walk__date_order),
		cmocka_unit_test(test_walk__hide),
		cmocka_unit_test(test_walk__parents),
		cmocka_unit_test(test_walk__merge_bases),
		cmocka_unit_test(test_walk__unrelated_histories),
		cmocka_unit_test(test_walk__is_ancestor),
		cmocka_unit_test(test_walk__topo_survives_clock_skew),
		cmocka_unit_test(test_walk__new_commits_on_top),
		cmocka_unit_test(test_walk__canonical),
	};
	const struct CMUnitTest objects_only[] = {
		cmocka_unit_test(test_walk__missing_parent),
	};

	/* Each group once from commit objects, once through the commit-graph. */
	return cmocka_run_group_tests_name("objects", tests, setup, teardown) |
	       cmocka_run_group_tests_name("commit-graph", tests, setup_graph, teardown) |
	       cmocka_run_group_tests_name("objects only", objects_only, setup, teardown);
}
