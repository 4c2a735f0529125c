/*
 * File-system helpers behind fs.h.
 */
#include "core/fs.h"
#include "core/error.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int awm_fs_read_file(awm_buf *out, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	ssize_t n;

	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return awm_error_set(AWM_ENOTFOUND, "'%s' does not exist", path);
		return awm_error_os(AWM_ERROR, "cannot open '%s'", path);
	}
	if (fstat(fd, &st) == 0 && st.st_size > 0)
		awm_buf_grow(out, (size_t)st.st_size);
	for (;;) {
		awm_buf_grow(out, 65536);
		n = read(fd, out->ptr + out->size, out->asize - out->size - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			close(fd);
			return awm_error_os(AWM_ERROR, "cannot read '%s'", path);
		}
		if (n == 0)
			break;
		out->size += (size_t)n;
	}
	out->ptr[out->size] = '\0';
	close(fd);
	return 0;
}

int awm_fs_write_all(int fd, const void *data, size_t len, const char *what)
{
	const char *p = data;

	if (awm_fault("write"))
		return awm_error_os(AWM_ERROR, "cannot write '%s'", what);
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return awm_error_os(AWM_ERROR, "cannot write '%s'", what);
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int awm_fs_mktemp(int *fd_out, awm_buf *tmp_out, const char *path)
{
	awm_buf_clear(tmp_out);
	awm_buf_printf(tmp_out, "%s.tmp-XXXXXX", path);
	*fd_out = mkstemp(tmp_out->ptr);
	if (*fd_out < 0)
		return awm_error_os(AWM_ERROR, "cannot create a temporary file for '%s'", path);
	return 0;
}

int awm_fs_fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = 0;

	if (fd < 0)
		return awm_error_os(AWM_ERROR, "cannot open directory '%s'", dir);
	if (fsync(fd) < 0 && errno != EINVAL)
		rc = awm_error_os(AWM_ERROR, "cannot fsync directory '%s'", dir);
	close(fd);
	return rc;
}

int awm_fs_fsync_parent(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int rc;

	if (!slash)
		return awm_fs_fsync_dir(".");
	dir = awm_strndup(path, slash == path ? 1 : (size_t)(slash - path));
	rc = awm_fs_fsync_dir(dir);
	free(dir);
	return rc;
}

int awm_fs_write_atomic(const char *path, const void *data, size_t len,
			mode_t mode, int flags)
{
	awm_buf tmp = AWM_BUF_INIT;
	int fd = -1, rc;

	if ((rc = awm_fs_mktemp(&fd, &tmp, path)) < 0)
		goto done;
	if ((rc = awm_fs_write_all(fd, data, len, tmp.ptr)) < 0)
		goto done;
	if (fchmod(fd, mode) < 0) {
		rc = awm_error_os(AWM_ERROR, "cannot chmod '%s'", tmp.ptr);
		goto done;
	}
	if ((!(flags & AWM_FS_NOSYNC) && fsync(fd) < 0) || awm_fault("fsync")) {
		rc = awm_error_os(AWM_ERROR, "cannot fsync '%s'", tmp.ptr);
		goto done;
	}
	close(fd);
	fd = -1;
	if (flags & AWM_FS_EXCL) {
		if (link(tmp.ptr, path) < 0) {
			rc = errno == EEXIST
				? awm_error_set(AWM_EEXISTS, "'%s' already exists", path)
				: awm_error_os(AWM_ERROR, "cannot create '%s'", path);
			goto done;
		}
	} else if (awm_fault("rename") || rename(tmp.ptr, path) < 0) {
		rc = awm_error_os(AWM_ERROR, "cannot rename into '%s'", path);
		goto done;
	}
	rc = (flags & AWM_FS_NOSYNC) ? 0 : awm_fs_fsync_parent(path);
done:
	if (fd >= 0)
		close(fd);
	if (tmp.size)
		unlink(tmp.ptr);   /* after link(2), or on failure */
	awm_buf_release(&tmp);
	return rc;
}

int awm_fs_mkdir_p(const char *path, mode_t mode)
{
	char *p = awm_strdup(path), *s;
	int rc = 0;

	for (s = p + 1; ; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;

			*s = '\0';
			if (mkdir(p, mode) < 0 && errno != EEXIST) {
				rc = awm_error_os(AWM_ERROR, "cannot create directory '%s'", p);
				break;
			}
			*s = c;
			if (!c)
				break;
		}
	}
	free(p);
	return rc;
}

int awm_fs_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

int awm_fs_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int awm_fs_copy_file(const char *from, const char *to)
{
	awm_buf data = AWM_BUF_INIT;
	int rc;

	if ((rc = awm_fs_read_file(&data, from)) == 0)
		rc = awm_fs_write_atomic(to, data.ptr, data.size, 0644, 0);
	awm_buf_release(&data);
	return rc;
}

int awm_fs_rm_rf(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	awm_buf sub = AWM_BUF_INIT;
	int rc = 0;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : awm_error_os(AWM_ERROR, "cannot stat '%s'", path);
	if (!S_ISDIR(st.st_mode)) {
		if (unlink(path) < 0 && errno != ENOENT)
			return awm_error_os(AWM_ERROR, "cannot remove '%s'", path);
		return 0;
	}
	if (!(d = opendir(path)))
		return awm_error_os(AWM_ERROR, "cannot open directory '%s'", path);
	while (rc == 0 && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		awm_buf_clear(&sub);
		awm_path_join(&sub, path, e->d_name);
		rc = awm_fs_rm_rf(sub.ptr);
	}
	closedir(d);
	awm_buf_release(&sub);
	if (rc == 0 && rmdir(path) < 0 && errno != ENOENT)
		rc = awm_error_os(AWM_ERROR, "cannot remove directory '%s'", path);
	return rc;
}

void awm_path_join(awm_buf *out, const char *a, const char *b)
{
	size_t la = strlen(a);

	awm_buf_put(out, a, la);
	if (la && a[la - 1] != '/')
		awm_buf_putc(out, '/');
	awm_buf_puts(out, b);
}

void awm_fs_canonical(awm_buf *out, const char *path)
{
	char real[PATH_MAX];
	char *copy, *slash;

	awm_buf_clear(out);
	if (realpath(path, real)) {
		awm_buf_puts(out, real);
		return;
	}
	copy = awm_strdup(path);
	slash = strrchr(copy, '/');
	if (!slash || slash == copy) {
		awm_buf_puts(out, path);
	} else {
		*slash = '\0';
		awm_fs_canonical(out, copy);
		awm_buf_printf(out, "/%s", slash + 1);
	}
	free(copy);
}

void awm_crlf_to_lf(awm_buf *buf)
{
	size_t i, j;

	for (i = j = 0; i < buf->size; i++) {
		if (buf->ptr[i] == '\r' && i + 1 < buf->size && buf->ptr[i + 1] == '\n')
			continue;
		buf->ptr[j++] = buf->ptr[i];
	}
	awm_buf_truncate(buf, j);
}

int awm_fault(const char *point)
{
	/* Counts are per process; tests drive one command per process. */
	static _Thread_local unsigned calls[16];
	static _Thread_local const char *names[16];
	const char *spec = getenv("AWM_FAULT"), *p;
	size_t plen = strlen(point);
	unsigned slot, n;

	if (!spec || !*spec)
		return 0;
	for (slot = 0; slot < 16 && names[slot] && strcmp(names[slot], point); slot++)
		;
	if (slot == 16)
		return 0;
	names[slot] = point;
	n = ++calls[slot];
	for (p = spec; (p = strstr(p, point)); p += plen) {
		int start_ok = p == spec || p[-1] == ',';
		char end = p[plen];

		if (!start_ok)
			continue;
		if (end == '\0' || end == ',' ||
		    (end == '@' && (unsigned)strtoul(p + plen + 1, NULL, 10) == n)) {
			errno = EIO;   /* callers report errno, as for a real failure */
			return 1;
		}
	}
	return 0;
}

void awm_test_pause(const char *var)
{
	const char *v = getenv(var);
	long ms = v ? strtol(v, NULL, 10) : 0;
	struct timespec ts;

	if (ms <= 0)
		return;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	nanosleep(&ts, NULL);
}
