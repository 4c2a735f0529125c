/*
 * The operations that move an Appwrite database from one schema to another
 * (docs/appwrite.md, "Plans"), and how each is done through the REST API.
 *
 * An operation is a JSON object, recorded as is in the history:
 *
 *   {"op": "createAttribute", "collection": "users", "key": "email", "spec": {...}}
 *   {"op": "updateAttribute", "collection": .., "key": .., "spec": {new}, "old": {old}}
 *   {"op": "deleteAttribute", "collection": .., "key": .., "old": {...}}
 *
 * with ops createCollection, updateCollection, deleteCollection (its "old"
 * is the whole collection: settings, attributes, indexes),
 * create/update/deleteAttribute, create/deleteIndex and
 * create/update/deleteRelationship.  Every operation carries what its
 * inverse needs, so a rollback runs the recorded inverses exactly.
 */
#ifndef AWM_APPWRITE_PLAN_H
#define AWM_APPWRITE_PLAN_H

#include <jansson.h>
#include <stdint.h>

#include "core/appwrite_api.h"
#include "core/appwrite_schema.h"

/*
 * The operations from `from` to `to`, in an order Appwrite accepts:
 * relationships removed, indexes removed, attributes removed, collections
 * removed; collections created or updated, attributes created or updated,
 * indexes created, relationships created or updated.  A change Appwrite
 * cannot make in place (a new type, array or encryption, a relationship
 * of another kind) is a delete and a create.  With `relationships_only`
 * only relationship operations are listed.  A new reference.
 */
json_t *awm_aw_diff(const awm_aw_schema *from, const awm_aw_schema *to, int relationships_only);

/* The inverses of `ops[0..n)`, last first: what undoes them.  A new reference. */
json_t *awm_aw_inverse(json_t *ops, size_t n);

/*
 * 1 when `ops` lose data, with what in `why`: up (`down` 0), any deleted
 * collection, attribute or relationship; down (undoing recorded
 * operations), a delete that is followed by a create of the same thing,
 * which is how Appwrite changes what it cannot change in place.
 */
int awm_aw_ops_lossy(awm_buf *why, json_t *ops, int down);

/* One line for `plan`: "create attribute users.email (email, required)". */
void awm_aw_op_describe(awm_buf *out, json_t *op);

/* 1 for the relationship operations. */
int awm_aw_op_is_relationship(json_t *op);

/*
 * The REST calls of one operation, and the waits between them, as a JSON
 * array of steps:
 *
 *   {"call": {"method", "path", "body"}, "ok": [error types that mean done]}
 *   {"wait": "attribute"|"index"|"collection", "collection", "key",
 *    "until": "available"|"gone"}
 *
 * `path` is under /v1 and starts with /databases/<database>.  Shared by
 * the engine, which runs them, and `awm export --format shell`, which
 * writes them as curl commands.
 */
json_t *awm_aw_op_steps(json_t *op, const char *database);

/* Running operations against a database. */
typedef struct awm_aw_exec {
	awm_appwrite *a;
	int64_t timeout_ms;          /* how long a wait may take */
	volatile int *interrupted;
} awm_aw_exec;

/*
 * Run one operation, idempotently: a create that finds its object made
 * already (by an earlier attempt whose answer was lost) counts as done, a
 * delete that finds nothing too.  Waits for attributes and indexes to
 * become available (or gone); a `failed` one stops it with Appwrite's
 * error, and so does the timeout.
 */
int awm_aw_op_run(awm_aw_exec *x, json_t *op);

/* The default wait, overridden by appwrite.timeout in the config. */
#define AWM_APPWRITE_TIMEOUT_MS (120 * 1000)

#endif
