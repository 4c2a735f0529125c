/*
 * What git is about to commit or push, as far as migration files go: the
 * input of the pre-commit and pre-push hooks (docs/hooks.md).  Everything
 * is read through libgit2, from the index and the object database.
 */
#ifndef AWM_GIT_CHANGES_H
#define AWM_GIT_CHANGES_H

#include <stddef.h>

#include "core/buf.h"
#include "core/repo.h"

typedef enum awm_git_change_kind {
	AWM_GIT_ADDED,       /* the path is new (not in git's HEAD / the parent) */
	AWM_GIT_MODIFIED,
	AWM_GIT_DELETED,
} awm_git_change_kind;

typedef struct awm_git_change {
	awm_git_change_kind kind;
	char *path;          /* relative to the awm project root: migrations/1_x.sql */
	char *git_path;      /* relative to the top of the git work tree */
	char *name;          /* the file name */
	awm_buf content;     /* ADDED, MODIFIED: the bytes git holds, CRLF kept */
	char *commit;        /* pushes: the git commit (hex) that brought the change */
} awm_git_change;

typedef struct awm_git_changes {
	awm_git_change *items;   /* sorted by file name */
	size_t nr, alloc;
} awm_git_changes;

void awm_git_changes_release(awm_git_changes *c);

/*
 * The migration files (*.sql directly in the migrations folder) that the
 * git index changes against git's HEAD commit, read through libgit2 from
 * the repository git's environment names (GIT_DIR, GIT_INDEX_FILE, as a
 * hook sees them) or else the one containing the working directory.  No
 * git repository, or a migrations folder outside it, gives an empty list.
 */
int awm_git_staged_changes(awm_git_changes *out, awm_repo *repo);

/* One line of what git writes to a pre-push hook's standard input. */
typedef struct awm_push_update {
	char *local_ref, *remote_ref;
	char local[41], remote[41];   /* hex; all zeros for "none" */
} awm_push_update;

typedef struct awm_push_updates {
	awm_push_update *items;
	size_t nr, alloc;
} awm_push_updates;

/*
 * Parse "<local ref> SP <local sha> SP <remote ref> SP <remote sha> LF"
 * lines.  AWM_EINVALID naming the line when one is malformed.
 */
int awm_push_updates_parse(awm_push_updates *out, const char *text, size_t len);
void awm_push_updates_release(awm_push_updates *u);

/*
 * The migration files that the git commits being pushed add or change:
 * every commit reachable from a pushed local id and not from what the
 * remote has (the old ids of the pushed refs, and `remote`'s
 * remote-tracking refs), each compared with its first parent.  A merge
 * counts only files whose content matches none of its parents.  One entry
 * per path and content, naming the newest commit that carries it;
 * deletions are left out.
 */
int awm_git_pushed_changes(awm_git_changes *out, awm_repo *repo, const char *remote,
			   const awm_push_updates *updates);

#endif
