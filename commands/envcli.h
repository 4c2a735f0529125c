/*
 * What the environment commands share (apply, rollback, plan, status --env,
 * history, lock, unlock, reset): finding the environment and opening its
 * database, guarding a run against SIGINT/SIGTERM, and printing plans and
 * steps the same way everywhere.
 */
#ifndef AWM_ENVCLI_H
#define AWM_ENVCLI_H

#include "commands/cli.h"
#include "core/deploy.h"
#include "core/engine.h"
#include "core/env.h"

/*
 * The environment `name` (NULL: the default one) and its database, opened
 * with `flags` (AWM_ENGINE_WRITE for commands that change it).  Returns 0
 * or an exit code, the error printed.
 */
int envcli_open(awm_cli *cli, const char *name, unsigned flags, awm_env *env,
		awm_engine **engine);

/*
 * Until envcli_unguard(), SIGINT and SIGTERM interrupt `e`'s running step
 * (which is then undone) instead of killing the process, so the run can
 * release its lock on the way out.  A second signal kills as usual.
 */
void envcli_guard(awm_engine *e);

/* Restore the signals; re-raises the one that came, if one did. */
void envcli_unguard(void);

/* "up   1a2b3c4d5e  add users" */
void envcli_step_line(awm_cli *cli, awm_buf *out, const awm_plan_step *s);

/* The step line and what it runs: the SQL, or the changeset summary. */
void envcli_step_detail(awm_cli *cli, awm_buf *out, const awm_plan_step *s);

/* "<short id> <subject>", or `none` when `has` is 0. */
void envcli_commit_label(awm_cli *cli, awm_buf *out, const awm_oid *oid, int has,
			 const char *none);

/* The drift report, or nothing when there is none. */
void envcli_drift(awm_cli *cli, awm_buf *out, const awm_deploy *d, const char *indent);

/*
 * The target of `apply`/`plan`/`status`: `rev` when given, else the env
 * ref, else HEAD.  `*what` names where it came from.  0 or an exit code.
 */
int envcli_target(awm_cli *cli, awm_oid *out, const char **what, const awm_env *env,
		  const char *rev);

/* The options shared by apply, rollback and plan, filled in from config. */
int envcli_deploy_opts(awm_cli *cli, awm_deploy_opts *o, awm_buf *owner, const awm_env *env);

/*
 * Run `o` on `e` and print: the plan for a dry run, a line per step
 * otherwise, then where the environment is.  Returns an exit code.
 */
int envcli_deploy(awm_cli *cli, const awm_env *env, awm_engine *e, awm_deploy_opts *o,
		  const char *target_what);

/*
 * apply, plan and rollback after their options: open `env_name`'s engine
 * (for writing unless a dry run), find the target (`to`; for an apply,
 * else the env ref or HEAD), fill `o` from config, and run it in `mode`.
 * Returns an exit code.
 */
int envcli_move(awm_cli *cli, const char *env_name, awm_deploy_mode mode, const char *to,
		awm_deploy_opts *o);

/* `awm status --env`: the environment's heads, pending and extra steps, drift, lock. */
int envcli_status(awm_cli *cli, const char *env_name);

#endif
