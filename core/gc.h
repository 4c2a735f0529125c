/*
 * Housekeeping: `awm gc`.
 */
#ifndef AWM_GC_H
#define AWM_GC_H

#include "core/repo.h"
#include "objects/repack.h"

typedef struct awm_gc_stats {
	awm_repack_stats repack;
	size_t refs_packed;
	size_t graph_commits;
} awm_gc_stats;

/*
 * Pack every object into one pack and delete the loose files and old packs
 * (see awm_odb_repack), pack the refs, and rebuild the commit-graph.  Only
 * one gc runs at a time (.awm/gc.lock); a second one gets AWM_ELOCKED.
 */
int awm_gc(awm_gc_stats *stats, awm_repo *repo, awm_progress_cb progress, void *payload);

#endif
