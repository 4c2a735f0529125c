/*
 * From one database to another as up SQL, changeset and down SQL (see
 * delta.h).
 */
#include "core/delta.h"
#include "core/changeset.h"
#include "core/error.h"
#include "core/schemadiff.h"
#include "core/sqlite.h"
#include "core/sqlite_schema.h"

#include <stdlib.h>
#include <string.h>

void awm_db_delta_release(awm_db_delta *d)
{
	awm_buf_release(&d->up_sql);
	awm_buf_release(&d->down_sql);
	awm_dbdiff_release(&d->diff);
	awm_schema_free(d->schema);
	free(d->warning);
	memset(d, 0, sizeof(*d));
}

int awm_db_delta_is_empty(const awm_db_delta *d)
{
	return !d->up_sql.size && !d->diff.changeset.size;
}

/* The schema of `db` and its id; `keep` (may be NULL) receives the schema. */
static int schema_of(awm_oid *id, awm_schema **keep, sqlite3 *db)
{
	awm_schema *s;
	awm_buf payload = AWM_BUF_INIT;
	int rc;

	if ((rc = awm_sqlite_schema_snapshot(&s, db)) < 0)
		return rc;
	awm_schema_serialize(&payload, s);
	awm_oid_hash(id, AWM_OBJ_SCHEMA, payload.ptr, payload.size);
	awm_buf_release(&payload);
	if (keep)
		*keep = s;
	else
		awm_schema_free(s);
	return 0;
}

/* Run generated DDL inside a savepoint, so a failure leaves `db` as it was. */
static int run_ddl(sqlite3 *db, const char *sql, const char *what)
{
	int rc;

	if ((rc = awm_sqlite_exec(db, "SAVEPOINT awm_ddl")) < 0)
		return rc;
	rc = awm_sqlite_run_script(db, sql, what, 1);
	if (rc < 0) {
		char *msg = awm_strdup(awm_error_last());

		sqlite3_exec(db, "ROLLBACK TO awm_ddl", NULL, NULL, NULL);
		sqlite3_exec(db, "PRAGMA legacy_alter_table = OFF", NULL, NULL, NULL);
		awm_error_set(rc, "%s", msg);
		free(msg);
	}
	sqlite3_exec(db, "RELEASE awm_ddl", NULL, NULL, NULL);
	return rc;
}

/* An in-memory copy of the main database of `db`. */
static int copy_of(sqlite3 **out, sqlite3 *db)
{
	awm_buf image = AWM_BUF_INIT;
	int rc = awm_sqlite_serialize(&image, db);

	if (rc == 0)
		rc = awm_sqlite_open_image(out, image.ptr, image.size);
	awm_buf_release(&image);
	return rc;
}

/* 1 when `a` and `b` hold the same schema and rows (awm's own tables aside). */
static int same_content(sqlite3 *a, sqlite3 *b, int *same)
{
	awm_oid ia, ib;
	awm_dbdiff d;
	int rc;

	*same = 0;
	if ((rc = schema_of(&ia, NULL, a)) < 0 || (rc = schema_of(&ib, NULL, b)) < 0)
		return rc;
	if (!awm_oid_equal(&ia, &ib))
		return 0;
	rc = awm_dbdiff_run(&d, a, b, AWM_DBDIFF_SKIP_INTERNAL | AWM_DBDIFF_ADDED_ROWS);
	*same = rc == 0 && !d.changeset.size;
	awm_dbdiff_release(&d);
	return rc;
}

/*
 * The down SQL, checked on a copy of the target: inverse changeset, then
 * down, must give `orig`.  The first try drops added columns in place, the
 * next copies rebuilt tables' columns, the last restores their rows
 * outright.
 */
static int build_down(awm_db_delta *out, sqlite3 *target, sqlite3 *orig, int copied)
{
	/* Dropped columns in place, else rebuilds copying columns, else restoring rows. */
	static const unsigned tries[] = {
		AWM_DDL_ROWS | AWM_DDL_ALTER, AWM_DDL_ROWS, AWM_DDL_ROWS | AWM_DDL_NO_COPY,
	};
	size_t attempt;
	int rc = 0, same = 0;

	for (attempt = copied ? 0 : 2; attempt < 3 && !same; attempt++) {
		unsigned flags = tries[attempt];
		sqlite3 *check = NULL;

		awm_buf_clear(&out->down_sql);
		if ((rc = awm_schema_ddl(&out->down_sql, target, orig, flags, orig)) < 0)
			return rc;
		if ((rc = copy_of(&check, target)) == 0 &&
		    (rc = awm_changeset_apply(check, out->diff.changeset.ptr,
					      out->diff.changeset.size, 1,
					      "the inverse changeset")) == 0 &&
		    (rc = run_ddl(check, out->down_sql.ptr, "generated down SQL")) == 0)
			rc = same_content(check, orig, &same);
		sqlite3_close(check);
		if (rc < 0)
			awm_error_clear();   /* a failed try is a reason for the next one */
	}
	if (!same)
		out->warning = awm_strdup("the generated down SQL does not bring the previous "
					  "database back exactly; a rollback of this commit may "
					  "lose data");
	return 0;
}

/*
 * One way of writing the DDL (`flags`), run on `base` and kept only when it
 * gives the schema `want`; otherwise `base` is left as it was.
 */
static int try_ddl(awm_db_delta *out, sqlite3 *base, sqlite3 *target, unsigned flags,
		   const awm_oid *want)
{
	awm_oid got;
	int rc;

	awm_buf_clear(&out->up_sql);
	if ((rc = awm_schema_ddl(&out->up_sql, base, target, flags, NULL)) < 0 ||
	    (rc = awm_sqlite_exec(base, "SAVEPOINT awm_try")) < 0)
		return rc;
	if ((rc = run_ddl(base, out->up_sql.ptr, "generated up SQL")) == 0 &&
	    (rc = schema_of(&got, NULL, base)) == 0 && !awm_oid_equal(&got, want))
		rc = awm_error_set(AWM_ERROR, "the generated up SQL gives schema %s, not the "
				   "database's %s; this is a bug in awm, please report it",
				   awm_oid_tohex(&got).s, awm_oid_tohex(want).s);
	if (rc < 0)
		sqlite3_exec(base, "ROLLBACK TO awm_try", NULL, NULL, NULL);
	sqlite3_exec(base, "RELEASE awm_try", NULL, NULL, NULL);
	return rc;
}

/*
 * DDL from base to target, run on base: ALTER TABLE where it does the
 * change in place, else rebuilt tables copying their columns, else (a new
 * NOT NULL column without a default, say) rebuilt tables left empty, their
 * rows coming from the changeset.
 */
static int change_schema(awm_db_delta *out, sqlite3 *base, sqlite3 *target,
			 const awm_oid *want, int *copied)
{
	int rc;

	*copied = 1;
	if (try_ddl(out, base, target, AWM_DDL_ALTER, want) == 0 ||
	    (awm_error_clear(), try_ddl(out, base, target, 0, want)) == 0)
		return 0;
	awm_error_clear();
	*copied = 0;
	if ((rc = try_ddl(out, base, target, AWM_DDL_NO_COPY, want)) < 0)
		awm_error_prefix("cannot express the schema change as SQL");
	return rc;
}

static int compute(awm_db_delta *out, sqlite3 *base, sqlite3 *target, unsigned flags,
		   awm_progress_cb progress, void *payload)
{
	awm_oid base_id, target_id;
	sqlite3 *orig = NULL;
	int rc, schema_changed, copied = 1;

	memset(out, 0, sizeof(*out));
	awm_buf_init(&out->up_sql);
	awm_buf_init(&out->down_sql);
	if ((rc = schema_of(&base_id, NULL, base)) < 0 ||
	    (rc = schema_of(&target_id, &out->schema, target)) < 0)
		goto done;
	schema_changed = !awm_oid_equal(&base_id, &target_id);
	if (schema_changed && !(flags & AWM_DELTA_NO_DOWN) && (rc = copy_of(&orig, base)) < 0)
		goto done;
	if (schema_changed && (rc = change_schema(out, base, target, &target_id, &copied)) < 0)
		goto done;
	if ((rc = awm_dbdiff_run_progress(&out->diff, base, target, AWM_DBDIFF_SKIP_INTERNAL,
					  progress, payload)) < 0)
		goto done;
	if ((rc = awm_changeset_apply(base, out->diff.changeset.ptr, out->diff.changeset.size, 0,
				      "the captured changeset")) < 0) {
		awm_error_prefix("this is a bug in awm, please report it");
		goto done;
	}
	if (orig)
		rc = build_down(out, target, orig, copied);
done:
	sqlite3_close(orig);
	if (rc < 0) {
		awm_db_delta_release(out);
		awm_buf_init(&out->up_sql);
		awm_buf_init(&out->down_sql);
	}
	return rc;
}

int awm_db_delta_compute(awm_db_delta *out, sqlite3 *base, sqlite3 *target, unsigned flags)
{
	return compute(out, base, target, flags, NULL, NULL);
}

int awm_db_delta_describe(awm_db_delta *out, sqlite3 *a, sqlite3 *b,
			  awm_progress_cb progress, void *payload)
{
	awm_oid ia, ib;
	sqlite3 *copy = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	awm_buf_init(&out->up_sql);
	awm_buf_init(&out->down_sql);
	if ((rc = schema_of(&ia, NULL, a)) < 0 || (rc = schema_of(&ib, &out->schema, b)) < 0)
		goto done;
	if (awm_oid_equal(&ia, &ib)) {
		rc = awm_dbdiff_run_progress(&out->diff, a, b, AWM_DBDIFF_SKIP_INTERNAL,
					     progress, payload);
		goto done;
	}
	awm_schema_free(out->schema);
	out->schema = NULL;
	if ((rc = copy_of(&copy, a)) == 0)
		rc = compute(out, copy, b, AWM_DELTA_NO_DOWN, progress, payload);
done:
	sqlite3_close(copy);
	if (rc < 0) {
		awm_db_delta_release(out);
		awm_buf_init(&out->up_sql);
		awm_buf_init(&out->down_sql);
	}
	return rc;
}
