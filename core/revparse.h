/*
 * Revisions: naming commits the way git does.
 *
 *   HEAD, @             the current commit
 *   main, dev           refs/heads/<name>, then refs/envs/<name>,
 *                       then refs/remotes/<name>, then refs/<name>
 *   envs/dev, env/dev   refs/envs/dev (any "refs/" prefix may be left off;
 *                       env/<name> is how log decorates it)
 *   refs/heads/main     a full ref name
 *   1a2b3c4d            an id or a unique prefix of at least 4 hex digits
 *   REV~N  REV^N  REV^  first-parent ancestor N back; N-th parent; first parent
 *
 * A name that is both a ref and a hex prefix means the ref, as in git.
 */
#ifndef AWM_REVPARSE_H
#define AWM_REVPARSE_H

#include "core/buf.h"
#include "core/repo.h"
#include "objects/oid.h"

int awm_revparse(awm_oid *out, awm_repo *repo, const char *spec);

/* The ref a name resolves to ("main" -> "refs/heads/main"); AWM_ENOTFOUND. */
int awm_revparse_ref(awm_buf *out, awm_repo *repo, const char *name);

/*
 * "A..B" sets both; "B" alone leaves `*has_from` 0.  An empty side of ".."
 * means HEAD.
 */
int awm_revparse_range(awm_oid *from, int *has_from, awm_oid *to,
		       awm_repo *repo, const char *spec);

#endif
