/*
 * The lease lock on a remote (`awm lock --remote`): advisory, for teams
 * that want "lock, then push last".  A holder's pushes go through; anyone
 * else's push and `awm status` say the remote is locked, with the holder
 * and the expiry.  A lock lapses after its TTL, and --force takes one over
 * (docs/remote-protocol.md, "The lock").
 */
#ifndef AWM_REMOTE_LOCK_H
#define AWM_REMOTE_LOCK_H

#include <stdint.h>

#include "core/remote.h"

typedef struct awm_lock_record {
	char *file;                  /* locks/<seq>[-<id>] on the remote */
	uint64_t seq;
	char *owner;                 /* "Name <email>" */
	char *host;
	char *message;               /* may be empty */
	int64_t since, expires;      /* seconds since the epoch */
	int mine;                    /* taken by this clone */
} awm_lock_record;

void awm_lock_record_release(awm_lock_record *rec);

/* Default lease: 30 minutes. */
#define AWM_LOCK_DEFAULT_TTL (30 * 60)

/*
 * Take (or renew, when this clone holds it) the remote's lock for `ttl`
 * seconds.  AWM_ELOCKED, naming the holder, when someone else holds it,
 * unless `force`; AWM_ELOCKED too when another clone tried at the same
 * moment (both back off; try again).  `out` describes the lock taken.
 */
int awm_remote_lock_acquire(awm_lock_record *out, awm_remote *r, int64_t ttl, int force,
			    const char *message);

/*
 * Give the lock up.  Without `force` only this clone's lock is released
 * (AWM_ENOTFOUND when it holds none); with it, every lock record goes,
 * whoever holds it.  `prev` (may be NULL) describes the lock released.
 */
int awm_remote_lock_release(awm_lock_record *prev, awm_remote *r, int force);

/* The lock in force, if any (`*held`). */
int awm_remote_lock_show(awm_lock_record *out, int *held, awm_remote *r);

#endif
