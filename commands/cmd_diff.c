/*
 * awm diff: how the schema differs between two commits.
 */
#include "commands/commands.h"
#include "commands/display.h"
#include "core/dbdiff.h"
#include "core/fs.h"
#include "core/revparse.h"
#include "core/sqlite.h"
#include "core/walk.h"

#include <string.h>

static const char usage[] =
	"usage: awm diff [--stat] <from> [<to>]\n"
	"       awm diff <from>..<to>\n"
	"\n"
	"Show the migrations between two commits (in <to> but not in <from>) and\n"
	"the unified diff of the canonical schema from <from> to <to>.  <to>\n"
	"defaults to HEAD.\n"
	"\n"
	"  --stat               list the migrations only\n";

static int list_between(awm_cli *cli, const awm_oid *from, const awm_oid *to)
{
	awm_buf subj = AWM_BUF_INIT;
	awm_walk *w;
	awm_oid oid;
	int rc, n = 0;

	awm_walk_new(&w, cli->repo, AWM_WALK_TOPO);
	if ((rc = awm_walk_push(w, to)) == 0 && (rc = awm_walk_hide(w, from)) == 0)
		while ((rc = awm_walk_next(w, &oid)) == 1 && (rc = awm_walk_subject(w, &subj)) == 0) {
			if (!n++)
				printf("%sMigrations:%s\n", cli_color(cli, C_BOLD), cli_color(cli, C_RESET));
			printf("    %s%s%s %s\n", cli_color(cli, C_YELLOW), awm_oid_short(&oid, 10).s,
			       cli_color(cli, C_RESET), subj.ptr);
		}
	if (rc == 0 && !n)
		printf("No migrations between them.\n");
	awm_walk_free(w);
	awm_buf_release(&subj);
	return rc < 0 ? rc : 0;
}

static int schema_of(awm_cli *cli, awm_oid *out, const awm_oid *commit)
{
	awm_commit *c;
	int rc = awm_commit_read(&c, cli->repo->odb, commit);

	if (rc == 0) {
		*out = c->schema;
		awm_commit_free(c);
	}
	return rc;
}

static int diff_db(awm_cli *cli, const char *a_path, const char *b_path, const char *cs_out)
{
	sqlite3 *a = NULL, *b = NULL;
	awm_dbdiff d;
	int rc;

	memset(&d, 0, sizeof(d));
	if ((rc = awm_sqlite_open(&a, a_path, AWM_SQLITE_READONLY)) < 0 ||
	    (rc = awm_sqlite_open(&b, b_path, AWM_SQLITE_READONLY)) < 0 ||
	    (rc = awm_dbdiff_run(&d, a, b, AWM_DBDIFF_SKIP_INTERNAL)) < 0)
		goto done;
	if (cs_out)
		rc = awm_fs_write_atomic(cs_out, d.changeset.ptr, d.changeset.size, 0644, 0);
	else
		printf("%zu inserted, %zu updated, %zu deleted\n", d.inserts, d.updates, d.deletes);
done:
	(void)cli;
	awm_dbdiff_release(&d);
	sqlite3_close(a);
	sqlite3_close(b);
	return rc < 0 ? cli_fail(rc) : EXIT_OK;
}

static int exec(awm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "stat", no_argument, NULL, 's' },
		{ "db", no_argument, NULL, 'd' },
		{ "changeset", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	awm_oid from, to, sfrom, sto;
	awm_buf out = AWM_BUF_INIT;
	int c, stat = 0, rc, has_from, db = 0;
	const char *cs_out = NULL;

	while ((c = cli_getopt(cli, argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 's': stat = 1; break;
		case 'd': db = 1; break;
		case 'c': cs_out = optarg; break;
		case 'h': return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (db)
		return diff_db(cli, argv[0], argv[1], cs_out);
	if ((rc = awm_repo_open(&cli->repo, NULL)) < 0)
		return cli_fail(rc);
	if (argc < 1 || argc > 2)
		return cli_usage_error(cli, "diff needs one or two revisions");
	if (argc == 1 && strstr(argv[0], "..")) {
		if ((rc = awm_revparse_range(&from, &has_from, &to, cli->repo, argv[0])) < 0)
			return cli_fail(rc);
	} else if ((rc = cli_rev(cli, &from, argv[0])) ||
		   (rc = cli_rev(cli, &to, argc == 2 ? argv[1] : "HEAD"))) {
		return rc;
	}
	if ((rc = list_between(cli, &from, &to)) < 0)
		return cli_fail(rc);
	if (!stat) {
		if ((rc = schema_of(cli, &sfrom, &from)) < 0 || (rc = schema_of(cli, &sto, &to)) < 0 ||
		    (rc = display_schema_diff(cli, &out, cli->repo, &sfrom, &sto)) < 0) {
			awm_buf_release(&out);
			return cli_fail(rc);
		}
		printf("\n%sSchema:%s%s\n%s", cli_color(cli, C_BOLD), cli_color(cli, C_RESET),
		       out.size ? "" : " unchanged", out.ptr);
	}
	awm_buf_release(&out);
	return EXIT_OK;
}

const cmd_entry cmd_diff_entry = {
	"diff", "compare the schema of two commits", usage, 0, exec,
};
