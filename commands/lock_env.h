/*
 * `awm lock` and `awm unlock` for environments: taking and dropping the
 * lock inside an environment's database by hand.  cmd_lock.c and
 * cmd_unlock.c only parse options and call these, so other kinds of lock
 * can sit beside them.
 */
#ifndef AWM_LOCK_ENV_H
#define AWM_LOCK_ENV_H

#include "commands/cli.h"

/* Take the lock of `env` (NULL: the default) for `ttl` (NULL: configured). */
int lock_env_take(awm_cli *cli, const char *env, const char *ttl, int force);

/* Drop it: yours (your identity), or anybody's with `force`. */
int lock_env_release(awm_cli *cli, const char *env, int force);

#endif
