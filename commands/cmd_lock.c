/*
 * awm lock: hold a lock by hand, an environment's (lock_env.c) or a
 * remote's lease lock (lock_remote.c).  This file only parses options and
 * dispatches.
 */
#include "commands/commands.h"
#include "commands/lock_env.h"
#include "commands/lock_remote.h"
#include "core/remote_lock.h"

static const char usage[] =
	"usage: awm lock [--env <env>] [--ttl <duration>] [--force]\n"
	"       awm lock --remote <name> [--ttl <duration>] [--force] [-m <message>]\n"
	"\n"
	"Take the environment's lock, the one apply, rollback and reset take, so\n"
	"they refuse to run (exit code 3) until it expires or 'awm unlock'.  The\n"
	"lock is yours as <user>@<host> ($AWM_LOCK_OWNER overrides that): running\n"
	"'awm lock' again renews it.\n"
	"\n"
	"With --remote, take the remote's advisory lease lock instead, for teams\n"
	"that lock a remote, push last, and unlock: while you hold it, pushes from\n"
	"other clones are refused (exit code 3) and 'awm status' there says to\n"
	"wait.  It lapses after its time to live; locking again renews it.\n"
	"\n"
	"  -e, --env <env>      the environment (default: $AWM_ENV, else\n"
	"                       core.defaultEnv, else the only one)\n"
	"  --remote <name>      lock this remote instead of an environment\n"
	"  --ttl <duration>     how long: seconds, or 90s, 10m, 2h (default:\n"
	"                       env.<env>.lockTTL, lock.ttl, or 10m; for a remote\n"
	"                       30m, and 1d is accepted too)\n"
	"  -f, --force          environment: also take it over from a run of yours\n"
	"                       that holds it; remote: take it over from whoever\n"
	"                       holds it\n"
	"  -m, --message <text> remote: say why, for those who find it locked\n";

static int exec(awm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "env", required_argument, NULL, 'e' },
		{ "remote", required_argument, NULL, 'r' },
		{ "ttl", required_argument, NULL, 't' },
		{ "force", no_argument, NULL, 'f' },
		{ "message", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *env = NULL, *remote = NULL, *ttl = NULL, *message = NULL;
	int64_t seconds = AWM_LOCK_DEFAULT_TTL;
	int c, force = 0;

	while ((c = cli_getopt(cli, argc, argv, "e:fm:h", opts)) != -1) {
		switch (c) {
		case 'e': env = optarg; break;
		case 'r': remote = optarg; break;
		case 't': ttl = optarg; break;
		case 'f': force = 1; break;
		case 'm': message = optarg; break;
		case 'h': return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
	if (remote && env)
		return cli_usage_error(cli, "lock an environment (--env) or a remote (--remote), "
				       "not both");
	if (!remote) {
		if (message)
			return cli_usage_error(cli, "--message goes with --remote");
		return lock_env_take(cli, env, ttl, force);
	}
	if (ttl && cli_parse_duration(cli, "--ttl", ttl, &seconds))
		return EXIT_USAGE;
	return cli_lock_remote(cli, remote, seconds, force, message);
}

const cmd_entry cmd_lock_entry = {
	"lock", "hold an environment's lock, or a remote's lease lock", usage, NEEDS_REPO,
	exec,
};
