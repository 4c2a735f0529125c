/*
 * awm gc: pack objects and refs, rebuild the commit-graph.
 */
#include "commands/commands.h"
#include "core/gc.h"

static const char usage[] =
	"usage: awm gc [-q]\n"
	"\n"
	"Pack every object into one pack and remove the loose files and old packs\n"
	"it replaces, pack the refs, and rebuild the commit-graph index.  Every\n"
	"object is verified on the way; a damaged one stops gc before anything is\n"
	"removed.  Safe to interrupt at any point.\n"
	"\n"
	"  -q, --quiet          print nothing on success\n";

static int exec(awm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	awm_gc_stats st;
	int c, quiet = 0, rc;

	while ((c = cli_getopt(cli, argc, argv, "qh", opts)) != -1) {
		switch (c) {
		case 'q': quiet = 1; break;
		case 'h': return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
	if ((rc = awm_gc(&st, cli->repo, cli_progress, cli)) < 0)
		return cli_fail(rc);
	if (!quiet)
		printf("packed %zu objects; removed %zu loose objects and %zu old packs; "
		       "packed %zu refs; commit-graph holds %zu commits\n",
		       st.repack.objects, st.repack.loose_removed, st.repack.packs_removed,
		       st.refs_packed, st.graph_commits);
	return EXIT_OK;
}

const cmd_entry cmd_gc_entry = {
	"gc", "pack objects and refs", usage, NEEDS_REPO, exec,
};
