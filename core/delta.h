/*
 * What turns one database into another, as a commit holds it: up SQL for
 * the schema, then a changeset for the rows; and back: the inverse
 * changeset, then down SQL.  Used by `commit --from-db`, script migrations
 * and `diff --db --sql`.
 */
#ifndef AWM_DELTA_H
#define AWM_DELTA_H

#include <sqlite3.h>

#include "core/buf.h"
#include "core/dbdiff.h"
#include "objects/schema.h"

/* No down SQL and no check of it (re-running a script needs neither). */
#define AWM_DELTA_NO_DOWN 0x1u

typedef struct awm_db_delta {
	awm_buf up_sql;          /* empty when the schema did not change */
	awm_buf down_sql;        /* empty when the schema did not change */
	awm_dbdiff diff;         /* the changeset (applied after up_sql) and its counts */
	awm_schema *schema;      /* the target's schema */
	char *warning;           /* NULL, or what the user should know */
} awm_db_delta;

/*
 * Move `base` forward to the content of `target` and describe the step:
 *
 *   1. when the schemas differ, DDL from base to target (schemadiff.h) is
 *      run on `base` and must reproduce the target's schema exactly;
 *   2. the changeset from `base` to `target` (dbdiff.h, awm's own tables
 *      left out) is applied to `base`.
 *
 * Afterwards `base` holds what replaying up SQL and changeset gives: the
 * state to cache for the new commit.  `base` must be writable and should be
 * a scratch database: on failure it is left half-way and must be thrown
 * away.  `target` is only read.
 *
 * When the schema changed, a down SQL is built too: the inverse changeset
 * followed by it must give the old database back.  That is checked on a
 * copy of `target`; if a rebuilt table loses values a copy cannot carry,
 * the down SQL restores that table's rows outright, and if even that does
 * not restore everything, `warning` says so.  Tables without a primary key
 * whose rows changed are refused (AWM_EINVALID naming them).
 */
int awm_db_delta_compute(awm_db_delta *out, sqlite3 *base, sqlite3 *target, unsigned flags);
void awm_db_delta_release(awm_db_delta *d);

/*
 * The same description of how `a` becomes `b`, without changing `a` and
 * without a down SQL: when the schemas are equal, `a` is only read; when
 * they differ, the DDL runs on an in-memory copy of it.  `progress` (may
 * be NULL) hears of the comparison (awm_dbdiff_run_progress).
 */
int awm_db_delta_describe(awm_db_delta *out, sqlite3 *a, sqlite3 *b,
			  awm_progress_cb progress, void *payload);

/* 1 when the delta changes nothing at all. */
int awm_db_delta_is_empty(const awm_db_delta *d);

#endif
