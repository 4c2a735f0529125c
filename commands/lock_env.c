/*
 * Environment locks by hand (see lock_env.h).
 *
 * A person holds a lock as an identity (user@host, or $AWM_LOCK_OWNER),
 * not as a process: the `awm lock` process is gone a moment later.  So the
 * lock is recorded with its pid for the record, and the same identity may
 * renew it or unlock it.
 */
#include "commands/lock_env.h"
#include "commands/envcli.h"

int lock_env_take(awm_cli *cli, const char *env_name, const char *ttl, int force)
{
	awm_lock_request req = { AWM_ENV_LOCK_ID, NULL, 0, force, 1 };
	awm_lock_info holder = { 0, 0, NULL, NULL, NULL, NULL };
	awm_buf owner = AWM_BUF_INIT;
	awm_engine *e = NULL;
	awm_env env = { NULL, NULL };
	int rc;

	if ((rc = envcli_open(cli, env_name, AWM_ENGINE_WRITE, &env, &e)))
		return rc;
	rc = ttl ? awm_env_parse_duration(&req.ttl_ms, ttl)
		 : awm_env_lock_ttl(&req.ttl_ms, cli->repo, env.name);
	if (rc < 0) {
		rc = ttl ? cli_usage_error(cli, "--ttl: %s", awm_error_last()) : cli_fail(rc);
		goto done;
	}
	awm_env_lock_owner(&owner);
	req.owner = owner.ptr;
	if ((rc = awm_engine_lock(&holder, e, &req)) < 0) {
		rc = cli_fail(rc);
		goto done;
	}
	printf("locked '%s' as %s until %s\n", env.name, holder.owner, holder.expires_at);
	rc = EXIT_OK;
done:
	awm_lock_info_release(&holder);
	awm_buf_release(&owner);
	awm_engine_free(e);
	awm_env_release(&env);
	return rc;
}

int lock_env_release(awm_cli *cli, const char *env_name, int force)
{
	awm_lock_request req = { AWM_ENV_LOCK_ID, NULL, 0, force, 1 };
	awm_lock_info cur = { 0, 0, NULL, NULL, NULL, NULL };
	awm_buf owner = AWM_BUF_INIT;
	awm_engine *e = NULL;
	awm_env env = { NULL, NULL };
	int rc;

	if ((rc = envcli_open(cli, env_name, 0, &env, &e)))
		return rc;
	awm_env_lock_owner(&owner);
	req.owner = owner.ptr;
	if ((rc = awm_engine_lock_read(&cur, e, AWM_ENV_LOCK_ID)) < 0 ||
	    (rc = awm_engine_unlock(e, &req)) < 0) {
		rc = cli_fail(rc);
		goto done;
	}
	if (cur.held)
		printf("unlocked '%s' (it was held by %s)\n", env.name, cur.owner);
	else
		printf("'%s' was not locked\n", env.name);
	rc = EXIT_OK;
done:
	awm_lock_info_release(&cur);
	awm_buf_release(&owner);
	awm_engine_free(e);
	awm_env_release(&env);
	return rc;
}
