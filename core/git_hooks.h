/*
 * Installing awm's git hooks next to whatever hooks a repository already
 * has (`awm hooks install`, `awm hooks uninstall`; docs/hooks.md).
 *
 * A hook that is already there is kept, byte for byte and with its mode,
 * as `<hook>.awm-chained`; awm's script runs it first.  Uninstalling
 * removes awm's script and renames the kept hook back, so the folder ends
 * up exactly as it was before the install.
 */
#ifndef AWM_GIT_HOOKS_H
#define AWM_GIT_HOOKS_H

#include <stddef.h>

#include "core/buf.h"

/* The suffix of a kept hook: "pre-commit" -> "pre-commit.awm-chained". */
#define AWM_HOOK_CHAINED_SUFFIX ".awm-chained"

/* The line that marks a hook script as awm's: "# awm-hook: <name>". */
#define AWM_HOOK_MARKER "# awm-hook: "

/*
 * The line of a hook script that names the awm project, relative to the
 * top of the git work tree; install rewrites it for the project at hand.
 */
#define AWM_HOOK_PROJECT_LINE "project=.\n"

/*
 * Where git runs hooks for the repository that contains `start`:
 * core.hooksPath when it is set (a relative value counts from the top of
 * the work tree, as git does), else the hooks folder of the common git
 * folder (shared by linked worktrees).  `*inside` is set to 1 when that
 * folder lies inside the repository's git folder or work tree, 0 when it
 * is elsewhere (a hooks folder shared by several repositories).
 * AWM_ENOTFOUND when `start` is not in a git repository.
 */
int awm_git_hooks_dir(awm_buf *out, int *inside, const char *start);

/*
 * The top of the work tree of the git repository containing `start`, with
 * symbolic links resolved; AWM_ENOTFOUND for no repository or a bare one.
 */
int awm_git_worktree_top(awm_buf *out, const char *start);

typedef struct awm_hook_script {
	const char *name;        /* "pre-commit" */
	const char *text;        /* the script; holds AWM_HOOK_MARKER<name> and
				    AWM_HOOK_PROJECT_LINE */
} awm_hook_script;

typedef enum awm_hook_action {
	AWM_HOOK_INSTALLED,      /* there was no hook; awm's is there now */
	AWM_HOOK_CHAINED,        /* the hook there was kept and runs first */
	AWM_HOOK_UPDATED,        /* awm's hook was rewritten (--force) */
	AWM_HOOK_UP_TO_DATE,     /* awm's hook was there already */
	AWM_HOOK_REMOVED,        /* uninstall: awm's hook removed, none before it */
	AWM_HOOK_RESTORED,       /* uninstall: the kept hook is back in place */
	AWM_HOOK_NOT_INSTALLED,  /* uninstall: awm's hook was not there */
} awm_hook_action;

typedef struct awm_hook_outcome {
	const char *name;
	awm_hook_action action;
} awm_hook_outcome;

#define AWM_HOOKS_MAX 8

typedef struct awm_hooks_result {
	awm_buf dir;             /* the hooks folder */
	awm_hook_outcome hooks[AWM_HOOKS_MAX];
	size_t nr;
} awm_hooks_result;

void awm_hooks_result_release(awm_hooks_result *res);

/*
 * Install `scripts` (at most AWM_HOOKS_MAX) into the hooks folder of the
 * git repository containing the awm project at `root`, creating the folder
 * when needed.  Each script's AWM_HOOK_PROJECT_LINE is rewritten to name
 * `root` relative to the top of the git work tree.
 *
 * Every hook is checked before any file is touched; the install is refused
 * (AWM_EEXISTS or AWM_EUSAGE, naming the file and what to do) when:
 *   - a kept `<hook>.awm-chained` is left over from an earlier install
 *     while awm's hook is not in place: putting awm's hook there would run
 *     a hook that is not the one the user has now;
 *   - awm's hook is there but was edited, unless `force`;
 *   - the hooks folder is shared with other repositories (a core.hooksPath
 *     outside this one), unless `force`.
 */
int awm_hooks_install(awm_hooks_result *out, const char *root,
		      const awm_hook_script *scripts, size_t n, int force);

/*
 * Remove awm's hooks named in `scripts` and put back the hooks they
 * chained.  A hook that is not awm's any more (replaced since the install)
 * is left alone, and the call fails naming it, before any file changes.
 * An awm hook is removed whatever project it names.
 */
int awm_hooks_uninstall(awm_hooks_result *out, const char *root,
			const awm_hook_script *scripts, size_t n);

#endif
