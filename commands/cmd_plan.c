/*
 * awm plan: what `awm apply` would do, changing nothing.
 */
#include "commands/commands.h"
#include "commands/envcli.h"

static const char usage[] =
	"usage: awm plan [--env <env>] [--to <revision>] [--allow-data-loss]\n"
	"\n"
	"Print the exact steps 'awm apply' would take (it is 'awm apply --dry-run'):\n"
	"for each, the direction, the commit, and the SQL it runs or the changeset\n"
	"it applies or inverts (for Appwrite, the operations it makes).  Reports drift and steps that cannot be rolled\n"
	"back.  Takes no lock and changes nothing, not even creating the database.\n"
	"\n"
	"  -e, --env <env>      the environment (default: $AWM_ENV, else\n"
	"                       core.defaultEnv, else the only one)\n"
	"  --to <revision>      the target (default: the environment's ref, else HEAD)\n"
	"  --allow-data-loss    Appwrite: plan as 'apply --allow-data-loss' would run\n"
	"\n"
	"Exit codes: 0 the plan can run, 1 it would be refused (drift, a step\n"
	"that cannot be rolled back), 2 bad usage.\n";

static int exec(awm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "env", required_argument, NULL, 'e' },
		{ "to", required_argument, NULL, 't' },
		{ "allow-data-loss", no_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *env_name = NULL, *to = NULL;
	awm_deploy_opts o = { 0 };
	int c;

	while ((c = cli_getopt(cli, argc, argv, "e:h", opts)) != -1) {
		switch (c) {
		case 'e': env_name = optarg; break;
		case 't': to = optarg; break;
		case 'L': o.allow_data_loss = 1; break;
		case 'h': return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
	o.dry_run = 1;
	return envcli_move(cli, env_name, AWM_DEPLOY_APPLY, to, &o);
}

const cmd_entry cmd_plan_entry = {
	"plan", "show what apply would do, changing nothing", usage, NEEDS_REPO, exec,
};
