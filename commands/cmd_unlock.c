/*
 * awm unlock: drop a lock, an environment's (lock_env.c) or a remote's
 * lease lock (lock_remote.c).  This file only parses options and
 * dispatches.
 */
#include "commands/commands.h"
#include "commands/lock_env.h"
#include "commands/lock_remote.h"

static const char usage[] =
	"usage: awm unlock [--env <env>] [--force]\n"
	"       awm unlock --remote <name> [--force]\n"
	"\n"
	"Drop the environment's lock when your identity (<user>@<host>, or\n"
	"$AWM_LOCK_OWNER) holds it.  Somebody else's lock is refused (exit code 3)\n"
	"unless --force.\n"
	"\n"
	"With --remote, release the lease lock this clone holds on that remote.\n"
	"\n"
	"  -e, --env <env>      the environment (default: $AWM_ENV, else\n"
	"                       core.defaultEnv, else the only one)\n"
	"  --remote <name>      unlock this remote instead of an environment\n"
	"  -f, --force          drop it whoever holds it\n";

static int exec(awm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "env", required_argument, NULL, 'e' },
		{ "remote", required_argument, NULL, 'r' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *env = NULL, *remote = NULL;
	int c, force = 0;

	while ((c = cli_getopt(cli, argc, argv, "e:fh", opts)) != -1) {
		switch (c) {
		case 'e': env = optarg; break;
		case 'r': remote = optarg; break;
		case 'f': force = 1; break;
		case 'h': return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
	if (remote && env)
		return cli_usage_error(cli, "unlock an environment (--env) or a remote "
				       "(--remote), not both");
	if (remote)
		return cli_unlock_remote(cli, remote, force);
	return lock_env_release(cli, env, force);
}

const cmd_entry cmd_unlock_entry = {
	"unlock", "drop an environment's lock, or a remote's lease lock", usage, NEEDS_REPO,
	exec,
};
