/*
 * awm hook: what awm's git hooks run (docs/hooks.md).
 */
#include "commands/commands.h"
#include "core/hook_checks.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
	"usage: awm hook [--project <dir>] pre-commit\n"
	"       awm hook [--project <dir>] pre-push [<remote> [<url>]]\n"
	"\n"
	"Run the checks of a git hook; the scripts 'awm hooks install' puts in place\n"
	"call these.  pre-commit refuses a commit that edits or deletes a recorded\n"
	"migration, or adds one with a bad name, no up section, or an up script that\n"
	"fails at awm's HEAD.  pre-push reads the refs being pushed on standard input,\n"
	"as git writes them, and refuses git commits carrying migration files that\n"
	"awm has not recorded.  Each refusal names the file and the fix; the exit\n"
	"code is then 1.\n"
	"\n"
	"  --project <dir>      the awm project (default: found from the working\n"
	"                       directory); git runs hooks at the top of the work tree\n"
	"\n"
	"AWM_SKIP_HOOKS=1 skips the checks (with a warning).  Under the pre-commit\n"
	"framework, pre-push takes the refs from PRE_COMMIT_FROM_REF and\n"
	"PRE_COMMIT_TO_REF when standard input is empty.\n";

static int skipping(const char *hook)
{
	const char *v = getenv("AWM_SKIP_HOOKS");

	if (!v || !*v || !strcmp(v, "0"))
		return 0;
	fprintf(stderr, "warning: AWM_SKIP_HOOKS is set: awm's %s checks were NOT run.\n"
		"warning: nothing checked this %s against awm's history.\n", hook,
		strcmp(hook, "pre-push") ? "commit" : "push");
	return 1;
}

static int finish(awm_cli *cli, awm_hook_report *r, const char *hook, const char *what)
{
	size_t i;
	int code = EXIT_OK;

	for (i = 0; i < r->nnotes; i++)
		fprintf(stderr, "awm %s: %s\n", hook, r->notes[i]);
	for (i = 0; i < r->nr; i++)
		fprintf(stderr, "%serror:%s %s\n", cli_color(cli, C_RED), cli_color(cli, C_RESET),
			r->problems[i].message);
	if (r->nr) {
		fprintf(stderr, "awm %s: %s refused (%zu problem%s); AWM_SKIP_HOOKS=1 bypasses "
			"the checks\n", hook, what, r->nr, r->nr == 1 ? "" : "s");
		code = EXIT_ERROR;
	}
	awm_hook_report_release(r);
	return code;
}

static int pre_commit(awm_cli *cli, int argc)
{
	awm_hook_report r;
	int rc;

	if (argc > 0)
		return cli_usage_error(cli, "pre-commit takes no arguments");
	if ((rc = awm_hook_pre_commit(&r, cli->repo)) < 0)
		return cli_fail(rc);
	return finish(cli, &r, "pre-commit", "commit");
}

static void read_all(awm_buf *out, FILE *f)
{
	char chunk[4096];
	size_t n;

	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		awm_buf_put(out, chunk, n);
}

/* The pre-commit framework passes the range in its environment instead. */
static void from_framework(awm_buf *in)
{
	const char *from = getenv("PRE_COMMIT_FROM_REF"), *to = getenv("PRE_COMMIT_TO_REF");
	const char *lb = getenv("PRE_COMMIT_LOCAL_BRANCH"), *rb = getenv("PRE_COMMIT_REMOTE_BRANCH");

	if (!to || !*to)
		return;
	awm_buf_printf(in, "%s %s %s %s\n", lb && *lb ? lb : "HEAD", to,
		       rb && *rb ? rb : "HEAD",
		       from && *from ? from : "0000000000000000000000000000000000000000");
}

static int pre_push(awm_cli *cli, int argc, char **argv)
{
	awm_buf in = AWM_BUF_INIT;
	awm_push_updates updates;
	awm_hook_report r;
	const char *remote = argc > 0 ? argv[0] : getenv("PRE_COMMIT_REMOTE_NAME");
	const char *url = argc > 1 ? argv[1] : getenv("PRE_COMMIT_REMOTE_URL");
	int rc;

	if (argc > 2)
		return cli_usage_error(cli, "pre-push takes at most a remote and a URL");
	if (!isatty(STDIN_FILENO))
		read_all(&in, stdin);
	if (in.size == 0)
		from_framework(&in);
	rc = awm_push_updates_parse(&updates, in.ptr, in.size);
	awm_buf_release(&in);
	if (rc < 0)
		return cli_fail(rc);
	rc = awm_hook_pre_push(&r, cli->repo, remote, url, &updates);
	awm_push_updates_release(&updates);
	if (rc < 0)
		return cli_fail(rc);
	return finish(cli, &r, "pre-push", "push");
}

static int exec(awm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "project", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *hook, *project = NULL;
	int c, rc;

	/* "+": stop at the hook name; git's arguments are not options. */
	while ((c = cli_getopt(cli, argc, argv, "+h", opts)) != -1) {
		switch (c) {
		case 'p': project = optarg; break;
		case 'h': return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (optind >= argc)
		return cli_usage_error(cli, "name the hook: pre-commit or pre-push");
	hook = argv[optind++];
	if (strcmp(hook, "pre-commit") && strcmp(hook, "pre-push"))
		return cli_usage_error(cli, "unknown hook '%s'; awm has pre-commit and pre-push",
				       hook);
	if (skipping(hook))
		return EXIT_OK;
	/*
	 * Opened here rather than through NEEDS_REPO: the project may be a
	 * folder below the work tree top where git runs the hook, and the
	 * working directory must stay put for GIT_DIR and GIT_INDEX_FILE.
	 */
	if ((rc = awm_repo_open(&cli->repo, project)) < 0)
		return cli_fail(rc);
	if (!strcmp(hook, "pre-commit"))
		return pre_commit(cli, argc - optind);
	return pre_push(cli, argc - optind, argv + optind);
}

const cmd_entry cmd_hook_entry = {
	"hook", "run the checks of a git hook (called by the installed hooks)", usage,
	0, exec,
};
