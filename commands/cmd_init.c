/*
 * awm init: create .awm/, awm.conf and the migrations folder.
 */
#include "commands/commands.h"

static const char usage[] =
	"usage: awm init [--migrations <dir>] [-b <branch>] [<directory>]\n"
	"\n"
	"Create an awm repository: .awm/ (the store, refs and caches; keep it out\n"
	"of git) and, when missing, awm.conf (commit it) and the migrations folder.\n"
	"Running it again in an existing repository changes nothing.\n"
	"\n"
	"  --migrations <dir>   folder for migration files (default: migrations)\n"
	"  -b, --initial-branch <name>\n"
	"                       name of the first branch (default: main)\n";

static int exec(awm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "migrations", required_argument, NULL, 'm' },
		{ "initial-branch", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	awm_init_opts io = { NULL, NULL };
	awm_repo *repo;
	int c, reinit, rc;

	while ((c = cli_getopt(cli, argc, argv, "b:h", opts)) != -1) {
		switch (c) {
		case 'm': io.migrations_dir = optarg; break;
		case 'b': io.initial_branch = optarg; break;
		case 'h': return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (argc - optind > 1)
		return cli_usage_error(cli, "too many arguments");
	if ((rc = awm_repo_init(&repo, &reinit, optind < argc ? argv[optind] : ".", &io)) < 0)
		return cli_fail(rc);
	printf("%s awm repository in %s\n", reinit ? "Reinitialized existing" :
	       "Initialized empty", repo->dir);
	awm_repo_free(repo);
	return EXIT_OK;
}

const cmd_entry cmd_init_entry = {
	"init", "create a repository", usage, 0, exec,
};
