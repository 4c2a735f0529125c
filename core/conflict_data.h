/*
 * Data conflicts: a commit's changeset, recorded on its old base, against
 * the rows of its new base (docs/graph-operations.md, "Data conflicts").
 *
 *   awm_data_check_run   apply the changeset with sqlite3changeset_apply_v2
 *                        inside a savepoint that is rolled back, and list
 *                        every conflict it reports, per column where a
 *                        column is at stake, with base, their and our value;
 *   awm_data_resolve     settle them with a strategy and give the changeset
 *                        to apply instead: the conflicting rows' other-side
 *                        changes are applied to our version of them, with
 *                        the strategy choosing for each conflict, and the
 *                        rebase buffer that records those choices rebases
 *                        our changeset with sqlite3rebaser;
 *   awm_data_rows_*      read the conflicting rows of a database, and write
 *                        the SQL that turns one reading into another (how a
 *                        SQL migration carries a strategy's choice).
 *
 * Both sides making the same change (the same new value, both deleting a
 * row, equal inserted rows) is not a conflict and is settled silently.
 */
#ifndef AWM_CONFLICT_DATA_H
#define AWM_CONFLICT_DATA_H

#include <sqlite3.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/conflict.h"
#include "objects/schema.h"

struct data_rows;

typedef struct awm_data_check {
	awm_conflict_list conflicts;   /* what the report says */
	char **unchecked;              /* tables whose columns are not the ones the
					* changeset was recorded with: left out */
	size_t nunchecked;
	struct data_rows *rows;        /* private: each conflicting row, for resolve */
	awm_oid commit;                /* whose changeset was checked */
	char *file;
} awm_data_check;

void awm_data_check_release(awm_data_check *dc);

/*
 * Check changeset `cs` of commit `commit` (migration file `file`, or NULL)
 * against `db`, which is left as it was.  `recorded` is the commit's own
 * schema: tables whose column names in `db` do not start with the ones
 * recorded there are not checked (they go to `unchecked`), since a
 * changeset addresses columns by position.  Fails only on errors; the
 * conflicts are in `out`.
 */
int awm_data_check_run(awm_data_check *out, sqlite3 *db, const void *cs, size_t len,
		       const awm_schema *recorded, const awm_oid *commit, const char *file);

/*
 * 1 when the table's columns in `db` begin with those `recorded` has for
 * it, so a changeset recorded there addresses the right columns.
 */
int awm_data_layout_matches(sqlite3 *db, const awm_schema *recorded, const char *table);

/*
 * awm_data_check_run with the layout verdicts from `layout` (NULL: the
 * function above), for a caller that checks many changesets against one
 * schema and remembers them.
 */
typedef int (*awm_data_layout_cb)(void *payload, const char *table);
int awm_data_check_run_ex(awm_data_check *out, sqlite3 *db, const void *cs, size_t len,
			  const awm_schema *recorded, const awm_oid *commit, const char *file,
			  awm_data_layout_cb layout, void *payload);

/*
 * The key of the change an iterator is at, as the check matches rows:
 * the table's name, then the key values in the changeset encoding.
 */
void awm_data_row_key(awm_buf *out, sqlite3_changeset_iter *it);

/* Whether the other side changed the row with key `key` (awm_data_row_key). */
typedef int (*awm_data_theirs_cb)(void *payload, const awm_buf *key);

/*
 * For a SQL migration, whose script decides what it does: keep only the
 * conflicts on rows the other side changed (`theirs`, NULL: any), and of
 * those the ones on rows the script, run again on the new base, changes
 * too (`effect` is that run's changeset) or that the other side deleted.
 * A row both sides inserted under the same generated key is then no
 * conflict when the script's insert got another key, and neither is a row
 * that only an earlier replayed commit of ours put there.
 */
int awm_data_check_filter(awm_data_check *dc, sqlite3 *db, const void *effect, size_t len,
			  awm_data_theirs_cb theirs, void *payload);

/* 1 when the check found rows on which both sides made changes. */
int awm_data_check_has_rows(const awm_data_check *dc);

/*
 * Settle the conflicts with `strategy` (NONE settles only identical
 * changes): `out` gets the changeset to apply on the checked database in
 * place of `cs`, and each settled entry its resolution, which calls the
 * other side `labels->theirs` (NULL labels: "upstream").  AWM_ECONFLICT,
 * with `out` empty, when some entry stays unsettled: any real conflict
 * without a strategy, and with `ours` a CONSTRAINT one.  (FOREIGN_KEY
 * conflicts are found after the commit ran, by the replayer, and no
 * strategy settles them.)
 */
int awm_data_resolve(awm_buf *out, awm_data_check *dc, const void *cs, size_t len,
		     awm_strategy strategy, const awm_conflict_labels *labels);

/*
 * Apply a settled changeset only to see what it makes of the conflicting
 * rows: changes that still conflict (to rows the check set aside) are
 * skipped.  Triggers are off, as for any changeset awm applies.
 */
int awm_data_apply_settled(sqlite3 *db, const void *cs, size_t len);

/* The conflicting rows as `db` holds them now. */
typedef struct awm_data_rows awm_data_rows;
int awm_data_rows_read(awm_data_rows **out, const awm_data_check *dc, sqlite3 *db);
void awm_data_rows_free(awm_data_rows *r);

/*
 * Append the INSERT, UPDATE and DELETE statements that turn the rows of
 * `from` into those of `to` (two readings of the same check), one per
 * line; nothing when they are equal.  Column names come from `db`.
 */
void awm_data_rows_fix_sql(awm_buf *out, const awm_data_check *dc, const awm_data_rows *from,
			   const awm_data_rows *to, sqlite3 *db);

#endif
