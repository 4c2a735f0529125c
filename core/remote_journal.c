/*
 * The journal of ref entries this clone has written to a remote but not yet
 * settled: .awm/remotes/<name>/pending, one entry file name per line.
 *
 * An entry goes in before it is uploaded and comes out once the push that
 * wrote it has either reported success or withdrawn it.  So an entry in the
 * journal belongs to a push that never reported success, which is what
 * allows the next push to withdraw it when it turns out to have raced
 * (docs/remote-protocol.md, "Interrupted pushes").
 */
#include "core/remote_internal.h"
#include "core/error.h"
#include "core/fs.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void journal_path(awm_buf *out, awm_remote *r)
{
	awm_remote_state_path(out, r, "pending");
}

int awm_remote_journal_read(char ***files, size_t *n, awm_remote *r)
{
	awm_buf path = AWM_BUF_INIT, data = AWM_BUF_INIT;
	char **list = NULL, *line, *nl;
	size_t nr = 0, alloc = 0;
	int rc;

	journal_path(&path, r);
	rc = awm_fs_read_file(&data, path.ptr);
	if (rc == AWM_ENOTFOUND) {
		awm_error_clear();
		rc = 0;
	}
	for (line = data.ptr; rc == 0 && *line; line = nl + 1) {
		if (!(nl = strchr(line, '\n')))
			break;   /* a torn last line: the write never finished */
		if (nl > line) {
			AWM_ARRAY_GROW(list, nr + 1, alloc);
			list[nr++] = awm_strndup(line, (size_t)(nl - line));
		}
	}
	*files = list;
	*n = nr;
	awm_buf_release(&path);
	awm_buf_release(&data);
	return rc;
}

static void free_list(char **files, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(files[i]);
	free(files);
}

static int write_list(awm_remote *r, char **files, size_t n)
{
	awm_buf path = AWM_BUF_INIT, data = AWM_BUF_INIT;
	size_t i;
	int rc = 0;

	journal_path(&path, r);
	for (i = 0; i < n; i++)
		if (files[i])
			awm_buf_printf(&data, "%s\n", files[i]);
	if (data.size == 0) {
		if (unlink(path.ptr) < 0 && awm_fs_exists(path.ptr))
			rc = awm_error_os(AWM_ERROR, "cannot remove '%s'", path.ptr);
	} else if ((rc = awm_fs_mkdir_p(r->state_dir, 0755)) == 0) {
		rc = awm_fs_write_atomic(path.ptr, data.ptr, data.size, 0644, 0);
	}
	awm_buf_release(&path);
	awm_buf_release(&data);
	return rc;
}

int awm_remote_journal_add(awm_remote *r, const char *file)
{
	char **files;
	size_t n, i;
	int rc = awm_remote_journal_read(&files, &n, r);

	if (rc < 0)
		return rc;
	for (i = 0; i < n && strcmp(files[i], file); i++)
		;
	if (i == n) {
		files = awm_realloc(files, (n + 1) * sizeof(char *));
		files[n++] = awm_strdup(file);
		rc = write_list(r, files, n);
	}
	free_list(files, n);
	return rc;
}

int awm_remote_journal_drop(awm_remote *r, const char *file)
{
	char **files;
	size_t n, i;
	int rc = awm_remote_journal_read(&files, &n, r), found = 0;

	if (rc < 0)
		return rc;
	for (i = 0; i < n; i++)
		if (!strcmp(files[i], file)) {
			free(files[i]);
			files[i] = NULL;
			found = 1;
		}
	if (found)
		rc = write_list(r, files, n);
	free_list(files, n);
	return rc;
}
