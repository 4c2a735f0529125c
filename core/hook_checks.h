/*
 * The checks behind `awm hook pre-commit` and `awm hook pre-push`
 * (docs/hooks.md).  They gather every problem, each naming its file and the
 * fix, instead of stopping at the first, so one refused commit shows all
 * there is to do.
 */
#ifndef AWM_HOOK_CHECKS_H
#define AWM_HOOK_CHECKS_H

#include <stddef.h>

#include "core/git_changes.h"
#include "core/repo.h"

typedef struct awm_hook_problem {
	char *path;          /* the file, relative to the awm root; NULL if none */
	char *message;       /* what is wrong, then what to do */
} awm_hook_problem;

typedef struct awm_hook_report {
	awm_hook_problem *problems;   /* non-empty: refuse */
	size_t nr, alloc;
	char **notes;                 /* worth saying, but no reason to refuse */
	size_t nnotes, anotes;
	size_t checked;               /* migration files looked at */
} awm_hook_report;

void awm_hook_report_release(awm_hook_report *r);

/*
 * The pre-commit checks, on what the git index is about to commit:
 *   - a staged edit or deletion of a migration recorded at awm's HEAD is
 *     refused (a change of line endings alone is no edit);
 *   - a staged migration awm has not recorded must have a good name and an
 *     up section, and runs, in file-name order, on a scratch database at
 *     awm's HEAD with every check `awm commit` makes.
 * Nothing is written but the scratch-state cache.  With no migration file
 * staged, only the git index is read.
 */
int awm_hook_pre_commit(awm_hook_report *out, awm_repo *repo);

/*
 * The pre-push checks for `updates` (what git wrote on the hook's standard
 * input) going to `remote` (its name, or its URL when it has none).  They
 * run in order from a table in hook_checks.c, one function each:
 *   - every migration file the pushed git commits add or change is
 *     recorded in awm, with the same content, on some awm ref;
 *   - awm's current branch has been pushed to awm's default remote;
 *   - no env ref on that remote has moved on or diverged from the local
 *     one so that a rebase is needed.
 * The last two do nothing without an awm remote, and only note one they
 * cannot reach.
 */
int awm_hook_pre_push(awm_hook_report *out, awm_repo *repo, const char *remote,
		      const char *url, const awm_push_updates *updates);

#endif
