/*
 * awm cherry-pick: replay one commit onto the current branch.
 */
#include "commands/commands.h"
#include "commands/graphops.h"

#include <string.h>

static const char usage[] =
	"usage: awm cherry-pick [--strategy ours|theirs] <commit>\n"
	"       awm cherry-pick --continue [--strategy ours|theirs]\n"
	"       awm cherry-pick --skip\n"
	"       awm cherry-pick --abort\n"
	"\n"
	"Replay <commit> on top of HEAD, as a rebase replays each of its commits:\n"
	"checked against what HEAD changed since the commit's parent, then run\n"
	"again on a scratch database at HEAD.  The new commit keeps its author,\n"
	"message, scripts and migration file.  A conflict stops it with exit code\n"
	"4 and the same report as 'awm rebase'.\n"
	"\n"
	"  --strategy <s>       settle data conflicts: 'ours' keeps the picked\n"
	"                       commit's values, 'theirs' HEAD's\n"
	"  --continue           go on after a stop (after editing the migration file)\n"
	"  --skip               drop the commit\n"
	"  --abort              go back to where it started\n";

static int exec(awm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "strategy", required_argument, NULL, 's' },
		{ "continue", no_argument, NULL, 'c' },
		{ "skip", no_argument, NULL, 'k' },
		{ "abort", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	awm_rebase_opts o;
	awm_rebase_result res;
	awm_strategy strategy = AWM_STRATEGY_NONE;
	awm_oid pick;
	int c, action = 0, rc;

	while ((c = cli_getopt(cli, argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 's':
			if ((rc = cli_parse_strategy(cli, optarg, &strategy)))
				return rc;
			break;
		case 'c': case 'k': case 'a':
			if (action && action != c)
				return cli_usage_error(cli, "--continue, --skip and --abort go alone");
			action = c;
			break;
		case 'h': return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (action) {
		if (optind < argc)
			return cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
		return cli_rebase_action(cli, "cherry-pick", action, strategy);
	}
	if (optind + 1 != argc)
		return cli_usage_error(cli, optind == argc ? "name the commit to cherry-pick"
				       : "too many arguments");
	if ((rc = cli_rev(cli, &pick, argv[optind])))
		return rc;
	memset(&o, 0, sizeof(o));
	o.pick = &pick;
	o.strategy = strategy;
	memset(&res, 0, sizeof(res));
	rc = awm_rebase_start(&res, cli->repo, &o);
	rc = cli_rebase_outcome(cli, &res, rc);
	awm_rebase_result_release(&res);
	return rc;
}

const cmd_entry cmd_cherry_pick_entry = {
	"cherry-pick", "replay one commit onto the current branch", usage, NEEDS_REPO, exec,
};
