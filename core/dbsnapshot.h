/*
 * Database snapshots: a commit's full database image stored as page
 * objects (objects/snapshot.h), so that a checkout reads it instead of
 * replaying history.  `.awm/snapshots/<commit id>` holds the id of the
 * commit's snapshot object (docs/format.md).
 *
 * A new snapshot is written against the nearest older one on the commit's
 * first-parent line: a page that did not change reuses the old page
 * object, a page that changed a little is stored as a delta against the
 * old page, any other page is stored whole.  All of it goes into one pack.
 */
#ifndef AWM_DBSNAPSHOT_H
#define AWM_DBSNAPSHOT_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "core/repo.h"
#include "objects/oid.h"

/* The snapshot of `commit`; AWM_ENOTFOUND (no message) when it has none. */
int awm_dbsnapshot_lookup(awm_oid *out, awm_repo *repo, const awm_oid *commit);

/* The image of `commit`'s snapshot as an in-memory database; AWM_ENOTFOUND. */
int awm_dbsnapshot_open(sqlite3 **out, awm_repo *repo, const awm_oid *commit);

typedef struct awm_dbsnapshot_stats {
	awm_oid snapshot;
	int existed;             /* the commit already had this snapshot */
	int has_base;            /* written against the snapshot of base_commit */
	awm_oid base_commit;
	size_t pages;            /* pages in the image */
	size_t reused;           /* page objects taken over from the base */
	size_t full, deltas;     /* page objects written whole, as deltas */
	uint64_t image_bytes;    /* the database's size */
	uint64_t stored_bytes;   /* bytes the new objects added to the store */
} awm_dbsnapshot_stats;

/*
 * Snapshot the state of `commit` (materialised as a checkout would).  A
 * commit that has one keeps it (`existed`).  Objects are written before
 * the index entry, so a crash leaves at worst unreferenced objects.
 */
int awm_dbsnapshot_create(awm_dbsnapshot_stats *out, awm_repo *repo, const awm_oid *commit,
			  awm_progress_cb progress, void *payload);

/* Every recorded snapshot, in no particular order. */
typedef int (*awm_dbsnapshot_cb)(const awm_oid *commit, const awm_oid *snapshot,
				 void *payload);
int awm_dbsnapshot_foreach(awm_repo *repo, awm_dbsnapshot_cb cb, void *payload);

#endif
