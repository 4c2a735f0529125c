/*
 * awm reflog: where a ref has been.
 */
#include "commands/commands.h"
#include "core/refs.h"
#include "core/revparse.h"

#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"usage: awm reflog [<ref>]\n"
	"\n"
	"List the updates of a ref (default HEAD), newest first: the new id, the\n"
	"position (HEAD@{0} is the latest), and why it moved.  Commits that a\n"
	"rebase or reset left behind stay reachable from here.\n";

typedef struct entries {
	char **lines;
	size_t nr, alloc;
} entries;

static int collect(const awm_reflog_entry *e, void *payload)
{
	entries *l = payload;

	AWM_ARRAY_GROW(l->lines, l->nr + 1, l->alloc);
	l->lines[l->nr++] = awm_printf_alloc("%s %s", awm_oid_short(&e->new_oid, 10).s, e->msg);
	return 0;
}

static int exec(awm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	awm_buf ref = AWM_BUF_INIT;
	entries l = { NULL, 0, 0 };
	const char *name = "HEAD";
	size_t i;
	int c, rc;

	while ((c = cli_getopt(cli, argc, argv, "h", opts)) != -1)
		return c == 'h' ? EXIT_OK : EXIT_USAGE;
	if (argc - optind > 1)
		return cli_usage_error(cli, "name one ref");
	if (optind < argc) {
		name = argv[optind];
		if (awm_revparse_ref(&ref, cli->repo, name) == 0)
			name = ref.ptr;
	}
	rc = awm_reflog_foreach(cli->repo, name, collect, &l);
	for (i = l.nr; rc == 0 && i-- > 0; )
		printf("%.10s %s@{%zu}: %s\n", l.lines[i],
		       optind < argc ? argv[optind] : "HEAD", l.nr - 1 - i, l.lines[i] + 11);
	for (i = 0; i < l.nr; i++)
		free(l.lines[i]);
	free(l.lines);
	awm_buf_release(&ref);
	return rc < 0 ? cli_fail(rc) : EXIT_OK;
}

const cmd_entry cmd_reflog_entry = {
	"reflog", "show where a ref has pointed", usage, NEEDS_REPO, exec,
};
