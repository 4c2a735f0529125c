/*
 * awm lock: hold a lock by hand.
 */
#include "commands/commands.h"
#include "commands/lock_env.h"

static const char usage[] =
	"usage: awm lock [--env <env>] [--ttl <duration>] [--force]\n"
	"\n"
	"Take the environment's lock, the one apply, rollback and reset take, so\n"
	"they refuse to run (exit code 3) until it expires or 'awm unlock'.  The\n"
	"lock is yours as <user>@<host> ($AWM_LOCK_OWNER overrides that): running\n"
	"'awm lock' again renews it.\n"
	"\n"
	"  -e, --env <env>      the environment (default: the only one, or\n"
	"                       core.defaultEnv, or $AWM_ENV)\n"
	"  --ttl <duration>     how long: seconds, or 90s, 10m, 2h (default:\n"
	"                       env.<env>.lockTTL, lock.ttl, or 10m)\n"
	"  -f, --force          also take it over from a run of yours that holds it\n";

static int exec(awm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "env", required_argument, NULL, 'e' },
		{ "ttl", required_argument, NULL, 't' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *env = NULL, *ttl = NULL;
	int c, force = 0;

	while ((c = cli_getopt(cli, argc, argv, "e:fh", opts)) != -1) {
		switch (c) {
		case 'e': env = optarg; break;
		case 't': ttl = optarg; break;
		case 'f': force = 1; break;
		case 'h': return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
	return lock_env_take(cli, env, ttl, force);
}

const cmd_entry cmd_lock_entry = {
	"lock", "hold an environment's lock by hand", usage, NEEDS_REPO, exec,
};
