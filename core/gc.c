/*
 * `awm gc` (see gc.h).
 */
#include "core/gc.h"
#include "core/commit_graph.h"
#include "core/error.h"
#include "core/lockfile.h"
#include "core/refs.h"

#include <string.h>

/* Temporary files younger than this may belong to a running writer. */
#define TEMP_AGE_SECONDS 3600

int awm_gc(awm_gc_stats *stats, awm_repo *repo, awm_progress_cb progress, void *payload)
{
	awm_lockfile lk = AWM_LOCKFILE_INIT;
	awm_buf path = AWM_BUF_INIT;
	int rc;

	memset(stats, 0, sizeof(*stats));
	awm_repo_path(&path, repo, "gc");
	if ((rc = awm_lockfile_acquire(&lk, path.ptr, 0)) < 0) {
		if (rc == AWM_ELOCKED)
			awm_error_set(AWM_ELOCKED, "another 'awm gc' is running in '%s'", repo->dir);
		goto done;
	}
	if ((rc = awm_odb_repack(&stats->repack, repo->odb, TEMP_AGE_SECONDS, progress,
				 payload)) < 0)
		goto done;
	if ((rc = awm_refs_pack(repo, &stats->refs_packed)) < 0)
		goto done;
	rc = awm_commit_graph_write(repo, &stats->graph_commits);
done:
	awm_lockfile_release(&lk);
	awm_buf_release(&path);
	return rc;
}
