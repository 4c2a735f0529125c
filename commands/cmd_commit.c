/*
 * awm commit: record new migration files as commits.
 */
#include "commands/commands.h"
#include "core/rebase_state.h"
#include "core/record.h"

static const char usage[] =
	"usage: awm commit [-m <message>] [-q]\n"
	"       awm commit --from-db <file> [-m <message>] [-q]\n"
	"       awm commit --changeset <file> [-m <message>] [-q]\n"
	"\n"
	"Record every new migration file, in file-name order, as one commit each on\n"
	"the current branch.  Each up script runs on a scratch database at its\n"
	"parent commit; its schema and data changes are stored with it.  Script\n"
	"migrations (*.py, *.sh, executables named <version>_<phrase>.<ext>) run on\n"
	"a copy of that database; what they change is recorded, not re-run.  A\n"
	"migration that fails, an edited migration, or a badly named file records\n"
	"nothing.\n"
	"\n"
	"  -m, --message <msg>  message for the new commits (default: from the\n"
	"                       file name, '20260101_add_users.sql' -> 'add users')\n"
	"  --from-db <file>     record what changed in a database written by\n"
	"                       'awm checkout --db': schema changes as up SQL (with\n"
	"                       a down SQL), row changes as a changeset\n"
	"  --changeset <file>   record a changeset made elsewhere (sqldiff\n"
	"                       --changeset, sqlite3session); it is checked and\n"
	"                       applied to the branch head's database first\n"
	"  -q, --quiet          print nothing on success\n";

static void report(awm_cli *cli, const awm_record_result *res)
{
	size_t i;

	for (i = 0; i < res->nr; i++) {
		const awm_recorded_commit *c = &res->commits[i];

		printf("[%s %s%s%s] %s\n", res->branch ? res->branch : "detached HEAD",
		       cli_color(cli, C_YELLOW), awm_oid_short(&c->oid, 10).s,
		       cli_color(cli, C_RESET), c->subject);
		printf(" %s", c->path);
		if (c->inserts || c->updates || c->deletes)
			printf(" (rows: %zu inserted, %zu updated, %zu deleted)",
			       c->inserts, c->updates, c->deletes);
		printf("\n");
	}
}

static int exec(awm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "message", required_argument, NULL, 'm' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "from-db", required_argument, NULL, 'D' },
		{ "changeset", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	awm_record_opts ro = { NULL, cli_progress, cli };
	awm_record_result res;
	const char *from_db = NULL, *changeset = NULL;
	int c, quiet = 0, rc;
	size_t i;

	while ((c = cli_getopt(cli, argc, argv, "m:qh", opts)) != -1) {
		switch (c) {
		case 'm': ro.message = optarg; break;
		case 'q': quiet = 1; break;
		case 'D': from_db = optarg; break;
		case 'C': changeset = optarg; break;
		case 'h': return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
	if (from_db && changeset)
		return cli_usage_error(cli, "--from-db and --changeset do not go together");
	if (awm_rebase_in_progress(cli->repo))
		return cli_error("a rebase or cherry-pick is stopped; finish it with 'awm rebase "
				 "--continue' (or --skip), or drop it with --abort, then commit");
	if (from_db)
		rc = awm_record_from_db(&res, cli->repo, from_db, &ro);
	else if (changeset)
		rc = awm_record_changeset(&res, cli->repo, changeset, &ro);
	else
		rc = awm_record_migrations(&res, cli->repo, &ro);
	if (rc < 0) {
		if (res.nr)   /* recorded, but something after it failed */
			report(cli, &res);
		awm_record_result_release(&res);
		return cli_fail(rc);
	}
	for (i = 0; i < res.nr; i++)
		if (res.commits[i].warning)
			cli_warn("%s", res.commits[i].warning);
	if (res.nr == 0 && !quiet && from_db)
		printf("nothing to commit: '%s' holds the same data as when it was checked out\n",
		       from_db);
	else if (res.nr == 0 && !quiet)
		printf("nothing to commit: no new migration files (create one with 'awm new')\n");
	else if (!quiet)
		report(cli, &res);
	awm_record_result_release(&res);
	return EXIT_OK;
}

const cmd_entry cmd_commit_entry = {
	"commit", "record new migration files", usage, NEEDS_REPO, exec,
};
