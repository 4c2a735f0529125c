/*
 * Internal to core/remote_*.c: the pack store on a remote, the journal of
 * pushes in flight, and the lock check that push shares with status.
 */
#ifndef AWM_REMOTE_INTERNAL_H
#define AWM_REMOTE_INTERNAL_H

#include "core/remote.h"
#include "core/remote_lock.h"
#include "core/remote_sync.h"
#include "objects/oidset.h"
#include "objects/pack.h"
#include "objects/packwriter.h"

/* ---- pack indexes, cached in .awm/remotes/<name>/idx/<sum>.idx ---- */

/*
 * Check an index's layout and checksum, and that it indexes the pack named
 * `sum`.  AWM_ECORRUPT naming `what` otherwise.
 */
int awm_remote_idx_check(const unsigned char *idx, size_t len, const char *sum,
			 const char *what);

/* Download the indexes of the snapshot's packs that are not cached yet. */
int awm_remote_idx_sync(awm_remote *r, const awm_remote_snapshot *s,
			awm_xfer_progress_cb progress, void *payload);

/* A cached index, checked again. */
int awm_remote_idx_read(awm_buf *out, awm_remote *r, const char *sum);

/* Cache an index (one we wrote, or one downloaded and checked). */
int awm_remote_idx_store(awm_remote *r, const char *sum, const void *idx, size_t len);

/* Add every id the snapshot's packs hold to `set` (indexes must be cached). */
int awm_remote_idx_ids(awm_oidset *set, awm_remote *r, const awm_remote_snapshot *s);

/* The number of ids in an index and a pointer to the first. */
uint32_t awm_remote_idx_count(const unsigned char *idx);
const unsigned char *awm_remote_idx_id_table(const unsigned char *idx);

/* ---- packs ---- */

/* A pack built for upload, in a temporary folder removed on release. */
typedef struct awm_remote_packfile {
	char *dir;
	awm_odb *odb;
	awm_pack *pack;              /* mapped .pack and .idx */
	char sum[AWM_OID_HEXSZ + 1];
} awm_remote_packfile;

/*
 * Copy objects `oids` (each read and verified first) into one new pack, in
 * the order given, so the same objects give the same pack and name again.
 */
int awm_remote_pack_build(awm_remote_packfile *out, awm_remote *r, const awm_oid *oids,
			  size_t n);
void awm_remote_packfile_release(awm_remote_packfile *pf);

/*
 * Download one pack, decompress and re-hash every object in it, check its
 * checksums, and add the objects this clone lacks to `pw` and their ids to
 * `fresh`.  A damaged object refuses the
 * whole pack with AWM_ECORRUPT naming the object, before anything is added.
 */
int awm_remote_pack_import(size_t *objects, uint64_t *bytes, awm_oidset *fresh,
			   awm_remote *r, const awm_remote_pack *p, awm_packwriter *pw,
			   awm_xfer_progress_cb progress, void *payload);

/*
 * Every object reachable from `tips` that the remote, holding `has`, lacks,
 * sorted by id (so an interrupted push rebuilds the very same pack).  The
 * remote's packs are closed under reachability (each push uploads all it
 * lacks below its commits), so the walk stops at any commit it has.
 */
int awm_remote_missing_objects(awm_oid **out, size_t *n, awm_repo *repo,
			       const awm_oidset *has, const awm_oid *tips, size_t ntips);

/* ---- ref entries ---- */

/*
 * The first entry of `ref` that conflicts with ours (`file`, commit `c`):
 * not ours, not in `skip` (entries a forced push replaces), and not
 * related to `c` (the same commit, an ancestor or a descendant, all known
 * locally).  `*out` is NULL when there is none.
 */
int awm_remote_find_conflict(const awm_remote_entry **out, awm_repo *repo,
			     const awm_remote_ref *ref, const char *file, const awm_oid *c,
			     char **skip, size_t nskip);

/* Point the remote-tracking ref of `ref` at `oid`; a failure is ignored. */
void awm_remote_update_tracking(awm_remote *r, const char *ref, const awm_oid *oid);

/* ---- the journal of entries this clone wrote but has not settled ---- */

int awm_remote_journal_read(char ***files, size_t *n, awm_remote *r);
int awm_remote_journal_add(awm_remote *r, const char *file);
int awm_remote_journal_drop(awm_remote *r, const char *file);

/* Entries whose push succeeded (see remote_journal.c): one per ref. */
int awm_remote_pushed_mark(awm_remote *r, const char *file);
int awm_remote_pushed_has(awm_remote *r, const char *file);

/*
 * Settle the journal: each entry is finished (no push raced it, so the
 * push that wrote it did succeed) or withdrawn (it raced, and its push
 * never reported success).  What was done goes to `rep->notes`.
 */
int awm_remote_settle(awm_push_report *rep, awm_remote *r);

/* The same, without taking the clone's lock on the remote; `finished`
 * (caller's) gets the commits whose pushes it finished. */
int awm_remote_settle_journal(awm_push_report *rep, awm_oid **finished, size_t *nfinished,
			      awm_remote *r);

/* ---- locks ---- */

/*
 * The lock in force: the live record with the highest sequence.  0 with
 * `*held` 0 when there is none (no record, or all expired).
 */
int awm_remote_lock_current(awm_lock_record *out, int *held, awm_remote *r,
			    const awm_remote_snapshot *s);

/* AWM_ELOCKED naming the holder when someone else holds the lock. */
int awm_remote_lock_check(awm_remote *r, const awm_remote_snapshot *s);

#endif
