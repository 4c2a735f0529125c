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
	static const struct option opts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	awm_fsck_stats st;
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
