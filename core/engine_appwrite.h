/*
 * The Appwrite engine (docs/appwrite.md): an environment that is a database
 * of an Appwrite project, moved through the REST API.  engine_appwrite.c
 * opens it, keeps awm's collections (awm_state, awm_locks), reads the
 * live schema and the history, and holds the lock; engine_appwrite_step.c
 * runs steps, which Appwrite cannot make atomic: each is a pending history
 * document that records every operation as it completes.
 *
 * Besides the engine vtable, `awm relationships` calls
 * awm_appwrite_relationships() below.
 */
#ifndef AWM_ENGINE_APPWRITE_H
#define AWM_ENGINE_APPWRITE_H

#include "core/appwrite_api.h"
#include "core/appwrite_plan.h"
#include "core/engine.h"

#define AWM_APPWRITE_STATE "awm_state"
#define AWM_APPWRITE_LOCKS "awm_locks"

typedef struct aw_engine {
	awm_engine base;             /* first: an awm_engine * points here */
	awm_appwrite *a;
	awm_repo *repo;
	int has_db;                  /* the database exists */
	int has_tables;              /* awm_state and awm_locks exist */
	int64_t timeout_ms;          /* appwrite.timeout */
	int64_t renewed_ms;          /* when the step last renewed the lock */
} aw_engine;

/* 1 when `e` is an Appwrite engine. */
int awm_engine_is_appwrite(const awm_engine *e);

/* ---- internal to engine_appwrite*.c ---- */

/* "/databases/<db>/collections[/<coll>][<rest>]" */
void awm_aw_coll_path(awm_buf *out, aw_engine *e, const char *coll, const char *rest);

/* The vtable's history calls (engine_appwrite_rows.c). */
int awm_aw_history(awm_history *out, awm_engine *base);
int awm_aw_reset(size_t *removed, awm_engine *base, const awm_lock_request *held);

/* The vtable's lock calls (engine_appwrite_lock.c). */
int awm_aw_lock(awm_lock_info *holder, awm_engine *base, const awm_lock_request *req);
int awm_aw_unlock(awm_engine *base, const awm_lock_request *req);
int awm_aw_lock_read(awm_lock_info *out, awm_engine *base, const char *id);

/* The live schema, parsed. */
int awm_aw_engine_live(awm_aw_schema **out, aw_engine *e);

/* A history document: its id, sequence, status and parsed payload. */
typedef struct aw_row {
	char *doc_id;
	int64_t seq;
	char *record_id;
	char *status;
	json_t *payload;
} aw_row;

void awm_aw_row_release(aw_row *r);

/* The row whose $sequence is `seq`; AWM_ENOTFOUND when there is none. */
int awm_aw_row_load(aw_row *out, aw_engine *e, int64_t seq);

/* The newest migration row that is applied or pending; `*found` 0 when none. */
int awm_aw_row_top(aw_row *out, int *found, aw_engine *e);

/* Create a history document (`out` gets its id and sequence). */
int awm_aw_row_create(aw_row *out, aw_engine *e, const char *record_type,
		      const char *record_id, const char *status, json_t *payload);

/* Update a row's status and payload (both may be NULL: unchanged). */
int awm_aw_row_update(aw_engine *e, aw_row *row, const char *status, json_t *payload);

/*
 * The lock, inside a step: AWM_ELOCKED unless `req->owner` holds it;
 * with `renew` its expiry moves to now + ttl (a conditional write, so a
 * takeover in between is seen).  NULL `req`: nothing to check.
 */
int awm_aw_check_lock(aw_engine *e, const awm_lock_request *req, int renew);

/* Delete the lock `req->owner` holds (a conditional delete). */
int awm_aw_drop_lock(aw_engine *e, const awm_lock_request *req);

/*
 * A step's operations and its cursor over them, kept in the row's payload
 * ("ops", "progress"; engine_appwrite_step.c explains them).
 */
typedef struct awm_aw_cursor {
	json_t *ops;                 /* borrowed from the payload */
	size_t at, n;
	int up;                      /* moving up */
} awm_aw_cursor;

/* What a running cursor writes to: the engine, the row and its payload. */
typedef struct awm_aw_run {
	aw_engine *e;
	aw_row *row;
	json_t *payload;
	const awm_lock_request *lock;
} awm_aw_run;

void awm_aw_cursor_load(awm_aw_cursor *c, json_t *payload);
void awm_aw_cursor_store(json_t *payload, const awm_aw_cursor *c);

/* Move the cursor to its end, writing the row after each operation. */
int awm_aw_cursor_run(awm_aw_run *r, awm_aw_cursor *c);

/* After a failure `rc`: go back the way the cursor came; 0 when that worked. */
int awm_aw_turn_back(awm_aw_run *r, awm_aw_cursor *c, int rc);

/* AWM_EINVALID when `ops` lose data (see awm_aw_ops_lossy) and the step does not allow it. */
int awm_aw_refuse_loss(const awm_step *s, json_t *ops, int down);

/* The schema object `id` as a model (the engine's empty schema need not be stored). */
int awm_aw_read_schema(awm_aw_schema **out, awm_engine *e, awm_repo *repo, const awm_oid *id);

/* The step and the preview (engine_appwrite_step.c). */
int awm_aw_engine_step(awm_step_result *out, awm_engine *base, const awm_step *s);
int awm_aw_engine_preview(awm_buf *out, awm_engine *base, const awm_step *s,
			  const awm_schema *before);

/* ---- awm relationships ---- */

typedef struct awm_aw_rel_result {
	awm_buf plan;                /* one line per operation */
	size_t nops;
	int64_t row_id;              /* the history row written, 0 for none */
	int has_head;                /* something is applied */
	awm_oid head;                /* the applied head whose schema is the target */
} awm_aw_rel_result;

void awm_aw_rel_result_release(awm_aw_rel_result *r);

/*
 * Bring the relationship attributes of the database to those of the
 * applied head's schema, as a history row of its own (record_type
 * "relationships"), under `lock` (which the caller holds).  Only
 * relationship attributes are touched.  With `dry_run` only the plan is
 * filled.  A change that loses data is refused (AWM_EINVALID) unless
 * `allow_data_loss`.
 */
int awm_appwrite_relationships(awm_aw_rel_result *out, awm_engine *e, awm_repo *repo,
			       const awm_lock_request *lock, int dry_run, int allow_data_loss);

#endif
