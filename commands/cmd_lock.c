/*
 * awm lock: option parsing and dispatch; the remote lease lock is in
 * lock_remote.c.
 */
#include "commands/commands.h"
#include "commands/lock_remote.h"
#include "core/remote_lock.h"

static const char usage[] =
	"usage: awm lock --remote <name> [--ttl <duration>] [--force] [-m <message>]\n"
	"\n"
	"Take the advisory lease lock on a remote, for teams that lock a remote,\n"
	"push last, and unlock.  While you hold it, pushes from other clones are\n"
	"refused (exit code 3) and 'awm status' there says to wait.  The lock\n"
	"lapses after its time to live; locking again renews it.\n"
	"\n"
	"  --remote <name>      the remote to lock\n"
	"  --ttl <duration>     how long the lock lasts: 90s, 30m, 2h, 1d (default 30m)\n"
	"  --force              take the lock over from whoever holds it\n"
	"  -m, --message <text> say why, for those who find it locked\n";

static int exec(awm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "remote", required_argument, NULL, 'r' },
		{ "ttl", required_argument, NULL, 't' },
		{ "force", no_argument, NULL, 'f' },
		{ "message", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *remote = NULL, *message = NULL;
	int64_t ttl = AWM_LOCK_DEFAULT_TTL;
	int c, force = 0;

	while ((c = cli_getopt(cli, argc, argv, "m:h", opts)) != -1) {
		switch (c) {
		case 'r': remote = optarg; break;
		case 't':
			if (cli_parse_duration(cli, "--ttl", optarg, &ttl))
				return EXIT_USAGE;
			break;
		case 'f': force = 1; break;
		case 'm': message = optarg; break;
		case 'h': return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
	if (!remote)
		return cli_usage_error(cli, "name what to lock: --remote <name>");
	return cli_lock_remote(cli, remote, ttl, force, message);
}

const cmd_entry cmd_lock_entry = {
	"lock", "take the lease lock on a remote", usage, NEEDS_REPO, exec,
};
