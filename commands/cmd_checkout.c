/*
 * awm checkout --db: write the database of a commit to a file.
 */
#include "commands/commands.h"
#include "core/checkout.h"
#include "core/refs.h"
#include "objects/commit.h"

#include <string.h>

static const char usage[] =
	"usage: awm checkout --db <file> [--force] [-q] [<revision>]\n"
	"\n"
	"Write the SQLite database of a commit (default HEAD) to <file>, from its\n"
	"snapshot or by replaying from the nearest cached state.  awm remembers the\n"
	"commit, so 'awm commit --from-db <file>' later records what you changed.\n"
	"An empty branch gives an empty database.\n"
	"\n"
	"A file with changes that were not committed, or one awm did not write, is\n"
	"not overwritten without --force.  Close programs that have the file open\n"
	"first: its journal or WAL is removed.\n"
	"\n"
	"  --db <file>          the database file to write (folders are created)\n"
	"  -f, --force          overwrite changes or a foreign file\n"
	"  -q, --quiet          print nothing on success\n";

static void report(awm_cli *cli, const awm_checkout_result *res, const awm_oid *commit,
		   const char *shown)
{
	awm_commit *c = NULL;
	awm_buf subj = AWM_BUF_INIT;

	if (!commit) {
		printf("Checked out '%s': an empty database (no commits yet)\n", shown);
		return;
	}
	if (awm_commit_read(&c, cli->repo->odb, commit) == 0)
		awm_commit_subject(&subj, c);
	awm_error_clear();
	printf("Checked out '%s' at %s%s%s %s (%llu bytes)\n", shown, cli_color(cli, C_YELLOW),
	       awm_oid_short(commit, 10).s, cli_color(cli, C_RESET), subj.ptr,
	       (unsigned long long)res->bytes);
	awm_commit_free(c);
	awm_buf_release(&subj);
}

static int exec(awm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "force", no_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	awm_checkout_result res;
	const char *db = NULL;
	awm_oid oid;
	int c, force = 0, quiet = 0, rc, has_commit = 1;

	while ((c = cli_getopt(cli, argc, argv, "fqh", opts)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'f': force = 1; break;
		case 'q': quiet = 1; break;
		case 'h': return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (!db)
		return cli_usage_error(cli, "checkout writes databases: name one with --db <file> "
				       "(to change branches, use 'awm switch')");
	if (argc - optind > 1)
		return cli_usage_error(cli, "checkout takes one revision");
	if (optind < argc) {
		if ((rc = cli_rev(cli, &oid, argv[optind])))
			return rc;
	} else if ((rc = awm_ref_lookup(&oid, cli->repo, "HEAD")) == AWM_ENOTFOUND) {
		has_commit = 0;   /* an unborn branch: an empty database */
		awm_error_clear();
	} else if (rc < 0) {
		return cli_fail(rc);
	}
	rc = awm_checkout_db(&res, cli->repo, db, has_commit ? &oid : NULL,
			     force ? AWM_CHECKOUT_FORCE : 0, cli_progress, cli);
	if (rc < 0)
		return cli_fail(rc);
	if (!quiet)
		report(cli, &res, has_commit ? &oid : NULL, db);
	awm_checkout_result_release(&res);
	return EXIT_OK;
}

const cmd_entry cmd_checkout_entry = {
	"checkout", "write the database of a commit to a file", usage, NEEDS_REPO, exec,
};
