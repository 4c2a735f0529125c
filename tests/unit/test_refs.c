/*
 * Refs: name validation, compare-and-swap (also between processes),
 * packed refs, symbolic refs and reflogs.
 */
#include "unit.h"
#include "core/lockfile.h"
#include "core/refs_internal.h"

#include <signal.h>
#include <sys/wait.h>

typedef struct fixture {
	char *dir;
	awm_repo *repo;
	awm_oid a, b, c;
} fixture;

static int setup(void **state)
{
	fixture *f = awm_calloc(1, sizeof(*f));

	f->repo = unit_repo_new(&f->dir);
	f->a = unit_commit(f->repo, NULL, 0, "a", 1000);
	f->b = unit_commit(f->repo, &f->a, 1, "b", 1001);
	f->c = unit_commit(f->repo, &f->b, 1, "c", 1002);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;

	awm_repo_free(f->repo);
	unit_tmpdir_free(f->dir);
	free(f);
	return 0;
}

static const char *const valid_names[] = {
	"HEAD", "refs/heads/main", "refs/heads/feature/x", "refs/envs/dev",
	"refs/remotes/origin/main", "refs/heads/a.b", "refs/heads/a-b_c",
	"refs/heads/@", "refs/heads/a@b", "refs/heads/x.lockfile", "refs/tags/v1.0",
	"refs/heads/lock", "refs/heads/a.lock.b",
};

static const char *const invalid_names[] = {
	"", "main", "heads/main", "head", "/refs/heads/x", "refs", "refs/",
	"refs/heads", "refs/envs", "refs/heads/", "refs/heads//x", "refs//heads/x",
	"refs/heads/../x", "refs/../HEAD", "refs/heads/a..b", "refs/..", "refs/heads/..",
	"refs/heads/.", "refs/heads/./x", "refs/heads/.hidden", "refs/heads/x/.y",
	"refs/heads/x.lock", "refs/heads/x.lock/y", "refs/heads/.lock", "refs/heads/x.",
	"refs/heads/x/", "refs/heads/a b", "refs/heads/a~1", "refs/heads/a^", "refs/heads/a^2",
	"refs/heads/a:b", "refs/heads/a?", "refs/heads/a*", "refs/heads/a[b", "refs/heads/a\\b",
	"refs/heads/a\tb", "refs/heads/a\nb", "refs/heads/a\rb", "refs/heads/\x7f",
	"refs/heads/\x01x", "refs/heads/a@{1}", "refs/heads/@{", "HEAD/x", "HEADx", "./refs/x",
	"refs/heads/x\x1b[31m",
};

static void test_refs__name_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(valid_names) / sizeof(valid_names[0]); i++)
		if (awm_refname_check(valid_names[i]) < 0)
			fail_msg("'%s' was refused: %s", valid_names[i], awm_error_last());
	for (i = 0; i < sizeof(invalid_names) / sizeof(invalid_names[0]); i++) {
		if (awm_refname_check(invalid_names[i]) != AWM_EINVALID)
			fail_msg("'%s' was accepted", invalid_names[i]);
		assert_error_has("not a valid ref name");
	}
}

static void test_refs__name_too_long(void **state)
{
	awm_buf name = AWM_BUF_INIT;

	(void)state;
	awm_buf_puts(&name, "refs/heads/");
	while (name.size < 1001)
		awm_buf_puts(&name, "abcdefghi/");
	awm_buf_puts(&name, "x");
	assert_code(AWM_EINVALID, awm_refname_check(name.ptr));
	awm_buf_release(&name);
}

/*
 * Random names from an alphabet rich in the dangerous characters: whatever
 * is accepted stays below .awm/ (no "." or ".." component, no empty one, no
 * leading "/") and cannot be mistaken for a lock or temporary file.
 */
static void test_refs__accepted_names_cannot_escape(void **state)
{
	static const char alphabet[] = "ab./@{}~^:.lock-_\\ \t*?[\x01";
	uint32_t x = 12345;
	size_t tries, accepted = 0;
	char name[32];

	(void)state;
	for (tries = 0; tries < 200000; tries++) {
		size_t len, i;
		const char *p;

		x = x * 1103515245u + 12345u;
		len = 5 + (x >> 16) % 12;
		memcpy(name, "refs/", 5);
		for (i = 5; i < len; i++) {
			x = x * 1103515245u + 12345u;
			name[i] = alphabet[(x >> 16) % (sizeof(alphabet) - 1)];
		}
		name[len] = '\0';
		if (awm_refname_check(name) < 0)
			continue;
		accepted++;
		for (p = name; p; p = strchr(p, '/') ? strchr(p, '/') + 1 : NULL) {
			size_t n = strcspn(p, "/");

			if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && !strncmp(p, "..", 2)))
				fail_msg("'%s' was accepted", name);
			if (n >= 5 && !strncmp(p + n - 5, ".lock", 5))
				fail_msg("'%s' was accepted", name);
		}
		if (strstr(name, "..") || strpbrk(name, " \t\\*?[~^:\x01") || strstr(name, "@{"))
			fail_msg("'%s' was accepted", name);
	}
	assert_true(accepted > 100);   /* the generator does produce valid names */
}

static void test_refs__update_and_lookup(void **state)
{
	fixture *f = *state;
	awm_oid got, zero;

	awm_oid_clear(&zero);
	assert_code(AWM_ENOTFOUND, awm_ref_lookup(&got, f->repo, "refs/heads/x"));
	assert_ok(awm_ref_update(f->repo, "refs/heads/x", &f->a, &zero, "create"));
	assert_ok(awm_ref_lookup(&got, f->repo, "refs/heads/x"));
	assert_true(awm_oid_equal(&got, &f->a));
	assert_ok(awm_ref_update(f->repo, "refs/heads/x", &f->b, &f->a, "advance"));
	assert_ok(awm_ref_lookup(&got, f->repo, "refs/heads/x"));
	assert_true(awm_oid_equal(&got, &f->b));
	/* Invalid names are refused before touching the disk. */
	assert_code(AWM_EINVALID, awm_ref_update(f->repo, "refs/heads/../../x", &f->a, NULL, ""));
	assert_code(AWM_EINVALID, awm_ref_lookup(&got, f->repo, "refs/heads/x.lock"));
}

static void test_refs__cas_that_loses_changes_nothing(void **state)
{
	fixture *f = *state;
	awm_oid got, zero;
	awm_buf path = AWM_BUF_INIT, before = AWM_BUF_INIT, after = AWM_BUF_INIT;

	awm_oid_clear(&zero);
	assert_ok(awm_ref_update(f->repo, "refs/heads/x", &f->a, &zero, "create"));
	awm_repo_path(&path, f->repo, "logs/refs/heads/x");
	assert_ok(awm_fs_read_file(&before, path.ptr));
	/* Create when it exists; update from a value it does not hold. */
	assert_code(AWM_ECONFLICT, awm_ref_update(f->repo, "refs/heads/x", &f->c, &zero, ""));
	assert_error_has("already exists");
	assert_code(AWM_ECONFLICT, awm_ref_update(f->repo, "refs/heads/x", &f->c, &f->b, ""));
	assert_error_has(awm_oid_tohex(&f->a).s);
	assert_code(AWM_ECONFLICT, awm_ref_delete(f->repo, "refs/heads/x", &f->b, ""));
	assert_ok(awm_ref_lookup(&got, f->repo, "refs/heads/x"));
	assert_true(awm_oid_equal(&got, &f->a));
	/* A lost update writes no reflog entry and leaves no lock behind. */
	assert_ok(awm_fs_read_file(&after, path.ptr));
	assert_string_equal(before.ptr, after.ptr);
	awm_repo_path(&path, f->repo, "refs/heads/x.lock");
	assert_false(awm_fs_exists(path.ptr));
	/* Expecting a value for a ref that does not exist loses too. */
	assert_code(AWM_ECONFLICT, awm_ref_update(f->repo, "refs/heads/y", &f->c, &f->a, ""));
	assert_code(AWM_ENOTFOUND, awm_ref_lookup(&got, f->repo, "refs/heads/y"));
	awm_buf_release(&path);
	awm_buf_release(&before);
	awm_buf_release(&after);
}

/*
 * Several processes race to move the same ref from the same old value, each
 * to its own commit.  Exactly one wins; the others get AWM_ECONFLICT; the
 * ref ends at the winner's commit.
 */
#define RACERS 6

static int race_once(fixture *f, const char *ref, const awm_oid *start, awm_oid *targets)
{
	int go[2], i, wins = 0, conflicts = 0, winner = -1;
	pid_t pids[RACERS];
	awm_oid got;

	unit_set_ref(f->repo, ref, start);
	assert_int_equal(pipe(go), 0);
	for (i = 0; i < RACERS; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			awm_repo *r;
			char c;
			int rc;

			close(go[1]);
			if (read(go[0], &c, 1) < 0)
				_exit(99);
			if (awm_repo_open(&r, f->dir) < 0)
				_exit(98);
			rc = awm_ref_update(r, ref, &targets[i], start, "race");
			awm_repo_free(r);
			_exit(rc == 0 ? 0 : rc == AWM_ECONFLICT ? 4 : 97);
		}
	}
	close(go[0]);
	close(go[1]);   /* everyone starts now */
	for (i = 0; i < RACERS; i++) {
		int status;

		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status));
		if (WEXITSTATUS(status) == 0) {
			wins++;
			winner = i;
		} else if (WEXITSTATUS(status) == 4) {
			conflicts++;
		} else {
			fail_msg("racer %d exited %d", i, WEXITSTATUS(status));
		}
	}
	assert_int_equal(wins, 1);
	assert_int_equal(conflicts, RACERS - 1);
	assert_ok(awm_ref_lookup(&got, f->repo, ref));
	assert_true(awm_oid_equal(&got, &targets[winner]));
	return winner;
}

static void test_refs__processes_race_one_wins(void **state)
{
	fixture *f = *state;
	awm_oid targets[RACERS];
	int round, i;

	for (i = 0; i < RACERS; i++) {
		char subj[16];

		snprintf(subj, sizeof(subj), "racer %d", i);
		targets[i] = unit_commit(f->repo, &f->a, 1, subj, 2000 + i);
	}
	for (round = 0; round < 15; round++)
		race_once(f, round % 2 ? "refs/heads/race" : "HEAD", &f->a, targets);
}

static void test_refs__symbolic_head(void **state)
{
	fixture *f = *state;
	awm_buf target = AWM_BUF_INIT;
	awm_oid got, zero;

	awm_oid_clear(&zero);
	assert_ok(awm_ref_symbolic_target(&target, f->repo, "HEAD"));
	assert_string_equal(target.ptr, "refs/heads/main");
	/* Unborn: HEAD does not resolve, and updating it creates the branch. */
	assert_code(AWM_ENOTFOUND, awm_ref_lookup(&got, f->repo, "HEAD"));
	assert_ok(awm_ref_update(f->repo, "HEAD", &f->a, &zero, "first"));
	assert_ok(awm_ref_lookup(&got, f->repo, "refs/heads/main"));
	assert_true(awm_oid_equal(&got, &f->a));
	assert_ok(awm_ref_set_symbolic(f->repo, "HEAD", "refs/heads/other", "switch"));
	assert_code(AWM_ENOTFOUND, awm_ref_lookup(&got, f->repo, "HEAD"));
	assert_ok(awm_ref_detach_head(f->repo, &f->b, "detach"));
	assert_ok(awm_ref_lookup(&got, f->repo, "HEAD"));
	assert_true(awm_oid_equal(&got, &f->b));
	assert_code(AWM_ENOTFOUND, awm_ref_symbolic_target(&target, f->repo, "HEAD"));
	assert_code(AWM_EINVALID, awm_ref_delete(f->repo, "HEAD", NULL, ""));
	assert_code(AWM_EINVALID, awm_ref_set_symbolic(f->repo, "HEAD", "refs/heads/../x", ""));
	awm_buf_release(&target);
}

static void write_file(awm_repo *repo, const char *rel, const char *text)
{
	awm_buf path = AWM_BUF_INIT;

	awm_repo_path(&path, repo, rel);
	assert_ok(awm_fs_write_atomic(path.ptr, text, strlen(text), 0644, 0));
	awm_buf_release(&path);
}

static void test_refs__damaged_refs(void **state)
{
	fixture *f = *state;
	awm_oid got;

	write_file(f->repo, "refs/heads/bad", "not an id\n");
	assert_code(AWM_ECORRUPT, awm_ref_lookup(&got, f->repo, "refs/heads/bad"));
	assert_error_has("refs/heads/bad");
	/* A symbolic ref may not point outside refs/. */
	write_file(f->repo, "HEAD", "ref: ../../etc/passwd\n");
	assert_code(AWM_EINVALID, awm_ref_lookup(&got, f->repo, "HEAD"));
	/* Nor loop. */
	write_file(f->repo, "HEAD", "ref: refs/heads/loop1\n");
	write_file(f->repo, "refs/heads/loop1", "ref: refs/heads/loop2\n");
	write_file(f->repo, "refs/heads/loop2", "ref: refs/heads/loop1\n");
	assert_code(AWM_ECORRUPT, awm_ref_lookup(&got, f->repo, "HEAD"));
	assert_error_has("loop");
}

typedef struct listing {
	char names[16][64];
	awm_oid oids[16];
	size_t nr;
} listing;

static int list_cb(const char *name, const awm_oid *oid, void *payload)
{
	listing *l = payload;

	assert_true(l->nr < 16);
	snprintf(l->names[l->nr], 64, "%s", name);
	l->oids[l->nr++] = *oid;
	return 0;
}

static void test_refs__packed(void **state)
{
	fixture *f = *state;
	awm_buf path = AWM_BUF_INIT, text = AWM_BUF_INIT;
	listing l;
	awm_oid got;
	size_t n;

	unit_set_ref(f->repo, "refs/heads/main", &f->a);
	unit_set_ref(f->repo, "refs/heads/topic/one", &f->b);
	unit_set_ref(f->repo, "refs/envs/dev", &f->c);
	assert_ok(awm_refs_pack(f->repo, &n));
	assert_int_equal(n, 3);
	awm_repo_path(&path, f->repo, "refs/heads/topic/one");
	assert_false(awm_fs_exists(path.ptr));
	awm_repo_path(&path, f->repo, "packed-refs");
	assert_ok(awm_fs_read_file(&text, path.ptr));
	assert_non_null(strstr(text.ptr, "refs/heads/topic/one"));
	/* Packed refs read like loose ones. */
	assert_ok(awm_ref_lookup(&got, f->repo, "refs/heads/topic/one"));
	assert_true(awm_oid_equal(&got, &f->b));
	assert_ok(awm_ref_lookup(&got, f->repo, "HEAD"));
	assert_true(awm_oid_equal(&got, &f->a));
	memset(&l, 0, sizeof(l));
	assert_ok(awm_ref_foreach(f->repo, "refs/", list_cb, &l));
	assert_int_equal(l.nr, 3);
	assert_string_equal(l.names[0], "refs/envs/dev");
	assert_string_equal(l.names[1], "refs/heads/main");
	assert_string_equal(l.names[2], "refs/heads/topic/one");

	/* A loose ref overrides its packed line, and is listed once. */
	assert_ok(awm_ref_update(f->repo, "refs/heads/main", &f->c, &f->a, "move"));
	assert_ok(awm_ref_lookup(&got, f->repo, "refs/heads/main"));
	assert_true(awm_oid_equal(&got, &f->c));
	memset(&l, 0, sizeof(l));
	assert_ok(awm_ref_foreach(f->repo, "refs/heads/", list_cb, &l));
	assert_int_equal(l.nr, 2);
	assert_string_equal(l.names[0], "refs/heads/main");
	assert_true(awm_oid_equal(&l.oids[0], &f->c));

	/* Deleting a ref that is loose and packed removes both copies. */
	assert_ok(awm_ref_delete(f->repo, "refs/heads/main", &f->c, "delete"));
	assert_code(AWM_ENOTFOUND, awm_ref_lookup(&got, f->repo, "refs/heads/main"));
	/* Deleting a packed-only ref rewrites packed-refs. */
	assert_ok(awm_ref_delete(f->repo, "refs/envs/dev", &f->c, "delete"));
	assert_code(AWM_ENOTFOUND, awm_ref_lookup(&got, f->repo, "refs/envs/dev"));
	awm_buf_clear(&text);
	assert_ok(awm_fs_read_file(&text, path.ptr));
	assert_null(strstr(text.ptr, "refs/envs/dev"));
	assert_null(strstr(text.ptr, "refs/heads/main"));
	assert_non_null(strstr(text.ptr, "refs/heads/topic/one"));
	assert_code(AWM_ENOTFOUND, awm_ref_delete(f->repo, "refs/envs/dev", NULL, ""));
	awm_buf_release(&path);
	awm_buf_release(&text);
}

/* A packed ref whose folder is gone (packed-refs from elsewhere) can be deleted. */
static void test_refs__delete_packed_ref_without_folder(void **state)
{
	fixture *f = *state;
	awm_buf path = AWM_BUF_INIT;
	awm_oid got;
	size_t n;

	unit_set_ref(f->repo, "refs/remotes/origin/main", &f->a);
	assert_ok(awm_refs_pack(f->repo, &n));
	awm_repo_path(&path, f->repo, "refs/remotes/origin");
	assert_ok(awm_fs_rm_rf(path.ptr));
	assert_ok(awm_ref_lookup(&got, f->repo, "refs/remotes/origin/main"));
	assert_ok(awm_ref_delete(f->repo, "refs/remotes/origin/main", &f->a, "prune"));
	assert_code(AWM_ENOTFOUND, awm_ref_lookup(&got, f->repo, "refs/remotes/origin/main"));
	awm_buf_release(&path);
}

/* Deleting the last ref in a folder removes the folder, not refs/heads. */
static void test_refs__delete_prunes_empty_folders(void **state)
{
	fixture *f = *state;
	awm_buf path = AWM_BUF_INIT;

	unit_set_ref(f->repo, "refs/heads/feature/deep/x", &f->a);
	unit_set_ref(f->repo, "refs/heads/feature/y", &f->a);
	assert_ok(awm_ref_delete(f->repo, "refs/heads/feature/deep/x", NULL, "delete"));
	awm_repo_path(&path, f->repo, "refs/heads/feature/deep");
	assert_false(awm_fs_exists(path.ptr));
	awm_repo_path(&path, f->repo, "refs/heads/feature");
	assert_true(awm_fs_is_dir(path.ptr));
	assert_ok(awm_ref_delete(f->repo, "refs/heads/feature/y", NULL, "delete"));
	assert_false(awm_fs_exists(path.ptr));
	awm_repo_path(&path, f->repo, "refs/heads");
	assert_true(awm_fs_is_dir(path.ptr));
	awm_buf_release(&path);
}

/* A packed-refs file changed by another process is re-read. */
static void test_refs__packed_refs_reread(void **state)
{
	fixture *f = *state;
	awm_buf text = AWM_BUF_INIT;
	awm_oid got;

	awm_buf_printf(&text, "# awm packed-refs 1\n%s refs/heads/p\n", awm_oid_tohex(&f->a).s);
	write_file(f->repo, "packed-refs", text.ptr);
	assert_ok(awm_ref_lookup(&got, f->repo, "refs/heads/p"));
	assert_true(awm_oid_equal(&got, &f->a));
	awm_buf_clear(&text);
	awm_buf_printf(&text, "# awm packed-refs 1\n%s refs/heads/p\n%s refs/heads/q\n",
		       awm_oid_tohex(&f->b).s, awm_oid_tohex(&f->c).s);
	write_file(f->repo, "packed-refs", text.ptr);
	assert_ok(awm_ref_lookup(&got, f->repo, "refs/heads/p"));
	assert_true(awm_oid_equal(&got, &f->b));
	assert_ok(awm_ref_lookup(&got, f->repo, "refs/heads/q"));
	/* A malformed line is reported, not skipped. */
	write_file(f->repo, "packed-refs", "# awm packed-refs 1\nnonsense refs/heads/p\n");
	assert_code(AWM_ECORRUPT, awm_ref_lookup(&got, f->repo, "refs/heads/p"));
	assert_error_has("packed-refs");
	awm_buf_release(&text);
}

typedef struct log_list {
	awm_oid old_oid[8], new_oid[8];
	char msg[8][64], who[8][96];
	size_t nr;
} log_list;

static int log_cb(const awm_reflog_entry *e, void *payload)
{
	log_list *l = payload;

	assert_true(l->nr < 8);
	l->old_oid[l->nr] = e->old_oid;
	l->new_oid[l->nr] = e->new_oid;
	snprintf(l->msg[l->nr], 64, "%s", e->msg);
	snprintf(l->who[l->nr], 96, "%s", e->who);
	l->nr++;
	return 0;
}

static void test_refs__reflog(void **state)
{
	fixture *f = *state;
	awm_oid zero;
	log_list l;

	awm_oid_clear(&zero);
	assert_ok(awm_ref_update(f->repo, "HEAD", &f->a, &zero, "commit: a"));
	assert_ok(awm_ref_update(f->repo, "HEAD", &f->b, &f->a, "commit: b\nsecond line"));
	assert_ok(awm_ref_update(f->repo, "refs/heads/main", &f->c, &f->b, "direct"));
	/* HEAD's log has the updates made through HEAD; the branch's has all. */
	memset(&l, 0, sizeof(l));
	assert_ok(awm_reflog_foreach(f->repo, "HEAD", log_cb, &l));
	assert_int_equal(l.nr, 2);
	memset(&l, 0, sizeof(l));
	assert_ok(awm_reflog_foreach(f->repo, "refs/heads/main", log_cb, &l));
	assert_int_equal(l.nr, 3);
	assert_true(awm_oid_is_zero(&l.old_oid[0]));
	assert_true(awm_oid_equal(&l.new_oid[0], &f->a));
	assert_true(awm_oid_equal(&l.old_oid[1], &f->a));
	assert_true(awm_oid_equal(&l.new_oid[1], &f->b));
	assert_true(awm_oid_equal(&l.new_oid[2], &f->c));
	assert_string_equal(l.msg[0], "commit: a");
	assert_string_equal(l.msg[1], "commit: b second line");   /* one line per entry */
	assert_string_equal(l.who[0], "A U Thor <author@example.com> 1700000000 +0000");
	assert_code(AWM_ENOTFOUND, awm_reflog_foreach(f->repo, "refs/heads/none", log_cb, &l));
}

/* A line torn by a crash (no newline yet) is skipped, the rest is read. */
static void test_refs__reflog_torn_line(void **state)
{
	fixture *f = *state;
	awm_buf path = AWM_BUF_INIT;
	awm_oid zero;
	log_list l;
	FILE *fp;

	awm_oid_clear(&zero);
	assert_ok(awm_ref_update(f->repo, "refs/heads/t", &f->a, &zero, "one"));
	awm_repo_path(&path, f->repo, "logs/refs/heads/t");
	fp = fopen(path.ptr, "a");
	assert_non_null(fp);
	fputs("00000000000000000000000000000000 0123", fp);
	fclose(fp);
	memset(&l, 0, sizeof(l));
	assert_ok(awm_reflog_foreach(f->repo, "refs/heads/t", log_cb, &l));
	assert_int_equal(l.nr, 1);
	awm_buf_release(&path);
}

/* A held lock makes a writer wait, then give up with AWM_ELOCKED. */
static void test_refs__held_lock(void **state)
{
	fixture *f = *state;
	awm_buf path = AWM_BUF_INIT;
	int go[2], done[2];
	pid_t pid;
	char c;

	awm_repo_path(&path, f->repo, "refs/heads/held");
	assert_int_equal(pipe(go), 0);
	assert_int_equal(pipe(done), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		awm_lockfile lk = AWM_LOCKFILE_INIT;

		/* Only the parent's ends stay open: if it dies, read() sees EOF. */
		close(go[0]);
		close(done[1]);
		if (awm_lockfile_acquire(&lk, path.ptr, 0) < 0)
			_exit(1);
		if (write(go[1], "x", 1) != 1 || read(done[0], &c, 1) < 0)
			_exit(2);
		_exit(0);   /* dies holding it: the kernel releases the flock */
	}
	close(go[1]);
	close(done[0]);
	assert_int_equal(read(go[0], &c, 1), 1);
	{
		awm_lockfile lk = AWM_LOCKFILE_INIT;

		assert_code(AWM_ELOCKED, awm_lockfile_acquire(&lk, path.ptr, 50));
		assert_error_has("held by another awm process");
	}
	assert_int_equal(write(done[1], "x", 1), 1);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	/* The stale .lock file left behind does not block anyone. */
	assert_ok(awm_ref_update(f->repo, "refs/heads/held", &f->a, NULL, "after"));
	close(go[0]);
	close(done[1]);
	awm_buf_release(&path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refs__name_table),
		cmocka_unit_test(test_refs__name_too_long),
		cmocka_unit_test(test_refs__accepted_names_cannot_escape),
		cmocka_unit_test_setup_teardown(test_refs__update_and_lookup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refs__cas_that_loses_changes_nothing,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_refs__processes_race_one_wins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refs__symbolic_head, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refs__damaged_refs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refs__packed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refs__delete_packed_ref_without_folder,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_refs__delete_prunes_empty_folders,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_refs__packed_refs_reread, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refs__reflog, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refs__reflog_torn_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refs__held_lock, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
