/*
 * Reading SQLite CREATE TABLE statements as columns and constraints, and
 * finding identifiers in SQL text: what the schema diff, `awm blame` and
 * `awm log -- <table>.<column>` need to talk about columns.
 *
 * This is a tokenizer, not a parser: it splits the column list at the
 * commas that are outside parentheses and quotes, and takes each part's
 * first token as the column's name, which is how SQLite's grammar puts it.
 */
#ifndef AWM_SQL_TABLE_H
#define AWM_SQL_TABLE_H

#include <stddef.h>

#include "core/buf.h"

typedef struct awm_sql_column {
	char *name;          /* unquoted */
	char *def;           /* what follows the name: "TEXT NOT NULL DEFAULT ''" */
	char *text;          /* the whole part, as written */
} awm_sql_column;

typedef struct awm_sql_table {
	char *head;          /* the text before the column list, "(" included */
	char *tail;          /* ")" and what follows, such as " WITHOUT ROWID" */
	awm_sql_column *cols;
	size_t ncols;
	char **constraints;  /* table constraints (PRIMARY KEY (...), CHECK ...), as written */
	size_t ncons;
} awm_sql_table;

/*
 * Split a CREATE TABLE statement.  AWM_EINVALID (no message) for one
 * without a column list, such as CREATE TABLE ... AS SELECT or CREATE
 * VIRTUAL TABLE.
 */
int awm_sql_table_parse(awm_sql_table *out, const char *sql);
void awm_sql_table_release(awm_sql_table *t);

/* The column named `name` (case-insensitively, as SQLite compares), or NULL. */
const awm_sql_column *awm_sql_table_column(const awm_sql_table *t, const char *name);

/* SQLite's identifier comparison: ASCII case-insensitive. */
int awm_sql_ident_equal(const char *a, const char *b);

/* `name` as an identifier: bare when it is a plain word, else "double-quoted". */
void awm_sql_quote_ident(awm_buf *out, const char *name);

/* 1 when `ident` occurs in `sql` as an identifier token (quoted or not). */
int awm_sql_mentions(const char *sql, const char *ident);

#endif
