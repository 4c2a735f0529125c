/*
 * Staged and pushed migration files, read through libgit2 (see
 * git_changes.h).
 *
 * Both readers diff git trees (or the index) restricted to the migrations
 * folder with a literal pathspec, so a commit that touches no migration
 * costs one index read and a diff of one folder: the pre-commit hook has to
 * stay fast on every commit.
 */
#include <git2.h>

#include "core/git_changes.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/git.h"

#include <stdlib.h>
#include <string.h>

void awm_git_changes_release(awm_git_changes *c)
{
	size_t i;

	for (i = 0; i < c->nr; i++) {
		free(c->items[i].path);
		free(c->items[i].git_path);
		free(c->items[i].name);
		free(c->items[i].commit);
		awm_buf_release(&c->items[i].content);
	}
	free(c->items);
	memset(c, 0, sizeof(*c));
}

/* Where the migrations are, for one git repository. */
typedef struct place {
	git_repository *git;
	awm_buf prefix;      /* the migrations folder relative to the work tree top */
	awm_buf rel;         /* the migrations folder relative to the awm root */
	int inside;          /* the folder is in this git work tree */
} place;

static void place_release(place *p)
{
	git_repository_free(p->git);
	awm_buf_release(&p->prefix);
	awm_buf_release(&p->rel);
}

/*
 * Open the git repository as git's own tools would in a hook (GIT_DIR,
 * GIT_INDEX_FILE, GIT_WORK_TREE, else a search from the working
 * directory) and find the migrations folder in it.  No repository is not
 * an error: `p->git` stays NULL.
 */
static int place_open(place *p, awm_repo *repo)
{
	awm_buf mig = AWM_BUF_INIT, top = AWM_BUF_INIT;
	int rc;

	memset(p, 0, sizeof(*p));
	awm_buf_init(&p->prefix);
	awm_buf_init(&p->rel);
	rc = git_repository_open_ext(&p->git, NULL, GIT_REPOSITORY_OPEN_FROM_ENV, NULL);
	if (rc == GIT_ENOTFOUND) {
		git_error_clear();
		p->git = NULL;
		return 0;
	}
	if (rc < 0)
		return awm_git_error(rc, "cannot open the git repository");
	if (!git_repository_workdir(p->git))
		return 0;   /* bare: nothing is staged */
	awm_repo_migrations_dir(&mig, repo);
	awm_fs_canonical(&p->prefix, mig.ptr);
	awm_fs_canonical(&top, git_repository_workdir(p->git));
	while (top.size > 1 && top.ptr[top.size - 1] == '/')
		awm_buf_truncate(&top, top.size - 1);
	if (!strncmp(p->prefix.ptr, top.ptr, top.size) &&
	    (p->prefix.ptr[top.size] == '/' || !p->prefix.ptr[top.size])) {
		size_t skip = top.size + (p->prefix.ptr[top.size] == '/');

		memmove(p->prefix.ptr, p->prefix.ptr + skip, p->prefix.size - skip + 1);
		p->prefix.size -= skip;
		p->inside = 1;
	}
	awm_repo_migrations_rel(&p->rel, repo);
	awm_buf_release(&mig);
	awm_buf_release(&top);
	return 0;
}

/* The file name when `git_path` is a *.sql file directly in the folder. */
static const char *migration_name(const place *p, const char *git_path)
{
	const char *name = git_path;
	size_t n;

	if (p->prefix.size) {
		if (strncmp(git_path, p->prefix.ptr, p->prefix.size) ||
		    git_path[p->prefix.size] != '/')
			return NULL;
		name = git_path + p->prefix.size + 1;
	}
	n = strlen(name);
	if (strchr(name, '/') || n < 5 || strcmp(name + n - 4, ".sql") || name[0] == '.')
		return NULL;
	return name;
}

static void diff_options(git_diff_options *opts, const place *p, char **spec)
{
	git_diff_options_init(opts, GIT_DIFF_OPTIONS_VERSION);
	opts->flags |= GIT_DIFF_DISABLE_PATHSPEC_MATCH;
	if (p->prefix.size) {
		spec[0] = p->prefix.ptr;
		opts->pathspec.strings = spec;
		opts->pathspec.count = 1;
	}
}

static int add_change(awm_git_changes *out, const place *p, awm_git_change_kind kind,
		      const char *git_path, const git_oid *blob_id, const char *commit)
{
	const char *name = migration_name(p, git_path);
	git_blob *blob = NULL;
	awm_git_change *c;
	int rc;

	if (!name)
		return 0;
	AWM_ARRAY_GROW(out->items, out->nr + 1, out->alloc);
	c = &out->items[out->nr++];
	memset(c, 0, sizeof(*c));
	awm_buf_init(&c->content);
	c->kind = kind;
	c->git_path = awm_strdup(git_path);
	c->name = awm_strdup(name);
	c->path = awm_printf_alloc("%s/%s", p->rel.ptr, name);
	c->commit = commit ? awm_strdup(commit) : NULL;
	if (kind == AWM_GIT_DELETED)
		return 0;
	if ((rc = git_blob_lookup(&blob, p->git, blob_id)) < 0)
		return awm_git_error(rc, "cannot read '%s' from git", git_path);
	awm_buf_put(&c->content, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
	git_blob_free(blob);
	return 0;
}

static int by_name(const void *a, const void *b)
{
	const awm_git_change *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : strcmp(x->git_path, y->git_path);
}

static int head_tree(git_tree **out, git_repository *g)
{
	git_commit *c = NULL;
	git_oid oid;
	int rc;

	*out = NULL;
	if (git_reference_name_to_id(&oid, g, "HEAD") < 0) {
		git_error_clear();
		return 0;   /* no commit yet: everything staged is new */
	}
	if ((rc = git_commit_lookup(&c, g, &oid)) < 0 || (rc = git_commit_tree(out, c)) < 0)
		rc = awm_git_error(rc, "cannot read git's HEAD commit");
	git_commit_free(c);
	return rc < 0 ? rc : 0;
}

int awm_git_staged_changes(awm_git_changes *out, awm_repo *repo)
{
	git_diff_options opts;
	git_index *index = NULL;
	git_tree *tree = NULL;
	git_diff *diff = NULL;
	char *spec[1];
	size_t i, n;
	place p;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = place_open(&p, repo)) < 0 || !p.git || !p.inside)
		goto done;
	if ((rc = git_repository_index(&index, p.git)) < 0) {
		rc = awm_git_error(rc, "cannot read the git index");
		goto done;
	}
	if ((rc = head_tree(&tree, p.git)) < 0)
		goto done;
	diff_options(&opts, &p, spec);
	if ((rc = git_diff_tree_to_index(&diff, p.git, tree, index, &opts)) < 0) {
		rc = awm_git_error(rc, "cannot compare the git index with HEAD");
		goto done;
	}
	n = git_diff_num_deltas(diff);
	for (i = 0; i < n && rc == 0; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);

		if (d->status == GIT_DELTA_ADDED)
			rc = add_change(out, &p, AWM_GIT_ADDED, d->new_file.path, &d->new_file.id, NULL);
		else if (d->status == GIT_DELTA_MODIFIED || d->status == GIT_DELTA_TYPECHANGE)
			rc = add_change(out, &p, AWM_GIT_MODIFIED, d->new_file.path, &d->new_file.id,
					NULL);
		else if (d->status == GIT_DELTA_DELETED)
			rc = add_change(out, &p, AWM_GIT_DELETED, d->old_file.path, NULL, NULL);
	}
	if (rc == 0 && out->nr > 1)
		qsort(out->items, out->nr, sizeof(*out->items), by_name);
done:
	git_diff_free(diff);
	git_tree_free(tree);
	git_index_free(index);
	place_release(&p);
	if (rc < 0)
		awm_git_changes_release(out);
	return rc;
}

/* ---- pre-push ---- */

void awm_push_updates_release(awm_push_updates *u)
{
	size_t i;

	for (i = 0; i < u->nr; i++) {
		free(u->items[i].local_ref);
		free(u->items[i].remote_ref);
	}
	free(u->items);
	memset(u, 0, sizeof(*u));
}

static int take_word(char **out, const char **p, const char *end)
{
	const char *s = *p, *sp;

	sp = memchr(s, ' ', (size_t)(end - s));
	if (!sp)
		sp = end;
	if (sp == s)
		return -1;
	*out = awm_strndup(s, (size_t)(sp - s));
	*p = sp < end ? sp + 1 : end;
	return 0;
}

static int take_sha(char *out, const char **p, const char *end)
{
	char *w = NULL;
	int ok;

	if (take_word(&w, p, end) < 0)
		return -1;
	ok = strlen(w) == 40 && awm_is_hex(w, 40);
	if (ok)
		memcpy(out, w, 41);
	free(w);
	return ok ? 0 : -1;
}

int awm_push_updates_parse(awm_push_updates *out, const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	size_t line = 0;

	memset(out, 0, sizeof(*out));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *eol = nl ? nl : end;
		awm_push_update *u;

		line++;
		if (eol > p && eol[-1] == '\r')
			eol--;
		if (eol == p) {
			p = nl ? nl + 1 : end;
			continue;
		}
		AWM_ARRAY_GROW(out->items, out->nr + 1, out->alloc);
		u = &out->items[out->nr++];
		memset(u, 0, sizeof(*u));
		if (take_word(&u->local_ref, &p, eol) < 0 || take_sha(u->local, &p, eol) < 0 ||
		    take_word(&u->remote_ref, &p, eol) < 0 || take_sha(u->remote, &p, eol) < 0 ||
		    p != eol) {
			awm_push_updates_release(out);
			return awm_error_set(AWM_EINVALID, "pre-push input, line %zu: expected "
					     "'<local ref> <local id> <remote ref> <remote id>'", line);
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
}

static int is_zero(const char *hex)
{
	return strspn(hex, "0") == strlen(hex);
}

static int seen(const awm_git_changes *out, const char *git_path, const git_oid *id,
		git_oid *ids)
{
	size_t i;

	for (i = 0; i < out->nr; i++)
		if (!strcmp(out->items[i].git_path, git_path) && git_oid_equal(&ids[i], id))
			return 1;
	return 0;
}

/* 1 when another parent of a merge has the same content at the path. */
static int from_other_parent(git_commit *c, const char *path, const git_oid *id)
{
	unsigned int i, n = git_commit_parentcount(c);
	int same = 0;

	for (i = 1; i < n && !same; i++) {
		git_commit *parent = NULL;
		git_tree *tree = NULL;
		git_tree_entry *e = NULL;

		if (git_commit_parent(&parent, c, i) == 0 && git_commit_tree(&tree, parent) == 0 &&
		    git_tree_entry_bypath(&e, tree, path) == 0)
			same = git_oid_equal(git_tree_entry_id(e), id);
		git_error_clear();
		git_tree_entry_free(e);
		git_tree_free(tree);
		git_commit_free(parent);
	}
	return same;
}

typedef struct push_walk {
	place *p;
	awm_git_changes *out;
	git_oid *ids;        /* blob id of each entry of out, for dedup */
	size_t ids_alloc;
} push_walk;

static int commit_changes(push_walk *pw, const git_oid *oid)
{
	git_commit *c = NULL, *parent = NULL;
	git_tree *tree = NULL, *ptree = NULL;
	git_diff *diff = NULL;
	git_diff_options opts;
	char hex[GIT_OID_HEXSZ + 1], *spec[1];
	size_t i, n;
	int rc;

	git_oid_tostr(hex, sizeof(hex), oid);
	if ((rc = git_commit_lookup(&c, pw->p->git, oid)) < 0 ||
	    (rc = git_commit_tree(&tree, c)) < 0 ||
	    (git_commit_parentcount(c) > 0 &&
	     ((rc = git_commit_parent(&parent, c, 0)) < 0 ||
	      (rc = git_commit_tree(&ptree, parent)) < 0))) {
		rc = awm_git_error(rc, "cannot read git commit %s", hex);
		goto done;
	}
	diff_options(&opts, pw->p, spec);
	if ((rc = git_diff_tree_to_tree(&diff, pw->p->git, ptree, tree, &opts)) < 0) {
		rc = awm_git_error(rc, "cannot diff git commit %s", hex);
		goto done;
	}
	n = git_diff_num_deltas(diff);
	for (i = 0; i < n && rc == 0; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		awm_git_change_kind kind = d->status == GIT_DELTA_ADDED ? AWM_GIT_ADDED
					   : AWM_GIT_MODIFIED;
		size_t before = pw->out->nr;

		if (d->status != GIT_DELTA_ADDED && d->status != GIT_DELTA_MODIFIED &&
		    d->status != GIT_DELTA_TYPECHANGE)
			continue;
		if (seen(pw->out, d->new_file.path, &d->new_file.id, pw->ids) ||
		    from_other_parent(c, d->new_file.path, &d->new_file.id))
			continue;
		rc = add_change(pw->out, pw->p, kind, d->new_file.path, &d->new_file.id, hex);
		if (pw->out->nr > before) {
			AWM_ARRAY_GROW(pw->ids, pw->out->nr, pw->ids_alloc);
			pw->ids[pw->out->nr - 1] = d->new_file.id;
		}
	}
done:
	git_diff_free(diff);
	git_tree_free(ptree);
	git_tree_free(tree);
	git_commit_free(parent);
	git_commit_free(c);
	return rc;
}

static int setup_walk(git_revwalk *walk, const char *remote, const awm_push_updates *updates)
{
	git_oid oid;
	size_t i;
	int rc;

	for (i = 0; i < updates->nr; i++) {
		const awm_push_update *u = &updates->items[i];

		if (is_zero(u->local))
			continue;   /* a deletion pushes no commit */
		git_oid_fromstr(&oid, u->local);
		if ((rc = git_revwalk_push(walk, &oid)) < 0)
			return awm_git_error(rc, "cannot walk from '%s' (%s)", u->local_ref, u->local);
		if (!is_zero(u->remote)) {
			git_oid_fromstr(&oid, u->remote);
			if (git_revwalk_hide(walk, &oid) < 0)
				git_error_clear();   /* not here: the remote has more than we know */
		}
	}
	/* What the remote had when we last looked is not being pushed either. */
	if (remote && *remote && !strpbrk(remote, "*?[:/\\")) {
		awm_buf glob = AWM_BUF_INIT;

		awm_buf_printf(&glob, "refs/remotes/%s/*", remote);
		if (git_revwalk_hide_glob(walk, glob.ptr) < 0)
			git_error_clear();
		awm_buf_release(&glob);
	}
	return 0;
}

int awm_git_pushed_changes(awm_git_changes *out, awm_repo *repo, const char *remote,
			   const awm_push_updates *updates)
{
	git_revwalk *walk = NULL;
	push_walk pw;
	git_oid oid;
	place p;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&pw, 0, sizeof(pw));
	if ((rc = place_open(&p, repo)) < 0 || !p.git || !p.inside)
		goto done;
	if ((rc = git_revwalk_new(&walk, p.git)) < 0) {
		rc = awm_git_error(rc, "cannot walk git's history");
		goto done;
	}
	git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
	if ((rc = setup_walk(walk, remote, updates)) < 0)
		goto done;
	pw.p = &p;
	pw.out = out;
	while ((rc = git_revwalk_next(&oid, walk)) == 0)
		if ((rc = commit_changes(&pw, &oid)) < 0)
			goto done;
	if (rc == GIT_ITEROVER)
		rc = 0;
	else
		rc = awm_git_error(rc, "cannot walk git's history");
	if (rc == 0 && out->nr > 1)
		qsort(out->items, out->nr, sizeof(*out->items), by_name);
done:
	free(pw.ids);
	git_revwalk_free(walk);
	place_release(&p);
	if (rc < 0)
		awm_git_changes_release(out);
	return rc;
}
