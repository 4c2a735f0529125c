/*
 * Lock files: `<path>.lock` guards an update of `<path>`, as in git.
 *
 * The lock is held through flock(2) on the lock file, not through its mere
 * existence, so a holder killed with SIGKILL releases it at once (the
 * kernel drops the flock) and a leftover `.lock` file never wedges the
 * repository.  The new content is written into the lock file, which is then
 * renamed over `<path>`: readers see the old content or the new, never a
 * mixture.
 */
#ifndef AWM_LOCKFILE_H
#define AWM_LOCKFILE_H

#include <stddef.h>

typedef struct awm_lockfile {
	int fd;            /* -1 when not held */
	char *path;        /* the file being updated */
	char *lock_path;   /* path + ".lock" */
} awm_lockfile;

#define AWM_LOCKFILE_INIT { -1, NULL, NULL }

/* Default wait for a lock that a live process holds: refs are held briefly. */
#define AWM_LOCK_TIMEOUT_MS 5000

/*
 * Take the lock on `path`, waiting up to `timeout_ms` for another holder.
 * AWM_ELOCKED when it stays busy.  The lock file is empty once held.
 */
int awm_lockfile_acquire(awm_lockfile *lk, const char *path, int timeout_ms);

/* Replace the lock file's content (not yet visible at `path`). */
int awm_lockfile_write(awm_lockfile *lk, const void *data, size_t len);

/* fsync the lock file and rename it over `path`; the lock is released. */
int awm_lockfile_commit(awm_lockfile *lk);

/* Give the lock up without changing `path`; safe to call when not held. */
void awm_lockfile_release(awm_lockfile *lk);

#endif
