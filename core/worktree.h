/*
 * The migrations folder against the history: which files are recorded,
 * new, edited since they were recorded, or missing.
 */
#ifndef AWM_WORKTREE_H
#define AWM_WORKTREE_H

#include <stddef.h>

#include "core/repo.h"
#include "objects/oid.h"

typedef struct awm_recorded {
	char *path;            /* relative to the project root */
	awm_oid commit;        /* the newest commit that recorded it */
	awm_oid up, down;
	int has_down;
	int is_script;         /* a script migration: `script` is what to compare */
	awm_oid script;
	size_t order;          /* position in the walk, newest first */
} awm_recorded;

typedef struct awm_recorded_set {
	awm_recorded *items;   /* sorted by path */
	size_t nr, alloc;
} awm_recorded_set;

/* Every migration recorded in `head` and its ancestors; NULL: none. */
int awm_recorded_load(awm_recorded_set *out, awm_repo *repo, const awm_oid *head);
const awm_recorded *awm_recorded_find(const awm_recorded_set *set, const char *path);
void awm_recorded_release(awm_recorded_set *set);

typedef enum awm_wt_state {
	AWM_WT_NEW,            /* not recorded yet */
	AWM_WT_EDITED,         /* recorded, and its sections changed since */
	AWM_WT_MISSING,        /* recorded, and the file is gone */
	AWM_WT_BADNAME,        /* a migration file whose name breaks the pattern */
} awm_wt_state;

typedef struct awm_wt_entry {
	awm_wt_state state;
	char *path;            /* relative to the project root */
	char *name;            /* the file name */
	awm_oid commit;        /* EDITED, MISSING: the commit that recorded it */
	char *detail;          /* EDITED: what changed */
} awm_wt_entry;

typedef struct awm_wt_status {
	awm_wt_entry *items;   /* in file-name order; recorded, unchanged files omitted */
	size_t nr, alloc;
} awm_wt_status;

int awm_worktree_status(awm_wt_status *out, awm_repo *repo, const awm_recorded_set *rec);
void awm_wt_status_release(awm_wt_status *st);

#endif
