/*
 * Conflicts between parallel lines of history: what rebase, merge,
 * cherry-pick and revert check before they write anything, and the report
 * they give (docs/graph-operations.md, "Conflicts").
 *
 * Two kinds, as the design says:
 *   schema  the up script fails on the new base (SQLite's message, file
 *           and line), or both sides create, change or drop the same
 *           table, column, index, trigger or view;
 *   data    the commit's changeset, recorded on its old base, conflicts
 *           with the rows of the new base: one entry per conflict that
 *           sqlite3changeset_apply_v2 reports (DATA, NOTFOUND, CONFLICT,
 *           CONSTRAINT), per column for updates, with the base value, the
 *           other side's value and ours; and FOREIGN_KEY, a reference the
 *           commit leaves dangling on the new base (found by PRAGMA
 *           foreign_key_check, replay_fk.c), with the referencing row,
 *           its columns and values, and the parent table.
 * A migration file recorded on both sides with different text is a third,
 * simpler case.
 *
 * This file holds the list, its rendering, and the schema side; the data
 * side is in conflict_data.h.
 */
#ifndef AWM_CONFLICT_H
#define AWM_CONFLICT_H

#include <stddef.h>

#include "core/buf.h"
#include "objects/oid.h"
#include "objects/schema.h"

typedef enum awm_conflict_kind {
	AWM_CONFLICT_SCRIPT,       /* a script or changeset fails on the new base */
	AWM_CONFLICT_SCHEMA,       /* both sides changed the same schema object */
	AWM_CONFLICT_MIGRATION,    /* one migration file, recorded twice with other text */
	AWM_CONFLICT_DATA,         /* a changeset conflict */
} awm_conflict_kind;

/* How a strategy settles data conflicts; NONE stops at the first report. */
typedef enum awm_strategy {
	AWM_STRATEGY_NONE = 0,
	AWM_STRATEGY_OURS,         /* the commit being replayed wins */
	AWM_STRATEGY_THEIRS,       /* what the new base holds wins */
} awm_strategy;

/* "ours", "theirs", or NULL for NONE; and back (-1 for an unknown name). */
const char *awm_strategy_name(awm_strategy s);
int awm_strategy_parse(const char *name);

typedef struct awm_conflict {
	awm_conflict_kind kind;
	int type;                  /* DATA: SQLITE_CHANGESET_DATA, _NOTFOUND, ... */
	char *object_type;         /* SCHEMA: table, index, view, trigger */
	char *object;              /* SCHEMA: the object; DATA: the table */
	char *column;              /* SCHEMA, DATA: a column, or NULL for the whole */
	char *key;                 /* DATA: the row's key, "id=1" */
	char *base;                /* DATA: SQL literals; NULL where the row is absent */
	char *theirs;
	char *ours;
	char *what_ours;           /* SCHEMA: "adds column", "creates", ... */
	char *what_theirs;
	char *message;             /* SCRIPT: the failure; MIGRATION: the file;
				    * DATA, FOREIGN_KEY: the parent table */
	awm_oid ours_commit;       /* the commit being replayed */
	awm_oid their_commit;      /* SCHEMA, MIGRATION: the other side's commit */
	char *our_file;            /* its migration file, or NULL */
	char *their_file;
	char *resolution;          /* set when a strategy settled it */
} awm_conflict;

typedef struct awm_conflict_list {
	awm_conflict *items;
	size_t nr, alloc;
} awm_conflict_list;

/* A new zeroed entry at the end of `l`; the list owns its strings. */
awm_conflict *awm_conflict_add(awm_conflict_list *l, awm_conflict_kind kind);
void awm_conflict_list_release(awm_conflict_list *l);

/* Move every entry of `from` to the end of `to`; `from` is left empty. */
void awm_conflict_list_take(awm_conflict_list *to, awm_conflict_list *from);

/*
 * 0 for a data conflict no strategy can settle: a FOREIGN_KEY one (a
 * reference left dangling is no choice between two sides' values).
 */
int awm_conflict_settleable(const awm_conflict *c);

/* Entries a strategy did not settle. */
size_t awm_conflict_unresolved(const awm_conflict_list *l);

/*
 * How the two sides are called in reports: "upstream" for a rebase, the
 * branch being merged for a merge.
 */
typedef struct awm_conflict_labels {
	const char *theirs;        /* the side already on the new base */
	const char *ours;          /* the side being replayed */
} awm_conflict_labels;

/*
 * One line, without a newline: "CONFLICT (schema): ..." for an unsettled
 * entry, "resolved (<strategy>): ..." for a settled one.  NULL labels:
 * upstream and ours.
 */
void awm_conflict_format(awm_buf *out, const awm_conflict *c, const awm_conflict_labels *labels);

/* "schema", "data", ... and the names of SQLite's conflict types. */
const char *awm_conflict_kind_name(awm_conflict_kind kind);
const char *awm_conflict_type_name(int type);

/*
 * What one side did to the schema, object by object: tables, their
 * columns, indexes, views and triggers, each with the commit that did it
 * (the newest, when several did).
 */
typedef struct awm_schema_touch {
	char *type;                /* table, index, view, trigger */
	char *name;
	char *column;              /* a table's column, or NULL for the object */
	const char *what;          /* "creates", "drops", "changes", "adds column", ... */
	awm_oid commit;
	char *file;                /* the commit's migration file, or NULL */
} awm_schema_touch;

typedef struct awm_schema_touches {
	awm_schema_touch *items;
	size_t nr, alloc;
} awm_schema_touches;

void awm_schema_touches_release(awm_schema_touches *t);

/*
 * Add what changed from `from` (NULL: an empty schema) to `to`, as done by
 * `commit` (whose migration file is `file`, or NULL).  A later call for the
 * same object replaces the commit it names.
 */
void awm_schema_touches_add(awm_schema_touches *t, const awm_schema *from, const awm_schema *to,
			    const awm_oid *commit, const char *file);

/*
 * A SCHEMA conflict for each object both sides touched: the same index,
 * view or trigger; the same table created or dropped on both sides, or
 * dropped or rebuilt on one side and changed on the other; the same column
 * of a table.  Different columns of one table do not conflict.
 */
void awm_schema_touches_conflicts(awm_conflict_list *out, const awm_schema_touches *ours,
				  const awm_schema_touches *theirs);

#endif
