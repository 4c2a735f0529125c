/*
 * The folder transport: a remote that is a directory, typically on a
 * shared drive.  Files are written to a temporary name, fsynced and renamed
 * (or linked, for create_exclusive), so a reader sees a whole file or none,
 * and two writers of one exclusive name cannot both succeed.
 */
#include "core/transport.h"
#include "core/error.h"
#include "core/fs.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct file_transport {
	awm_transport base;
	char *dir;
} file_transport;

/* Names come from the protocol; still, none may leave the folder. */
static int check_name(const char *name)
{
	const char *p = name;

	if (!*name || name[0] == '/')
		goto bad;
	for (;;) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);

		if (len == 0 || (len <= 2 && !strncmp(p, "..", len)) || p[0] == '.')
			goto bad;
		if (!slash)
			return 0;
		p = slash + 1;
	}
bad:
	return awm_error_set(AWM_EINVALID, "'%s' is not a valid remote file name", name);
}

static void full_path(awm_buf *out, file_transport *ft, const char *name)
{
	awm_buf_clear(out);
	awm_path_join(out, ft->dir, name);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Read one folder, then visit its entries in name order.  A folder is read
 * when the walk reaches it, so everything under "refs/" is read before
 * anything under "store/": the protocol relies on that order.
 */
static int walk(file_transport *ft, awm_remote_files *out, const char *rel,
		const char *prefix)
{
	awm_buf path = AWM_BUF_INIT, sub = AWM_BUF_INIT;
	char **names = NULL;
	size_t nr = 0, alloc = 0, i, plen = strlen(prefix);
	struct dirent *e;
	DIR *d;
	int rc = 0;

	full_path(&path, ft, rel);
	if (!(d = opendir(*rel ? path.ptr : ft->dir))) {
		if (errno != ENOENT && errno != ENOTDIR)
			rc = awm_error_os(AWM_ERROR, "cannot read '%s'", path.ptr);
		goto done;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || strstr(e->d_name, ".tmp-"))
			continue;   /* dot files, and writes still in progress */
		AWM_ARRAY_GROW(names, nr + 1, alloc);
		names[nr++] = awm_strdup(e->d_name);
	}
	closedir(d);
	if (nr)
		qsort(names, nr, sizeof(*names), cmp_str);
	for (i = 0; rc == 0 && i < nr; i++) {
		struct stat st;
		size_t n;

		awm_buf_clear(&sub);
		if (*rel)
			awm_buf_printf(&sub, "%s/", rel);
		awm_buf_puts(&sub, names[i]);
		/* Skip what the prefix rules out: neither under it nor above it. */
		n = sub.size < plen ? sub.size : plen;
		if (strncmp(sub.ptr, prefix, n))
			continue;
		full_path(&path, ft, sub.ptr);
		if (stat(path.ptr, &st) < 0)
			continue;   /* removed meanwhile */
		if (S_ISDIR(st.st_mode))
			rc = walk(ft, out, sub.ptr, prefix);
		else if (S_ISREG(st.st_mode) && sub.size >= plen)
			awm_remote_files_add(out, sub.ptr, (uint64_t)st.st_size, NULL);
	}
done:
	for (i = 0; i < nr; i++)
		free(names[i]);
	free(names);
	awm_buf_release(&path);
	awm_buf_release(&sub);
	return rc;
}

static int file_list(awm_transport *t, awm_remote_files *out, const char *prefix)
{
	file_transport *ft = (file_transport *)t;
	int rc;

	t->stats.requests++;
	if ((rc = walk(ft, out, "", prefix)) < 0)
		awm_remote_files_release(out);
	return rc;
}

static int file_get(awm_transport *t, awm_buf *out, const char *name, const char *version)
{
	file_transport *ft = (file_transport *)t;
	awm_buf path = AWM_BUF_INIT;
	int rc;

	(void)version;   /* a folder keeps one version of each file */
	if ((rc = check_name(name)) < 0)
		return rc;
	t->stats.requests++;
	full_path(&path, ft, name);
	awm_buf_clear(out);
	rc = awm_fs_read_file(out, path.ptr);
	if (rc == AWM_ENOTFOUND)
		awm_error_set(AWM_ENOTFOUND, "'%s' is not on the remote '%s'", name, t->url);
	if (rc == 0) {
		t->stats.bytes_received += out->size;
		if (t->progress)
			t->progress(out->size, out->size, t->payload);
	}
	awm_buf_release(&path);
	return rc;
}

static int write_file(awm_transport *t, const char *name, const void *data, size_t len,
		      int flags)
{
	file_transport *ft = (file_transport *)t;
	awm_buf path = AWM_BUF_INIT;
	char *slash;
	int rc;

	if ((rc = check_name(name)) < 0)
		return rc;
	t->stats.requests++;
	full_path(&path, ft, name);
	slash = strrchr(path.ptr, '/');
	*slash = '\0';
	rc = awm_fs_mkdir_p(path.ptr, 0755);
	*slash = '/';
	if (rc == 0)
		rc = awm_fs_write_atomic(path.ptr, data, len, 0644, flags);
	if (rc == 0) {
		t->stats.bytes_sent += len;
		if (t->progress)
			t->progress(len, len, t->payload);
	}
	awm_buf_release(&path);
	return rc;
}

static int file_put(awm_transport *t, const char *name, const void *data, size_t len)
{
	return write_file(t, name, data, len, 0);
}

static int file_create_exclusive(awm_transport *t, const char *name, const void *data,
				 size_t len)
{
	return write_file(t, name, data, len, AWM_FS_EXCL);
}

static int file_remove(awm_transport *t, const char *name)
{
	file_transport *ft = (file_transport *)t;
	awm_buf path = AWM_BUF_INIT;
	int rc;

	if ((rc = check_name(name)) < 0)
		return rc;
	t->stats.requests++;
	full_path(&path, ft, name);
	/*
	 * Emptied folders stay: removing one could race with a writer that has
	 * just created it for a new file.
	 */
	if (unlink(path.ptr) < 0 && errno != ENOENT)
		rc = awm_error_os(AWM_ERROR, "cannot delete '%s'", path.ptr);
	awm_buf_release(&path);
	return rc;
}

static void file_free(awm_transport *t)
{
	file_transport *ft = (file_transport *)t;

	free(ft->dir);
	free(t->url);
	free(ft);
}

int awm_transport_file_new(awm_transport **out, const char *url, const char *dir)
{
	file_transport *ft = awm_calloc(1, sizeof(*ft));

	ft->dir = awm_strdup(dir);
	ft->base.kind = "file";
	ft->base.url = awm_strdup(url);
	ft->base.caps = AWM_TRANSPORT_EXCLUSIVE;
	ft->base.list = file_list;
	ft->base.get = file_get;
	ft->base.put = file_put;
	ft->base.create_exclusive = file_create_exclusive;
	ft->base.remove = file_remove;
	ft->base.free = file_free;
	*out = &ft->base;
	return 0;
}
