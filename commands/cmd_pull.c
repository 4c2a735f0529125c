/*
 * awm pull: fetch, then bring the current branch up to its remote
 * counterpart.
 */
#include "commands/commands.h"
#include "commands/graphops.h"
#include "commands/xfer.h"

#include <string.h>

static const char usage[] =
	"usage: awm pull [--rebase] [-q | -v] [<remote>]\n"
	"\n"
	"Fetch from the remote (default 'origin', or the only remote), then move\n"
	"the current branch to the remote branch of the same name when that is a\n"
	"fast-forward.  When both have moved on, --rebase replays your commits on\n"
	"top of the remote's, as 'awm rebase' does; without it nothing changes and\n"
	"the exit code is 4.  A conflict stops the rebase with exit code 4 and its\n"
	"report; go on with 'awm rebase --continue', '--skip' or '--abort'.  Your\n"
	"own pushes that were interrupted or raced are settled first.\n"
	"\n"
	"The migration files themselves travel with git: pull moves awm's\n"
	"history, not the files in the migrations folder.\n"
	"\n"
	"  --rebase             replay local commits onto the remote branch\n"
	"  -q, --quiet          print nothing but errors\n"
	"  -v, --verbose        also print the requests made and bytes moved\n";

static void report(const awm_pull_report *rep, awm_remote *r)
{
	switch (rep->status) {
	case AWM_PULL_UP_TO_DATE:
		printf("Already up to date.\n");
		break;
	case AWM_PULL_AHEAD:
		printf("Already up to date; '%s' has commits to push ('awm push %s').\n",
		       rep->branch, r->name);
		break;
	case AWM_PULL_FAST_FORWARD:
		if (awm_oid_is_zero(&rep->old_oid))
			printf("Fast-forward %s to %s\n", rep->branch,
			       awm_oid_short(&rep->new_oid, 10).s);
		else
			printf("Fast-forward %s: %s..%s\n", rep->branch,
			       awm_oid_short(&rep->old_oid, 10).s,
			       awm_oid_short(&rep->new_oid, 10).s);
		break;
	case AWM_PULL_REBASED:
		printf("Rebased %s onto %s/%s (%s): %zu commit%s replayed", rep->branch, r->name,
		       rep->branch, awm_oid_short(&rep->upstream, 10).s, rep->replayed,
		       rep->replayed == 1 ? "" : "s");
		if (rep->skipped)
			printf(", %zu already there", rep->skipped);
		printf("; now at %s\n", awm_oid_short(&rep->new_oid, 10).s);
		break;
	}
}

static int exec(awm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rebase", no_argument, NULL, 'r' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	awm_pull_report rep;
	awm_remote *r = NULL;
	cli_xfer x;
	int c, rebase = 0, quiet = 0, verbose = 0, rc;
	size_t i;

	while ((c = cli_getopt(cli, argc, argv, "qvh", opts)) != -1) {
		switch (c) {
		case 'r': rebase = 1; break;
		case 'q': quiet = 1; break;
		case 'v': verbose = 1; break;
		case 'h': return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (optind + 1 < argc)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[optind + 1]);
	if ((rc = cli_open_remote(cli, &r, optind < argc ? argv[optind] : NULL)) < 0)
		return cli_fail(rc);
	cli_xfer_init(&x, cli);
	rc = awm_remote_pull(&rep, r, rebase, quiet ? NULL : cli_xfer_progress, &x);
	for (i = 0; !quiet && i < rep.settled.nnotes; i++)
		fprintf(stderr, "note: %s\n", rep.settled.notes[i]);
	if (!quiet && rep.integrated)
		report(&rep, r);
	if (verbose)
		cli_print_transfer_stats(r);
	if (rep.rebase.stopped)   /* the report, and how to go on with 'awm rebase' */
		rc = cli_rebase_outcome(cli, &rep.rebase, rc);
	else
		rc = rc < 0 ? cli_fail(rc) : EXIT_OK;
	awm_pull_report_release(&rep);
	awm_remote_free(r);
	return rc;
}

const cmd_entry cmd_pull_entry = {
	"pull", "fetch and fast-forward or rebase the current branch", usage, NEEDS_REPO, exec,
};
