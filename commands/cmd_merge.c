/*
 * awm merge: join another line of history into the current branch.
 */
#include "commands/commands.h"
#include "commands/graphops.h"
#include "core/merge.h"
#include "core/refs.h"

#include <string.h>

static const char usage[] =
	"usage: awm merge [--no-ff] [-m <message>] <commit>\n"
	"\n"
	"Make a merge commit whose parents are HEAD and <commit>, for when two\n"
	"lines must both be kept (two long-lived release branches).  When HEAD is\n"
	"an ancestor of <commit>, the branch just moves there (a fast-forward)\n"
	"unless --no-ff is given.\n"
	"\n"
	"Environments apply a merge's history in one order: HEAD's side, then the\n"
	"merged-in commits, then the merge ('awm plan' shows it).  The merge first\n"
	"plays that order on a scratch database, checking each merged-in commit as\n"
	"a rebase would; when the sides conflict it is refused with exit code 4\n"
	"and the same report as 'awm rebase', and nothing is written.\n"
	"\n"
	"  --no-ff              make a merge commit even for a fast-forward\n"
	"  -m, --message <msg>  the merge commit's message\n";

static int exec(awm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "no-ff", no_argument, NULL, 'n' },
		{ "message", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	awm_merge_opts o;
	awm_merge_result res;
	awm_buf target = AWM_BUF_INIT, msg = AWM_BUF_INIT;
	const char *message = NULL, *branch = "HEAD";
	awm_oid rev;
	int c, no_ff = 0, rc;

	while ((c = cli_getopt(cli, argc, argv, "m:h", opts)) != -1) {
		switch (c) {
		case 'n': no_ff = 1; break;
		case 'm': message = optarg; break;
		case 'h': return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error(cli, optind == argc ? "name the commit to merge" :
				       "too many arguments");
	if ((rc = cli_rev(cli, &rev, argv[optind])))
		return rc;
	if (awm_ref_symbolic_target(&target, cli->repo, "HEAD") == 0 &&
	    !strncmp(target.ptr, "refs/heads/", 11))
		branch = target.ptr + 11;
	awm_error_clear();
	if (!message) {
		awm_buf_printf(&msg, "Merge '%s' into %s", argv[optind], branch);
		message = msg.ptr;
	}
	memset(&o, 0, sizeof(o));
	o.rev = &rev;
	o.message = message;
	o.no_ff = no_ff;
	o.their_label = branch;
	o.our_label = argv[optind];
	rc = awm_merge(&res, cli->repo, &o);
	if (rc == AWM_ECONFLICT)
		cli_print_conflicts(cli, &res.conflicts, &res.labels);
	if (rc < 0) {
		rc = cli_fail(rc);
	} else if (res.up_to_date) {
		printf("Already up to date.\n");
	} else if (res.fast_forward) {
		printf("Fast-forward %s: %s..%s\n", branch, awm_oid_short(&res.old_head, 10).s,
		       awm_oid_short(&res.new_head, 10).s);
	} else {
		printf("Merged '%s' into %s (%zu commit%s): %s%s%s\n", argv[optind], branch,
		       res.merged, res.merged == 1 ? "" : "s", cli_color(cli, C_YELLOW),
		       awm_oid_short(&res.new_head, 10).s, cli_color(cli, C_RESET));
	}
	awm_merge_result_release(&res);
	awm_buf_release(&target);
	awm_buf_release(&msg);
	return rc;
}

const cmd_entry cmd_merge_entry = {
	"merge", "join another line of history with a merge commit", usage, NEEDS_REPO, exec,
};
