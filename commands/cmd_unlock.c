/*
 * awm unlock: drop a lock.
 */
#include "commands/commands.h"
#include "commands/lock_env.h"

static const char usage[] =
	"usage: awm unlock [--env <env>] [--force]\n"
	"\n"
	"Drop the environment's lock when your identity (<user>@<host>, or\n"
	"$AWM_LOCK_OWNER) holds it.  Somebody else's lock is refused (exit code 3)\n"
	"unless --force.\n"
	"\n"
	"  -e, --env <env>      the environment (default: the only one, or\n"
	"                       core.defaultEnv, or $AWM_ENV)\n"
	"  -f, --force          drop it whoever holds it\n";

static int exec(awm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "env", required_argument, NULL, 'e' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *env = NULL;
	int c, force = 0;

	while ((c = cli_getopt(cli, argc, argv, "e:fh", opts)) != -1) {
		switch (c) {
		case 'e': env = optarg; break;
		case 'f': force = 1; break;
		case 'h': return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
	return lock_env_release(cli, env, force);
}

const cmd_entry cmd_unlock_entry = {
	"unlock", "drop an environment's lock", usage, NEEDS_REPO, exec,
};
