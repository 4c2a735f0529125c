/*
 * Tables whose rows a SQL commit changed that its changeset cannot hold:
 * tables without a primary key (docs/data-migrations.md, "Limits").
 *
 * `awm commit` accepts such a migration only when it has a down section,
 * and records no trace of those tables, so `awm show` finds them again by
 * running the up SQL on the parent's state, as the recording did.
 */
#ifndef AWM_UNTRACKED_H
#define AWM_UNTRACKED_H

#include <stddef.h>

#include "core/repo.h"
#include "objects/commit.h"

/*
 * The tables without a primary key whose rows `c`'s up SQL writes, in the
 * order it first writes them; *out_nr 0 and *out NULL when there are none.
 * Only SQLite SQL commits can have any.  A commit whose schema has no
 * table without a primary key costs nothing more than reading that
 * schema; others replay the up SQL on a scratch copy of the parent's state
 * (from the scratch cache).  Free with awm_untracked_free().
 */
int awm_untracked_tables(char ***out, size_t *out_nr, awm_repo *repo, const awm_commit *c);

void awm_untracked_free(char **tables, size_t nr);

#endif
