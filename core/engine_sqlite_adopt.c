/*
 * The sqlite engine adopting a database another tool migrated (see
 * awm_engine_ops.adopt): one transaction that drops the tool's
 * bookkeeping, checks that the schema is the adopted head's, and writes
 * one `applied` row per commit.  Nothing is run: the rows say so with
 * op "adopt", and hold no captured changeset, since awm never saw what the
 * migrations did to this database's rows.
 */
#include "core/engine_sqlite.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/sqlite.h"

#include <stdlib.h>
#include <string.h>

static json_t *hex(const awm_oid *oid)
{
	return json_string(awm_oid_tohex(oid).s);
}

/* The schema before `c`: its first parent's, or the empty one. */
static int schema_before(awm_oid *out, const awm_adopt *a, size_t i, const awm_oid *empty)
{
	const awm_commit *c = a->commits[i];
	awm_commit *parent;
	int rc;

	if (!c->nparents) {
		*out = *empty;
		return 0;
	}
	if (i > 0 && awm_oid_equal(&a->commits[i - 1]->oid, &c->parents[0])) {
		*out = a->commits[i - 1]->schema;
		return 0;
	}
	if ((rc = awm_commit_read(&parent, a->repo->odb, &c->parents[0])) < 0)
		return rc;
	*out = parent->schema;
	awm_commit_free(parent);
	return 0;
}

/*
 * The payload of an apply row (docs/environments.md), with op "adopt", the
 * note as "adopted", and the schemas the commits recorded: nothing here
 * was measured but the head's, which the caller checked.
 */
static json_t *payload_of(const awm_adopt *a, size_t i, const awm_oid *before)
{
	const awm_commit *c = a->commits[i];
	json_t *j = json_object(), *parents = json_array();
	awm_buf subj = AWM_BUF_INIT;
	size_t k;

	awm_commit_subject(&subj, c);
	json_object_set_new(j, "op", json_string("adopt"));
	json_object_set_new(j, "commit", hex(&c->oid));
	for (k = 0; k < c->nparents; k++)
		json_array_append_new(parents, hex(&c->parents[k]));
	json_object_set_new(j, "parents", parents);
	json_object_set_new(j, "kind", json_string(awm_commit_kind_name(c->kind)));
	json_object_set_new(j, "migration", c->migration ? json_string(c->migration) : json_null());
	json_object_set_new(j, "subject", json_string(subj.ptr));
	json_object_set_new(j, "by", json_string(a->lock ? a->lock->owner : "unknown"));
	json_object_set_new(j, "checksum", hex(&c->schema));
	json_object_set_new(j, "schema_before", hex(before));
	json_object_set_new(j, "changes", json_pack("{s:s}", "method", "adopted"));
	json_object_set_new(j, "adopted", json_string(a->note ? a->note : "adopted"));
	awm_buf_release(&subj);
	return j;
}

static int history_rows(int64_t *n, sqlite_engine *e)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(e->db, "SELECT count(*) FROM awm_state", -1, &st, NULL);

	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		*n = sqlite3_column_int64(st, 0);
		rc = SQLITE_DONE;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : awm_sqlite_error(e->db, rc, "cannot read the history "
							 "in '%s'", e->shown);
}

/* DROP TABLE for each of `names` that is a table; its indexes and triggers go with it. */
static int drop_tables(sqlite_engine *e, const char *const *names)
{
	sqlite3_stmt *st = NULL;
	int rc = 0;

	for (; names && *names && rc == 0; names++) {
		char *sql;
		int found;

		rc = sqlite3_prepare_v2(e->db, "SELECT 1 FROM sqlite_schema WHERE type = 'table' "
					"AND name = ?1", -1, &st, NULL);
		if (rc == SQLITE_OK) {
			sqlite3_bind_text(st, 1, *names, -1, SQLITE_STATIC);
			rc = sqlite3_step(st);
		}
		found = rc == SQLITE_ROW;
		sqlite3_finalize(st);
		st = NULL;
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return awm_sqlite_error(e->db, rc, "cannot read the schema of '%s'", e->shown);
		rc = 0;
		if (!found)
			continue;
		sql = sqlite3_mprintf("DROP TABLE \"%w\"", *names);
		if ((rc = awm_sqlite_exec(e->db, sql)) < 0)
			awm_error_prefix("cannot drop '%s' in '%s'", *names, e->shown);
		sqlite3_free(sql);
	}
	return rc;
}

/* The live schema must be the head's; else the drift, listed. */
static int check_schema(sqlite_engine *e, const awm_adopt *a, const awm_oid *empty)
{
	const awm_oid *want = a->nr ? &a->commits[a->nr - 1]->schema : empty;
	awm_schema *live = NULL, *expected = NULL;
	awm_drift drift;
	awm_buf report = AWM_BUF_INIT;
	awm_oid got;
	int rc;

	memset(&drift, 0, sizeof(drift));
	if ((rc = awm_sqlite_engine_schema_id(&got, &live, e)) < 0 || awm_oid_equal(&got, want))
		goto done;
	if (awm_oid_equal(want, empty))
		expected = awm_schema_new(e->base.ops->schema_engine);
	else if ((rc = awm_schema_read(&expected, a->repo->odb, want)) < 0)
		goto done;
	if ((rc = awm_drift_compare(&drift, expected, live)) < 0)
		goto done;
	awm_drift_format(&report, &drift, "  ");
	rc = awm_error_set(AWM_EINVALID, "the schema of '%s' is not the one the history has at "
			   "%s, so it cannot be adopted there; nothing was changed:\n%sfix the "
			   "database first", e->shown,
			   a->nr ? awm_oid_short(&a->commits[a->nr - 1]->oid, 10).s : "the start",
			   report.ptr);
done:
	awm_schema_free(live);
	awm_schema_free(expected);
	awm_drift_release(&drift);
	awm_buf_release(&report);
	return rc;
}

int awm_sqlite_engine_adopt(awm_engine *base, const awm_adopt *a)
{
	sqlite_engine *e = (sqlite_engine *)base;
	awm_oid empty, before;
	int64_t rows = 0;
	size_t i;
	int rc;

	awm_engine_empty_schema(&empty, base);
	if ((rc = awm_sqlite_engine_begin(e)) < 0)
		return rc;
	if ((rc = awm_sqlite_engine_check_lock(e, a->lock, 0)) < 0 ||
	    (rc = history_rows(&rows, e)) < 0)
		goto done;
	if (rows) {
		rc = awm_error_set(AWM_EEXISTS, "'%s' already has awm history (%lld rows in "
				   "awm_state), so it cannot be adopted; awm moves it already",
				   e->shown, (long long)rows);
		goto done;
	}
	if ((rc = drop_tables(e, a->drop_tables)) < 0 || (rc = check_schema(e, a, &empty)) < 0)
		goto done;
	for (i = 0; i < a->nr && rc == 0; i++) {
		json_t *payload;

		if ((rc = schema_before(&before, a, i, &empty)) < 0)
			break;
		payload = payload_of(a, i, &before);
		rc = awm_sqlite_engine_insert_row(NULL, e, "applied", &a->commits[i]->oid, payload,
						  NULL);
		json_decref(payload);
	}
	if (rc == 0 && a->release_lock)
		rc = awm_sqlite_engine_drop_lock(e, a->lock);
	if (rc == 0 && awm_fault("adopt-commit"))
		rc = awm_error_set(AWM_ERROR, "fault injected: adopt-commit");
	if (rc == 0)
		rc = awm_sqlite_exec(e->db, "COMMIT");
done:
	if (rc < 0)
		awm_sqlite_engine_rollback(e);
	return rc;
}
