/*
 * awm env: list, add and remove environments, and set where one should be.
 */
#include "commands/commands.h"
#include "commands/envcli.h"

#include <string.h>

static const char usage[] =
	"usage: awm env [list]\n"
	"       awm env add <name> <url>\n"
	"       awm env remove <name>\n"
	"       awm env set <name> <revision>\n"
	"\n"
	"Environments are the databases awm moves along the history, named in\n"
	"awm.conf ([env \"<name>\"] url = sqlite:db/dev.db).  Each has a ref,\n"
	"refs/envs/<name>: the commit it should be at, which 'awm apply' moves it\n"
	"to.  'list' shows each with its URL and ref; 'remove' drops the\n"
	"configuration and the ref, never the database; 'set' points the ref at\n"
	"any commit ('awm promote' only fast-forwards).\n";

static int list(awm_cli *cli)
{
	awm_envs l;
	awm_buf label = AWM_BUF_INIT;
	awm_oid oid;
	size_t i;
	int rc;

	if ((rc = awm_env_list(&l, cli->repo)) < 0)
		return cli_fail(rc);
	for (i = 0; i < l.nr; i++) {
		int has = awm_env_ref(&oid, cli->repo, l.items[i].name) == 0;

		awm_error_clear();
		awm_buf_clear(&label);
		envcli_commit_label(cli, &label, &oid, has, "(no commit set)");
		printf("%-12s %-28s %s\n", l.items[i].name, l.items[i].url, label.ptr);
	}
	awm_buf_release(&label);
	awm_envs_release(&l);
	return EXIT_OK;
}

static int set(awm_cli *cli, const char *name, const char *rev)
{
	awm_buf why = AWM_BUF_INIT, label = AWM_BUF_INIT;
	awm_oid oid;
	int rc;

	if ((rc = cli_rev(cli, &oid, rev)))
		return rc;
	awm_buf_printf(&why, "env set: %s", rev);
	rc = awm_env_set(cli->repo, name, &oid, why.ptr);
	awm_buf_release(&why);
	if (rc < 0)
		return cli_fail(rc);
	envcli_commit_label(cli, &label, &oid, 1, "");
	printf("'%s' should now be at %s\n", name, label.ptr);
	awm_buf_release(&label);
	return EXIT_OK;
}

static int exec(awm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *verb;
	int c, rc;

	while ((c = cli_getopt(cli, argc, argv, "+h", opts)) != -1)
		return c == 'h' ? EXIT_OK : EXIT_USAGE;
	argc -= optind;
	argv += optind;
	verb = argc ? argv[0] : "list";
	if (!strcmp(verb, "list")) {
		if (argc > 1)
			return cli_usage_error(cli, "'env list' takes no arguments");
		return list(cli);
	}
	if (!strcmp(verb, "add")) {
		if (argc != 3)
			return cli_usage_error(cli, "'env add' takes a name and a URL");
		if ((rc = awm_env_add(cli->repo, argv[1], argv[2])) < 0)
			return cli_fail(rc);
		printf("added environment '%s' (%s)\n", argv[1], argv[2]);
		return EXIT_OK;
	}
	if (!strcmp(verb, "remove") || !strcmp(verb, "rm")) {
		if (argc != 2)
			return cli_usage_error(cli, "'env remove' takes a name");
		if ((rc = awm_env_remove(cli->repo, argv[1])) < 0)
			return cli_fail(rc);
		printf("removed environment '%s'; its database was left alone\n", argv[1]);
		return EXIT_OK;
	}
	if (!strcmp(verb, "set")) {
		if (argc != 3)
			return cli_usage_error(cli, "'env set' takes a name and a revision");
		return set(cli, argv[1], argv[2]);
	}
	return cli_usage_error(cli, "'%s' is not an env subcommand (list, add, remove, set)",
			       verb);
}

const cmd_entry cmd_env_entry = {
	"env", "list, add, remove and set environments", usage, NEEDS_REPO, exec,
};
