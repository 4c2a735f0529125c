/*
 * The sqlite engine's internals, shared by engine_sqlite.c (open, history,
 * locks) and engine_sqlite_step.c (steps).  Not part of the library's API:
 * everything else goes through engine.h.
 */
#ifndef AWM_ENGINE_SQLITE_H
#define AWM_ENGINE_SQLITE_H

#include <jansson.h>
#include <sqlite3.h>

#include "core/engine.h"

typedef struct sqlite_engine {
	awm_engine base;         /* first: an awm_engine * points here */
	sqlite3 *db;
	char *path;              /* what is opened */
	char *shown;             /* what messages name: the URL's path */
	int has_tables;          /* awm_state and awm_locks exist */
} sqlite_engine;

/* BEGIN IMMEDIATE, with a message naming the database when it stays busy. */
int awm_sqlite_engine_begin(sqlite_engine *e);

/* ROLLBACK if a transaction is open (SQLite may have rolled it back already). */
void awm_sqlite_engine_rollback(sqlite_engine *e);

/*
 * Inside a transaction: AWM_ELOCKED unless `req->owner` holds the lock;
 * then renew its expiry to now + ttl.
 */
int awm_sqlite_engine_check_lock(sqlite_engine *e, const awm_lock_request *req, int renew);

/* Inside a transaction: delete the lock row `req->owner` holds. */
int awm_sqlite_engine_drop_lock(sqlite_engine *e, const awm_lock_request *req);

int awm_sqlite_engine_step(awm_step_result *out, awm_engine *base, const awm_step *s);

/* engine_sqlite_adopt.c: see awm_engine_ops.adopt. */
int awm_sqlite_engine_adopt(awm_engine *base, const awm_adopt *a);

/* The live schema's id; with `keep`, the schema too (the caller frees it). */
int awm_sqlite_engine_schema_id(awm_oid *out, awm_schema **keep, sqlite_engine *e);

/*
 * Inside a transaction: a history row for `commit` with `status` and
 * `payload` (not taken), and `cs` as its captured changeset (NULL: none).
 */
int awm_sqlite_engine_insert_row(int64_t *row_id, sqlite_engine *e, const char *status,
				 const awm_oid *commit, json_t *payload, const awm_buf *cs);

#endif
