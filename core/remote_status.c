/*
 * Where a branch stands against a remote, for `awm status` (see
 * remote_sync.h): one listing, no object downloads.
 */
#include "core/remote_internal.h"
#include "core/error.h"
#include "core/refs.h"
#include "core/walk.h"

#include <stdlib.h>
#include <string.h>

void awm_sync_status_release(awm_sync_status *st)
{
	free(st->ref);
	free(st->heads);
	free(st->lock_owner);
	memset(st, 0, sizeof(*st));
}

/* Commits reachable from `from` and not from `hide`. */
static int count_range(size_t *out, awm_repo *repo, const awm_oid *from, const awm_oid *hide)
{
	awm_walk *w;
	awm_oid oid;
	int rc;

	*out = 0;
	awm_walk_new(&w, repo, 0);
	if ((rc = awm_walk_push(w, from)) == 0 && (rc = awm_walk_hide(w, hide)) == 0)
		while ((rc = awm_walk_next(w, &oid)) == 1)
			(*out)++;
	awm_walk_free(w);
	return rc < 0 ? rc : 0;
}

typedef struct seen_ctx {
	awm_repo *repo;
	const awm_oid *local;
	int found;
} seen_ctx;

static int contains_local(const char *name, const awm_oid *oid, void *payload)
{
	seen_ctx *c = payload;

	(void)name;
	if (awm_is_ancestor(c->repo, c->local, oid) > 0)
		c->found = 1;
	return c->found;
}

/*
 * The remote moved to commits we lack.  If our tip is on the remote, as
 * far as the remote-tracking refs know (pushed or fetched under any ref),
 * the remote may have built on it: behind.  Otherwise we have commits of
 * our own that the new ones cannot contain: a rebase is needed.
 */
static int behind_or_rebase(awm_sync_status *out, awm_remote *r, const awm_oid *local)
{
	awm_buf prefix = AWM_BUF_INIT;
	seen_ctx c = { r->repo, local, 0 };

	awm_buf_printf(&prefix, "refs/remotes/%s/", r->name);
	awm_ref_foreach(r->repo, prefix.ptr, contains_local, &c);
	awm_error_clear();
	out->state = c.found ? AWM_SYNC_BEHIND : AWM_SYNC_REBASE;
	awm_buf_release(&prefix);
	return 0;
}

static int compare(awm_sync_status *out, awm_remote *r, const awm_remote_snapshot *s,
		   const awm_oid *local)
{
	const awm_remote_ref *ref = awm_remote_snapshot_ref(s, out->ref);
	const awm_oid *h;
	size_t unknown;
	int rc;

	if (!ref || !ref->nr) {
		out->state = local ? AWM_SYNC_NOT_PUSHED : AWM_SYNC_UP_TO_DATE;
		return 0;
	}
	if ((rc = awm_remote_ref_heads(&out->heads, &out->nheads, &unknown, r->repo, ref)) < 0)
		return rc;
	if (out->nheads > 1) {
		out->state = AWM_SYNC_DIVERGED;
		return 0;
	}
	h = &out->heads[0];
	if (!local) {
		out->state = AWM_SYNC_BEHIND;
		return 0;
	}
	if (unknown)
		return behind_or_rebase(out, r, local);
	if (awm_oid_equal(h, local)) {
		out->state = AWM_SYNC_UP_TO_DATE;
		return 0;
	}
	if ((rc = count_range(&out->ahead, r->repo, local, h)) < 0 ||
	    (rc = count_range(&out->behind, r->repo, h, local)) < 0)
		return rc;
	if (!out->behind)
		out->state = AWM_SYNC_AHEAD;
	else if (!out->ahead)
		out->state = AWM_SYNC_BEHIND;
	else
		out->state = AWM_SYNC_REBASE;
	return 0;
}

int awm_remote_sync_status(awm_sync_status *out, awm_remote *r, const char *ref,
			   const awm_oid *local)
{
	awm_remote_snapshot s;
	awm_lock_record lock;
	int held = 0, rc;

	memset(out, 0, sizeof(*out));
	memset(&lock, 0, sizeof(lock));
	out->ref = awm_strdup(ref);
	if (local)
		out->local = *local;
	if ((rc = awm_remote_snapshot_take(&s, r, "")) < 0) {
		awm_sync_status_release(out);
		return rc;
	}
	if ((rc = awm_remote_lock_current(&lock, &held, r, &s)) < 0)
		goto done;
	if (held) {
		out->locked = !lock.mine;
		out->lock_mine = lock.mine;
		out->lock_owner = awm_strdup(lock.owner);
		out->lock_expires = lock.expires;
	}
	rc = compare(out, r, &s, local);
done:
	if (rc < 0)
		awm_sync_status_release(out);
	awm_lock_record_release(&lock);
	awm_remote_snapshot_release(&s);
	return rc;
}
