/*
 * Installing and removing awm's git hooks (see git_hooks.h).
 *
 * libgit2 finds the repository and reads core.hooksPath; the files are
 * moved with rename(2), which keeps a chained hook's bytes, mode and (for a
 * symbolic link) its target exactly as they were.
 */
#include <git2.h>

#include "core/git_hooks.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/git.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void awm_hooks_result_release(awm_hooks_result *res)
{
	awm_buf_release(&res->dir);
	memset(res, 0, sizeof(*res));
}

static int is_under(const char *path, const char *dir)
{
	awm_buf a = AWM_BUF_INIT, b = AWM_BUF_INIT;
	int yes;

	awm_fs_canonical(&a, path);
	awm_fs_canonical(&b, dir);
	while (b.size > 1 && b.ptr[b.size - 1] == '/')
		awm_buf_truncate(&b, b.size - 1);
	yes = !strncmp(a.ptr, b.ptr, b.size) && (a.ptr[b.size] == '/' || !a.ptr[b.size]);
	awm_buf_release(&a);
	awm_buf_release(&b);
	return yes;
}

int awm_git_hooks_dir(awm_buf *out, int *inside, const char *start)
{
	git_repository *repo = NULL;
	git_config *cfg = NULL;
	git_buf b = { 0 };
	const char *top;
	int rc;

	awm_buf_clear(out);
	if ((rc = git_repository_open_ext(&repo, start, 0, NULL)) < 0) {
		rc = rc == GIT_ENOTFOUND
			? (git_error_clear(), awm_error_set(AWM_ENOTFOUND, "'%s' is not inside a git "
							   "repository; run 'git init' first", start))
			: awm_git_error(rc, "cannot open the git repository at '%s'", start);
		goto done;
	}
	top = git_repository_workdir(repo) ? git_repository_workdir(repo)
					   : git_repository_path(repo);
	if ((rc = git_repository_config_snapshot(&cfg, repo)) < 0) {
		rc = awm_git_error(rc, "cannot read the git configuration");
		goto done;
	}
	if (git_config_get_path(&b, cfg, "core.hooksPath") == 0 && b.size) {
		if (b.ptr[0] == '/')
			awm_buf_puts(out, b.ptr);
		else
			awm_path_join(out, top, b.ptr);
	} else {
		git_error_clear();
		git_buf_dispose(&b);
		if ((rc = git_repository_item_path(&b, repo, GIT_REPOSITORY_ITEM_HOOKS)) < 0) {
			rc = awm_git_error(rc, "cannot find the git hooks folder");
			goto done;
		}
		awm_buf_puts(out, b.ptr);
	}
	while (out->size > 1 && out->ptr[out->size - 1] == '/')
		awm_buf_truncate(out, out->size - 1);
	*inside = is_under(out->ptr, git_repository_commondir(repo)) ||
		  is_under(out->ptr, git_repository_path(repo)) ||
		  (git_repository_workdir(repo) && is_under(out->ptr, git_repository_workdir(repo)));
	rc = 0;
done:
	git_buf_dispose(&b);
	git_config_free(cfg);
	git_repository_free(repo);
	return rc;
}

int awm_git_worktree_top(awm_buf *out, const char *start)
{
	git_repository *repo = NULL;
	int rc = git_repository_open_ext(&repo, start, 0, NULL);

	awm_buf_clear(out);
	if (rc < 0 && rc != GIT_ENOTFOUND)
		return awm_git_error(rc, "cannot open the git repository at '%s'", start);
	git_error_clear();
	if (rc < 0 || !git_repository_workdir(repo)) {
		git_repository_free(repo);
		return awm_error_set(AWM_ENOTFOUND, "'%s' is not inside a git work tree; run "
				     "'git init' first", start);
	}
	awm_fs_canonical(out, git_repository_workdir(repo));
	while (out->size > 1 && out->ptr[out->size - 1] == '/')
		awm_buf_truncate(out, out->size - 1);
	git_repository_free(repo);
	return 0;
}

/*
 * The script as installed for the project at `root`: the project line
 * names it relative to the work tree top, single-quoted for the shell.
 */
static int script_for(awm_buf *out, const awm_hook_script *s, const char *root)
{
	awm_buf top = AWM_BUF_INIT, abs = AWM_BUF_INIT;
	const char *line = strstr(s->text, AWM_HOOK_PROJECT_LINE), *rel, *p;
	int rc;

	awm_buf_clear(out);
	if (!line)
		return awm_error_set(AWM_EINVALID, "the %s script has no '%.*s' line", s->name,
				     (int)strlen(AWM_HOOK_PROJECT_LINE) - 1, AWM_HOOK_PROJECT_LINE);
	if ((rc = awm_git_worktree_top(&top, root)) < 0)
		goto done;
	awm_fs_canonical(&abs, root);
	if (strncmp(abs.ptr, top.ptr, top.size) ||
	    (abs.ptr[top.size] != '/' && abs.ptr[top.size])) {
		rc = awm_error_set(AWM_EINVALID, "the awm project '%s' is not inside the git "
				   "work tree '%s'", abs.ptr, top.ptr);
		goto done;
	}
	rel = abs.ptr + top.size + (abs.ptr[top.size] == '/');
	awm_buf_put(out, s->text, (size_t)(line - s->text));
	if (!*rel) {
		awm_buf_puts(out, AWM_HOOK_PROJECT_LINE);
	} else {
		awm_buf_puts(out, "project='");
		for (p = rel; *p; p++) {
			if (*p == '\'')
				awm_buf_puts(out, "'\\'");   /* close, a quoted quote, reopen */
			awm_buf_putc(out, *p);
		}
		awm_buf_puts(out, "'\n");
	}
	awm_buf_puts(out, line + strlen(AWM_HOOK_PROJECT_LINE));
done:
	awm_buf_release(&top);
	awm_buf_release(&abs);
	return rc;
}

/* What is at a hook's path now. */
typedef enum hook_state {
	ABSENT,
	AWM_CURRENT,      /* awm's hook, as awm writes it */
	AWM_EDITED,       /* awm's marker, other content */
	FOREIGN,          /* somebody else's hook (any file type) */
} hook_state;

static int has_marker(const char *text, const char *name)
{
	awm_buf line = AWM_BUF_INIT;
	const char *p;
	int yes = 0;

	awm_buf_printf(&line, "%s%s\n", AWM_HOOK_MARKER, name);
	for (p = text; p && !yes; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		yes = !strncmp(p, line.ptr, line.size);
	awm_buf_release(&line);
	return yes;
}

static int probe(hook_state *out, const char *path, const awm_hook_script *s,
		 const char *want)
{
	awm_buf text = AWM_BUF_INIT;
	struct stat st;
	int rc = 0;

	*out = ABSENT;
	if (lstat(path, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		return awm_error_os(AWM_ERROR, "cannot look at '%s'", path);
	}
	*out = FOREIGN;
	if (!S_ISREG(st.st_mode))
		return 0;
	if ((rc = awm_fs_read_file(&text, path)) == 0 && has_marker(text.ptr, s->name))
		*out = strcmp(text.ptr, want) ? AWM_EDITED : AWM_CURRENT;
	awm_buf_release(&text);
	return rc;
}

static int lexists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

typedef struct plan {
	awm_buf path, kept;
	awm_buf text;        /* the script as installed here */
	hook_state state;
	int has_kept;
} plan;

static void plans_init(plan *p)
{
	size_t i;

	memset(p, 0, AWM_HOOKS_MAX * sizeof(*p));
	for (i = 0; i < AWM_HOOKS_MAX; i++) {
		awm_buf_init(&p[i].path);
		awm_buf_init(&p[i].kept);
		awm_buf_init(&p[i].text);
	}
}

static void plans_release(plan *p)
{
	size_t i;

	for (i = 0; i < AWM_HOOKS_MAX; i++) {
		awm_buf_release(&p[i].path);
		awm_buf_release(&p[i].kept);
		awm_buf_release(&p[i].text);
	}
}

static int make_plans(plan *p, awm_hooks_result *out, const char *root,
		      const awm_hook_script *scripts, size_t n, int *inside)
{
	size_t i;
	int rc;

	memset(out, 0, sizeof(*out));
	awm_buf_init(&out->dir);
	if (n > AWM_HOOKS_MAX)
		return awm_error_set(AWM_EUSAGE, "too many hooks");
	if ((rc = awm_git_hooks_dir(&out->dir, inside, root)) < 0)
		return rc;
	for (i = 0; i < n; i++) {
		if ((rc = script_for(&p[i].text, &scripts[i], root)) < 0)
			return rc;
		awm_path_join(&p[i].path, out->dir.ptr, scripts[i].name);
		awm_buf_printf(&p[i].kept, "%s%s", p[i].path.ptr, AWM_HOOK_CHAINED_SUFFIX);
		p[i].has_kept = lexists(p[i].kept.ptr);
		if ((rc = probe(&p[i].state, p[i].path.ptr, &scripts[i], p[i].text.ptr)) < 0)
			return rc;
		out->hooks[i].name = scripts[i].name;
	}
	out->nr = n;
	return 0;
}

static int check_install(const plan *p, int force)
{
	switch (p->state) {
	case ABSENT:
	case FOREIGN:
		if (p->has_kept)
			return awm_error_set(AWM_EEXISTS, "'%s' is left from an earlier install "
					     "and holds the hook that was there before awm's; move it "
					     "back to '%s' (or delete it), then run 'awm hooks install' "
					     "again", p->kept.ptr, p->path.ptr);
		return 0;
	case AWM_EDITED:
		if (!force)
			return awm_error_set(AWM_EUSAGE, "'%s' is awm's hook but not as this "
					     "awm writes it (edited, or installed for another awm "
					     "project in this repository); rerun with --force to "
					     "rewrite it", p->path.ptr);
		return 0;
	default:
		return 0;
	}
}

static int write_hook(const plan *p)
{
	return awm_fs_write_atomic(p->path.ptr, p->text.ptr, p->text.size, 0755, 0);
}

static int install_one(awm_hook_outcome *o, const plan *p)
{
	int rc;

	switch (p->state) {
	case AWM_CURRENT:
		o->action = AWM_HOOK_UP_TO_DATE;
		return 0;
	case AWM_EDITED:
		o->action = AWM_HOOK_UPDATED;
		return write_hook(p);
	case ABSENT:
		o->action = AWM_HOOK_INSTALLED;
		return write_hook(p);
	case FOREIGN:
		o->action = AWM_HOOK_CHAINED;
		if (rename(p->path.ptr, p->kept.ptr) < 0)
			return awm_error_os(AWM_ERROR, "cannot keep '%s' as '%s'", p->path.ptr,
					    p->kept.ptr);
		if ((rc = write_hook(p)) < 0 && rename(p->kept.ptr, p->path.ptr) < 0)
			awm_error_prefix("'%s' is now '%s'; rename it back", p->path.ptr,
					 p->kept.ptr);
		return rc;
	}
	return 0;
}

int awm_hooks_install(awm_hooks_result *out, const char *root,
		      const awm_hook_script *scripts, size_t n, int force)
{
	plan p[AWM_HOOKS_MAX];
	size_t i;
	int inside = 1, rc;

	plans_init(p);
	if ((rc = make_plans(p, out, root, scripts, n, &inside)) < 0)
		goto done;
	if (!inside && !force) {
		rc = awm_error_set(AWM_EUSAGE, "the hooks folder '%s' (core.hooksPath) is outside "
				   "this repository, so other repositories use it too; rerun "
				   "with --force to install there anyway", out->dir.ptr);
		goto done;
	}
	for (i = 0; i < n; i++)
		if ((rc = check_install(&p[i], force)) < 0)
			goto done;
	if ((rc = awm_fs_mkdir_p(out->dir.ptr, 0755)) < 0)
		goto done;
	for (i = 0; i < n; i++)
		if ((rc = install_one(&out->hooks[i], &p[i])) < 0)
			goto done;
done:
	plans_release(p);
	if (rc < 0)
		awm_hooks_result_release(out);
	return rc;
}

static int uninstall_one(awm_hook_outcome *o, const plan *p)
{
	if (p->state == AWM_CURRENT || p->state == AWM_EDITED) {
		if (unlink(p->path.ptr) < 0)
			return awm_error_os(AWM_ERROR, "cannot remove '%s'", p->path.ptr);
		o->action = AWM_HOOK_REMOVED;
	} else {
		o->action = AWM_HOOK_NOT_INSTALLED;
	}
	if (p->has_kept) {
		if (rename(p->kept.ptr, p->path.ptr) < 0)
			return awm_error_os(AWM_ERROR, "cannot rename '%s' back to '%s'",
					    p->kept.ptr, p->path.ptr);
		o->action = AWM_HOOK_RESTORED;
	}
	return 0;
}

int awm_hooks_uninstall(awm_hooks_result *out, const char *root,
			const awm_hook_script *scripts, size_t n)
{
	plan p[AWM_HOOKS_MAX];
	size_t i;
	int inside, rc;

	plans_init(p);
	if ((rc = make_plans(p, out, root, scripts, n, &inside)) < 0)
		goto done;
	for (i = 0; i < n; i++)
		if (p[i].state == FOREIGN && p[i].has_kept) {
			rc = awm_error_set(AWM_EEXISTS, "'%s' is not awm's hook any more, so it "
					   "stays; the hook that was there before awm's is in '%s'",
					   p[i].path.ptr, p[i].kept.ptr);
			goto done;
		}
	for (i = 0; i < n; i++)
		if ((rc = uninstall_one(&out->hooks[i], &p[i])) < 0)
			goto done;
done:
	plans_release(p);
	if (rc < 0)
		awm_hooks_result_release(out);
	return rc;
}
