/*
 * Reflogs: .awm/logs/<ref>, one line per update, oldest first:
 *   <old id> <new id> <name> <<email>> <seconds> <+hhmm>\t<message>\n
 */
#include "core/refs.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/git.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int awm_reflog_append(awm_repo *repo, const char *name, const awm_oid *old_oid,
		      const awm_oid *new_oid, const char *msg)
{
	awm_buf path = AWM_BUF_INIT, line = AWM_BUF_INIT;
	awm_signature who;
	char *slash;
	const char *p;
	int fd = -1, rc;

	if (awm_git_identity(&who, repo->root) < 0) {
		/* A log entry must not block an update: record an anonymous one. */
		awm_error_clear();
		who.name = awm_strdup("unknown");
		who.email = awm_strdup("unknown");
		who.time = 0;
		who.tz = 0;
	}
	awm_buf_printf(&line, "%s %s %s <%s> %lld %c%02d%02d\t",
		       awm_oid_tohex(old_oid).s, awm_oid_tohex(new_oid).s, who.name,
		       who.email, (long long)who.time, who.tz < 0 ? '-' : '+',
		       abs(who.tz) / 60, abs(who.tz) % 60);
	for (p = msg ? msg : ""; *p; p++)
		awm_buf_putc(&line, *p == '\n' || *p == '\t' ? ' ' : *p);
	awm_buf_putc(&line, '\n');
	awm_signature_release(&who);

	awm_repo_path(&path, repo, "logs");
	awm_buf_printf(&path, "/%s", name);
	slash = strrchr(path.ptr, '/');
	*slash = '\0';
	rc = awm_fs_mkdir_p(path.ptr, 0755);
	*slash = '/';
	if (rc < 0)
		goto done;
	fd = open(path.ptr, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		rc = awm_error_os(AWM_ERROR, "cannot open reflog '%s'", path.ptr);
		goto done;
	}
	/* One write(2) of one line: appends from concurrent writers never interleave. */
	if ((rc = awm_fs_write_all(fd, line.ptr, line.size, path.ptr)) < 0)
		goto done;
	/*
	 * Durable before the ref moves (the caller renames after this), so a
	 * crash can leave an entry for a move not made but never a move
	 * without its entry.
	 */
	if (awm_fault("fsync-reflog"))
		errno = EIO;
	else if (fdatasync(fd) == 0)
		goto done;
	rc = awm_error_os(AWM_ERROR, "cannot fsync reflog '%s'", path.ptr);
done:
	if (fd >= 0)
		close(fd);
	awm_buf_release(&path);
	awm_buf_release(&line);
	return rc;
}

int awm_reflog_foreach(awm_repo *repo, const char *name, awm_reflog_cb cb, void *payload)
{
	awm_buf path = AWM_BUF_INIT, data = AWM_BUF_INIT;
	char *p, *end;
	int rc;

	if ((rc = awm_refname_check(name)) < 0)
		return rc;
	awm_repo_path(&path, repo, "logs");
	awm_buf_printf(&path, "/%s", name);
	if ((rc = awm_fs_read_file(&data, path.ptr)) < 0) {
		if (rc == AWM_ENOTFOUND)
			awm_error_set(rc, "ref '%s' has no reflog", name);
		goto done;
	}
	for (p = data.ptr, end = data.ptr + data.size; rc == 0 && p < end; ) {
		char *nl = memchr(p, '\n', (size_t)(end - p)), *tab;
		awm_reflog_entry e;

		if (!nl)
			break;   /* a torn last line from a crash: ignore it */
		*nl = '\0';
		tab = strchr(p, '\t');
		if (tab && nl - p > 2 * AWM_OID_HEXSZ + 2) {
			p[AWM_OID_HEXSZ] = '\0';
			p[2 * AWM_OID_HEXSZ + 1] = '\0';
			*tab = '\0';
			if (awm_oid_fromhex(&e.old_oid, p) == 0 &&
			    awm_oid_fromhex(&e.new_oid, p + AWM_OID_HEXSZ + 1) == 0) {
				e.who = p + 2 * AWM_OID_HEXSZ + 2;
				e.msg = tab + 1;
				rc = cb(&e, payload);
			}
		}
		p = nl + 1;
	}
done:
	awm_buf_release(&path);
	awm_buf_release(&data);
	return rc;
}
