/*
 * Drift: how a database's live schema differs from the schema the history
 * says it should have, per table: the table itself, its columns, indexes
 * and triggers (and views, under their own name).
 */
#ifndef AWM_DRIFT_H
#define AWM_DRIFT_H

#include <jansson.h>
#include <stddef.h>

#include "core/buf.h"
#include "objects/schema.h"

typedef struct awm_drift_item {
	char *table;      /* the table (or view) the difference belongs to */
	const char *kind; /* "table", "column", "index", "trigger", "view" */
	char *name;
	const char *change;   /* "added" (only in the database), "removed" (only in
			       * the history), "changed" */
	char *detail;     /* what changed, or NULL */
	const char *group;    /* what `table` is: "table", "view", or "collection"
			       * (Appwrite: kinds "collection", "attribute", "index") */
} awm_drift_item;

typedef struct awm_drift {
	awm_drift_item *items;   /* grouped by table, in the schema's order */
	size_t nr, alloc;
} awm_drift;

/*
 * Compare `expected` (from the history) with `live` (a snapshot of the
 * database).  An empty result means no drift.  Column differences are
 * found by loading both table definitions into scratch databases.
 */
int awm_drift_compare(awm_drift *out, const awm_schema *expected, const awm_schema *live);
void awm_drift_release(awm_drift *d);

/*
 * The report, one table per paragraph, each line starting with `indent`:
 *   table 'users':
 *     column 'nickname' added (TEXT)
 *     index 'users_email' removed
 */
void awm_drift_format(awm_buf *out, const awm_drift *d, const char *indent);

/* Set `payload`'s "drift" to the list `d` (as awm_state records it); nothing when empty. */
void awm_drift_json(json_t *payload, const awm_drift *d);

#endif
