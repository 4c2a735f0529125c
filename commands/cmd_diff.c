/*
 * awm diff: what changes between two commits: the migrations, the schema
 * as statements, and the rows.
 */
#include "commands/commands.h"
#include "commands/display.h"
#include "core/revparse.h"
#include "core/walk.h"

#include <string.h>

static const char usage[] =
	"usage: awm diff [--stat] [--rows <n>] [--schema-text] [--format=json] <from> [<to>]\n"
	"       awm diff [<options>] <from>..<to>\n"
	"       awm diff --db <a.db> <b.db> [--sql | --changeset <file>]\n"
	"\n"
	"Show the migrations between two commits (in <to> but not in <from>), the\n"
	"schema change from <from> to <to> as SQL statements (CREATE, ALTER TABLE,\n"
	"DROP; a table ALTER TABLE cannot change is shown rebuilt), and the rows\n"
	"that differ between the two states, by primary key, as a table of before\n"
	"and after values.  <to> defaults to HEAD.  Colour on a terminal.\n"
	"\n"
	"  --stat               list the migrations only\n"
	"  --rows <n>           rows to show per table (default 10)\n"
	"  --schema-text        the schema change as a unified diff of the canonical\n"
	"                       schema instead of statements\n"
	"  --format=json        the same as a JSON object (docs/json.md)\n"
	"\n"
	"With --db, compare two SQLite database files: the schema change as SQL and\n"
	"the rows inserted, updated and deleted per table.  Rows are matched by\n"
	"primary key; a table without one is refused when its rows differ.  awm's\n"
	"own tables (awm_state, awm_locks) are left out.  No repository is needed.\n"
	"\n"
	"  --db                 compare two database files\n"
	"  --sql                print SQL that turns <a.db> into <b.db>: the schema\n"
	"                       change, then INSERT, UPDATE and DELETE statements\n"
	"  --changeset <file>   write the row changes as a SQLite changeset, as\n"
	"                       'sqldiff --changeset' does (a changeset holds no\n"
	"                       schema: a table in one database only goes in as\n"
	"                       inserts or deletes, with a warning)\n";

typedef struct diff_opts {
	int stat, schema_text, json;
	long rows;
} diff_opts;

/* The migrations in `to` and not in `from`, newest first. */
static int list_between(awm_cli *cli, json_t *arr, const awm_oid *from, const awm_oid *to)
{
	awm_buf subj = AWM_BUF_INIT;
	awm_walk *w;
	awm_oid oid;
	int rc, n = 0;

	awm_walk_new(&w, cli->repo, AWM_WALK_TOPO);
	if ((rc = awm_walk_push(w, to)) == 0 && (rc = awm_walk_hide(w, from)) == 0)
		while ((rc = awm_walk_next(w, &oid)) == 1 && (rc = awm_walk_subject(w, &subj)) == 0) {
			if (arr) {
				json_array_append_new(arr, json_pack("{s:s, s:o}", "id",
					awm_oid_tohex(&oid).s, "subject", display_json_text0(subj.ptr)));
				continue;
			}
			if (!n++)
				printf("%sMigrations:%s\n", cli_color(cli, C_BOLD), cli_color(cli, C_RESET));
			printf("    %s%s%s %s\n", cli_color(cli, C_YELLOW), awm_oid_short(&oid, 10).s,
			       cli_color(cli, C_RESET), subj.ptr);
		}
	if (rc == 0 && !n && !arr)
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

static int diff_text(awm_cli *cli, const diff_opts *o, const awm_oid *from, const awm_oid *to)
{
	awm_buf out = AWM_BUF_INIT;
	awm_data_changes data;
	awm_oid sfrom, sto;
	int rc;

	memset(&data, 0, sizeof(data));
	if ((rc = list_between(cli, NULL, from, to)) < 0 || o->stat)
		goto done;
	if ((rc = schema_of(cli, &sfrom, from)) < 0 || (rc = schema_of(cli, &sto, to)) < 0)
		goto done;
	rc = o->schema_text ? display_schema_diff(cli, &out, cli->repo, &sfrom, &sto)
			    : display_schema_changes(cli, &out, cli->repo, &sfrom, &sto);
	if (rc < 0)
		goto done;
	printf("\n%sSchema:%s%s\n%s", cli_color(cli, C_BOLD), cli_color(cli, C_RESET),
	       out.size ? "" : " unchanged", out.ptr);
	awm_buf_clear(&out);
	if ((rc = awm_data_changes_between(&data, cli->repo, from, to, (size_t)o->rows)) < 0)
		goto done;
	display_data_changes(cli, &out, &data);
	printf("\n%sData:%s%s\n%s", cli_color(cli, C_BOLD), cli_color(cli, C_RESET),
	       out.size ? "" : " no rows differ", out.ptr);
done:
	awm_data_changes_release(&data);
	awm_buf_release(&out);
	return rc;
}

static int diff_json(awm_cli *cli, const diff_opts *o, const awm_oid *from, const awm_oid *to)
{
	awm_buf text = AWM_BUF_INIT;
	awm_data_changes data;
	awm_cli plain = *cli;
	json_t *j = json_object(), *list = json_array(), *changes = NULL;
	awm_oid sfrom, sto;
	int rc;

	memset(&data, 0, sizeof(data));
	plain.color = 0;
	json_object_set_new(j, "from", json_string(awm_oid_tohex(from).s));
	json_object_set_new(j, "to", json_string(awm_oid_tohex(to).s));
	json_object_set_new(j, "migrations", list);
	/* Every field is always there (docs/json.md): null when --stat skips it. */
	json_object_set_new(j, "schema_diff", json_null());
	json_object_set_new(j, "schema_changes", json_null());
	json_object_set_new(j, "data", json_null());
	if ((rc = list_between(cli, list, from, to)) < 0 || o->stat)
		goto done;
	if ((rc = schema_of(cli, &sfrom, from)) < 0 || (rc = schema_of(cli, &sto, to)) < 0 ||
	    (rc = display_schema_diff(&plain, &text, cli->repo, &sfrom, &sto)) < 0 ||
	    (rc = display_schema_changes_json(&changes, cli->repo, &sfrom, &sto)) < 0 ||
	    (rc = awm_data_changes_between(&data, cli->repo, from, to, (size_t)o->rows)) < 0)
		goto done;
	json_object_set_new(j, "schema_diff", display_json_text0(text.ptr));
	json_object_set_new(j, "schema_changes", changes);
	json_object_set_new(j, "data", display_data_changes_json(&data));
done:
	awm_data_changes_release(&data);
	awm_buf_release(&text);
	if (rc < 0) {
		json_decref(j);
		return rc;
	}
	return display_print_json(j) == EXIT_OK ? 0 : AWM_ERROR;
}

static int exec(awm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "stat", no_argument, NULL, 's' },
		{ "rows", required_argument, NULL, 'r' },
		{ "schema-text", no_argument, NULL, 't' },
		{ "format", required_argument, NULL, 'F' },
		{ "db", no_argument, NULL, 'd' },
		{ "changeset", required_argument, NULL, 'c' },
		{ "sql", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	diff_opts o = { 0, 0, 0, 10 };
	awm_oid from, to;
	int c, rc, has_from, db = 0, sql = 0, rev_opts = 0;
	const char *cs_out = NULL;

	while ((c = cli_getopt(cli, argc, argv, "h", opts)) != -1) {
		rev_opts |= c == 's' || c == 't' || c == 'r' || c == 'F';
		switch (c) {
		case 's': o.stat = 1; break;
		case 'd': db = 1; break;
		case 'c': cs_out = optarg; break;
		case 'S': sql = 1; break;
		case 't': o.schema_text = 1; break;
		case 'r':
			if (cli_parse_count(cli, "--rows", optarg, &o.rows))
				return EXIT_USAGE;
			break;
		case 'F':
			if (strcmp(optarg, "json"))
				return cli_usage_error(cli, "unknown format '%s' (only 'json')", optarg);
			o.json = 1;
			break;
		case 'h': return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (db && rev_opts)
		return cli_usage_error(cli, "--stat, --rows, --schema-text and --format go with "
				       "revisions, not --db");
	if (db)
		return cmd_diff_db(cli, argc, argv, cs_out, sql);
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
	rc = o.json ? diff_json(cli, &o, &from, &to) : diff_text(cli, &o, &from, &to);
	return rc < 0 ? cli_fail(rc) : EXIT_OK;
}

const cmd_entry cmd_diff_entry = {
	"diff", "compare two commits, or two database files", usage, 0, exec,
};
