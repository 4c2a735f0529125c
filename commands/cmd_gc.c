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
	awm_gc_stats st;
	int c, quiet, rc;

	if ((c = cli_only_quiet(cli, argc, argv, &quiet, NULL)) >= 0)
		return c;
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
