/*
 * awm fsck: verify every object, link and ref.
 */
#include "commands/commands.h"
#include "core/fsck.h"

static const char usage[] =
	"usage: awm fsck [-q]\n"
	"\n"
	"Re-hash every stored object (loose and packed), decompress and parse it,\n"
	"check that every id a commit names exists with the right type, and check\n"
	"pack checksums, refs and the commit-graph.  Each fault is printed with\n"
	"the object id and the file; any fault makes the exit code 1.\n"
	"\n"
	"  -q, --quiet          print faults only, not the summary\n";

static void report(const awm_oid *oid, const char *where, const char *msg, void *payload)
{
	(void)payload;
	(void)oid;
	(void)where;
	fprintf(stderr, "error: %s\n", msg);
}

static int exec(awm_cli *cli, int argc, char **argv)
{
	awm_fsck_stats st;
	int c, quiet, rc;

	if ((c = cli_only_quiet(cli, argc, argv, &quiet, NULL)) >= 0)
		return c;
	if ((rc = awm_fsck(&st, cli->repo, report, NULL, cli_progress, cli)) < 0)
		return cli_fail(rc);
	if (!quiet)
		printf("checked %zu objects (%zu packs), %zu refs: %zu %s\n",
		       st.objects, st.packs, st.refs, st.faults, st.faults == 1 ? "fault" : "faults");
	return st.faults ? EXIT_ERROR : EXIT_OK;
}

const cmd_entry cmd_fsck_entry = {
	"fsck", "verify the store", usage, NEEDS_REPO, exec,
};
