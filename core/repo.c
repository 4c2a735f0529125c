/*
 * Finding, creating and opening repositories.
 */
#include "core/repo.h"
#include "core/commit_graph.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/refs.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char project_template[] =
	"# awm project configuration (git-config syntax); commit this file.\n"
	"[migrations]\n"
	"\tdir = %s\n"
	"\n"
	"# Environments: the databases awm moves along the history.\n"
	"[env \"dev\"]\n"
	"\turl = sqlite:db/dev.db\n";

static const char local_template[] =
	"# awm local settings for this clone only.\n"
	"[core]\n"
	"\tformatversion = %d\n";

static int absolute(awm_buf *out, const char *path)
{
	char cwd[PATH_MAX];

	awm_buf_clear(out);
	if (path[0] == '/') {
		awm_buf_puts(out, path);
	} else {
		if (!getcwd(cwd, sizeof(cwd)))
			return awm_error_os(AWM_ERROR, "cannot read the working directory");
		awm_path_join(out, cwd, path);
	}
	/* Drop trailing "/" and "/." so messages show clean paths. */
	for (;;) {
		if (out->size > 1 && out->ptr[out->size - 1] == '/')
			awm_buf_truncate(out, out->size - 1);
		else if (out->size > 2 && !strcmp(out->ptr + out->size - 2, "/."))
			awm_buf_truncate(out, out->size - 2);
		else
			break;
	}
	return 0;
}

static int is_awm_dir(const char *dir)
{
	awm_buf head = AWM_BUF_INIT;
	int yes;

	awm_path_join(&head, dir, "HEAD");
	yes = awm_fs_exists(head.ptr);
	awm_buf_release(&head);
	return yes;
}

/* Walk up from `start` to the first folder holding .awm/HEAD. */
static int discover(awm_buf *dir, const char *start)
{
	awm_buf cur = AWM_BUF_INIT;
	int rc;

	if ((rc = absolute(&cur, start)) < 0)
		goto done;
	for (;;) {
		awm_buf_clear(dir);
		awm_path_join(dir, cur.ptr, ".awm");
		if (is_awm_dir(dir->ptr)) {
			rc = 0;
			goto done;
		}
		if (cur.size <= 1)
			break;
		while (cur.size > 1 && cur.ptr[cur.size - 1] != '/')
			cur.size--;
		if (cur.size > 1)
			cur.size--;
		cur.ptr[cur.size] = '\0';
	}
	rc = awm_error_set(AWM_ENOTFOUND, "not inside an awm project (no .awm folder "
			   "here or in any parent); run 'awm init' first");
done:
	awm_buf_release(&cur);
	return rc;
}

static int check_version(awm_repo *repo)
{
	int64_t v = awm_config_int_or(repo->config, "core.formatversion", 0);

	if (v != AWM_FORMAT_VERSION)
		return awm_error_set(AWM_EINVALID, "'%s' has repository format version %lld; "
				     "this awm reads version %d", repo->dir, (long long)v,
				     AWM_FORMAT_VERSION);
	return 0;
}

static int open_dir(awm_repo **out, const char *dir)
{
	awm_repo *repo = awm_calloc(1, sizeof(*repo));
	awm_buf a = AWM_BUF_INIT, b = AWM_BUF_INIT;
	char *slash;
	int rc;

	repo->dir = awm_strdup(dir);
	repo->root = awm_strdup(dir);
	slash = strrchr(repo->root, '/');
	if (slash == repo->root)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	awm_path_join(&a, repo->root, "awm.conf");
	awm_path_join(&b, repo->dir, "config");
	if ((rc = awm_config_open(&repo->config, a.ptr, b.ptr)) < 0 ||
	    (rc = check_version(repo)) < 0)
		goto fail;
	awm_buf_clear(&a);
	awm_path_join(&a, repo->dir, "objects");
	if ((rc = awm_odb_open(&repo->odb, a.ptr)) < 0)
		goto fail;
	awm_buf_release(&a);
	awm_buf_release(&b);
	*out = repo;
	return 0;
fail:
	awm_buf_release(&a);
	awm_buf_release(&b);
	awm_repo_free(repo);
	return rc;
}

int awm_repo_open(awm_repo **out, const char *start)
{
	const char *env = getenv("AWM_DIR");
	awm_buf dir = AWM_BUF_INIT;
	int rc;

	if (env && *env) {
		if ((rc = absolute(&dir, env)) == 0 && !is_awm_dir(dir.ptr))
			rc = awm_error_set(AWM_ENOTFOUND, "AWM_DIR '%s' is not an awm folder", env);
	} else {
		rc = discover(&dir, start ? start : ".");
	}
	if (rc == 0)
		rc = open_dir(out, dir.ptr);
	awm_buf_release(&dir);
	return rc;
}

void awm_repo_free(awm_repo *repo)
{
	if (!repo)
		return;
	awm_odb_free(repo->odb);
	awm_config_free(repo->config);
	awm_refs_cache_free(repo);
	awm_commit_graph_free(repo->graph);
	free(repo->root);
	free(repo->dir);
	free(repo);
}

void awm_repo_path(awm_buf *out, const awm_repo *repo, const char *rel)
{
	awm_buf_clear(out);
	awm_path_join(out, repo->dir, rel);
}

void awm_repo_migrations_rel(awm_buf *out, awm_repo *repo)
{
	awm_config_string_or(out, repo->config, "migrations.dir", "migrations");
	while (out->size > 1 && out->ptr[out->size - 1] == '/')
		awm_buf_truncate(out, out->size - 1);
}

void awm_repo_migrations_dir(awm_buf *out, awm_repo *repo)
{
	awm_buf rel = AWM_BUF_INIT;

	awm_repo_migrations_rel(&rel, repo);
	awm_buf_clear(out);
	if (rel.ptr[0] == '/')
		awm_buf_puts(out, rel.ptr);
	else
		awm_path_join(out, repo->root, rel.ptr);
	awm_buf_release(&rel);
}

static int write_new(const char *path, const char *text)
{
	int rc = awm_fs_write_atomic(path, text, strlen(text), 0644, AWM_FS_EXCL);

	return rc == AWM_EEXISTS ? 0 : rc;
}

static int make_layout(const char *dir, const awm_init_opts *opts)
{
	static const char *const subdirs[] = {
		"objects/pack", "objects/info", "refs/heads", "refs/envs",
		"refs/remotes", "logs", "cache",
	};
	awm_buf p = AWM_BUF_INIT, text = AWM_BUF_INIT;
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < sizeof(subdirs) / sizeof(subdirs[0]); i++) {
		awm_buf_clear(&p);
		awm_path_join(&p, dir, subdirs[i]);
		rc = awm_fs_mkdir_p(p.ptr, 0755);
	}
	if (rc == 0) {
		awm_buf_clear(&p);
		awm_path_join(&p, dir, "config");
		awm_buf_printf(&text, local_template, AWM_FORMAT_VERSION);
		rc = write_new(p.ptr, text.ptr);
	}
	if (rc == 0) {
		/* The store is local state, like .git: keep it out of git. */
		awm_buf_clear(&p);
		awm_path_join(&p, dir, ".gitignore");
		rc = write_new(p.ptr, "*\n");
	}
	if (rc == 0) {
		/* HEAD last: its presence is what marks the folder as a repository. */
		awm_buf_clear(&p);
		awm_path_join(&p, dir, "HEAD");
		awm_buf_clear(&text);
		awm_buf_printf(&text, "ref: refs/heads/%s\n",
			       opts && opts->initial_branch ? opts->initial_branch : "main");
		rc = write_new(p.ptr, text.ptr);
	}
	awm_buf_release(&p);
	awm_buf_release(&text);
	return rc;
}

int awm_repo_init(awm_repo **out, int *reinit, const char *root,
		  const awm_init_opts *opts)
{
	const char *mig = opts && opts->migrations_dir ? opts->migrations_dir : "migrations";
	awm_buf abs = AWM_BUF_INIT, dir = AWM_BUF_INIT, p = AWM_BUF_INIT, text = AWM_BUF_INIT;
	int rc;

	if (opts && opts->initial_branch) {
		awm_buf full = AWM_BUF_INIT;

		awm_buf_printf(&full, "refs/heads/%s", opts->initial_branch);
		rc = awm_refname_check(full.ptr);
		awm_buf_release(&full);
		if (rc < 0)
			return rc;
	}
	if ((rc = absolute(&abs, root)) < 0 || (rc = awm_fs_mkdir_p(abs.ptr, 0755)) < 0)
		goto done;
	awm_path_join(&dir, abs.ptr, ".awm");
	*reinit = is_awm_dir(dir.ptr);
	if (!*reinit && (rc = make_layout(dir.ptr, opts)) < 0)
		goto done;
	awm_path_join(&p, abs.ptr, "awm.conf");
	awm_buf_printf(&text, project_template, mig);
	if ((rc = write_new(p.ptr, text.ptr)) < 0)
		goto done;
	if ((rc = open_dir(out, dir.ptr)) < 0)
		goto done;
	awm_repo_migrations_dir(&p, *out);
	rc = awm_fs_mkdir_p(p.ptr, 0755);
done:
	awm_buf_release(&abs);
	awm_buf_release(&dir);
	awm_buf_release(&p);
	awm_buf_release(&text);
	return rc;
}
