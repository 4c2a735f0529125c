/*
 * Shared helpers for the unit tests: cmocka, temporary folders, throwaway
 * repositories and hand-made commits.  Header-only (static inline), so
 * every tests/unit/test_<module>.c stays one self-contained executable.
 */
#ifndef AWM_TEST_UNIT_H
#define AWM_TEST_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/git.h"
#include "core/refs.h"
#include "core/repo.h"
#include "objects/commit.h"
#include "objects/schema.h"

/* Fail the test with the library's message when `expr` returns < 0. */
#define assert_ok(expr) do { \
	int unit_rc_ = (expr); \
	if (unit_rc_ < 0) \
		fail_msg("%s returned %d: %s", #expr, unit_rc_, awm_error_last()); \
} while (0)

/* `expr` must fail with exactly `code`. */
#define assert_code(code, expr) do { \
	int unit_rc_ = (expr); \
	if (unit_rc_ != (code)) \
		fail_msg("%s returned %d, expected %d (%s)", #expr, unit_rc_, (int)(code), \
			 awm_error_last()); \
} while (0)

/* The last error message must contain `needle`. */
#define assert_error_has(needle) do { \
	if (!strstr(awm_error_last(), (needle))) \
		fail_msg("error '%s' does not mention '%s'", awm_error_last(), (needle)); \
} while (0)

/* A fresh folder under $TMPDIR; free it with unit_tmpdir_free(). */
static inline char *unit_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *dir = awm_printf_alloc("%s/awm-unit.XXXXXX", base && *base ? base : "/tmp");

	if (!mkdtemp(dir))
		fail_msg("mkdtemp failed");
	return dir;
}

static inline void unit_tmpdir_free(char *dir)
{
	if (!dir)
		return;
	awm_fs_rm_rf(dir);
	free(dir);
}

/* Fixed identity and date, as the CLI tests use, so ids are reproducible. */
static inline void unit_identity(void)
{
	setenv("AWM_AUTHOR_NAME", "A U Thor", 1);
	setenv("AWM_AUTHOR_EMAIL", "author@example.com", 1);
	setenv("AWM_AUTHOR_DATE", "1700000000 +0000", 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	unsetenv("AWM_DIR");
	unsetenv("AWM_FAULT");
}

/* A new repository in a new temporary folder (`*dir` to free afterwards). */
static inline awm_repo *unit_repo_new(char **dir)
{
	awm_repo *repo = NULL;
	int reinit = 0;

	unit_identity();
	*dir = unit_tmpdir();
	assert_ok(awm_repo_init(&repo, &reinit, *dir, NULL));
	assert_int_equal(reinit, 0);
	return repo;
}

/* Flip one byte of a file in place (stored files are read-only). */
static inline void unit_flip_byte(const char *path, size_t offset)
{
	awm_buf data = AWM_BUF_INIT;

	assert_ok(awm_fs_read_file(&data, path));
	if (offset >= data.size)
		fail_msg("offset %zu is past the end of '%s' (%zu bytes)", offset, path, data.size);
	data.ptr[offset] ^= 0x5a;
	chmod(path, 0644);
	assert_ok(awm_fs_write_atomic(path, data.ptr, data.size, 0444, 0));
	awm_buf_release(&data);
}

/*
 * Write a commit with the given parents, subject and committer time, and
 * return its id.  The schema is the empty one; nothing else is attached,
 * which is all that walks and revision parsing look at.
 */
static inline awm_oid unit_commit(awm_repo *repo, const awm_oid *parents, size_t n,
				  const char *subject, int64_t time)
{
	awm_commit *c = awm_commit_new();
	awm_buf payload = AWM_BUF_INIT;
	awm_oid oid;
	size_t i;

	for (i = 0; i < n; i++)
		awm_commit_add_parent(c, &parents[i]);
	awm_schema_empty_payload(&payload, "sqlite");
	assert_ok(awm_odb_write(&c->schema, repo->odb, AWM_OBJ_SCHEMA, payload.ptr,
				payload.size));
	c->engine = awm_strdup("sqlite");
	c->author.name = awm_strdup("A U Thor");
	c->author.email = awm_strdup("author@example.com");
	c->author.time = time;
	awm_signature_copy(&c->committer, &c->author);
	c->message = awm_printf_alloc("%s\n", subject);
	assert_ok(awm_commit_write(repo->odb, c));
	oid = c->oid;
	awm_commit_free(c);
	awm_buf_release(&payload);
	return oid;
}

/* Point `ref` at `oid`, whatever it pointed at before. */
static inline void unit_set_ref(awm_repo *repo, const char *ref, const awm_oid *oid)
{
	assert_ok(awm_ref_update(repo, ref, oid, NULL, "unit test"));
}

/* The id a hex string names; fails the test on a typo. */
static inline awm_oid unit_oid(const char *hex)
{
	awm_oid oid;

	if (awm_oid_fromhex(&oid, hex) < 0)
		fail_msg("'%s' is not an id", hex);
	return oid;
}

#endif
