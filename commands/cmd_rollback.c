/*
 * awm rollback: move an environment's database back.
 */
#include "commands/commands.h"
#include "commands/envcli.h"

static const char usage[] =
	"usage: awm rollback [--env <env>] [--to <revision> | --steps <n> | --all]\n"
	"                    [--dry-run] [--accept-drift] [--force] [--allow-data-loss]\n"
	"\n"
	"Roll the environment's database back, by default one step.  Each step\n"
	"runs the commit's down section or, when it has none, applies the inverse\n"
	"of the changeset its up step made on this database, so data changes are\n"
	"undone too.  A SQL migration without a down section that changed the\n"
	"schema cannot be rolled back that way: the whole rollback is refused\n"
	"before anything is touched.  History rows are kept, marked rolled_back.\n"
	"An Appwrite step is undone by the inverses of the operations it recorded.\n"
	"\n"
	"  -e, --env <env>      the environment (default: $AWM_ENV, else\n"
	"                       core.defaultEnv, else the only one)\n"
	"  --to <revision>      back to this applied commit\n"
	"  --steps <n>          back to the commit applied n steps before the head\n"
	"  --all                back to the empty database\n"
	"  -n, --dry-run        print the plan and change nothing\n"
	"  --accept-drift       go on when the schema is not the recorded one\n"
	"  -f, --force          take over a lock held by your own identity that has\n"
	"                       not expired yet\n"
	"  --allow-data-loss    Appwrite: let a step delete and create again what it\n"
	"                       changed in a way Appwrite cannot undo in place\n"
	"\n"
	"Exit codes: 0 done, 1 error, 2 bad usage, 3 locked by another run.\n";

static int exec(awm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "env", required_argument, NULL, 'e' },
		{ "to", required_argument, NULL, 't' },
		{ "steps", required_argument, NULL, 's' },
		{ "all", no_argument, NULL, 'A' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "accept-drift", no_argument, NULL, 'a' },
		{ "force", no_argument, NULL, 'f' },
		{ "allow-data-loss", no_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *env_name = NULL, *to = NULL;
	awm_deploy_opts o = { 0 };
	long steps = -1;
	int c, rc;

	while ((c = cli_getopt(cli, argc, argv, "e:nfh", opts)) != -1) {
		switch (c) {
		case 'e': env_name = optarg; break;
		case 't': to = optarg; break;
		case 's':
			if ((rc = cli_parse_count(cli, "--steps", optarg, &steps)))
				return rc;
			break;
		case 'A': o.all = 1; break;
		case 'n': o.dry_run = 1; break;
		case 'a': o.accept_drift = 1; break;
		case 'f': o.force = 1; break;
		case 'L': o.allow_data_loss = 1; break;
		case 'h': return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
	if ((to != NULL) + (steps >= 0) + o.all > 1)
		return cli_usage_error(cli, "--to, --steps and --all do not go together");
	if (steps == 0)
		return cli_usage_error(cli, "--steps needs at least 1");
	o.steps = steps > 0 ? (size_t)steps : 1;
	return envcli_move(cli, env_name, AWM_DEPLOY_ROLLBACK, to, &o);
}

const cmd_entry cmd_rollback_entry = {
	"rollback", "move an environment's database back", usage, NEEDS_REPO, exec,
};
