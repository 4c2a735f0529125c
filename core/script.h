/*
 * Script migrations: programs (Python, shell, any executable) that change a
 * database.  awm runs one as a subprocess on a file copy of the state it
 * applies to, with the copy's path as its only argument, and records what
 * it did by diffing the copy before and after (delta.h).  Replaying the
 * recorded delta needs no interpreter; --rerun-scripts runs it again.
 *
 * The program runs in the project root, in its own process group, with
 * stdin from /dev/null and AWM_DB set to the database path too.  A
 * non-zero exit or the timeout (migrations.scriptTimeout, seconds, default
 * 60; the whole group is killed) is a failure, and nothing is recorded.
 */
#ifndef AWM_SCRIPT_H
#define AWM_SCRIPT_H

#include <sqlite3.h>

#include "core/buf.h"
#include "core/delta.h"
#include "core/repo.h"
#include "objects/commit.h"

#define AWM_SCRIPT_DEFAULT_TIMEOUT 60

/* The configured timeout in seconds (migrations.scriptTimeout). */
int awm_script_timeout(awm_repo *repo);

/*
 * How `path` runs: "#!" and executable runs itself, *.py through python3,
 * *.sh through sh, any other executable itself.  AWM_EINVALID when none
 * applies (naming the file).
 */
int awm_script_check_runnable(const char *path, const char *name);

/*
 * Run the program at `path` (`name` in messages) on `db_path`, in `cwd`.
 * 0 when it exits 0 within `timeout` seconds.  `output` (may be NULL)
 * receives the last 4 KiB of what it printed, which failure messages quote.
 */
int awm_script_run(awm_buf *output, const char *path, const char *name, const char *db_path,
		   const char *cwd, int timeout);

/*
 * Run the program at `path` on a file copy of `db` and capture its effect:
 * `db` is moved forward to the program's result and `out` describes the
 * step (awm_db_delta_compute with `delta_flags`).
 */
int awm_script_capture(awm_db_delta *out, awm_repo *repo, sqlite3 *db, const char *path,
		       const char *name, unsigned delta_flags);

/*
 * Run a recorded SCRIPT commit's program again on `db` (--rerun-scripts):
 * its stored script is written out and captured as above, so `db` ends
 * where the program leaves it now, which may differ from the recording.
 */
int awm_script_rerun(awm_repo *repo, sqlite3 *db, const awm_commit *c);

#endif
