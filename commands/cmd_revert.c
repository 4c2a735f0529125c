/*
 * awm revert: a new commit that undoes an earlier one.
 */
#include "commands/commands.h"
#include "commands/graphops.h"
#include "core/revert.h"

#include <string.h>

static const char usage[] =
	"usage: awm revert [-m <message>] <commit>\n"
	"\n"
	"Record a new commit on the current branch that undoes <commit>: its down\n"
	"section runs as the new commit's up script, or, for a commit without one\n"
	"that changed only rows, its changeset is inverted.  A migration without a\n"
	"down section that changed the schema cannot be reverted; write one that\n"
	"undoes it.\n"
	"\n"
	"The undo is checked against what the branch changed since <commit>, as a\n"
	"rebase checks a replayed commit; when they conflict, nothing is written\n"
	"and the exit code is 4, with the same report as 'awm rebase'.\n"
	"\n"
	"  -m, --message <msg>  the new commit's message (default: Revert \"...\")\n";

static int exec(awm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "message", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	awm_revert_result res;
	const char *message = NULL;
	awm_oid rev;
	int c, rc;

	while ((c = cli_getopt(cli, argc, argv, "m:h", opts)) != -1) {
		switch (c) {
		case 'm': message = optarg; break;
		case 'h': return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error(cli, optind == argc ? "name the commit to revert" :
				       "too many arguments");
	if ((rc = cli_rev(cli, &rev, argv[optind])))
		return rc;
	rc = awm_revert(&res, cli->repo, &rev, message);
	if (rc == AWM_ECONFLICT)
		cli_print_conflicts(cli, &res.conflicts, &res.labels);
	if (rc < 0)
		rc = cli_fail(rc);
	else
		printf("Reverted %s with %s: %s%s%s\n", awm_oid_short(&rev, 10).s, res.how,
		       cli_color(cli, C_YELLOW), awm_oid_short(&res.new_head, 10).s,
		       cli_color(cli, C_RESET));
	awm_revert_result_release(&res);
	return rc;
}

const cmd_entry cmd_revert_entry = {
	"revert", "record a commit that undoes an earlier one", usage, NEEDS_REPO, exec,
};
