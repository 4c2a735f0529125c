/*
 * flock-based lock files behind lockfile.h.
 *
 * Taking the lock: open `<path>.lock` (creating it), flock it, and then
 * check that the name still refers to the inode we locked.  A previous
 * holder may have renamed its lock file over `<path>` (commit) or unlinked
 * it (release) while we waited; then we locked a dead inode and try again.
 */
#include "core/lockfile.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/fs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void nap(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static int same_inode(int fd, const char *path)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && stat(path, &b) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int awm_lockfile_acquire(awm_lockfile *lk, const char *path, int timeout_ms)
{
	long deadline = now_ms() + timeout_ms, pause = 1;

	lk->fd = -1;
	lk->path = awm_strdup(path);
	lk->lock_path = awm_printf_alloc("%s.lock", path);
	for (;;) {
		int fd = open(lk->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);

		if (fd < 0) {
			int rc = awm_error_os(AWM_ERROR, "cannot create '%s'", lk->lock_path);

			awm_lockfile_release(lk);
			return rc;
		}
		if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
			if (same_inode(fd, lk->lock_path) && ftruncate(fd, 0) == 0) {
				lk->fd = fd;
				return 0;
			}
			close(fd);
			continue;
		}
		close(fd);
		if (errno != EWOULDBLOCK && errno != EINTR) {
			int rc = awm_error_os(AWM_ERROR, "cannot lock '%s'", lk->lock_path);

			awm_lockfile_release(lk);
			return rc;
		}
		if (now_ms() >= deadline) {
			awm_lockfile_release(lk);
			return awm_error_set(AWM_ELOCKED, "'%s.lock' is held by another awm "
					     "process; try again when it has finished", path);
		}
		nap(pause);
		if (pause < 50)
			pause *= 2;
	}
}

int awm_lockfile_write(awm_lockfile *lk, const void *data, size_t len)
{
	if (lseek(lk->fd, 0, SEEK_SET) < 0 || ftruncate(lk->fd, 0) < 0)
		return awm_error_os(AWM_ERROR, "cannot rewrite '%s'", lk->lock_path);
	return awm_fs_write_all(lk->fd, data, len, lk->lock_path);
}

int awm_lockfile_commit(awm_lockfile *lk)
{
	int rc = 0;

	if (fsync(lk->fd) < 0 || awm_fault("fsync")) {
		rc = awm_error_os(AWM_ERROR, "cannot fsync '%s'", lk->lock_path);
		goto done;
	}
	/* Rename while still holding the flock, so no one else locks it first. */
	if (awm_fault("rename") || rename(lk->lock_path, lk->path) < 0) {
		rc = awm_error_os(AWM_ERROR, "cannot rename '%s' into place", lk->lock_path);
		goto done;
	}
	rc = awm_fs_fsync_parent(lk->path);
	close(lk->fd);
	lk->fd = -1;
done:
	awm_lockfile_release(lk);
	return rc;
}

void awm_lockfile_release(awm_lockfile *lk)
{
	if (lk->fd >= 0) {
		/* Unlink before unlocking: a waiter then sees a dead inode. */
		unlink(lk->lock_path);
		close(lk->fd);
		lk->fd = -1;
	}
	free(lk->path);
	free(lk->lock_path);
	lk->path = lk->lock_path = NULL;
}
