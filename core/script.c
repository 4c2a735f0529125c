/*
 * Running script migrations (see script.h).
 */
#include "core/script.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/sqlite.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define OUTPUT_KEEP 4096

int awm_script_timeout(awm_repo *repo)
{
	int64_t t = awm_config_int_or(repo->config, "migrations.scripttimeout",
				      AWM_SCRIPT_DEFAULT_TIMEOUT);

	return t > 0 && t < 86400 * 7 ? (int)t : AWM_SCRIPT_DEFAULT_TIMEOUT;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && !strcmp(s + n - k, suffix);
}

static int has_shebang(const char *path)
{
	char two[2];
	int fd = open(path, O_RDONLY | O_CLOEXEC), yes;

	if (fd < 0)
		return 0;
	yes = read(fd, two, 2) == 2 && two[0] == '#' && two[1] == '!';
	close(fd);
	return yes;
}

/* argv for running `path`: the program itself, or its interpreter. */
static int command_for(const char *argv[4], const char *path, const char *name,
		       const char *db_path)
{
	int exec = access(path, X_OK) == 0;

	if (exec && has_shebang(path)) {
		argv[0] = path;
		argv[1] = db_path;
		argv[2] = NULL;
	} else if (ends_with(name, ".py") || ends_with(name, ".sh")) {
		argv[0] = ends_with(name, ".py") ? "python3" : "sh";
		argv[1] = path;
		argv[2] = db_path;
		argv[3] = NULL;
	} else if (exec) {
		argv[0] = path;
		argv[1] = db_path;
		argv[2] = NULL;
	} else {
		return awm_error_set(AWM_EINVALID, "script migration '%s' is neither executable "
				     "nor a .py or .sh file; make it executable (chmod +x)", name);
	}
	return 0;
}

int awm_script_check_runnable(const char *path, const char *name)
{
	const char *argv[4];

	return command_for(argv, path, name, "");
}

static void child(int out_fd, const char *const argv[], const char *db_path, const char *cwd)
{
	int null = open("/dev/null", O_RDONLY);

	setpgid(0, 0);
	if (null >= 0)
		dup2(null, 0);
	dup2(out_fd, 1);
	dup2(out_fd, 2);
	if (cwd && chdir(cwd) < 0)
		_exit(126);
	setenv("AWM_DB", db_path, 1);
	execvp(argv[0], (char *const *)argv);
	dprintf(2, "cannot run '%s': %s\n", argv[0], strerror(errno));
	_exit(127);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Keep the tail of what the program printed. */
static void keep(awm_buf *out, const char *p, size_t n)
{
	awm_buf_put(out, p, n);
	if (out->size > 2 * OUTPUT_KEEP) {
		memmove(out->ptr, out->ptr + out->size - OUTPUT_KEEP, OUTPUT_KEEP);
		awm_buf_truncate(out, OUTPUT_KEEP);
	}
}

/*
 * Read the program's output until it has exited (left unreaped, so its
 * pid and group id cannot be reused before the group is killed) or the
 * deadline passes: 0 exited, 1 late, -1 error.
 */
static int drain(awm_buf *out, int fd, pid_t pid, long long deadline)
{
	char chunk[4096];
	int open_fd = 1;

	for (;;) {
		long long left = deadline - now_ms();
		struct pollfd p = { fd, POLLIN, 0 };
		siginfo_t info;

		if (!open_fd) {
			memset(&info, 0, sizeof(info));
			if (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT) < 0)
				return -1;
			if (info.si_pid == pid)
				return 0;
			if (left <= 0)
				return 1;
			usleep(10000);
			continue;
		}
		if (left <= 0)
			return 1;
		if (poll(&p, 1, left > 1000 ? 1000 : (int)left) > 0) {
			ssize_t n = read(fd, chunk, sizeof(chunk));

			if (n > 0)
				keep(out, chunk, (size_t)n);
			else if (n == 0 || errno != EINTR)
				open_fd = 0;
		}
	}
}

static void quote_output(const awm_buf *out)
{
	awm_buf msg = AWM_BUF_INIT;
	const char *p;

	if (!out->size)
		return;
	awm_buf_puts(&msg, awm_error_last());
	awm_buf_puts(&msg, "; its output ends:\n");
	for (p = out->ptr; *p; p++) {
		if (p == out->ptr || p[-1] == '\n')
			awm_buf_puts(&msg, "    ");
		awm_buf_putc(&msg, *p);
	}
	awm_buf_rtrim(&msg);
	awm_error_set(awm_error_code(), "%s", msg.ptr);
	awm_buf_release(&msg);
}

int awm_script_run(awm_buf *output, const char *path, const char *name, const char *db_path,
		   const char *cwd, int timeout)
{
	const char *argv[4];
	awm_buf out = AWM_BUF_INIT;
	int pfd[2], status = 0, rc, late;
	pid_t pid;

	if ((rc = command_for(argv, path, name, db_path)) < 0)
		return rc;
	if (pipe(pfd) < 0)
		return awm_error_os(AWM_ERROR, "cannot run script '%s'", name);
	fcntl(pfd[0], F_SETFD, FD_CLOEXEC);
	if ((pid = fork()) < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return awm_error_os(AWM_ERROR, "cannot run script '%s'", name);
	}
	if (pid == 0)
		child(pfd[1], argv, db_path, cwd);
	setpgid(pid, pid);
	close(pfd[1]);
	late = drain(&out, pfd[0], pid, now_ms() + (long long)timeout * 1000);
	close(pfd[0]);
	/* Whatever it left running in its group goes too: none may touch the copy later. */
	kill(-pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (late > 0)
		rc = awm_error_set(AWM_ERROR, "script '%s' did not finish within %d s and was "
				   "stopped (raise migrations.scriptTimeout if it needs longer)",
				   name, timeout);
	else if (late < 0)
		rc = awm_error_os(AWM_ERROR, "cannot wait for script '%s'", name);
	else if (WIFSIGNALED(status))
		rc = awm_error_set(AWM_ERROR, "script '%s' was killed by signal %d", name,
				   WTERMSIG(status));
	else if (WEXITSTATUS(status) != 0)
		rc = awm_error_set(AWM_ERROR, "script '%s' failed with exit status %d", name,
				   WEXITSTATUS(status));
	if (rc < 0)
		quote_output(&out);
	if (output) {
		awm_buf_clear(output);
		awm_buf_put(output, out.ptr, out.size);
	}
	awm_buf_release(&out);
	return rc;
}

/* A fresh folder under .awm/tmp for one run. */
static int make_tmpdir(awm_buf *out, awm_repo *repo)
{
	int rc;

	awm_repo_path(out, repo, "tmp");
	if ((rc = awm_fs_mkdir_p(out->ptr, 0755)) < 0)
		return rc;
	awm_buf_puts(out, "/script-XXXXXX");
	if (!mkdtemp(out->ptr))
		return awm_error_os(AWM_ERROR, "cannot create a folder in '%s'", out->ptr);
	return 0;
}

static int capture_in(awm_db_delta *out, awm_repo *repo, sqlite3 *db, const char *dir,
		      const char *path, const char *name, unsigned delta_flags)
{
	awm_buf image = AWM_BUF_INIT, db_path = AWM_BUF_INIT;
	sqlite3 *result = NULL;
	int rc;

	awm_path_join(&db_path, dir, "db.sqlite");
	if ((rc = awm_sqlite_serialize(&image, db)) < 0 ||
	    (rc = awm_fs_write_atomic(db_path.ptr, image.ptr, image.size, 0644,
				      AWM_FS_NOSYNC)) < 0)
		goto done;
	awm_buf_release(&image);
	if ((rc = awm_script_run(NULL, path, name, db_path.ptr, repo->root,
				 awm_script_timeout(repo))) < 0)
		goto done;
	if ((rc = awm_sqlite_open(&result, db_path.ptr, 0)) < 0) {
		awm_error_prefix("script '%s' left no readable database", name);
		goto done;
	}
	rc = awm_db_delta_compute(out, db, result, delta_flags);
	if (rc < 0)
		awm_error_prefix("script '%s'", name);
done:
	sqlite3_close(result);
	awm_buf_release(&image);
	awm_buf_release(&db_path);
	return rc;
}

int awm_script_capture(awm_db_delta *out, awm_repo *repo, sqlite3 *db, const char *path,
		       const char *name, unsigned delta_flags)
{
	awm_buf dir = AWM_BUF_INIT;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = make_tmpdir(&dir, repo)) == 0) {
		rc = capture_in(out, repo, db, dir.ptr, path, name, delta_flags);
		awm_fs_rm_rf(dir.ptr);
	}
	awm_buf_release(&dir);
	return rc;
}

int awm_script_rerun(awm_repo *repo, sqlite3 *db, const awm_commit *c)
{
	awm_buf dir = AWM_BUF_INIT, path = AWM_BUF_INIT;
	awm_object *script = NULL;
	awm_db_delta d;
	const char *name = c->migration ? strrchr(c->migration, '/') : NULL;
	int rc;

	name = name ? name + 1 : c->migration ? c->migration : "script";
	memset(&d, 0, sizeof(d));
	if (!c->has_script)
		return awm_error_set(AWM_EINVALID, "commit %s holds no script to run",
				     awm_oid_tohex(&c->oid).s);
	if ((rc = awm_odb_read_typed(&script, repo->odb, &c->script, AWM_OBJ_BLOB)) < 0 ||
	    (rc = make_tmpdir(&dir, repo)) < 0)
		goto done;
	awm_path_join(&path, dir.ptr, name);
	if ((rc = awm_fs_write_atomic(path.ptr, script->data, script->size, 0755,
				      AWM_FS_NOSYNC)) == 0)
		rc = capture_in(&d, repo, db, dir.ptr, path.ptr, name, AWM_DELTA_NO_DOWN);
	awm_fs_rm_rf(dir.ptr);
done:
	awm_db_delta_release(&d);
	awm_object_free(script);
	awm_buf_release(&dir);
	awm_buf_release(&path);
	return rc;
}
