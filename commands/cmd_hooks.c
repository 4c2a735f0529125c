/*
 * awm hooks: install and uninstall awm's git hooks.
 */
#include "commands/commands.h"
#include "core/git_hooks.h"

#include "hook_scripts.h"

#include <string.h>

static const char usage[] =
	"usage: awm hooks install [--force]\n"
	"       awm hooks uninstall\n"
	"\n"
	"Install awm's pre-commit and pre-push hooks into the git repository's hooks\n"
	"folder (core.hooksPath when set).  A hook that is already there is kept as\n"
	"<hook>.awm-chained and runs first; uninstall puts it back exactly as it was.\n"
	"See docs/hooks.md.\n"
	"\n"
	"  --force              rewrite an awm hook that was edited, and install into\n"
	"                       a core.hooksPath that is outside this repository\n";

static const awm_hook_script scripts[] = {
	{ "pre-commit", awm_hook_script_pre_commit },
	{ "pre-push", awm_hook_script_pre_push },
};

#define NSCRIPTS (sizeof(scripts) / sizeof(scripts[0]))

static const char *describe(awm_hook_action a)
{
	switch (a) {
	case AWM_HOOK_INSTALLED: return "installed";
	case AWM_HOOK_CHAINED: return "installed; the hook that was there runs first, kept as";
	case AWM_HOOK_UPDATED: return "rewritten";
	case AWM_HOOK_UP_TO_DATE: return "already installed";
	case AWM_HOOK_REMOVED: return "removed";
	case AWM_HOOK_RESTORED: return "removed; the hook that was there before is back";
	case AWM_HOOK_NOT_INSTALLED: return "was not installed";
	}
	return "";
}

static void report(const awm_hooks_result *res, const char *verb)
{
	size_t i;

	printf("%s %s\n", verb, res->dir.ptr);
	for (i = 0; i < res->nr; i++) {
		printf("  %-11s %s", res->hooks[i].name, describe(res->hooks[i].action));
		if (res->hooks[i].action == AWM_HOOK_CHAINED)
			printf(" %s%s", res->hooks[i].name, AWM_HOOK_CHAINED_SUFFIX);
		printf("\n");
	}
}

static int exec(awm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	awm_hooks_result res;
	const char *verb;
	int c, force = 0, rc;

	while ((c = cli_getopt(cli, argc, argv, "fh", opts)) != -1) {
		switch (c) {
		case 'f': force = 1; break;
		case 'h': return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error(cli, "say 'install' or 'uninstall'");
	verb = argv[optind];
	if (!strcmp(verb, "install")) {
		rc = awm_hooks_install(&res, cli->repo->root, scripts, NSCRIPTS, force);
		verb = "Hooks in";
	} else if (!strcmp(verb, "uninstall")) {
		if (force)
			return cli_usage_error(cli, "--force is for 'install'");
		rc = awm_hooks_uninstall(&res, cli->repo->root, scripts, NSCRIPTS);
		verb = "Hooks in";
	} else {
		return cli_usage_error(cli, "unknown subcommand '%s'; say 'install' or "
				       "'uninstall'", verb);
	}
	if (rc < 0)
		return cli_fail(rc);
	report(&res, verb);
	awm_hooks_result_release(&res);
	return EXIT_OK;
}

const cmd_entry cmd_hooks_entry = {
	"hooks", "install or uninstall awm's git hooks", usage, NEEDS_REPO, exec,
};
