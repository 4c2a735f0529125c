/*
 * Bulk import of history from a text stream: `awm fast-import`
 * (docs/fast-import.md).  Like git fast-import it trusts its input: scripts
 * are stored, not run.  `awm import` is the validating path.
 */
#ifndef AWM_FAST_IMPORT_H
#define AWM_FAST_IMPORT_H

#include <stddef.h>

#include "core/repo.h"

typedef struct awm_fast_import_stats {
	size_t commits;
	size_t objects;      /* new objects written */
	size_t refs;         /* refs updated */
} awm_fast_import_stats;

/*
 * Import the stream in `data`.  Objects go into one pack; refs are updated
 * only after the pack is durable, each by compare-and-swap against its value
 * when the import started; the commit-graph is rebuilt at the end.  A
 * malformed stream is refused with its line number and nothing is written.
 */
int awm_fast_import(awm_fast_import_stats *stats, awm_repo *repo, const char *data,
		    size_t len, awm_progress_cb progress, void *payload);

#endif
