/*
 * The checks of a replay (see replay.h): schema objects both sides
 * changed, and the commit's recorded changeset against the new base.
 */
#include "core/replay_internal.h"
#include "core/error.h"
#include "core/sqlite.h"
#include "objects/schema.h"

#include <stdlib.h>
#include <string.h>

/* A schema object of one's own (NULL id or the empty id: an empty schema). */
static int schema_load(awm_schema **out, awm_replayer *r, const awm_oid *oid)
{
	if (awm_oid_equal(oid, &r->empty_schema)) {
		*out = awm_schema_new("sqlite");
		return 0;
	}
	return awm_schema_read(out, r->repo->odb, oid);
}

/* Step 1: the schema objects both sides changed. */
int rp_check_schema(rp_job *j)
{
	awm_schema_touches ours;
	awm_schema *from = NULL, *to = NULL;
	awm_oid pschema;
	int rc;

	if (!j->r->theirs || j->o->accept_schema || j->o->edited)
		return 0;
	if ((rc = rp_parent_schema(&pschema, j->r, j->c)) < 0)
		return rc;
	if (awm_oid_equal(&pschema, &j->c->schema))
		return 0;
	memset(&ours, 0, sizeof(ours));
	if ((rc = schema_load(&from, j->r, &pschema)) == 0 &&
	    (rc = schema_load(&to, j->r, &j->c->schema)) == 0) {
		awm_schema_touches_add(&ours, from, to, &j->c->oid, j->c->migration);
		awm_schema_touches_conflicts(&j->out->conflicts, &ours, &j->r->theirs->touches);
	}
	awm_schema_free(from);
	awm_schema_free(to);
	awm_schema_touches_release(&ours);
	return rc;
}

/* awm_data_theirs_cb: did the other side's changesets change this row? */
static int theirs_changed(void *payload, const awm_buf *key)
{
	const awm_side *side = payload;
	awm_oid h;

	rp_row_hash(&h, key);
	return awm_oidset_contains(&side->rows, &h);
}

/*
 * A SQL migration's conflicts count where its script, run again on the
 * new base, still writes, and on rows the other side changed
 * (awm_data_check_filter): the script runs once in a savepoint to see,
 * then is rolled back.  A script that fails here fails again when it runs
 * for real, which reports it.
 */
static int filter_by_effect(rp_job *j)
{
	awm_capture cap;
	int rc, lost = 0;

	if (j->c->kind != AWM_KIND_SQL || !awm_data_check_has_rows(&j->dc))
		return 0;
	if ((rc = awm_sqlite_exec(j->r->db, "SAVEPOINT awm_effect")) < 0)
		return rc;
	rc = awm_capture_script_savepoint(&cap, &lost, j->r->db, j->up.ptr, j->file, 1);
	if (rc == 0)
		rc = awm_data_check_filter(&j->dc, j->r->db, cap.changeset.ptr, cap.changeset.size,
					   j->r->theirs ? theirs_changed : NULL,
					   (void *)j->r->theirs);
	else
		awm_error_clear();
	awm_capture_release(&cap);
	if (awm_sqlite_exec(j->r->db, "ROLLBACK TO awm_effect") < 0 ||
	    awm_sqlite_exec(j->r->db, "RELEASE awm_effect") < 0)
		j->r->lost = 1;
	return rc > 0 ? 0 : rc;
}

/* awm_data_layout_cb, remembering verdicts while neither schema changes. */
static int layout_ok(void *payload, const char *table)
{
	awm_replayer *r = payload;
	size_t i;
	int ok;

	for (i = 0; i < r->nlayout; i++)
		if (!strcmp(r->layout_tables[i], table))
			return r->layout_ok[i];
	ok = awm_data_layout_matches(r->db, r->layout_recorded, table);
	r->layout_tables = awm_realloc(r->layout_tables, (r->nlayout + 1) * sizeof(char *));
	r->layout_ok = awm_realloc(r->layout_ok, (r->nlayout + 1) * sizeof(int));
	r->layout_tables[r->nlayout] = awm_strdup(table);
	r->layout_ok[r->nlayout++] = ok;
	return ok;
}

/*
 * Whether any row `cs` changes is one the other side changed.  A SQL
 * migration's conflicts only count on such rows (awm_data_check_filter),
 * so without one there is nothing to check: most commits of a rebase.
 */
static int touches_theirs(const awm_side *side, const awm_buf *cs)
{
	sqlite3_changeset_iter *it = NULL;
	awm_buf key = AWM_BUF_INIT;
	int found = 0;

	if (sqlite3changeset_start(&it, (int)cs->size, cs->ptr) != SQLITE_OK)
		return 1;
	while (!found && sqlite3changeset_next(it) == SQLITE_ROW) {
		awm_oid h;

		awm_data_row_key(&key, it);
		rp_row_hash(&h, &key);
		found = awm_oidset_contains(&side->rows, &h);
	}
	sqlite3changeset_finalize(it);
	awm_buf_release(&key);
	return found;
}

/* Step 2: the commit's recorded changeset against the new base. */
int rp_check_data(rp_job *j)
{
	const awm_schema *recorded;
	const awm_oid *layout;
	size_t i;
	int rc, version;

	if (j->o->changeset)
		awm_buf_put(&j->cs, j->o->changeset->ptr, j->o->changeset->size);
	else if (j->c->has_changeset && (rc = rp_read_blob(&j->cs, j->r, &j->c->changeset,
						         AWM_OBJ_CHANGESET)) < 0)
		return rc;
	if (!j->cs.size || j->o->edited)
		return 0;
	if (j->c->kind == AWM_KIND_SQL && j->r->theirs && !touches_theirs(j->r->theirs, &j->cs))
		return 0;
	layout = j->o->layout ? j->o->layout : &j->c->schema;
	if ((rc = rp_schema_get(&recorded, j->r, layout)) < 0)
		return rc;
	version = rp_schema_version(j->r->db);
	if (!awm_oid_equal(layout, &j->r->layout_schema) || version != j->r->layout_version) {
		rp_layout_forget(j->r);
		j->r->layout_schema = *layout;
		j->r->layout_version = version;
	}
	j->r->layout_recorded = recorded;
	if ((rc = awm_data_check_run_ex(&j->dc, j->r->db, j->cs.ptr, j->cs.size, recorded,
					&j->c->oid, j->c->migration, layout_ok, j->r)) < 0 ||
	    (rc = filter_by_effect(j)) < 0)
		return rc;
	for (i = 0; i < j->dc.nunchecked; i++) {
		awm_conflict *e;

		if (j->c->kind == AWM_KIND_SQL) {   /* its script still runs; only noted */
			j->out->unchecked = awm_realloc(j->out->unchecked,
							(j->out->nunchecked + 1) * sizeof(char *));
			j->out->unchecked[j->out->nunchecked++] = awm_strdup(j->dc.unchecked[i]);
			continue;
		}
		/* A data migration's changeset is all there is: it cannot apply. */
		e = awm_conflict_add(&j->out->conflicts, AWM_CONFLICT_SCHEMA);
		e->object_type = awm_strdup("table");
		e->object = awm_strdup(j->dc.unchecked[i]);
		e->what_ours = awm_strdup("changes rows");
		e->message = awm_strdup("its changeset was recorded for other columns than the "
					"table has here");
		e->ours_commit = j->c->oid;
	}
	return 0;
}


/*
 * After a SQL migration's script failed on the new base: the rows of its
 * recorded changeset that break a constraint there (a UNIQUE index, NOT
 * NULL or CHECK the other side added, or a clashing row), as CONSTRAINT
 * data conflicts, so the report names the table and key, not only
 * SQLite's message.  Only when the data check did not already look.
 */
int rp_constraint_rows(rp_job *j)
{
	const awm_schema *recorded;
	awm_data_check dc;
	size_t i;
	int rc;

	if (j->c->kind != AWM_KIND_SQL || !j->cs.size || j->dc.rows || j->o->edited)
		return 0;
	if ((rc = rp_schema_get(&recorded, j->r, &j->c->schema)) < 0 ||
	    (rc = awm_data_check_run(&dc, j->r->db, j->cs.ptr, j->cs.size, recorded, &j->c->oid,
				     j->c->migration)) < 0) {
		awm_data_check_release(&dc);
		return rc;
	}
	for (i = 0; i < dc.conflicts.nr; i++) {
		awm_conflict *e;

		if (dc.conflicts.items[i].type != SQLITE_CHANGESET_CONSTRAINT)
			continue;
		e = awm_conflict_add(&j->out->conflicts, AWM_CONFLICT_DATA);
		*e = dc.conflicts.items[i];   /* moved: the list forgets it */
		memset(&dc.conflicts.items[i], 0, sizeof(dc.conflicts.items[i]));
	}
	awm_data_check_release(&dc);
	return 0;
}
