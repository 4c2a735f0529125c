/*
 * Schema objects: the canonical schema of a database after a commit
 * (docs/format.md, "Schemas").  Equal schemas have equal ids, so a drift
 * check is an id comparison.
 *
 *   awm-schema 1
 *   engine sqlite
 *   <type>\t<name>\t<table>\t<sql>     one line per object, sorted
 *
 * Types sort table, index, view, trigger, then by name.  In <sql>, a
 * backslash, tab or newline is written \\, \t or \n.
 */
#ifndef AWM_SCHEMA_H
#define AWM_SCHEMA_H

#include <stddef.h>

#include "core/buf.h"
#include "objects/odb.h"

#define AWM_SCHEMA_VERSION 1

typedef struct awm_schema_entry {
	char *type;       /* table, index, view, trigger */
	char *name;
	char *tbl_name;
	char *sql;        /* normalised statement text, unescaped */
} awm_schema_entry;

typedef struct awm_schema {
	char *engine;
	awm_schema_entry *entries;
	size_t nr, alloc;
} awm_schema;

awm_schema *awm_schema_new(const char *engine);
void awm_schema_free(awm_schema *s);

/* Add an entry; the strings are copied. Names may not hold tabs or newlines. */
int awm_schema_add(awm_schema *s, const char *type, const char *name,
		   const char *tbl_name, const char *sql);

/* Sort into canonical order and render the payload. */
int awm_schema_serialize(awm_buf *out, awm_schema *s);

int awm_schema_parse(awm_schema **out, const char *data, size_t len);
int awm_schema_read(awm_schema **out, awm_odb *odb, const awm_oid *oid);
int awm_schema_write(awm_oid *out, awm_odb *odb, awm_schema *s);

/* The payload of an empty schema for `engine` (a fresh database). */
void awm_schema_empty_payload(awm_buf *out, const char *engine);

/* The id of that empty schema: what a root commit's parent state has. */
void awm_schema_empty_id(awm_oid *out, const char *engine);

/* The entry of `type` named `name`, or NULL. */
const awm_schema_entry *awm_schema_find(const awm_schema *s, const char *type,
					const char *name);

/* One "<sql>;" line per entry, in canonical order: what `show` diffs. */
void awm_schema_render_sql(awm_buf *out, const awm_schema *s);

#endif
