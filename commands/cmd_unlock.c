/*
 * awm unlock: option parsing and dispatch; the remote lease lock is in
 * lock_remote.c.
 */
#include "commands/commands.h"
#include "commands/lock_remote.h"

static const char usage[] =
	"usage: awm unlock --remote <name> [--force]\n"
	"\n"
	"Release the lease lock this clone holds on a remote.\n"
	"\n"
	"  --remote <name>      the remote to unlock\n"
	"  --force              remove the lock whoever holds it\n";

static int exec(awm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "remote", required_argument, NULL, 'r' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *remote = NULL;
	int c, force = 0;

	while ((c = cli_getopt(cli, argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'r': remote = optarg; break;
		case 'f': force = 1; break;
		case 'h': return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
	if (!remote)
		return cli_usage_error(cli, "name what to unlock: --remote <name>");
	return cli_unlock_remote(cli, remote, force);
}

const cmd_entry cmd_unlock_entry = {
	"unlock", "release the lease lock on a remote", usage, NEEDS_REPO, exec,
};
