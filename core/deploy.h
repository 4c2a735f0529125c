/*
 * Moving an environment's database: `apply`, `rollback`, `plan`, and what
 * `status --env` reports (docs/environments.md).
 *
 * A run takes the environment's lock (unless it only looks), reads the
 * history, plans the path (envplan.h), refuses before touching anything a
 * step that cannot be done or a database whose schema drifted, then runs
 * the steps one by one.  The lock is released on every way out, errors
 * and interruptions included.
 */
#ifndef AWM_DEPLOY_H
#define AWM_DEPLOY_H

#include "core/drift.h"
#include "core/engine.h"
#include "core/envplan.h"

typedef enum awm_deploy_mode {
	AWM_DEPLOY_APPLY = 0,     /* to `target` (NULL: nothing is recorded yet) */
	AWM_DEPLOY_ROLLBACK,      /* back to `target`, `steps` back, or to nothing */
} awm_deploy_mode;

struct awm_deploy;

/* Called after each step that completed. */
typedef void (*awm_deploy_step_cb)(const struct awm_deploy *d, size_t i, void *payload);

typedef struct awm_deploy_opts {
	awm_deploy_mode mode;
	const awm_oid *target;    /* APPLY, ROLLBACK --to; ROLLBACK: NULL means
				   * `steps` back, or everything when `all` */
	size_t steps;
	int all;
	int dry_run;              /* plan only: no lock, nothing written */
	int accept_drift;
	int rerun_scripts;        /* run script migrations again, not their recording */
	int force;                /* take over a live lock of the same identity */
	int allow_data_loss;      /* engines that refuse steps losing data let them run */
	int64_t lock_ttl_ms;
	const char *owner;        /* awm_env_lock_owner() */
	awm_deploy_step_cb on_step;
	awm_progress_cb progress;
	void *payload;
} awm_deploy_opts;

typedef struct awm_deploy {
	awm_history history;
	awm_plan plan;
	awm_oid live_schema;      /* the schema found before any step */
	int drifted;              /* it is not plan.head_schema */
	awm_drift drift;          /* how it differs, where that is known */
	awm_lock_info lock;       /* dry runs: the lock as it is */
	char **previews;          /* per plan step, what it runs (engines with a
				   * preview, see engine.h), or NULL */
	int pending_top;          /* the applied stack ends in a half-done step */
	awm_step_result last;     /* of the step that ran last */
	size_t done;              /* steps completed */
	int released;             /* the last step dropped the lock */
} awm_deploy;

void awm_deploy_release(awm_deploy *d);

/*
 * Run `opts` on the open engine `e`.  `out` holds the history, the plan and
 * what happened, also on failure (which steps were done).  A dry run fills
 * it and changes nothing; it still returns the error a real run would meet
 * first (a refused step), after filling the plan.
 */
int awm_deploy_run(awm_deploy *out, awm_repo *repo, awm_engine *e,
		   const awm_deploy_opts *opts);

#endif
