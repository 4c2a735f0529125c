/*
 * The difference between two canonical schemas as SQL statements: what
 * `awm show`, `awm diff` and `awm report` print for a reviewer.
 *
 * Tables that gain, lose or rename columns come out as ALTER TABLE
 * statements when SQLite's ALTER TABLE can say it; SQLite itself checks
 * that: the statements are run on a database holding the old schema and
 * must leave exactly the new table.  Anything else is a rebuild, shown
 * with the old and the new definition.  Indexes, views and triggers come
 * out as DROP and CREATE, except where a rename already carried them over.
 */
#ifndef AWM_SCHEMA_DIFF_H
#define AWM_SCHEMA_DIFF_H

#include <stddef.h>

#include "objects/schema.h"

typedef enum awm_schema_op {
	AWM_SCHEMA_CREATE,     /* sql: the CREATE statement */
	AWM_SCHEMA_DROP,       /* sql: DROP <type> <name> */
	AWM_SCHEMA_ALTER,      /* sql: one ALTER TABLE statement */
	AWM_SCHEMA_REBUILD,    /* sql: the new CREATE TABLE; old_sql the old one; note why */
} awm_schema_op;

typedef struct awm_schema_change {
	awm_schema_op op;
	char *type;            /* table, index, view, trigger */
	char *name;            /* the object's name (the new one for a rename) */
	char *table;           /* the table it belongs to */
	char *sql;             /* without a final ";" */
	char *old_sql;         /* REBUILD: the definition before; else NULL */
	char *note;            /* REBUILD: what ALTER TABLE cannot do; else NULL */
} awm_schema_change;

typedef struct awm_schema_diff {
	awm_schema_change *items;
	size_t nr, alloc;
} awm_schema_diff;

/*
 * The statements from `from` (NULL: an empty schema) to `to`, in an order
 * that could run: dropped triggers, views and indexes; table renames;
 * column renames; new tables; dropped and added columns; rebuilds; dropped
 * tables; then new indexes, views and triggers.  Empty when the schemas
 * are equal.
 */
int awm_schema_diff_compute(awm_schema_diff *out, const awm_schema *from, const awm_schema *to);
void awm_schema_diff_release(awm_schema_diff *d);

/* "create", "drop", "alter", "rebuild". */
const char *awm_schema_op_name(awm_schema_op op);

#endif
