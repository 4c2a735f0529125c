/*
 * awm reset: wipe an environment's history.
 */
#include "commands/commands.h"
#include "commands/envcli.h"

static const char usage[] =
	"usage: awm reset [--env <env>] --yes [--force]\n"
	"\n"
	"Delete every row of the environment's awm_state table, under its lock.\n"
	"The tables stay, and so do the schema and the data of the database:\n"
	"afterwards awm believes nothing is applied to it.\n"
	"\n"
	"  -e, --env <env>      the environment (default: $AWM_ENV, else\n"
	"                       core.defaultEnv, else the only one)\n"
	"  -y, --yes            really do it (required)\n"
	"  -f, --force          take over a lock held by your own identity\n";

static int exec(awm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "env", required_argument, NULL, 'e' },
		{ "yes", no_argument, NULL, 'y' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	awm_lock_request req = { AWM_ENV_LOCK_ID, NULL, 0, 0, 0 };
	awm_lock_info holder = { 0, 0, NULL, NULL, NULL, NULL };
	const char *env_name = NULL;
	awm_buf owner = AWM_BUF_INIT;
	awm_engine *e = NULL;
	awm_env env = { NULL, NULL };
	size_t removed = 0;
	int c, yes = 0, rc, urc;

	while ((c = cli_getopt(cli, argc, argv, "e:yfh", opts)) != -1) {
		switch (c) {
		case 'e': env_name = optarg; break;
		case 'y': yes = 1; break;
		case 'f': req.force = 1; break;
		case 'h': return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
	if (!yes)
		return cli_usage_error(cli, "reset deletes the environment's whole history; "
				       "run it again with --yes if you mean it");
	if ((rc = envcli_open(cli, env_name, AWM_ENGINE_WRITE, &env, &e)))
		return rc;
	if ((rc = awm_env_lock_ttl(&req.ttl_ms, cli->repo, env.name)) < 0) {
		rc = cli_fail(rc);
		goto done;
	}
	awm_env_lock_owner(&owner);
	req.owner = owner.ptr;
	if ((rc = awm_engine_lock(&holder, e, &req)) < 0) {
		rc = cli_fail(rc);
		goto done;
	}
	rc = awm_engine_reset(&removed, e, &req);
	if ((urc = awm_engine_unlock(e, &req)) < 0 && rc == 0)
		rc = urc;
	if (rc < 0) {
		rc = cli_fail(rc);
		goto done;
	}
	printf("removed %zu history row%s from '%s'\n", removed, removed == 1 ? "" : "s",
	       env.name);
	rc = EXIT_OK;
done:
	awm_lock_info_release(&holder);
	awm_buf_release(&owner);
	awm_engine_free(e);
	awm_env_release(&env);
	return rc;
}

const cmd_entry cmd_reset_entry = {
	"reset", "wipe an environment's history rows", usage, NEEDS_REPO, exec,
};
