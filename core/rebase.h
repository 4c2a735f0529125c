/*
 * Rebasing: replaying commits onto another base, each re-validated on a
 * scratch database at its new parent.
 *
 * This is the minimal core that `awm pull --rebase` needs; the rebase
 * command (conflict reports by table and key, --continue, --abort,
 * strategies) grows from it.  Its limits today:
 *   - merge commits are not replayed (AWM_EINVALID);
 *   - any conflict stops the whole rebase with AWM_ECONFLICT naming the
 *     commit and the failure, and nothing is written: an up script that
 *     fails on the new base, a DATA/SCRIPT changeset that does not apply,
 *     or one migration file recorded on both sides with different text.
 */
#ifndef AWM_REBASE_H
#define AWM_REBASE_H

#include <stddef.h>

#include "core/repo.h"
#include "objects/oid.h"

typedef struct awm_rebase_result {
	awm_oid new_tip;      /* `onto` itself when nothing needed replaying */
	size_t replayed;      /* commits written anew */
	size_t skipped;       /* commits whose migration `onto` already has */
} awm_rebase_result;

/*
 * Replay the commits reachable from `tip` but not from `onto` on top of
 * `onto`, oldest first.  Each keeps its author, message, scripts and
 * migration file; it gets a new parent, a committer of now, and the schema
 * and (for SQL migrations) data changeset its up script produces on the
 * new base.  A commit whose migration file `onto` already recorded with the
 * same up script is dropped, as git drops patches already upstream.
 *
 * Only objects are written; moving a branch is the caller's job.
 */
int awm_rebase_onto(awm_rebase_result *out, awm_repo *repo, const awm_oid *onto,
		    const awm_oid *tip);

#endif
