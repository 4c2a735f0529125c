/*
 * awm diff: how the schema differs between two commits.
 */
#include "commands/commands.h"
#include "commands/display.h"
#include "core/changeset.h"
#include "core/dbdiff.h"
#include "core/delta.h"
#include "core/fs.h"
#include "core/revparse.h"
#include "core/sqlite.h"
#include "core/sqltext.h"
#include "core/walk.h"

#include <string.h>

static const char usage[] =
	"usage: awm diff [--stat] <from> [<to>]\n"
	"       awm diff <from>..<to>\n"
	"       awm diff --db <a.db> <b.db> [--sql | --changeset <file>]\n"
	"\n"
	"Show the migrations between two commits (in <to> but not in <from>) and\n"
	"the unified diff of the canonical schema from <from> to <to>.  <to>\n"
	"defaults to HEAD.\n"
	"\n"
	"With --db, compare two SQLite database files: the schema change as SQL and\n"
	"the rows inserted, updated and deleted per table.  Rows are matched by\n"
	"primary key; a table without one is refused when its rows differ.  awm's\n"
	"own tables (awm_state, awm_locks) are left out.  No repository is needed.\n"
	"\n"
	"  --stat               list the migrations only\n"
	"  --db                 compare two database files\n"
	"  --sql                print SQL that turns <a.db> into <b.db>: the schema\n"
	"                       change, then INSERT, UPDATE and DELETE statements\n"
	"  --changeset <file>   write the row changes as a SQLite changeset, as\n"
	"                       'sqldiff --changeset' does (a changeset holds no\n"
	"                       schema: a table in one database only goes in as\n"
	"                       inserts or deletes, with a warning)\n";

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

/* The changeset for --changeset: rows only; tables in one database go as inserts/deletes. */
static int write_changeset(sqlite3 *a, sqlite3 *b, const char *a_path, const char *b_path,
			   const char *out)
{
	awm_dbdiff d;
	size_t i;
	int rc = awm_dbdiff_run(&d, a, b, AWM_DBDIFF_SKIP_INTERNAL | AWM_DBDIFF_ADDED_ROWS);

	if (rc == 0)
		rc = awm_fs_write_atomic(out, d.changeset.ptr, d.changeset.size, 0644, 0);
	for (i = 0; rc == 0 && i < d.only_b_nr; i++)
		cli_warn("table '%s' exists only in '%s': the changeset inserts its rows, so "
			 "create the table before applying it ('awm diff --db --sql' shows how)",
			 d.only_b[i], b_path);
	for (i = 0; rc == 0 && i < d.only_a_nr; i++)
		cli_warn("table '%s' exists only in '%s': the changeset deletes its rows; drop "
			 "the table after applying it", d.only_a[i], a_path);
	awm_dbdiff_release(&d);
	return rc;
}

static void print_summary(awm_cli *cli, const awm_db_delta *d, sqlite3 *b)
{
	awm_changeset_summary sum;
	size_t i;

	if (d->up_sql.size) {
		printf("%sSchema:%s\n", cli_color(cli, C_BOLD), cli_color(cli, C_RESET));
		display_indented(d->up_sql.ptr);
	}
	printf("%sData:%s%s\n", cli_color(cli, C_BOLD), cli_color(cli, C_RESET),
	       d->diff.changeset.size ? "" : " no rows differ");
	if (!d->diff.changeset.size ||
	    awm_changeset_summarize(&sum, d->diff.changeset.ptr, d->diff.changeset.size, b, 10) < 0)
		return;
	for (i = 0; i < sum.nr; i++) {
		const awm_changeset_table *t = &sum.tables[i];
		size_t n = t->inserts + t->updates + t->deletes;

		printf("    %s%s%s: %zu inserted, %zu updated, %zu deleted\n", cli_color(cli, C_BOLD),
		       t->name, cli_color(cli, C_RESET), t->inserts, t->updates, t->deletes);
		display_rows(cli, t->rows.ptr, "      ");
		if (t->rows_shown < n)
			printf("      ... %zu more\n", n - t->rows_shown);
	}
	awm_changeset_summary_release(&sum);
}

static int diff_db(awm_cli *cli, int argc, char **argv, const char *cs_out, int sql)
{
	sqlite3 *a = NULL, *b = NULL;
	awm_buf text = AWM_BUF_INIT;
	awm_db_delta d;
	int rc;

	memset(&d, 0, sizeof(d));
	if (argc != 2)
		return cli_usage_error(cli, "diff --db compares two database files");
	if (cs_out && sql)
		return cli_usage_error(cli, "--changeset and --sql do not go together");
	if ((rc = awm_sqlite_open(&a, argv[0], AWM_SQLITE_READONLY)) < 0 ||
	    (rc = awm_sqlite_open(&b, argv[1], AWM_SQLITE_READONLY)) < 0)
		goto done;
	if (cs_out) {
		rc = write_changeset(a, b, argv[0], argv[1], cs_out);
		goto done;
	}
	if ((rc = awm_db_delta_describe(&d, a, b)) < 0)
		goto done;
	if (sql) {
		awm_buf_put(&text, d.up_sql.ptr, d.up_sql.size);
		rc = awm_sql_from_changeset(&text, d.diff.changeset.ptr, d.diff.changeset.size, b);
		if (rc == 0)
			fputs(text.ptr, stdout);
	} else {
		print_summary(cli, &d, b);
	}
done:
	awm_db_delta_release(&d);
	awm_buf_release(&text);
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
		{ "sql", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	awm_oid from, to, sfrom, sto;
	awm_buf out = AWM_BUF_INIT;
	int c, stat = 0, rc, has_from, db = 0, sql = 0;
	const char *cs_out = NULL;

	while ((c = cli_getopt(cli, argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 's': stat = 1; break;
		case 'd': db = 1; break;
		case 'c': cs_out = optarg; break;
		case 'S': sql = 1; break;
		case 'h': return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (db)
		return diff_db(cli, argc, argv, cs_out, sql);
	if (cs_out || sql)
		return cli_usage_error(cli, "--changeset and --sql go with --db");
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
	"diff", "compare two commits, or two database files", usage, 0, exec,
};
