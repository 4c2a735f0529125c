/*
 * awm promote: fast-forward one environment to another's commit.
 */
#include "commands/commands.h"
#include "commands/envcli.h"

static const char usage[] =
	"usage: awm promote <from> <to>\n"
	"\n"
	"Point the ref of environment <to> at the commit of environment <from>\n"
	"(refs/envs/<from>), when that is a fast-forward: <to> is unset, or at an\n"
	"ancestor of it.  Anything else is refused, changing nothing (exit code 4).\n"
	"Only the ref moves; 'awm apply --env <to>' then moves the database.\n";

static int exec(awm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	awm_buf label = AWM_BUF_INIT;
	awm_oid oid;
	int c, rc, moved;

	while ((c = cli_getopt(cli, argc, argv, "h", opts)) != -1)
		return c == 'h' ? EXIT_OK : EXIT_USAGE;
	if (argc - optind != 2)
		return cli_usage_error(cli, "name the environment to promote from and the one "
				       "to promote to");
	if ((rc = awm_env_promote(&oid, &moved, cli->repo, argv[optind], argv[optind + 1])) < 0)
		return cli_fail(rc);
	envcli_commit_label(cli, &label, &oid, 1, "");
	if (moved)
		printf("promoted '%s' to %s (from '%s')\n", argv[optind + 1], label.ptr,
		       argv[optind]);
	else
		printf("'%s' is already at %s\n", argv[optind + 1], label.ptr);
	awm_buf_release(&label);
	return EXIT_OK;
}

const cmd_entry cmd_promote_entry = {
	"promote", "fast-forward an environment to another's commit", usage, NEEDS_REPO, exec,
};
