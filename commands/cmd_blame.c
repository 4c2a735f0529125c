/*
 * awm blame: which commit last defined each part of a table.
 */
#include "commands/commands.h"
#include "commands/display.h"
#include "core/table_history.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char usage[] =
	"usage: awm blame [--format=json] [<revision>] <table>\n"
	"\n"
	"For each column, table constraint, index and trigger of the table as the\n"
	"revision (default HEAD) has it, the commit that last defined it as it is\n"
	"now: its id, author, date and subject, then what it is.  A renamed column\n"
	"is blamed on the rename.\n"
	"\n"
	"  --format=json        a JSON array, one object per line (docs/json.md)\n";

static void date_of(awm_buf *out, const awm_signature *sig)
{
	time_t t = (time_t)(sig->time + (int64_t)sig->tz * 60);
	struct tm tm;
	char s[16];

	gmtime_r(&t, &tm);
	strftime(s, sizeof(s), "%Y-%m-%d", &tm);
	awm_buf_clear(out);
	awm_buf_puts(out, s);
}

static size_t maxlen(const awm_blame *b, int name)
{
	size_t i, n = 0;

	for (i = 0; i < b->nr; i++) {
		size_t l = strlen(name ? b->lines[i].name : b->lines[i].kind);

		if (l > n)
			n = l;
	}
	return n;
}

static int print_blame(awm_cli *cli, const awm_blame *b, int json)
{
	awm_buf date = AWM_BUF_INIT, subj = AWM_BUF_INIT;
	json_t *arr = json ? json_array() : NULL;
	size_t i, kw = maxlen(b, 0), nw = maxlen(b, 1);
	int rc = 0;

	if (nw > 24)
		nw = 24;
	for (i = 0; i < b->nr && rc == 0; i++) {
		const awm_blame_line *l = &b->lines[i];
		awm_commit *c;

		if ((rc = awm_commit_read(&c, cli->repo->odb, &l->commit)) < 0)
			break;
		awm_commit_subject(&subj, c);
		date_of(&date, &c->author);
		if (arr) {
			json_array_append_new(arr, json_pack("{s:s, s:o, s:o, s:s, s:o, s:o}",
				"kind", l->kind, "name", display_json_text0(l->name),
				"definition", display_json_text0(l->definition),
				"commit", awm_oid_tohex(&l->commit).s, "subject", display_json_text0(subj.ptr),
				"author", display_signature_json(&c->author)));
		} else {
			/* A constraint's text is its name; it is not printed twice. */
			int only_name = !strcmp(l->kind, "constraint");

			printf("%s%s%s (%s %s) %-*s %-*s%s%s\n", cli_color(cli, C_YELLOW),
			       awm_oid_short(&l->commit, 10).s, cli_color(cli, C_RESET),
			       c->author.name, date.ptr, (int)kw, l->kind,
			       only_name ? 0 : (int)nw, l->name, only_name ? "" : " ",
			       only_name ? "" : l->definition);
		}
		awm_commit_free(c);
	}
	awm_buf_release(&date);
	awm_buf_release(&subj);
	if (rc < 0) {
		json_decref(arr);
		return rc;
	}
	return arr && display_print_json(arr) != EXIT_OK ? AWM_ERROR : 0;
}

static int exec(awm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	awm_table_history *h = NULL;
	awm_blame b;
	awm_oid start;
	int c, json = 0, rc;

	while ((c = cli_getopt(cli, argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'F':
			if (strcmp(optarg, "json"))
				return cli_usage_error(cli, "unknown format '%s' (only 'json')", optarg);
			json = 1;
			break;
		case 'h': return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1 || argc > 2)
		return cli_usage_error(cli, "blame needs a table, and at most one revision");
	if ((rc = cli_rev(cli, &start, argc == 2 ? argv[0] : "HEAD")))
		return rc;
	awm_table_history_new(&h, cli->repo, argv[argc - 1], NULL);
	rc = awm_table_history_blame(&b, h, &start);
	if (rc == 0) {
		rc = print_blame(cli, &b, json);
		awm_blame_release(&b);
	}
	awm_table_history_free(h);
	return rc < 0 ? cli_fail(rc) : EXIT_OK;
}

const cmd_entry cmd_blame_entry = {
	"blame", "show which commit last defined each column, index and trigger", usage,
	NEEDS_REPO, exec,
};
