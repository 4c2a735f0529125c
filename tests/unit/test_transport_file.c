/*
 * The folder transport: listing order and prefixes, exclusive creation,
 * idempotent removal, and names that would leave the folder.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/error.h"
#include "core/fs.h"
#include "core/transport.h"

#include <stdlib.h>
#include <string.h>

typedef struct fixture {
	char dir[64];
	awm_transport *t;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));

	strcpy(f->dir, "/tmp/awm-unit-transport.XXXXXX");
	if (!mkdtemp(f->dir) || awm_transport_open(&f->t, f->dir, NULL, "/") < 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;

	awm_transport_free(f->t);
	awm_fs_rm_rf(f->dir);
	free(f);
	return 0;
}

static void put(awm_transport *t, const char *name)
{
	assert_int_equal(awm_transport_put(t, name, name, strlen(name)), 0);
}

static void test_transport_file__list_sorted_with_prefix(void **state)
{
	fixture *f = *state;
	awm_remote_files files = AWM_REMOTE_FILES_INIT;

	put(f->t, "store/b.pack");
	put(f->t, "refs/heads/main/2");
	put(f->t, "refs/heads/main/1");
	put(f->t, "refs/heads/main2/1");
	put(f->t, "awm-remote-v1");
	assert_int_equal(awm_transport_list(f->t, &files, ""), 0);
	assert_int_equal(files.nr, 5);
	assert_string_equal(files.items[0].name, "awm-remote-v1");
	assert_string_equal(files.items[1].name, "refs/heads/main/1");
	assert_string_equal(files.items[3].name, "refs/heads/main2/1");
	assert_string_equal(files.items[4].name, "store/b.pack");
	assert_int_equal(files.items[4].size, strlen("store/b.pack"));
	assert_non_null(awm_remote_files_find(&files, "refs/heads/main/2"));
	assert_null(awm_remote_files_find(&files, "refs/heads/main/3"));
	awm_remote_files_release(&files);
	assert_int_equal(awm_transport_list(f->t, &files, "refs/heads/main/"), 0);
	assert_int_equal(files.nr, 2);
	awm_remote_files_release(&files);
	assert_int_equal(awm_transport_list(f->t, &files, "nothing/"), 0);
	assert_int_equal(files.nr, 0);
	awm_remote_files_release(&files);
}

static void test_transport_file__missing_folder_is_empty(void **state)
{
	fixture *f = *state;
	awm_remote_files files = AWM_REMOTE_FILES_INIT;
	awm_transport *t;
	awm_buf dir = AWM_BUF_INIT;

	awm_buf_printf(&dir, "%s/not-yet", f->dir);
	assert_int_equal(awm_transport_open(&t, dir.ptr, NULL, "/"), 0);
	assert_int_equal(awm_transport_list(t, &files, ""), 0);
	assert_int_equal(files.nr, 0);
	awm_transport_free(t);
	awm_buf_release(&dir);
}

static void test_transport_file__create_exclusive(void **state)
{
	fixture *f = *state;
	awm_buf data = AWM_BUF_INIT;

	assert_true(f->t->caps & AWM_TRANSPORT_EXCLUSIVE);
	assert_int_equal(awm_transport_create_exclusive(f->t, "locks/1", "one", 3), 0);
	assert_int_equal(awm_transport_create_exclusive(f->t, "locks/1", "two", 3), AWM_EEXISTS);
	assert_int_equal(awm_transport_get(f->t, &data, "locks/1", NULL), 0);
	assert_string_equal(data.ptr, "one");
	awm_buf_release(&data);
}

static void test_transport_file__get_and_remove(void **state)
{
	fixture *f = *state;
	awm_buf data = AWM_BUF_INIT;

	put(f->t, "a/b");
	assert_int_equal(awm_transport_remove(f->t, "a/b"), 0);
	assert_int_equal(awm_transport_remove(f->t, "a/b"), 0);   /* idempotent */
	assert_int_equal(awm_transport_get(f->t, &data, "a/b", NULL), AWM_ENOTFOUND);
	assert_true(f->t->stats.requests >= 4);
	awm_buf_release(&data);
}

static void test_transport_file__names_stay_inside(void **state)
{
	fixture *f = *state;
	awm_buf data = AWM_BUF_INIT;

	assert_int_equal(awm_transport_put(f->t, "../escape", "x", 1), AWM_EINVALID);
	assert_int_equal(awm_transport_put(f->t, "a/../../escape", "x", 1), AWM_EINVALID);
	assert_int_equal(awm_transport_put(f->t, "/abs", "x", 1), AWM_EINVALID);
	assert_int_equal(awm_transport_put(f->t, "a//b", "x", 1), AWM_EINVALID);
	assert_int_equal(awm_transport_get(f->t, &data, ".hidden", NULL), AWM_EINVALID);
	awm_buf_release(&data);
}

static void test_transport_file__url_forms(void **state)
{
	(void)state;
	assert_int_equal(awm_transport_check_url("/srv/share/awm"), 0);
	assert_int_equal(awm_transport_check_url("relative/dir"), 0);
	assert_int_equal(awm_transport_check_url("file:///srv/share"), 0);
	assert_int_equal(awm_transport_check_url("file://host/share"), AWM_EINVALID);
	assert_int_equal(awm_transport_check_url("b2://bucket-name/prefix/x"), 0);
	assert_int_equal(awm_transport_check_url("b2://bucket-name"), 0);
	assert_int_equal(awm_transport_check_url("b2://b/x"), AWM_EINVALID);
	assert_int_equal(awm_transport_check_url("b2://bucket_name/x"), AWM_EINVALID);
	assert_int_equal(awm_transport_check_url("b2://bucket-name/a//b"), AWM_EINVALID);
	assert_int_equal(awm_transport_check_url("s3://bucket/x"), AWM_EINVALID);
	assert_int_equal(awm_transport_check_url(""), AWM_EINVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_transport_file__list_sorted_with_prefix,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_transport_file__missing_folder_is_empty,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_transport_file__create_exclusive,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_transport_file__get_and_remove,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_transport_file__names_stay_inside,
						setup, teardown),
		cmocka_unit_test(test_transport_file__url_forms),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
