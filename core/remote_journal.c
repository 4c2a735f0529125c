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

int awm_remote_push_unsettled(awm_remote *r)
{
	char **files = NULL;
	size_t n = 0;
	int rc = awm_remote_journal_read(&files, &n, r);

	free_list(files, n);
	return rc < 0 ? rc : n > 0;
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

/*
 * .awm/remotes/<name>/pushed: per ref, the last entry this clone wrote
 * whose push succeeded.  Such an entry is never withdrawn, so a push that
 * finds it needs no entry of its own; an entry of the same commit written
 * by another clone might still be withdrawn by its push, so it does not
 * count (docs/remote-protocol.md, section 5).
 */
static void pushed_path(awm_buf *out, awm_remote *r)
{
	awm_remote_state_path(out, r, "pushed");
}

int awm_remote_pushed_has(awm_remote *r, const char *file)
{
	awm_buf path = AWM_BUF_INIT, data = AWM_BUF_INIT;
	size_t n = strlen(file);
	const char *line, *nl;
	int yes = 0;

	pushed_path(&path, r);
	if (awm_fs_read_file(&data, path.ptr) < 0)
		awm_error_clear();
	for (line = data.ptr; !yes && (nl = strchr(line, '\n')); line = nl + 1)
		yes = (size_t)(nl - line) == n && !strncmp(line, file, n);
	awm_buf_release(&path);
	awm_buf_release(&data);
	return yes;
}

int awm_remote_pushed_mark(awm_remote *r, const char *file)
{
	awm_buf path = AWM_BUF_INIT, data = AWM_BUF_INIT, out = AWM_BUF_INIT;
	awm_buf ref = AWM_BUF_INIT, other = AWM_BUF_INIT;
	awm_remote_entry e;
	char *line, *nl;
	int rc;

	if (awm_remote_entry_parse(&e, &ref, file) < 0)
		return awm_error_set(AWM_EINVALID, "'%s' is not a ref entry", file);
	awm_remote_entry_release(&e);
	pushed_path(&path, r);
	if (awm_fs_read_file(&data, path.ptr) < 0)
		awm_error_clear();
	/* Keep the lines of other refs; ours is replaced. */
	for (line = data.ptr; (nl = strchr(line, '\n')); line = nl + 1) {
		*nl = '\0';
		if (awm_remote_entry_parse(&e, &other, line) == 0) {
			if (strcmp(other.ptr, ref.ptr))
				awm_buf_printf(&out, "%s\n", line);
			awm_remote_entry_release(&e);
		}
	}
	awm_buf_printf(&out, "%s\n", file);
	rc = awm_fs_write_atomic(path.ptr, out.ptr, out.size, 0644, 0);
	awm_buf_release(&path);
	awm_buf_release(&data);
	awm_buf_release(&out);
	awm_buf_release(&ref);
	awm_buf_release(&other);
	return rc;
}

static void note(awm_push_report *rep, char *text)
{
	rep->notes = awm_realloc(rep->notes, (rep->nnotes + 1) * sizeof(char *));
	rep->notes[rep->nnotes++] = text;
}

static const char *short_ref(const char *ref)
{
	return !strncmp(ref, "refs/heads/", 11) ? ref + 11 : ref;
}

int awm_remote_settle_journal(awm_push_report *rep, awm_oid **done_oids, size_t *ndone,
			      awm_remote *r)
{
	awm_remote_snapshot s;
	awm_buf refname = AWM_BUF_INIT;
	char **files = NULL;
	size_t n = 0, i;
	int rc;

	if ((rc = awm_remote_journal_read(&files, &n, r)) < 0 || n == 0)
		goto out;
	if ((rc = awm_remote_snapshot_take(&s, r, "refs/")) < 0)
		goto out;
	for (i = 0; rc == 0 && i < n; i++) {
		const awm_remote_entry *conflict;
		const awm_remote_ref *ref;
		awm_remote_entry e;

		if (awm_remote_entry_parse(&e, &refname, files[i]) < 0) {
			rc = awm_remote_journal_drop(r, files[i]);
			continue;
		}
		ref = awm_remote_snapshot_ref(&s, refname.ptr);
		if (!awm_remote_files_find(&s.files, files[i])) {
			/* Never landed, or pruned under a later push: nothing to do. */
		} else if ((rc = awm_remote_find_conflict(&conflict, r->repo, ref, files[i], &e.commit,
					       NULL, 0)) < 0) {
			awm_remote_entry_release(&e);
			break;
		} else if (conflict) {
			if ((rc = awm_transport_remove(r->t, files[i])) == 0)
				note(rep, awm_printf_alloc("withdrew an interrupted push of '%s' (%s), "
							   "which raced with another push",
							   short_ref(refname.ptr),
							   awm_oid_short(&e.commit, 10).s));
		} else {
			awm_remote_update_tracking(r, refname.ptr, &e.commit);
			if (awm_remote_pushed_mark(r, files[i]) < 0)
				awm_error_clear();
			*done_oids = awm_realloc(*done_oids, (*ndone + 1) * sizeof(awm_oid));
			(*done_oids)[(*ndone)++] = e.commit;
			note(rep, awm_printf_alloc("finished an interrupted push of '%s' (%s)",
						   short_ref(refname.ptr),
						   awm_oid_short(&e.commit, 10).s));
		}
		if (rc == 0)
			rc = awm_remote_journal_drop(r, files[i]);
		awm_remote_entry_release(&e);
	}
	awm_remote_snapshot_release(&s);
out:
	for (i = 0; i < n; i++)
		free(files[i]);
	free(files);
	awm_buf_release(&refname);
	return rc;
}

int awm_remote_settle(awm_push_report *rep, awm_remote *r)
{
	awm_oid *finished = NULL;
	size_t n = 0;
	int rc;

	if ((rc = awm_remote_begin(r)) == 0)
		rc = awm_remote_settle_journal(rep, &finished, &n, r);
	awm_remote_end(r);
	free(finished);
	return rc;
}
