/*
 * Loose refs and their compare-and-swap updates (see refs.h).
 */
#include "core/refs_internal.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/lockfile.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SYMREF_PREFIX "ref: "

int awm_ref_parse_content(awm_oid *out, const char *data, size_t len, const char *what)
{
	char hex[AWM_OID_HEXSZ + 1];

	if (len < AWM_OID_HEXSZ || (len > AWM_OID_HEXSZ && data[AWM_OID_HEXSZ] != '\n'))
		return awm_error_set(AWM_ECORRUPT, "ref '%s' does not hold an object id", what);
	memcpy(hex, data, AWM_OID_HEXSZ);
	hex[AWM_OID_HEXSZ] = '\0';
	if (awm_oid_fromhex(out, hex) < 0)
		return awm_error_set(AWM_ECORRUPT, "ref '%s' does not hold an object id", what);
	return 0;
}

/* Read a loose ref file: an id, or a symbolic target into `sym`. */
static int read_loose(awm_oid *oid, awm_buf *sym, awm_repo *repo, const char *name)
{
	awm_buf path = AWM_BUF_INIT, data = AWM_BUF_INIT;
	int rc;

	awm_repo_path(&path, repo, name);
	if ((rc = awm_fs_read_file(&data, path.ptr)) == AWM_ENOTFOUND) {
		awm_error_clear();
		goto done;
	}
	if (rc < 0)
		goto done;
	if (!strncmp(data.ptr, SYMREF_PREFIX, strlen(SYMREF_PREFIX))) {
		awm_buf_rtrim(&data);
		awm_buf_clear(sym);
		awm_buf_puts(sym, data.ptr + strlen(SYMREF_PREFIX));
		rc = 1;
	} else {
		rc = awm_ref_parse_content(oid, data.ptr, data.size, name);
	}
done:
	awm_buf_release(&path);
	awm_buf_release(&data);
	return rc;
}

/*
 * Resolve one level: 0 with `oid` set, 1 with `sym` set, AWM_ENOTFOUND when
 * neither a loose file nor a packed line exists.
 */
static int read_ref(awm_oid *oid, awm_buf *sym, awm_repo *repo, const char *name)
{
	awm_packed_refs *pr;
	long pos;
	int rc = read_loose(oid, sym, repo, name);

	if (rc != AWM_ENOTFOUND)
		return rc;
	if ((rc = awm_packed_refs_load(&pr, repo)) < 0)
		return rc;
	if ((pos = awm_packed_refs_find(pr, name)) < 0)
		return AWM_ENOTFOUND;
	*oid = pr->oids[pos];
	return 0;
}

/* Follow symbolic refs to the ref that holds an id (which may not exist). */
static int resolve_name(awm_buf *out, awm_repo *repo, const char *name)
{
	awm_buf sym = AWM_BUF_INIT;
	awm_oid oid;
	int depth, rc = 0;

	awm_buf_clear(out);
	awm_buf_puts(out, name);
	for (depth = 0; depth < 5; depth++) {
		rc = read_ref(&oid, &sym, repo, out->ptr);
		if (rc != 1)
			break;
		if ((rc = awm_refname_check(sym.ptr)) < 0)
			break;
		awm_buf_clear(out);
		awm_buf_puts(out, sym.ptr);
	}
	if (depth == 5)
		rc = awm_error_set(AWM_ECORRUPT, "ref '%s' is a loop of symbolic refs", name);
	awm_buf_release(&sym);
	return rc == AWM_ENOTFOUND ? 0 : rc;
}

int awm_ref_symbolic_target(awm_buf *out, awm_repo *repo, const char *name)
{
	awm_oid oid;
	int rc = read_loose(&oid, out, repo, name);

	if (rc == 1)
		return 0;
	if (rc == 0 || rc == AWM_ENOTFOUND)
		return AWM_ENOTFOUND;
	return rc;
}

int awm_ref_lookup(awm_oid *out, awm_repo *repo, const char *name)
{
	awm_buf target = AWM_BUF_INIT, sym = AWM_BUF_INIT;
	int rc;

	if ((rc = awm_refname_check(name)) < 0)
		return rc;
	if ((rc = resolve_name(&target, repo, name)) == 0) {
		rc = read_ref(out, &sym, repo, target.ptr);
		if (rc == AWM_ENOTFOUND)
			awm_error_set(AWM_ENOTFOUND, "ref '%s' does not exist", name);
	}
	awm_buf_release(&target);
	awm_buf_release(&sym);
	return rc;
}

static int make_parent(const char *path)
{
	char *dir = awm_strdup(path), *slash = strrchr(dir, '/');
	int rc = 0;

	if (slash) {
		*slash = '\0';
		rc = awm_fs_mkdir_p(dir, 0755);
	}
	free(dir);
	return rc;
}

static int check_old(awm_repo *repo, const char *name, const awm_oid *old_oid,
		     int *exists, awm_oid *cur)
{
	awm_buf sym = AWM_BUF_INIT;
	int rc = read_ref(cur, &sym, repo, name);

	awm_buf_release(&sym);
	if (rc < 0 && rc != AWM_ENOTFOUND)
		return rc;
	*exists = rc == 0;
	if (!*exists)
		awm_oid_clear(cur);
	if (!old_oid)
		return 0;
	if (awm_oid_is_zero(old_oid) && *exists)
		return awm_error_set(AWM_ECONFLICT, "ref '%s' already exists (at %s)", name,
				     awm_oid_tohex(cur).s);
	if (!awm_oid_is_zero(old_oid) && (!*exists || !awm_oid_equal(cur, old_oid)))
		return awm_error_set(AWM_ECONFLICT, "ref '%s' moved: it is at %s, expected %s",
				     name, *exists ? awm_oid_tohex(cur).s : "nothing",
				     awm_oid_tohex(old_oid).s);
	return 0;
}

int awm_ref_update(awm_repo *repo, const char *name, const awm_oid *new_oid,
		   const awm_oid *old_oid, const char *msg)
{
	awm_buf target = AWM_BUF_INIT, path = AWM_BUF_INIT, content = AWM_BUF_INIT;
	awm_lockfile lk = AWM_LOCKFILE_INIT;
	awm_oid cur;
	int exists, rc;

	if ((rc = awm_refname_check(name)) < 0 ||
	    (rc = resolve_name(&target, repo, name)) < 0)
		goto done;
	awm_repo_path(&path, repo, target.ptr);
	if ((rc = make_parent(path.ptr)) < 0 ||
	    (rc = awm_lockfile_acquire(&lk, path.ptr, AWM_LOCK_TIMEOUT_MS)) < 0)
		goto done;
	if ((rc = check_old(repo, target.ptr, old_oid, &exists, &cur)) < 0)
		goto done;
	awm_buf_printf(&content, "%s\n", awm_oid_tohex(new_oid).s);
	if ((rc = awm_lockfile_write(&lk, content.ptr, content.size)) < 0)
		goto done;
	/* The log first: a crash after it leaves an entry for a move not made,
	 * never a move without its entry. */
	if ((rc = awm_reflog_append(repo, target.ptr, &cur, new_oid, msg)) < 0)
		goto done;
	if (strcmp(target.ptr, name) &&
	    (rc = awm_reflog_append(repo, name, &cur, new_oid, msg)) < 0)
		goto done;
	rc = awm_lockfile_commit(&lk);
done:
	awm_lockfile_release(&lk);
	awm_buf_release(&target);
	awm_buf_release(&path);
	awm_buf_release(&content);
	return rc;
}

/*
 * Remove the folders a deleted ref leaves empty, up to but not including
 * refs/<kind> (refs/heads stays even when the last branch goes).
 */
static void prune_dirs(awm_repo *repo, const char *name)
{
	const char *kind_end = strchr(name + strlen("refs/"), '/');
	awm_buf path = AWM_BUF_INIT;
	size_t keep;
	char *slash;

	if (strncmp(name, "refs/", 5) || !kind_end)
		return;
	keep = strlen(repo->dir) + 1 + (size_t)(kind_end - name);
	awm_repo_path(&path, repo, name);
	while ((slash = strrchr(path.ptr, '/')) && (size_t)(slash - path.ptr) > keep) {
		*slash = '\0';
		if (rmdir(path.ptr) < 0)
			break;   /* not empty */
	}
	awm_buf_release(&path);
}

int awm_ref_delete(awm_repo *repo, const char *name, const awm_oid *old_oid,
		   const char *msg)
{
	awm_buf path = AWM_BUF_INIT;
	awm_lockfile lk = AWM_LOCKFILE_INIT;
	awm_oid cur, zero;
	int exists, rc;

	(void)msg;
	awm_oid_clear(&zero);
	if ((rc = awm_refname_check(name)) < 0)
		goto done;
	if (!strcmp(name, "HEAD")) {
		rc = awm_error_set(AWM_EINVALID, "HEAD cannot be deleted");
		goto done;
	}
	awm_repo_path(&path, repo, name);
	/* A ref only in packed-refs may have no folder for its lock file. */
	if ((rc = make_parent(path.ptr)) < 0 ||
	    (rc = awm_lockfile_acquire(&lk, path.ptr, AWM_LOCK_TIMEOUT_MS)) < 0)
		goto done;
	if ((rc = check_old(repo, name, old_oid, &exists, &cur)) < 0)
		goto done;
	if (!exists) {
		rc = awm_error_set(AWM_ENOTFOUND, "ref '%s' does not exist", name);
		goto done;
	}
	if ((rc = awm_packed_refs_remove(repo, name)) < 0)
		goto done;
	if (unlink(path.ptr) < 0 && errno != ENOENT) {
		rc = awm_error_os(AWM_ERROR, "cannot remove '%s'", path.ptr);
		goto done;
	}
	awm_buf_clear(&path);
	awm_repo_path(&path, repo, "logs");
	awm_buf_printf(&path, "/%s", name);
	unlink(path.ptr);
done:
	awm_lockfile_release(&lk);
	/* Only now: the lock file kept the ref's folder from being empty. */
	if (rc == 0)
		prune_dirs(repo, name);
	awm_buf_release(&path);
	return rc;
}

int awm_ref_set_symbolic(awm_repo *repo, const char *name, const char *target,
			 const char *msg)
{
	awm_buf path = AWM_BUF_INIT, content = AWM_BUF_INIT;
	awm_lockfile lk = AWM_LOCKFILE_INIT;
	awm_oid old, new_oid;
	int rc;

	if ((rc = awm_refname_check(name)) < 0 || (rc = awm_refname_check(target)) < 0)
		return rc;
	if (awm_ref_lookup(&old, repo, name) < 0)
		awm_oid_clear(&old);
	if (awm_ref_lookup(&new_oid, repo, target) < 0)
		awm_oid_clear(&new_oid);
	awm_error_clear();
	awm_repo_path(&path, repo, name);
	if ((rc = awm_lockfile_acquire(&lk, path.ptr, AWM_LOCK_TIMEOUT_MS)) < 0)
		goto done;
	awm_buf_printf(&content, "%s%s\n", SYMREF_PREFIX, target);
	if ((rc = awm_lockfile_write(&lk, content.ptr, content.size)) < 0 ||
	    (rc = awm_reflog_append(repo, name, &old, &new_oid, msg)) < 0)
		goto done;
	rc = awm_lockfile_commit(&lk);
done:
	awm_lockfile_release(&lk);
	awm_buf_release(&path);
	awm_buf_release(&content);
	return rc;
}

int awm_ref_detach_head(awm_repo *repo, const awm_oid *oid, const char *msg)
{
	awm_buf path = AWM_BUF_INIT, content = AWM_BUF_INIT;
	awm_lockfile lk = AWM_LOCKFILE_INIT;
	awm_oid old;
	int rc;

	if (awm_ref_lookup(&old, repo, "HEAD") < 0)
		awm_oid_clear(&old);
	awm_error_clear();
	awm_repo_path(&path, repo, "HEAD");
	if ((rc = awm_lockfile_acquire(&lk, path.ptr, AWM_LOCK_TIMEOUT_MS)) < 0)
		goto done;
	awm_buf_printf(&content, "%s\n", awm_oid_tohex(oid).s);
	if ((rc = awm_lockfile_write(&lk, content.ptr, content.size)) < 0 ||
	    (rc = awm_reflog_append(repo, "HEAD", &old, oid, msg)) < 0)
		goto done;
	rc = awm_lockfile_commit(&lk);
done:
	awm_lockfile_release(&lk);
	awm_buf_release(&path);
	awm_buf_release(&content);
	return rc;
}

/* ---- listing ---- */

typedef struct ref_item {
	char *name;
	awm_oid oid;
	int loose;      /* a loose ref shadows a packed one of the same name */
} ref_item;

typedef struct ref_list {
	ref_item *items;
	size_t nr, alloc;
} ref_list;

static void list_add(ref_list *l, const char *name, const awm_oid *oid, int loose)
{
	AWM_ARRAY_GROW(l->items, l->nr + 1, l->alloc);
	l->items[l->nr].name = awm_strdup(name);
	l->items[l->nr].oid = *oid;
	l->items[l->nr].loose = loose;
	l->nr++;
}

static int cmp_item(const void *a, const void *b)
{
	const ref_item *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : y->loose - x->loose;
}

static int scan_loose(ref_list *l, awm_repo *repo, const char *rel)
{
	awm_buf path = AWM_BUF_INIT, sub = AWM_BUF_INIT, sym = AWM_BUF_INIT;
	struct dirent *e;
	DIR *d;
	int rc = 0;

	awm_repo_path(&path, repo, rel);
	if (!(d = opendir(path.ptr)))
		goto done;
	while (rc == 0 && (e = readdir(d))) {
		awm_oid oid;

		if (e->d_name[0] == '.')
			continue;
		awm_buf_clear(&sub);
		awm_buf_printf(&sub, "%s/%s", rel, e->d_name);
		awm_repo_path(&path, repo, sub.ptr);
		if (awm_fs_is_dir(path.ptr)) {
			rc = scan_loose(l, repo, sub.ptr);
			continue;
		}
		/* Skips lock and temporary files: their names are not valid refs. */
		if (awm_refname_check(sub.ptr) < 0 || strstr(sub.ptr, ".tmp-"))
			continue;
		if (read_loose(&oid, &sym, repo, sub.ptr) == 0)
			list_add(l, sub.ptr, &oid, 1);
	}
	closedir(d);
done:
	awm_error_clear();
	awm_buf_release(&path);
	awm_buf_release(&sub);
	awm_buf_release(&sym);
	return rc;
}

int awm_ref_foreach(awm_repo *repo, const char *prefix, awm_ref_cb cb, void *payload)
{
	ref_list l = { NULL, 0, 0 };
	awm_packed_refs *pr;
	const char *slash = strrchr(prefix, '/');
	size_t i, plen = strlen(prefix);
	char *dir;
	int rc;

	/* Scan the folder that holds the prefix: "refs/heads/" -> refs/heads. */
	dir = slash ? awm_strndup(prefix, (size_t)(slash - prefix)) : awm_strdup("refs");
	if ((rc = scan_loose(&l, repo, dir)) < 0 ||
	    (rc = awm_packed_refs_load(&pr, repo)) < 0)
		goto done;
	for (i = 0; i < pr->nr; i++)
		if (!strncmp(pr->names[i], prefix, plen))
			list_add(&l, pr->names[i], &pr->oids[i], 0);
	if (l.nr)   /* qsort on NULL is undefined, even for no items */
		qsort(l.items, l.nr, sizeof(ref_item), cmp_item);
	for (i = 0; rc == 0 && i < l.nr; i++) {
		if (i > 0 && !strcmp(l.items[i].name, l.items[i - 1].name))
			continue;   /* the packed copy of a loose ref */
		if (!strncmp(l.items[i].name, prefix, plen))
			rc = cb(l.items[i].name, &l.items[i].oid, payload);
	}
done:
	for (i = 0; i < l.nr; i++)
		free(l.items[i].name);
	free(l.items);
	free(dir);
	return rc;
}
