/*
 * Checking a repository: `awm fsck`.
 */
#ifndef AWM_FSCK_H
#define AWM_FSCK_H

#include <stddef.h>

#include "core/repo.h"

typedef struct awm_fsck_stats {
	size_t objects;   /* stored copies checked */
	size_t packs;
	size_t refs;
	size_t faults;
} awm_fsck_stats;

/* One fault: the object (NULL when the fault is not about one), its file, why. */
typedef void (*awm_fsck_cb)(const awm_oid *oid, const char *where, const char *msg,
			    void *payload);

/*
 * Re-hash every stored object (loose and packed), decompress and parse it
 * by type, check every id a commit names exists with the right type, check
 * pack and index checksums, refs, and the commit-graph.  Each fault goes to
 * `cb`; the return is 0 even when faults were found (see stats->faults),
 * negative only when the check itself could not run.
 */
int awm_fsck(awm_fsck_stats *stats, awm_repo *repo, awm_fsck_cb cb, void *payload,
	     awm_progress_cb progress, void *progress_payload);

#endif
