/*
 * File-system helpers: whole-file reads, atomic writes, directories.
 *
 * Every write that must survive a crash goes through awm_fs_write_atomic():
 * the data is written to a temporary file in the same directory, fsynced,
 * and renamed over the target, so readers see the old file or the new one,
 * never a mixture.
 */
#ifndef AWM_FS_H
#define AWM_FS_H

#include <stddef.h>
#include <sys/types.h>

#include "core/buf.h"

/* Append the contents of `path` to `out`. AWM_ENOTFOUND if it is missing. */
int awm_fs_read_file(awm_buf *out, const char *path);

/*
 * Write `data` to `path` atomically (temp file, fsync, rename, fsync of the
 * directory). With AWM_FS_EXCL the call fails with AWM_EEXISTS instead of
 * replacing an existing file, using link(2) so the check and the creation
 * are one step.
 */
#define AWM_FS_EXCL 1
/* Skip the fsyncs: for caches and temporary files that need no durability. */
#define AWM_FS_NOSYNC 2
int awm_fs_write_atomic(const char *path, const void *data, size_t len,
			mode_t mode, int flags);

/* Write all of `len` bytes to `fd`, retrying on EINTR and short writes. */
int awm_fs_write_all(int fd, const void *data, size_t len, const char *what);

/* Create a temporary file next to `path`; its name goes to `tmp_out`. */
int awm_fs_mktemp(int *fd_out, awm_buf *tmp_out, const char *path);

int awm_fs_fsync_dir(const char *dir);
int awm_fs_fsync_parent(const char *path);
int awm_fs_mkdir_p(const char *path, mode_t mode);
int awm_fs_exists(const char *path);
int awm_fs_is_dir(const char *path);
int awm_fs_copy_file(const char *from, const char *to);

/* Remove a directory tree; a missing path is not an error. */
int awm_fs_rm_rf(const char *path);

/* `out` = a "/" b, without doubling the separator. */
void awm_path_join(awm_buf *out, const char *a, const char *b);

/*
 * The real path of `path` (symbolic links resolved), which need not exist:
 * the real path of its longest existing ancestor, with the rest appended.
 */
void awm_fs_canonical(awm_buf *out, const char *path);

/* Replace every CRLF pair in `buf` with LF. */
void awm_crlf_to_lf(awm_buf *buf);

/*
 * Fault injection for tests.  When AWM_FAULT names `point` (a comma-separated
 * list of "point" or "point@N" entries, N counting calls from 1), the call
 * returns 1 with errno set to EIO, and the caller behaves as if the
 * operation failed.
 */
int awm_fault(const char *point);

/*
 * Test hook: sleep for the number of milliseconds in environment variable
 * `var`, if set.  Lets tests hold a lock long enough to race against it
 * without depending on how fast the machine is.
 */
void awm_test_pause(const char *var);

#endif
