/*
 * Moving history between a clone and a remote: push, fetch and pull
 * (docs/remote-protocol.md gives the protocol and why it is safe without
 * compare-and-swap; docs/remotes.md is the user's guide).
 */
#ifndef AWM_REMOTE_SYNC_H
#define AWM_REMOTE_SYNC_H

#include <stddef.h>
#include <stdint.h>

#include "core/rebase.h"
#include "core/remote.h"

/* Progress of one phase of a transfer; totals are 0 when not known yet. */
typedef struct awm_xfer_progress {
	const char *what;            /* "Writing objects", "Receiving objects", ... */
	uint64_t objects, objects_total;
	uint64_t bytes, bytes_total;
	int done;                    /* the last report of this phase */
} awm_xfer_progress;

typedef void (*awm_xfer_progress_cb)(const awm_xfer_progress *p, void *payload);

/* ---- push ---- */

typedef struct awm_push_spec {
	const char *src;             /* local ref, e.g. "refs/heads/main" */
	const char *dst;             /* remote ref; NULL: the same name */
	int force_with_lease;        /* replace what `lease` says the remote holds */
	int has_lease;               /* lease given; else the remote-tracking ref is the lease */
	awm_oid lease;               /* expected value (zero: the ref must not exist) */
} awm_push_spec;

typedef enum awm_push_status {
	AWM_PUSH_UP_TO_DATE,         /* the remote already had it */
	AWM_PUSH_NEW,                /* a new remote ref */
	AWM_PUSH_FAST_FORWARD,
	AWM_PUSH_FORCED,             /* replaced non-ancestor heads, under a lease */
	AWM_PUSH_COMPLETED,          /* an interrupted earlier push, now finished */
} awm_push_status;

typedef struct awm_push_result {
	char *dst;
	awm_oid old_oid, new_oid;    /* old: the value before (zero when new) */
	awm_push_status status;
} awm_push_result;

typedef struct awm_push_report {
	awm_push_result *refs;
	size_t nr;
	size_t objects;              /* objects uploaded */
	uint64_t pack_bytes;         /* size of the pack and index uploaded */
	int resumed_pack;            /* the pack was already there from an interrupted run */
	char **notes;                /* things to tell the user (finished or withdrawn pushes) */
	size_t nnotes;
} awm_push_report;

void awm_push_report_release(awm_push_report *rep);

/*
 * Push each spec's local ref to the remote.  Objects go first, as one pack
 * of what the remote lacks; then each ref gets a new entry; then the ref is
 * listed again to see whether another push raced this one.
 *
 * Fails, leaving the remote's refs as they were, with:
 *   AWM_ENONFASTFORWARD  the remote has commits the local ref lacks (the
 *                        message names the command that fixes it), a lease
 *                        did not match, or a racing push was seen (our new
 *                        entry is withdrawn again);
 *   AWM_ELOCKED          someone holds the remote's lease lock.
 * Either way the report says what was done before the failure.
 */
int awm_remote_push(awm_push_report *out, awm_remote *r, const awm_push_spec *specs,
		    size_t n, awm_xfer_progress_cb progress, void *payload);

/* ---- fetch ---- */

typedef struct awm_fetch_ref {
	char *ref;                   /* the remote's name: refs/heads/main */
	char *tracking;              /* ours: refs/remotes/origin/main */
	awm_oid old_oid, new_oid;    /* tracking ref before and after (zero: none) */
	awm_oid *heads;              /* the remote's heads, primary first */
	size_t nheads;
} awm_fetch_ref;

typedef struct awm_fetch_report {
	awm_fetch_ref *refs;
	size_t nr;
	size_t packs, objects;       /* downloaded */
	uint64_t bytes;
	size_t diverged;             /* refs with more than one head */
} awm_fetch_report;

void awm_fetch_report_release(awm_fetch_report *rep);

/*
 * Download the packs holding objects this clone lacks, re-hash every object
 * in them (a damaged one is refused by id, before anything is stored), and
 * point refs/remotes/<remote>/<ref> at each remote ref's value.  A diverged
 * ref's tracking ref gets its primary head (the highest generation); the
 * report lists all heads and the caller reports the divergence.
 */
int awm_remote_fetch(awm_fetch_report *out, awm_remote *r,
		     awm_xfer_progress_cb progress, void *payload);

/* ---- pull ---- */

typedef enum awm_pull_status {
	AWM_PULL_UP_TO_DATE,         /* nothing new on the remote */
	AWM_PULL_AHEAD,              /* local has commits the remote lacks; push them */
	AWM_PULL_FAST_FORWARD,
	AWM_PULL_REBASED,
} awm_pull_status;

typedef struct awm_pull_report {
	awm_push_report settled;     /* notes on our own interrupted pushes */
	awm_fetch_report fetch;
	int integrated;              /* the branch was compared (and moved if needed) */
	awm_pull_status status;
	char *branch;                /* the local branch, short name */
	awm_oid old_oid, new_oid, upstream;
	size_t replayed, skipped;    /* rebase: commits replayed, already upstream */
	awm_rebase_result rebase;    /* --rebase: all of it, a stop's report included */
} awm_pull_report;

void awm_pull_report_release(awm_pull_report *rep);

/*
 * Fetch, then bring the current branch up to its remote counterpart: a
 * fast-forward when it is behind; with `rebase`, its own commits replayed
 * onto the remote head when both moved (awm_rebase_start: a conflict
 * stops it with AWM_ECONFLICT and the state saved, for `awm rebase
 * --continue`, `--skip` or `--abort`).  Without
 * `rebase` a divergence is AWM_ENONFASTFORWARD.  A remote ref with several
 * heads is also AWM_ENONFASTFORWARD, after the rebase onto its primary head.
 */
int awm_remote_pull(awm_pull_report *out, awm_remote *r, int rebase,
		    awm_xfer_progress_cb progress, void *payload);

/* ---- status ---- */

typedef enum awm_sync_state {
	AWM_SYNC_UP_TO_DATE,
	AWM_SYNC_AHEAD,              /* local base = remote: safe to push */
	AWM_SYNC_NOT_PUSHED,         /* the remote does not have the branch yet */
	AWM_SYNC_BEHIND,             /* remote moved, no local commits: pull fast-forwards */
	AWM_SYNC_REBASE,             /* both moved: rebase required */
	AWM_SYNC_DIVERGED,           /* the remote ref itself has several heads */
} awm_sync_state;

/*
 * 1 when a push of this clone to `r` never reported how it ended (its
 * journal holds entries), which is how a clone knows a divergence is its
 * own to resolve; 0 when none; negative on error.
 */
int awm_remote_push_unsettled(awm_remote *r);

typedef struct awm_sync_status {
	awm_sync_state state;
	int locked;                  /* someone else holds the remote's lock: wait */
	char *ref;                   /* the remote ref compared */
	awm_oid local;
	awm_oid *heads;              /* the remote ref's heads, primary first */
	size_t nheads;
	size_t ahead, behind;        /* commits, where both are known locally */
	int lock_mine;               /* this clone holds the lock */
	char *lock_owner;            /* holder of a lock, when there is one */
	int64_t lock_expires;
} awm_sync_status;

void awm_sync_status_release(awm_sync_status *st);

/*
 * Compare local `ref` (a branch; `local` NULL when it has no commit yet)
 * with the remote, from one listing and without downloading objects, and
 * say whether someone holds the remote's lock.  On failure `out` holds
 * nothing to release.
 */
int awm_remote_sync_status(awm_sync_status *out, awm_remote *r, const char *ref,
			   const awm_oid *local);

#endif
