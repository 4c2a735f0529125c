/*
 * awm log: the history, newest first.
 */
#include "commands/commands.h"
#include "commands/display.h"
#include "commands/graph.h"
#include "commands/log_filter.h"
#include "core/revparse.h"
#include "core/walk.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
	"usage: awm log [--oneline] [--graph] [-n <count>] [--first-parent]\n"
	"               [--format=json] [--[no-]decorate] [<revision-range>...]\n"
	"               [-- <table>[.<column>]...]\n"
	"\n"
	"Show commits reachable from the given revisions (default HEAD), newest\n"
	"first.  'A..B' shows the commits reachable from B but not from A.  After\n"
	"'--', only the commits that touched one of the tables or columns: their\n"
	"definition, an index or trigger on them, or their rows.\n"
	"\n"
	"  --oneline            one line per commit: short id and subject\n"
	"  --graph              draw the lanes of branches and merges, with env and\n"
	"                       remote refs named at their commits\n"
	"  -n, --max-count <n>  show at most n commits\n"
	"  --first-parent       follow only the first parent of merges\n"
	"  --format=json        a JSON array of commits (docs/json.md)\n"
	"  --decorate           name the refs at each commit (the default on a terminal)\n";

typedef struct log_opts {
	int oneline, graph, json, first_parent, decorate;
	long max;
} log_opts;

static int setup_walk(awm_cli *cli, awm_walk *w, int argc, char **argv)
{
	awm_oid from, to;
	int i, has_from, rc;

	if (argc == 0) {
		if ((rc = awm_revparse_range(&from, &has_from, &to, cli->repo, "HEAD")) < 0)
			return rc;
		return awm_walk_push(w, &to);
	}
	for (i = 0; i < argc; i++) {
		const char *spec = argv[i];
		int hide = spec[0] == '^';

		if ((rc = awm_revparse_range(&from, &has_from, &to, cli->repo,
					     hide ? spec + 1 : spec)) < 0)
			return rc;
		if (hide)
			rc = awm_walk_hide(w, &to);
		else if ((rc = awm_walk_push(w, &to)) == 0 && has_from)
			rc = awm_walk_hide(w, &from);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* The subject: from the walk (the commit-graph) when it returned this commit. */
static int subject_of(awm_cli *cli, const log_source *src, const awm_oid *oid, awm_buf *out)
{
	awm_commit *c;
	int rc;

	if (!src->precomputed)
		return awm_walk_subject(src->walk, out);
	if ((rc = awm_commit_read(&c, cli->repo->odb, oid)) < 0)
		return rc;
	awm_commit_subject(out, c);
	awm_commit_free(c);
	return 0;
}

/*
 * One line per commit, assembled in `out` and written with one fwrite:
 * printf's formatting was most of the time `log --oneline` spent on 100k
 * commits.
 */
static int print_oneline(awm_cli *cli, const log_source *src, const awm_oid *oid,
			 const decorations *d, awm_buf *subj, awm_buf *refs, awm_buf *out)
{
	int rc = subject_of(cli, src, oid, subj);

	if (rc < 0)
		return rc;
	decorations_colored(cli, d, oid, refs);
	awm_buf_puts(out, cli_color(cli, C_YELLOW));
	awm_buf_puts(out, awm_oid_short(oid, 10).s);
	awm_buf_puts(out, cli_color(cli, C_RESET));
	if (refs->size) {
		awm_buf_printf(out, " %s(%s", cli_color(cli, C_YELLOW), cli_color(cli, C_RESET));
		awm_buf_put(out, refs->ptr, refs->size);
		awm_buf_printf(out, "%s)%s", cli_color(cli, C_YELLOW), cli_color(cli, C_RESET));
	}
	awm_buf_putc(out, ' ');
	awm_buf_put(out, subj->ptr, subj->size);
	awm_buf_putc(out, '\n');
	return 0;
}

/*
 * The header of a commit whose own row starts after `row_len` bytes of
 * `text` (rows an octopus merge draws come before it); lanes a merge opens
 * or joins show right under that "commit <id>" line.
 */
static void print_header(const awm_buf *text, size_t row_len, const awm_buf *after)
{
	const char *p = strchr(text->ptr + row_len, '\n');

	if (!p) {
		fputs(text->ptr, stdout);
		fputs(after->ptr, stdout);
		return;
	}
	fwrite(text->ptr, 1, (size_t)(p + 1 - text->ptr), stdout);
	fputs(after->ptr, stdout);
	fputs(p + 1, stdout);
}

static int run_log(awm_cli *cli, const log_opts *o, int argc, char **argv, char **tables,
		   int ntables)
{
	awm_buf subj = AWM_BUF_INIT, refs = AWM_BUF_INIT, text = AWM_BUF_INIT;
	awm_buf line = AWM_BUF_INIT, body = AWM_BUF_INIT, after = AWM_BUF_INIT;
	awm_buf prev = AWM_BUF_INIT;
	decorations d, *dp = NULL;
	json_t *arr = o->json ? json_array() : NULL;
	log_source src;
	awm_walk *w;
	awm_oid oid, *parents;
	size_t np;
	graph g;
	long shown = 0;
	int rc;

	memset(&src, 0, sizeof(src));
	graph_init(&g, cli->color);
	if ((o->decorate || o->json) && (rc = decorations_load(&d, cli->repo)) == 0)
		dp = &d;
	awm_walk_new(&w, cli->repo, (o->graph ? AWM_WALK_TOPO : 0) |
		     (o->first_parent ? AWM_WALK_FIRST_PARENT : 0));
	if ((rc = setup_walk(cli, w, argc, argv)) < 0 ||
	    (rc = log_source_init(&src, cli->repo, w, tables, (size_t)ntables, o->graph)) < 0)
		goto done;
	while ((o->max < 0 || shown < o->max) &&
	       (rc = log_source_next(&src, &oid, &parents, &np)) == 1) {
		awm_commit *c = NULL;

		shown++;
		if (o->graph)
			graph_next(&g, &oid, parents, np, &line, &body, &after);
		if (o->oneline && !o->json) {
			awm_buf_clear(&text);
			awm_buf_put(&text, line.ptr, line.size);
			if ((rc = print_oneline(cli, &src, &oid, dp, &subj, &refs, &text)) < 0)
				goto done;
			awm_buf_put(&text, after.ptr, after.size);
			fwrite(text.ptr, 1, text.size, stdout);
			continue;
		}
		if ((rc = awm_commit_read(&c, cli->repo->odb, &oid)) < 0)
			goto done;
		if (o->json) {
			json_array_append_new(arr, display_commit_json(c, dp));
		} else {
			awm_buf_clear(&text);
			if (shown > 1)
				printf("%s\n", prev.ptr);
			display_commit_header(cli, &text, c, dp, line.ptr, body.ptr);
			print_header(&text, line.size, &after);
			awm_buf_clear(&prev);
			awm_buf_puts(&prev, body.ptr);
			awm_buf_rtrim(&prev);
		}
		awm_commit_free(c);
	}
	if (rc >= 0)
		rc = 0;
done:
	if (rc < 0)
		rc = cli_fail(rc);
	else if (arr)
		rc = display_print_json(arr), arr = NULL;
	json_decref(arr);
	log_source_release(&src);
	awm_walk_free(w);
	if (dp)
		decorations_release(dp);
	graph_release(&g);
	awm_buf_release(&subj);
	awm_buf_release(&refs);
	awm_buf_release(&text);
	awm_buf_release(&line);
	awm_buf_release(&body);
	awm_buf_release(&after);
	awm_buf_release(&prev);
	return rc;
}

static int exec(awm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "oneline", no_argument, NULL, 'o' },
		{ "graph", no_argument, NULL, 'g' },
		{ "max-count", required_argument, NULL, 'n' },
		{ "first-parent", no_argument, NULL, 'f' },
		{ "format", required_argument, NULL, 'F' },
		{ "decorate", no_argument, NULL, 'd' },
		{ "no-decorate", no_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	log_opts o = { 0, 0, 0, 0, -1, -1 };
	int c, dashdash;

	/* What follows "--" names tables; getopt must not see it. */
	for (dashdash = 1; dashdash < argc && strcmp(argv[dashdash], "--"); dashdash++)
		;
	while ((c = cli_getopt(cli, dashdash, argv, "n:h", opts)) != -1) {
		switch (c) {
		case 'o': o.oneline = 1; break;
		case 'g': o.graph = 1; break;
		case 'n':
			if (cli_parse_count(cli, "-n", optarg, &o.max))
				return EXIT_USAGE;
			break;
		case 'f': o.first_parent = 1; break;
		case 'F':
			if (strcmp(optarg, "json"))
				return cli_usage_error(cli, "unknown format '%s' (only 'json')", optarg);
			o.json = 1;
			break;
		case 'd': o.decorate = 1; break;
		case 'D': o.decorate = 0; break;
		case 'h': return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (o.decorate < 0)
		o.decorate = isatty(STDOUT_FILENO);
	return run_log(cli, &o, dashdash - optind, argv + optind,
		       dashdash < argc ? argv + dashdash + 1 : NULL,
		       dashdash < argc ? argc - dashdash - 1 : 0);
}

const cmd_entry cmd_log_entry = {
	"log", "show the history", usage, NEEDS_REPO, exec,
};
