/*
 * awm merge-base: the best common ancestors of two commits.
 */
#include "commands/commands.h"
#include "core/walk.h"

#include <stdlib.h>

static const char usage[] =
	"usage: awm merge-base [--all] <commit> <commit>\n"
	"       awm merge-base --is-ancestor <commit> <commit>\n"
	"\n"
	"Print the best common ancestor of the two commits: the one a rebase of\n"
	"either onto the other starts from.  After criss-cross merges there can be\n"
	"several; --all prints each.  Exit code 1 when they have none.\n"
	"\n"
	"  -a, --all            print every best common ancestor\n"
	"  --is-ancestor        print nothing; exit 0 when the first commit is an\n"
	"                       ancestor of the second (or the same), 1 when not\n";

static int exec(awm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "is-ancestor", no_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	awm_oid a, b, *bases = NULL;
	size_t n = 0, i;
	int c, all = 0, is_ancestor = 0, rc;

	while ((c = cli_getopt(cli, argc, argv, "ah", opts)) != -1) {
		switch (c) {
		case 'a': all = 1; break;
		case 'i': is_ancestor = 1; break;
		case 'h': return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (argc - optind != 2)
		return cli_usage_error(cli, "name two commits");
	if (all && is_ancestor)
		return cli_usage_error(cli, "--all and --is-ancestor do not go together");
	if ((rc = cli_rev(cli, &a, argv[optind])) || (rc = cli_rev(cli, &b, argv[optind + 1])))
		return rc;
	if (is_ancestor) {
		rc = awm_is_ancestor(cli->repo, &a, &b);
		return rc < 0 ? cli_fail(rc) : rc ? EXIT_OK : EXIT_ERROR;
	}
	if ((rc = awm_merge_bases(&bases, &n, cli->repo, &a, &b)) < 0)
		return cli_fail(rc);
	for (i = 0; i < n && (all || i == 0); i++)
		printf("%s\n", awm_oid_tohex(&bases[i]).s);
	free(bases);
	if (!n)
		return cli_error("'%s' and '%s' have no common ancestor", argv[optind],
				 argv[optind + 1]);
	return EXIT_OK;
}

const cmd_entry cmd_merge_base_entry = {
	"merge-base", "find the best common ancestor of two commits", usage, NEEDS_REPO, exec,
};
