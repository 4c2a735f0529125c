/*
 * awm rebase: replay the current branch's commits onto another base.
 */
#include "commands/commands.h"
#include "commands/graphops.h"

#include <string.h>

static const char usage[] =
	"usage: awm rebase [--strategy ours|theirs] [--onto <newbase>] <upstream>\n"
	"       awm rebase --continue [--strategy ours|theirs]\n"
	"       awm rebase --skip\n"
	"       awm rebase --abort\n"
	"\n"
	"Replay the commits of the current branch that <upstream> lacks onto it (or\n"
	"onto <newbase>), oldest first.  Each one is checked against what the other\n"
	"side changed and run again on a scratch database at its new base: its up\n"
	"script runs, its schema and data changes are recomputed.  The new commits\n"
	"keep author, message and scripts; the old ones stay in the reflog.\n"
	"\n"
	"A conflict stops the rebase with exit code 4 and a report: schema\n"
	"conflicts (the script fails on the new base, or both sides change the\n"
	"same table, column, index, trigger or view) and data conflicts (rows both\n"
	"sides changed: table, key, column, base value, upstream's and ours).\n"
	"Nothing moves until the rebase finishes.\n"
	"\n"
	"  --onto <newbase>     replay onto <newbase> instead of <upstream>\n"
	"  --strategy <s>       settle data conflicts without stopping: 'ours' keeps\n"
	"                       the replayed commit's values, 'theirs' upstream's\n"
	"  --continue           go on after a stop: the stopped commit is replayed\n"
	"                       again, from its migration file if you edited it\n"
	"  --skip               drop the stopped commit and go on\n"
	"  --abort              go back to where the rebase started\n";

static int exec(awm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "onto", required_argument, NULL, 'o' },
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
	awm_oid upstream, onto;
	const char *onto_arg = NULL;
	int c, action = 0, rc;

	while ((c = cli_getopt(cli, argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'o': onto_arg = optarg; break;
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
		if (optind < argc || onto_arg)
			return cli_usage_error(cli, "--%s takes no revision",
					       action == 'c' ? "continue" : action == 'k' ? "skip" :
					       "abort");
		return cli_rebase_action(cli, "rebase", action, strategy);
	}
	if (optind + 1 != argc)
		return cli_usage_error(cli, optind == argc ? "name the upstream to rebase onto"
				       : "too many arguments");
	if ((rc = cli_rev(cli, &upstream, argv[optind])) ||
	    (onto_arg && (rc = cli_rev(cli, &onto, onto_arg))))
		return rc;
	memset(&o, 0, sizeof(o));
	o.upstream = &upstream;
	o.onto = onto_arg ? &onto : NULL;
	o.strategy = strategy;
	o.progress = cli->progress ? cli_progress : NULL;
	o.payload = cli;
	memset(&res, 0, sizeof(res));
	rc = awm_rebase_start(&res, cli->repo, &o);
	rc = cli_rebase_outcome(cli, &res, rc);
	awm_rebase_result_release(&res);
	return rc;
}

const cmd_entry cmd_rebase_entry = {
	"rebase", "replay the current branch onto another base", usage, NEEDS_REPO, exec,
};
