/*
 * The history of one table, or one column: which commits touched it
 * (`awm log -- <table>[.<column>]`) and which commit last defined each of
 * its columns, constraints, indexes and triggers (`awm blame <table>`).
 *
 * Commits are compared with their parents through their canonical
 * schemas and their changesets; parsed schemas are cached by id, so a walk
 * over a long history reads each schema once.
 */
#ifndef AWM_TABLE_HISTORY_H
#define AWM_TABLE_HISTORY_H

#include <stddef.h>

#include "core/repo.h"
#include "objects/oid.h"

typedef struct awm_table_history awm_table_history;

/* `column` NULL: the whole table.  Names compare as SQLite compares them. */
int awm_table_history_new(awm_table_history **out, awm_repo *repo, const char *table,
			  const char *column);
void awm_table_history_free(awm_table_history *h);

/*
 * 1 when `commit` touches the table compared with its first parent (an
 * empty schema for a root commit), 0 when not:
 *   - the table: its definition, or an index or trigger on it, appears,
 *     goes or changes; or the commit's changeset changes its rows;
 *   - a column: its definition appears, goes or changes; or an index or
 *     trigger on the table that names it appears, goes or changes; or the
 *     changeset updates it, or inserts or deletes a row with a value in
 *     it (not NULL).
 */
int awm_table_history_touches(awm_table_history *h, const awm_oid *commit);

typedef struct awm_blame_line {
	char *kind;          /* "column", "constraint", "index", "trigger" */
	char *name;          /* the constraint's text for a constraint */
	char *definition;    /* the column's definition, the index's statement, ... */
	awm_oid commit;      /* the commit that last defined it as it is */
} awm_blame_line;

typedef struct awm_blame {
	awm_blame_line *lines;   /* columns in order, then constraints, indexes, triggers */
	size_t nr, alloc;
} awm_blame;

/*
 * For each column, table constraint, index and trigger of the table as
 * `start` has it, the commit that last defined it as it is: going back
 * from `start`, the first commit none of whose parents has the same
 * definition (the first parent is followed when several have it).
 * AWM_ENOTFOUND when `start` has no such table.
 */
int awm_table_history_blame(awm_blame *out, awm_table_history *h, const awm_oid *start);
void awm_blame_release(awm_blame *b);

#endif
