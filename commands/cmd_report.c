/*
 * awm report: the history as one self-contained HTML page for reviewers.
 */
#include "commands/commands.h"
#include "commands/report.h"
#include "core/fs.h"
#include "core/refs.h"
#include "core/revparse.h"
#include "core/walk.h"

#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"usage: awm report --html <file> [-n <count>] [--rows <n>] [<revision>...]\n"
	"\n"
	"Write one self-contained HTML page (no external assets) that a reviewer\n"
	"opens in a browser: the history graph, the environment and remote refs,\n"
	"and per commit its message, author, up and down SQL, schema changes and\n"
	"row changes.  The commits are those reachable from the revisions, by\n"
	"default from HEAD and every branch, env ref and remote ref.  The data is\n"
	"also embedded as JSON (script#awm-data).\n"
	"\n"
	"  --html <file>        where to write the page\n"
	"  -n, --max-count <n>  the newest n commits only\n"
	"  --rows <n>           rows to show per table and commit (default 10)\n";

static int push_ref(const char *name, const awm_oid *oid, void *payload)
{
	(void)name;
	return awm_walk_push(payload, oid);
}

static int setup(awm_cli *cli, awm_walk *w, int argc, char **argv)
{
	awm_oid from, to;
	int i, has_from, rc;

	if (argc == 0) {
		if (awm_ref_lookup(&to, cli->repo, "HEAD") == 0 && (rc = awm_walk_push(w, &to)) < 0)
			return rc;
		awm_error_clear();
		return awm_ref_foreach(cli->repo, "refs/", push_ref, w);
	}
	for (i = 0; i < argc; i++) {
		if ((rc = awm_revparse_range(&from, &has_from, &to, cli->repo, argv[i])) < 0 ||
		    (rc = awm_walk_push(w, &to)) < 0 || (has_from && (rc = awm_walk_hide(w, &from)) < 0))
			return rc;
	}
	return 0;
}

static int collect(report_commit **out, size_t *n, awm_cli *cli, int argc, char **argv,
		   long max)
{
	awm_walk *w;
	awm_oid oid, *parents;
	size_t alloc = 0;
	int rc;

	*out = NULL;
	*n = 0;
	awm_walk_new(&w, cli->repo, AWM_WALK_TOPO);
	if ((rc = setup(cli, w, argc, argv)) == 0)
		while ((max < 0 || (long)*n < max) && (rc = awm_walk_next(w, &oid)) == 1) {
			report_commit *c;

			AWM_ARRAY_GROW(*out, *n + 1, alloc);
			c = &(*out)[(*n)++];
			c->oid = oid;
			c->np = awm_walk_parents(w, &parents);
			c->parents = awm_calloc(c->np + 1, sizeof(awm_oid));
			if (c->np)
				memcpy(c->parents, parents, c->np * sizeof(awm_oid));
		}
	awm_walk_free(w);
	return rc < 0 ? rc : 0;
}

static int exec(awm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "html", required_argument, NULL, 'H' },
		{ "max-count", required_argument, NULL, 'n' },
		{ "rows", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *file = NULL;
	report_commit *commits = NULL;
	awm_buf page = AWM_BUF_INIT;
	decorations d;
	long max = -1, rows = 10;
	size_t n = 0, i;
	int c, rc;

	while ((c = cli_getopt(cli, argc, argv, "n:h", opts)) != -1) {
		switch (c) {
		case 'H': file = optarg; break;
		case 'n':
			if (cli_parse_count(cli, "-n", optarg, &max))
				return EXIT_USAGE;
			break;
		case 'r':
			if (cli_parse_count(cli, "--rows", optarg, &rows))
				return EXIT_USAGE;
			break;
		case 'h': return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (!file || !*file)
		return cli_usage_error(cli, "say where to write the page: --html <file>");
	if ((rc = decorations_load(&d, cli->repo)) < 0)
		return cli_fail(rc);
	if ((rc = collect(&commits, &n, cli, argc - optind, argv + optind, max)) == 0 &&
	    (rc = report_html(&page, cli, commits, n, &d, (size_t)rows)) == 0)
		rc = awm_fs_write_atomic(file, page.ptr, page.size, 0644, 0);
	for (i = 0; i < n; i++)
		free(commits[i].parents);
	free(commits);
	decorations_release(&d);
	awm_buf_release(&page);
	if (rc < 0)
		return cli_fail(rc);
	fprintf(stderr, "wrote %s: %zu commit%s\n", file, n, n == 1 ? "" : "s");
	return EXIT_OK;
}

const cmd_entry cmd_report_entry = {
	"report", "write the history as one HTML page for reviewers", usage, NEEDS_REPO, exec,
};
