/*
 * Tables a SQL commit wrote that its changeset does not hold (untracked.h).
 */
#include "core/untracked.h"
#include "core/buf.h"
#include "core/capture.h"
#include "core/error.h"
#include "core/scratch.h"
#include "core/sqlite_schema.h"
#include "objects/schema.h"

#include <stdlib.h>
#include <string.h>

/* Whether the schema `c` leaves has a table without a primary key. */
static int has_keyless_table(int *out, awm_repo *repo, const awm_commit *c)
{
	awm_schema *s = NULL;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int rc;

	*out = 0;
	if ((rc = awm_schema_read(&s, repo->odb, &c->schema)) < 0 ||
	    (rc = awm_sqlite_open_schema(&db, s)) < 0)
		goto done;
	/* sqlite_% tables (sqlite_sequence) have no key and hold no user rows. */
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_schema AS t WHERE t.type = 'table' "
			       "AND t.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND NOT EXISTS "
			       "(SELECT 1 FROM pragma_table_info(t.name) WHERE pk > 0)",
			       -1, &st, NULL) != SQLITE_OK) {
		rc = awm_error_set(AWM_ERROR, "cannot read the tables of schema %s: %s",
				   awm_oid_short(&c->schema, 10).s, sqlite3_errmsg(db));
		goto done;
	}
	*out = sqlite3_step(st) == SQLITE_ROW;
done:
	sqlite3_finalize(st);
	sqlite3_close(db);
	awm_schema_free(s);
	return rc;
}

int awm_untracked_tables(char ***out, size_t *out_nr, awm_repo *repo, const awm_commit *c)
{
	awm_object *up = NULL;
	awm_capture cap;
	sqlite3 *db = NULL;
	char *sql = NULL;
	int keyless, rc;

	*out = NULL;
	*out_nr = 0;
	memset(&cap, 0, sizeof(cap));
	if (c->kind != AWM_KIND_SQL || !c->has_up || !c->engine || strcmp(c->engine, "sqlite"))
		return 0;
	if ((rc = has_keyless_table(&keyless, repo, c)) < 0 || !keyless)
		return rc;
	if ((rc = awm_odb_read_typed(&up, repo->odb, &c->up, AWM_OBJ_BLOB)) < 0 ||
	    (rc = awm_scratch_open(&db, repo, c->nparents ? &c->parents[0] : NULL)) < 0)
		goto done;
	sql = awm_strndup((const char *)up->data, up->size);
	if ((rc = awm_capture_script(&cap, db, sql, c->migration ? c->migration : "up",
				     1)) < 0)
		goto done;
	*out = cap.no_pk_tables;
	*out_nr = cap.no_pk_nr;
	cap.no_pk_tables = NULL;
	cap.no_pk_nr = 0;
done:
	awm_capture_release(&cap);
	sqlite3_close(db);
	awm_object_free(up);
	free(sql);
	return rc;
}

void awm_untracked_free(char **tables, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++)
		free(tables[i]);
	free(tables);
}
