/*
 * awm apply: move an environment's database to a commit.
 */
#include "commands/commands.h"
#include "commands/envcli.h"

static const char usage[] =
	"usage: awm apply [--env <env>] [--to <revision>] [--dry-run] [--accept-drift]\n"
	"                 [--force] [--rerun-scripts] [--allow-data-loss]\n"
	"\n"
	"Move the environment's database from its applied head (what its awm_state\n"
	"table says is applied) to the target: --to, else the environment's ref\n"
	"(refs/envs/<env>), else HEAD.  When the applied head is not an ancestor of\n"
	"the target, it first rolls back to where the two histories meet, then\n"
	"applies along the target's history.  Each migration runs in its own\n"
	"transaction with its history row; a failing one is undone, recorded as\n"
	"failed, and stops the run.  After each step the schema must be the one\n"
	"the commit recorded; any other schema is drift and stops the run.\n"
	"\n"
	"  -e, --env <env>      the environment (default: $AWM_ENV, else\n"
	"                       core.defaultEnv, else the only one)\n"
	"  --to <revision>      the commit to move to\n"
	"  -n, --dry-run        print the plan and change nothing (awm plan)\n"
	"  --accept-drift       go on when the schema is not the recorded one\n"
	"  -f, --force          take over a lock held by your own identity that has\n"
	"                       not expired yet (a run of yours that died)\n"
	"  --rerun-scripts      run script migrations again instead of replaying the\n"
	"                       changes they made when they were recorded\n"
	"  --allow-data-loss    Appwrite: let steps delete collections, attributes or\n"
	"                       relationships, or delete and create them again to\n"
	"                       change what Appwrite cannot change in place\n"
	"\n"
	"Exit codes: 0 done, 1 error (a failing migration, drift), 2 bad usage,\n"
	"3 the database is locked by another run.\n";

static int exec(awm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "env", required_argument, NULL, 'e' },
		{ "to", required_argument, NULL, 't' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "accept-drift", no_argument, NULL, 'a' },
		{ "force", no_argument, NULL, 'f' },
		{ "rerun-scripts", no_argument, NULL, 'R' },
		{ "allow-data-loss", no_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *env_name = NULL, *to = NULL;
	awm_deploy_opts o = { 0 };
	int c;

	while ((c = cli_getopt(cli, argc, argv, "e:nfh", opts)) != -1) {
		switch (c) {
		case 'e': env_name = optarg; break;
		case 't': to = optarg; break;
		case 'n': o.dry_run = 1; break;
		case 'a': o.accept_drift = 1; break;
		case 'f': o.force = 1; break;
		case 'R': o.rerun_scripts = 1; break;
		case 'L': o.allow_data_loss = 1; break;
		case 'h': return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
	return envcli_move(cli, env_name, AWM_DEPLOY_APPLY, to, &o);
}

const cmd_entry cmd_apply_entry = {
	"apply", "move an environment's database to a commit", usage, NEEDS_REPO, exec,
};
