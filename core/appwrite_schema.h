/*
 * Appwrite schemas as code (docs/appwrite.md): collections with their
 * attributes and indexes, read from an appwrite.json-compatible file (as
 * the Appwrite CLI writes it) or from the live API, in one canonical form.
 *
 * The canonical form is what makes drift an id comparison: every value
 * Appwrite fills in (min and max of numbers, an index's lengths, write()
 * permissions expanded to create/update/delete, the child side of a two-way
 * relationship) is filled in the same way on both sides, and everything
 * Appwrite adds for itself ($createdAt, status "available") is dropped.
 *
 * As an awm_schema (engine "appwrite") a schema is one entry per
 * collection, attribute and index:
 *
 *   collection  <id>          <id>   {"$permissions":[...],"documentSecurity":..,"enabled":..,"name":..}
 *   attribute   <id>/<key>    <id>   {"array":..,"default":..,"key":..,"required":..,"type":.., ...}
 *   index       <id>/<key>    <id>   {"attributes":[...],"key":..,"lengths":[...],"orders":[...],"type":..}
 *
 * each text being compact JSON with sorted keys ('/' cannot occur in ids).
 */
#ifndef AWM_APPWRITE_SCHEMA_H
#define AWM_APPWRITE_SCHEMA_H

#include <jansson.h>
#include <stddef.h>

#include "core/buf.h"
#include "objects/schema.h"

#define AWM_APPWRITE_ENGINE "appwrite"

typedef struct awm_aw_collection {
	char *id;
	json_t *meta;          /* {"$permissions", "documentSecurity", "enabled", "name"} */
	json_t *attributes;    /* canonical attributes sorted by key, child sides included */
	json_t *indexes;       /* canonical indexes sorted by key */
} awm_aw_collection;

typedef struct awm_aw_schema {
	awm_aw_collection *items;    /* sorted by id */
	size_t nr, alloc;
} awm_aw_schema;

awm_aw_schema *awm_aw_schema_new(void);
void awm_aw_schema_free(awm_aw_schema *s);

/* awm's own collections (history, locks, remote refs): never in a schema. */
int awm_aw_is_internal(const char *collection_id);

/*
 * Parse and validate an appwrite.json-compatible file: a JSON object whose
 * "collections" array holds {"$id", "name", "$permissions",
 * "documentSecurity", "enabled", "attributes", "indexes"}.  Every problem
 * is reported, one per line, as "<file>: <path>: <problem>" (the path such
 * as collections[1] ('posts').attributes[0] ('title')), in one AWM_EINVALID.
 */
int awm_aw_schema_parse_file(awm_aw_schema **out, const char *file, const char *text,
			     size_t len);

/*
 * The schema the API describes: `collections` is the array of collection
 * models (GET /databases/{db}/collections), awm's own left out.  An
 * attribute or index that is not available keeps its status, so a failed
 * or half-made one shows as drift.
 */
int awm_aw_schema_from_api(awm_aw_schema **out, json_t *collections, const char *shown);

/* To and from schema objects. */
int awm_aw_schema_to_awm(awm_schema **out, const awm_aw_schema *s);
int awm_aw_schema_from_awm(awm_aw_schema **out, const awm_schema *s);

const awm_aw_collection *awm_aw_schema_find(const awm_aw_schema *s, const char *id);

/* The attribute or index `key` of `c`, or NULL (borrowed). */
json_t *awm_aw_find_key(json_t *array, const char *key);

/* Compact JSON with sorted keys: the canonical text (caller frees). */
char *awm_aw_dump(const json_t *j);

/* 1 when `attr` is a relationship attribute; 2 when it is a child side. */
int awm_aw_is_relationship(const json_t *attr);

/*
 * The collection as the Appwrite CLI writes it in appwrite.json, with
 * `database` as its databaseId (a new reference).
 */
json_t *awm_aw_collection_to_cli(const awm_aw_collection *c, const char *database);

/* What a schema holds, for `awm validate`. */
typedef struct awm_aw_counts {
	size_t collections, attributes, indexes, relationships;
} awm_aw_counts;

void awm_aw_schema_count(awm_aw_counts *out, const awm_aw_schema *s);

/*
 * `awm export` (appwrite_export.c).  As the Appwrite CLI's config: an
 * appwrite.json with `project` (may be NULL), the database and its
 * collections.  As a shell script: the REST calls (with curl) that deploy
 * the schema to database `database`, waiting for attributes and indexes as
 * awm does; it reads APPWRITE_ENDPOINT, APPWRITE_PROJECT and
 * APPWRITE_API_KEY when it runs.  `title` goes into its first comment.
 */
void awm_aw_export_json(awm_buf *out, const awm_aw_schema *s, const char *project,
			const char *database);
void awm_aw_export_shell(awm_buf *out, const awm_aw_schema *s, const char *database,
			 const char *title);

#endif
