/*
 * awm show: one commit with its scripts, schema diff and data effect.
 */
#include "commands/commands.h"
#include "commands/display.h"
#include "core/untracked.h"
#include "objects/schema.h"

#include <string.h>

/*
 * The keyless tables `c` wrote rows to.  Finding them runs its up SQL again;
 * when that fails, show still shows the commit, and says what it could not.
 */
static void untracked_or_warn(char ***out, size_t *n, awm_cli *cli, const awm_commit *c)
{
	if (awm_untracked_tables(out, n, cli->repo, c) < 0) {
		cli_warn("cannot tell which tables without a primary key %s wrote rows to: %s",
			 awm_oid_short(&c->oid, 10).s, awm_error_last());
		awm_error_clear();
		*out = NULL;
		*n = 0;
	}
}

static const char usage[] =
	"usage: awm show [--format=json] [--rows <n>] [--schema-text] [<revision>]\n"
	"\n"
	"Show a commit (default HEAD): its header and message, the up and down\n"
	"SQL, the schema change against its first parent as SQL statements\n"
	"(CREATE, ALTER TABLE, DROP; a table ALTER TABLE cannot change is shown\n"
	"rebuilt), and its data effect: per table the rows inserted, updated and\n"
	"deleted, and a table of the first rows with their before and after values.\n"
	"Data and script commits show their kind, the script, and the SQL awm\n"
	"generated for their schema change.  Colour on a terminal.\n"
	"\n"
	"  --rows <n>           rows to show per table (default 10)\n"
	"  --schema-text        the schema change as a unified diff of the canonical\n"
	"                       schema instead\n"
	"  --format=json        the same as a JSON object (docs/json.md)\n";

static int blob_text(awm_buf *out, awm_repo *repo, const awm_oid *oid)
{
	awm_object *obj;
	int rc = awm_odb_read_typed(&obj, repo->odb, oid, AWM_OBJ_BLOB);

	if (rc == 0) {
		awm_buf_clear(out);
		awm_buf_put(out, obj->data, obj->size);
		awm_object_free(obj);
	}
	return rc;
}

static void indented(awm_buf *out, const char *text)
{
	const char *p, *nl;
	awm_buf t = AWM_BUF_INIT;

	awm_buf_puts(&t, text);
	awm_buf_rtrim(&t);
	for (p = t.ptr; *p; p = nl + 1) {
		while (*p == '\n') {
			awm_buf_putc(out, '\n');
			p++;
		}
		if (!*p)
			break;
		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p);
		awm_buf_printf(out, "    %.*s\n", (int)(nl - p), p);
		if (!*nl)
			break;
	}
	awm_buf_release(&t);
}

static const awm_oid *parent_schema(awm_repo *repo, const awm_commit *c, awm_oid *buf)
{
	awm_commit *p;

	if (!c->nparents || awm_commit_read(&p, repo->odb, &c->parents[0]) < 0)
		return NULL;
	*buf = p->schema;
	awm_commit_free(p);
	return buf;
}

/*
 * A SQL commit without a down section that changes the schema cannot be
 * rolled back: an inverted changeset only restores rows (docs/environments.md).
 */
static int sql_changes_schema(awm_repo *repo, const awm_commit *c)
{
	awm_oid before;

	if (c->kind != AWM_KIND_SQL)
		return 0;
	if (!parent_schema(repo, c, &before))
		awm_schema_empty_id(&before, c->engine);
	return !awm_oid_equal(&before, &c->schema);
}

static int show_text(awm_cli *cli, const awm_commit *c, long rows, int schema_text)
{
	awm_buf out = AWM_BUF_INIT, text = AWM_BUF_INIT;
	awm_data_changes data;
	decorations d;
	awm_oid ps;
	char **untracked = NULL;
	size_t nuntracked = 0, i;
	int rc;

	memset(&data, 0, sizeof(data));
	if ((rc = decorations_load(&d, cli->repo)) < 0)
		return rc;
	display_commit_header(cli, &out, c, &d, "", "");
	if (c->kind != AWM_KIND_SQL)
		awm_buf_printf(&out, "\n%sKind:%s %s\n", cli_color(cli, C_BOLD),
			       cli_color(cli, C_RESET), c->kind == AWM_KIND_DATA
			       ? "data (the up SQL runs, then the changeset is applied)"
			       : "script (its effect is replayed; --rerun-scripts runs it again)");
	if (c->has_script && (rc = blob_text(&text, cli->repo, &c->script)) == 0) {
		awm_buf_printf(&out, "\n%sScript:%s\n", cli_color(cli, C_BOLD),
			       cli_color(cli, C_RESET));
		if (memchr(text.ptr, '\0', text.size))
			awm_buf_printf(&out, "    (a program of %zu bytes)\n", text.size);
		else
			indented(&out, text.ptr);
	}
	if (rc == 0 && c->has_up && (rc = blob_text(&text, cli->repo, &c->up)) == 0) {
		awm_buf_printf(&out, "\n%s%s%s:%s\n", cli_color(cli, C_BOLD),
			       strcmp(c->engine, "sqlite") ? "Target schema" : "Up",
			       c->kind == AWM_KIND_SQL ? "" : " (generated)", cli_color(cli, C_RESET));
		indented(&out, text.ptr);
	}
	if (rc == 0 && strcmp(c->engine, "sqlite")) {
		awm_buf_printf(&out, "\n%sDown:%s a rollback runs the inverses of the operations "
			       "its apply recorded\n", cli_color(cli, C_BOLD), cli_color(cli, C_RESET));
	} else if (rc == 0 && c->has_down && (rc = blob_text(&text, cli->repo, &c->down)) == 0) {
		awm_buf_printf(&out, "\n%sDown%s:%s\n", cli_color(cli, C_BOLD),
			       c->kind == AWM_KIND_SQL ? "" : " (generated)", cli_color(cli, C_RESET));
		indented(&out, text.ptr);
	} else if (rc == 0 && (c->has_up || c->has_changeset)) {
		awm_buf_printf(&out, "\n%sDown:%s none; %s\n", cli_color(cli, C_BOLD),
			       cli_color(cli, C_RESET), sql_changes_schema(cli->repo, c)
			       ? "it changes the schema, so a rollback is refused"
			       : "a rollback inverts the data changes");
	}
	if (rc == 0) {
		const awm_oid *from = parent_schema(cli->repo, c, &ps);

		awm_buf_clear(&text);
		rc = schema_text
			? display_schema_diff(cli, &text, cli->repo, from, &c->schema)
			: display_schema_changes(cli, &text, cli->repo, from, &c->schema);
		awm_buf_printf(&out, "\n%sSchema:%s%s\n", cli_color(cli, C_BOLD),
			       cli_color(cli, C_RESET), text.size ? "" : " unchanged");
		awm_buf_put(&out, text.ptr, text.size);
	}
	if (rc == 0)
		untracked_or_warn(&untracked, &nuntracked, cli, c);
	if (rc == 0) {
		awm_buf_printf(&out, "\n%sData:%s%s\n", cli_color(cli, C_BOLD),
			       cli_color(cli, C_RESET),
			       c->has_changeset || nuntracked ? "" : " no rows changed");
		if (c->has_changeset &&
		    (rc = display_commit_changes(&data, cli->repo, c, (size_t)rows)) == 0)
			display_data_changes(cli, &out, &data);
		/* Never silent about rows the changeset could not hold (data-migrations.md). */
		for (i = 0; i < nuntracked; i++)
			awm_buf_printf(&out, "    %s%s%s: rows not tracked (no primary key)\n",
				       cli_color(cli, C_BOLD), untracked[i], cli_color(cli, C_RESET));
	}
	if (rc == 0)
		fputs(out.ptr, stdout);
	awm_untracked_free(untracked, nuntracked);
	awm_data_changes_release(&data);
	decorations_release(&d);
	awm_buf_release(&out);
	awm_buf_release(&text);
	return rc;
}

static int show_json(awm_cli *cli, const awm_commit *c, long rows)
{
	awm_buf text = AWM_BUF_INIT;
	awm_data_changes data;
	decorations d;
	json_t *j, *changes = NULL, *arr;
	const awm_oid *from;
	awm_oid ps;
	char **untracked = NULL;
	size_t nuntracked = 0, i;
	int rc;

	memset(&data, 0, sizeof(data));
	if ((rc = decorations_load(&d, cli->repo)) < 0)
		return rc;
	j = display_commit_json(c, &d);
	/* Every field is always there (docs/json.md): null when there is no script. */
	json_object_set_new(j, "up_sql", json_null());
	json_object_set_new(j, "down_sql", json_null());
	json_object_set_new(j, "script_text", json_null());
	if (c->has_up && (rc = blob_text(&text, cli->repo, &c->up)) == 0)
		json_object_set_new(j, "up_sql", display_json_text(text.ptr, text.size));
	if (rc == 0 && c->has_down && (rc = blob_text(&text, cli->repo, &c->down)) == 0)
		json_object_set_new(j, "down_sql", display_json_text(text.ptr, text.size));
	if (rc == 0 && c->has_script && (rc = blob_text(&text, cli->repo, &c->script)) == 0 &&
	    !memchr(text.ptr, '\0', text.size))
		json_object_set_new(j, "script_text", display_json_text(text.ptr, text.size));
	from = parent_schema(cli->repo, c, &ps);
	if (rc == 0) {
		awm_cli plain = *cli;

		plain.color = 0;
		awm_buf_clear(&text);
		rc = display_schema_diff(&plain, &text, cli->repo, from, &c->schema);
		json_object_set_new(j, "schema_diff", display_json_text(text.ptr, text.size));
	}
	if (rc == 0 && (rc = display_schema_changes_json(&changes, cli->repo, from,
							  &c->schema)) == 0)
		json_object_set_new(j, "schema_changes", changes);
	if (rc == 0)
		rc = display_commit_changes(&data, cli->repo, c, (size_t)rows);
	json_object_set_new(j, "data", display_data_changes_json(&data));
	if (rc == 0)
		untracked_or_warn(&untracked, &nuntracked, cli, c);
	arr = json_array();
	for (i = 0; i < nuntracked; i++)
		json_array_append_new(arr, display_json_text0(untracked[i]));
	json_object_set_new(j, "untracked", arr);
	awm_untracked_free(untracked, nuntracked);
	awm_data_changes_release(&data);
	decorations_release(&d);
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
		{ "format", required_argument, NULL, 'F' },
		{ "rows", required_argument, NULL, 'r' },
		{ "schema-text", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	awm_commit *commit;
	awm_oid oid;
	long rows = 10;
	int c, json = 0, schema_text = 0, rc;

	while ((c = cli_getopt(cli, argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'F':
			if (strcmp(optarg, "json"))
				return cli_usage_error(cli, "unknown format '%s' (only 'json')", optarg);
			json = 1;
			break;
		case 'r':
			if (cli_parse_count(cli, "--rows", optarg, &rows))
				return EXIT_USAGE;
			break;
		case 's': schema_text = 1; break;
		case 'h': return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (argc - optind > 1)
		return cli_usage_error(cli, "show takes one revision");
	if ((rc = cli_rev(cli, &oid, optind < argc ? argv[optind] : "HEAD")))
		return rc;
	if ((rc = awm_commit_read(&commit, cli->repo->odb, &oid)) < 0)
		return cli_fail(rc);
	rc = json ? show_json(cli, commit, rows) : show_text(cli, commit, rows, schema_text);
	awm_commit_free(commit);
	return rc < 0 ? cli_fail(rc) : EXIT_OK;
}

const cmd_entry cmd_show_entry = {
	"show", "show a commit: scripts, schema diff, data changes", usage, NEEDS_REPO, exec,
};
