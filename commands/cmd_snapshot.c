/*
 * awm snapshot: store a commit's full database image, page by page.
 */
#include "commands/commands.h"
#include "core/dbsnapshot.h"

#include <string.h>

static const char usage[] =
	"usage: awm snapshot [<revision>]\n"
	"       awm snapshot --list\n"
	"\n"
	"Store the database of a commit (default HEAD) as objects, so checking it\n"
	"out later reads the image instead of replaying history.  The image is\n"
	"split into pages, one object each; pages unchanged since the nearest older\n"
	"snapshot are shared with it and pages changed a little are stored as\n"
	"deltas, so a new snapshot of a large database costs about what changed.\n"
	"\n"
	"  --list               list the commits that have snapshots\n";

static int print_one(const awm_oid *commit, const awm_oid *snap, void *payload)
{
	(void)payload;
	printf("%s %s\n", awm_oid_tohex(commit).s, awm_oid_tohex(snap).s);
	return 0;
}

static int exec(awm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "list", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	awm_dbsnapshot_stats st;
	awm_oid oid;
	int c, list = 0, rc;

	while ((c = cli_getopt(cli, argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'l': list = 1; break;
		case 'h': return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (list) {
		if (optind < argc)
			return cli_usage_error(cli, "--list takes no revision");
		rc = awm_dbsnapshot_foreach(cli->repo, print_one, NULL);
		return rc < 0 ? cli_fail(rc) : EXIT_OK;
	}
	if (argc - optind > 1)
		return cli_usage_error(cli, "snapshot takes one revision");
	if ((rc = cli_rev(cli, &oid, optind < argc ? argv[optind] : "HEAD")))
		return rc;
	if ((rc = awm_dbsnapshot_create(&st, cli->repo, &oid, cli_progress, cli)) < 0)
		return cli_fail(rc);
	if (st.existed) {
		printf("%s already has snapshot %s\n", awm_oid_short(&oid, 10).s,
		       awm_oid_short(&st.snapshot, 10).s);
		return EXIT_OK;
	}
	printf("Snapshot %s of %s: %zu pages, %llu bytes\n", awm_oid_short(&st.snapshot, 10).s,
	       awm_oid_short(&oid, 10).s, st.pages, (unsigned long long)st.image_bytes);
	if (st.has_base)
		printf(" against %s: %zu pages shared, %zu stored as deltas, %zu whole\n",
		       awm_oid_short(&st.base_commit, 10).s, st.reused, st.deltas, st.full);
	printf(" %llu bytes added to the store\n", (unsigned long long)st.stored_bytes);
	return EXIT_OK;
}

const cmd_entry cmd_snapshot_entry = {
	"snapshot", "store a commit's database image as shared pages", usage, NEEDS_REPO, exec,
};
