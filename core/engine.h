/*
 * Engines: what moves one environment's database along the history
 * (docs/engine.md).
 *
 * An engine is a small vtable, like git's ref storage backends.  `sqlite`
 * is the first implementation (core/engine_sqlite.c); an Appwrite engine
 * is meant to fit the same interface unchanged.  The interface therefore
 * assumes nothing SQLite gives for free:
 *
 *   - No transactions.  An engine that has them (AWM_ENGINE_ATOMIC) runs a
 *     step and its history row as one transaction, so a step happened
 *     completely or not at all.  One that has not records the step as a
 *     `pending` history row before its first remote operation and its
 *     progress in that row's payload after each one (docs/engine.md,
 *     "Steps that can stop half-way").  A step that fails or is killed
 *     half-way leaves that row; the planner then puts it first, as a step
 *     with `resume` set, to be finished (up) or undone (down).
 *   - Any schema format.  Snapshots are awm_schema objects whose entries
 *     carry the engine's own canonical text (normalised SQL for sqlite,
 *     canonical JSON for Appwrite), so drift is still an id comparison.
 *   - Calls that fail midway.  Every operation returns an awm error; the
 *     caller never assumes a failed step left nothing behind unless the
 *     engine is atomic, and reads the history again instead.
 *
 * The history lives in the target database (`awm_state`, docs/environments.md),
 * and so does the lock (`awm_locks`), so both work for everyone who can
 * reach the database, whichever machine or clone they run from.
 *
 * Ownership: what an engine returns through `out` belongs to the caller and
 * is freed with the matching _release/_free below.  The engine keeps no
 * pointer into what the caller passes.
 */
#ifndef AWM_ENGINE_H
#define AWM_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/drift.h"
#include "core/repo.h"
#include "core/scratch.h"
#include "objects/commit.h"
#include "objects/schema.h"

typedef enum awm_direction {
	AWM_DIR_UP = 0,
	AWM_DIR_DOWN,
} awm_direction;

/* The status column of a history row. */
typedef enum awm_row_status {
	AWM_ROW_APPLIED = 0,     /* the commit is applied */
	AWM_ROW_ROLLED_BACK,     /* it was, and was rolled back */
	AWM_ROW_FAILED,          /* a step of it failed and was undone */
	AWM_ROW_PENDING,         /* a step stopped half-way (non-atomic engines only) */
} awm_row_status;

const char *awm_row_status_name(awm_row_status s);
/* -1 for an unknown name. */
int awm_row_status_parse(const char *name);

/* One row of the history table, oldest first in an awm_history. */
typedef struct awm_history_row {
	int64_t id;              /* increasing; never reused */
	char *record_type;       /* "migration" */
	char *record_id;         /* the commit id, in hex */
	awm_oid commit;          /* record_id parsed; zero when it is not an id */
	awm_row_status status;
	char *created_at;        /* ISO 8601 UTC with milliseconds */
	char *updated_at;
	char *payload;           /* JSON text (docs/environments.md) */
	int has_capture;         /* the row holds the changeset its up step made */
} awm_history_row;

typedef struct awm_history {
	awm_history_row *rows;
	size_t nr, alloc;
} awm_history;

void awm_history_release(awm_history *h);

/* A lock row, as read. */
typedef struct awm_lock_info {
	int held;                /* 0: no row, every other field NULL */
	int expired;             /* its expiry is in the past */
	char *id;                /* "schema-<task>" */
	char *owner;             /* "<user>@<host>:<pid>" */
	char *acquired_at, *expires_at;
} awm_lock_info;

void awm_lock_info_release(awm_lock_info *l);

/* What a caller asks of the lock. */
typedef struct awm_lock_request {
	const char *id;          /* "schema-migrate" for apply, rollback, reset */
	const char *owner;       /* "<identity>:<pid>" (awm_env_lock_owner) */
	int64_t ttl_ms;          /* how long a taken lock lasts without renewal */
	int force;               /* lock: also take over a live lock of the same
				  * identity; unlock: remove anybody's */
	int same_identity;       /* a person, not a run: the identity (the owner
				  * without ":<pid>") is who they are */
} awm_lock_request;

/*
 * One step: a commit applied up or rolled back down, with its history row.
 *
 * The engine checks, inside the step, that the run still holds `lock`
 * (AWM_ELOCKED if somebody took it over) and that the applied head is
 * still `head_before` (AWM_ECONFLICT if the database moved), and renews
 * the lock's expiry.  After the work, when `expect_schema` is set, the live
 * schema must have that id; otherwise the step is drift: it is undone
 * (atomic engines) and fails, unless `accept_drift`.
 *
 * With `release_lock` the lock is dropped as part of the step, when it
 * succeeds; a failing step leaves it held, for the caller to release.
 *
 * A failing step is undone where the engine can, gets a `failed` history
 * row naming the error, and returns the error.  Interrupted steps
 * (awm_engine_interrupt) and lost locks get no row: the run stopped, the
 * migration did not fail.
 */
typedef struct awm_step {
	awm_direction dir;
	awm_repo *repo;              /* the commit's objects are read from here */
	const awm_commit *commit;
	int64_t row_id;              /* DOWN: the row rolled back; UP: 0 */
	int resume;                  /* finish (UP) or undo (DOWN) the pending row_id */
	awm_undo undo;               /* DOWN: how (see awm_replay_undo_method) */
	awm_oid head_before;         /* zero: nothing applied */
	const awm_oid *expect_schema;  /* NULL: not checked (a state no commit describes) */
	int accept_drift;
	const awm_lock_request *lock;
	int release_lock;            /* the run's last step: drop `lock` with it, so a
				      * run that ends well writes once less */
	const char *subject;         /* for the payload */
	unsigned replay_flags;       /* UP: AWM_REPLAY_* (scratch.h), e.g. rerun scripts */
	int allow_data_loss;         /* engines that can refuse a step for losing data
				      * (Appwrite's delete-and-recreate) let it run */
	const char *row_payload;     /* DOWN or resumed: the payload of `row_id` as the
				      * plan read it (for preview; steps read it again) */
} awm_step;

typedef struct awm_step_result {
	int64_t row_id;              /* the history row written or updated */
	awm_oid schema;              /* the live schema's id afterwards */
	awm_drift drift;             /* set when the schema did not match */
} awm_step_result;

void awm_step_result_release(awm_step_result *r);

/*
 * Adopting a database that another tool migrated (awm import): `commits`
 * are recorded as applied without being run, so that `apply` goes on from
 * the last of them.  They must be the canonical order of that commit's
 * history (envplan.h), oldest first, which is what the applied stack of a
 * database moved there by awm would be.
 */
typedef struct awm_adopt {
	awm_repo *repo;                  /* the commits' parents are read from here */
	const awm_commit *const *commits;
	size_t nr;                       /* 0: nothing applied (the tables still go) */
	const char *note;                /* why, kept in every row: "import: sqlx ..." */
	const char *const *drop_tables;  /* the other tool's bookkeeping, which stops
					  * being true once awm applies more: dropped
					  * with the adoption; NULL-terminated, or NULL */
	const awm_lock_request *lock;    /* held by the caller */
	int release_lock;                /* drop it with the adoption when that succeeds */
} awm_adopt;

typedef struct awm_engine awm_engine;

/* Capabilities. */
#define AWM_ENGINE_ATOMIC 1u     /* a step and its row are one transaction */

/* Open flags. */
#define AWM_ENGINE_WRITE 1u      /* create the database and awm's tables if missing */

typedef struct awm_engine_ops {
	const char *scheme;          /* the URL scheme: "sqlite" */
	const char *schema_engine;   /* the engine name in schemas and commits */
	unsigned caps;

	/*
	 * Open the database at `location` (the URL without "<scheme>:").
	 * Without AWM_ENGINE_WRITE nothing is created or written: a missing
	 * database reads as empty, with no history.
	 */
	int (*open)(awm_engine **out, awm_repo *repo, const char *location, unsigned flags);
	void (*close)(awm_engine *e);

	/* The live schema, in canonical form, without awm's own tables. */
	int (*snapshot)(awm_schema **out, awm_engine *e);

	/* Every history row, oldest first. */
	int (*history)(awm_history *out, awm_engine *e);

	/* Run one step with its history row (see awm_step). */
	int (*step)(awm_step_result *out, awm_engine *e, const awm_step *step);

	/*
	 * Take the lock `req->id` for `req->owner` until now + ttl.  One
	 * atomic operation decides between racing takers.  It is taken when
	 * free, expired, already `req->owner`'s, or, with `req->force` or
	 * `req->same_identity`, held by the same identity (the owner without
	 * ":<pid>").  Otherwise AWM_ELOCKED, with the holder in `holder` and
	 * nothing changed; `holder` describes the lock on success.
	 */
	int (*lock)(awm_lock_info *holder, awm_engine *e, const awm_lock_request *req);

	/*
	 * Drop the lock if `req->owner` holds it, or with `req->same_identity`
	 * if its identity does, or whoever holds it with `req->force`.
	 * AWM_ELOCKED when held by someone else; 0 when there was none.
	 */
	int (*unlock)(awm_engine *e, const awm_lock_request *req);

	/* Read a lock without taking it; `out->held` 0 when free. */
	int (*lock_read)(awm_lock_info *out, awm_engine *e, const char *id);

	/*
	 * Record `a->commits` as applied without running them (awm_adopt), as
	 * one step: check that the caller holds `a->lock`; refuse a database
	 * with any history row (AWM_EEXISTS); drop `a->drop_tables` that
	 * exist; require the live schema to be then the last commit's (the
	 * empty schema when there is none; AWM_EINVALID listing the drift);
	 * write one `applied` row per commit.  On failure nothing is changed.
	 * NULL when the engine cannot; the database must be open for writing.
	 */
	int (*adopt)(awm_engine *e, const awm_adopt *a);

	/* Delete every history row, keeping the tables; `held` is checked. */
	int (*reset)(size_t *removed, awm_engine *e, const awm_lock_request *held);

	/*
	 * Make the running step stop soon and fail as interrupted.  Must be
	 * async-signal-safe: it is called from SIGINT/SIGTERM handlers.
	 */
	void (*interrupt)(awm_engine *e);

	/*
	 * Optional, for engines whose steps are lists of operations (Appwrite;
	 * NULL for sqlite, whose steps are scripts): the operations `step`
	 * would run, one line each into `out`, from the schema `before` that
	 * the database has when the step starts.  Nothing is written.
	 * AWM_EINVALID, naming the operation, when the step would lose data
	 * and `step->allow_data_loss` is not set (the lines are still filled).
	 */
	int (*preview)(awm_buf *out, awm_engine *e, const awm_step *step,
		       const awm_schema *before);

	/* Optional: check a URL of this scheme more closely than its prefix. */
	int (*check_url)(const char *url);
} awm_engine_ops;

/* The part every engine's handle starts with. */
struct awm_engine {
	const awm_engine_ops *ops;
	char *url;
	unsigned flags;
	volatile int interrupted;    /* set by awm_engine_interrupt */
};

extern const awm_engine_ops awm_engine_sqlite;
extern const awm_engine_ops awm_engine_appwrite;       /* appwrite:// (https) */
extern const awm_engine_ops awm_engine_appwrite_http;  /* appwrite+http:// (tests) */

/*
 * Open the database an environment URL names: "sqlite:db/dev.db" (relative
 * to the project root), "sqlite:/abs/path.db" or "sqlite:///abs/path.db";
 * "appwrite://<host>[:port]/<projectId>/<databaseId>".
 * AWM_EINVALID for an unknown scheme, naming the known ones.
 */
int awm_engine_open(awm_engine **out, awm_repo *repo, const char *url, unsigned flags);
void awm_engine_free(awm_engine *e);

/* 0 when `url` names a known engine; AWM_EINVALID with a message otherwise. */
int awm_engine_check_url(const char *url);

int awm_engine_snapshot(awm_schema **out, awm_engine *e);
int awm_engine_history(awm_history *out, awm_engine *e);
int awm_engine_step(awm_step_result *out, awm_engine *e, const awm_step *step);
int awm_engine_lock(awm_lock_info *holder, awm_engine *e, const awm_lock_request *req);
int awm_engine_unlock(awm_engine *e, const awm_lock_request *req);
int awm_engine_lock_read(awm_lock_info *out, awm_engine *e, const char *id);
int awm_engine_reset(size_t *removed, awm_engine *e, const awm_lock_request *held);
int awm_engine_adopt(awm_engine *e, const awm_adopt *a);
void awm_engine_interrupt(awm_engine *e);

/* 1 when the engine lists a step's operations (see `preview`). */
int awm_engine_has_preview(const awm_engine *e);
int awm_engine_preview(awm_buf *out, awm_engine *e, const awm_step *step,
		       const awm_schema *before);

/* The id of the empty schema of the engine (a fresh database). */
void awm_engine_empty_schema(awm_oid *out, const awm_engine *e);

/* Wall-clock milliseconds, and their ISO 8601 UTC form "2026-11-22T10:00:00.123Z". */
int64_t awm_engine_now_ms(void);
void awm_engine_format_time(awm_buf *out, int64_t ms);

/* 1 when `a` and `b` name the same identity (owners without ":<pid>"). */
int awm_engine_same_identity(const char *a, const char *b);

#endif
