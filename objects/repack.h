/*
 * Repacking: the object-store half of `awm gc`.
 */
#ifndef AWM_REPACK_H
#define AWM_REPACK_H

#include <stddef.h>

#include "objects/odb.h"

typedef struct awm_repack_stats {
	size_t objects;        /* objects in the new pack */
	size_t loose_removed;  /* loose files deleted */
	size_t packs_removed;  /* old packs deleted */
	size_t temps_removed;  /* stale temporary files deleted */
} awm_repack_stats;

/*
 * Copy every object, loose or packed, into one new pack, then delete the
 * loose files and the old packs.  Each object is decompressed and re-hashed
 * on the way; a corrupt object stops the repack before anything is removed.
 * Nothing is deleted until the new pack and its index are durable, so a
 * crash at any point leaves every object readable.  Temporary files older
 * than `temp_age` seconds, left by interrupted writers, are removed too.
 */
int awm_odb_repack(awm_repack_stats *stats, awm_odb *odb, long temp_age,
		   awm_progress_cb progress, void *payload);

#endif
