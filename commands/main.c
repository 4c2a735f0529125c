/*
 * awm: the entry point.  Global options, then dispatch to one command.
 */
#include "commands/commands.h"
#include "core/git.h"
#include "core/sqlite.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const cmd_entry *const commands[] = {
	&cmd_init_entry,
	&cmd_new_entry,
	&cmd_commit_entry,
	&cmd_validate_entry,
	&cmd_status_entry,
	&cmd_log_entry,
	&cmd_show_entry,
	&cmd_diff_entry,
	&cmd_blame_entry,
	&cmd_report_entry,
	&cmd_branch_entry,
	&cmd_switch_entry,
	&cmd_remote_entry,
	&cmd_push_entry,
	&cmd_fetch_entry,
	&cmd_pull_entry,
	&cmd_rebase_entry,
	&cmd_cherry_pick_entry,
	&cmd_merge_entry,
	&cmd_revert_entry,
	&cmd_merge_base_entry,
	&cmd_checkout_entry,
	&cmd_snapshot_entry,
	&cmd_rev_parse_entry,
	&cmd_reflog_entry,
	&cmd_env_entry,
	&cmd_plan_entry,
	&cmd_apply_entry,
	&cmd_rollback_entry,
	&cmd_promote_entry,
	&cmd_history_entry,
	&cmd_lock_entry,
	&cmd_unlock_entry,
	&cmd_reset_entry,
	&cmd_relationships_entry,
	&cmd_export_entry,
	&cmd_cat_object_entry,
	&cmd_hash_object_entry,
	&cmd_fsck_entry,
	&cmd_gc_entry,
	&cmd_fast_import_entry,
	&cmd_hooks_entry,
	&cmd_hook_entry,
	&cmd_import_entry,
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const char main_usage[] =
	"usage: awm [-C <dir>] [--color[=<when>] | --no-color] <command> [<args>]\n"
	"\n"
	"awm keeps database migrations as a content-addressed history, the way git\n"
	"keeps files.\n"
	"\n"
	"Commands:\n";

static void print_help(FILE *f)
{
	size_t i;

	fputs(main_usage, f);
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-13s  %s\n", commands[i]->name, commands[i]->summary);
	fputs("\nRun 'awm <command> --help' for a command's options.\n"
	      "Exit codes: 0 success, 1 error, 2 bad usage, 3 locked, 4 conflict.\n", f);
}

static const cmd_entry *find(const char *name)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i]->name, name))
			return commands[i];
	return NULL;
}

static int decide_color(const char *when)
{
	const char *env = getenv("NO_COLOR");

	if (when && !strcmp(when, "always"))
		return 1;
	if (when && !strcmp(when, "never"))
		return 0;
	if (env && *env)
		return 0;
	return isatty(STDOUT_FILENO);
}

static int run(const cmd_entry *cmd, int argc, char **argv, const char *color)
{
	awm_cli cli;
	int i, rc;

	memset(&cli, 0, sizeof(cli));
	cli.cmd = cmd;
	cli.color = decide_color(color);
	cli.progress = isatty(STDERR_FILENO);
	for (i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(cmd->usage, stdout);
			return EXIT_OK;
		}
	if ((cmd->flags & NEEDS_REPO) && (rc = awm_repo_open(&cli.repo, NULL)) < 0)
		return cli_fail(rc);
	optind = 1;
	rc = cmd->exec(&cli, argc, argv);
	awm_repo_free(cli.repo);
	return rc;
}

int main(int argc, char **argv)
{
	const char *color = NULL;
	const cmd_entry *cmd;
	int i, rc;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-C") && i + 1 < argc) {
			if (chdir(argv[++i]) < 0) {
				fprintf(stderr, "error: cannot change to '%s': %s\n", argv[i],
					strerror(errno));
				return EXIT_USAGE;
			}
		} else if (!strcmp(argv[i], "--color")) {
			color = "always";
		} else if (!strncmp(argv[i], "--color=", 8)) {
			color = argv[i] + 8;
			if (strcmp(color, "always") && strcmp(color, "never") &&
			    strcmp(color, "auto")) {
				fprintf(stderr, "error: --color takes 'always', 'never' or 'auto', "
					"not '%s'\n", color);
				return EXIT_USAGE;
			}
		} else if (!strcmp(argv[i], "--no-color")) {
			color = "never";
		} else if (!strcmp(argv[i], "--version")) {
			printf("awm version %s\n", AWM_VERSION);
			return EXIT_OK;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			print_help(stdout);
			return EXIT_OK;
		} else {
			fprintf(stderr, "error: unknown option '%s'\n", argv[i]);
			print_help(stderr);
			return EXIT_USAGE;
		}
	}
	if (i == argc) {
		print_help(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[i], "help")) {
		if (i + 1 == argc) {
			print_help(stdout);
			return EXIT_OK;
		}
		if (!(cmd = find(argv[i + 1]))) {
			fprintf(stderr, "error: '%s' is not an awm command; see 'awm --help'\n",
				argv[i + 1]);
			return EXIT_USAGE;
		}
		fputs(cmd->usage, stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[i], "version")) {
		printf("awm version %s\n", AWM_VERSION);
		return EXIT_OK;
	}
	if (!(cmd = find(argv[i]))) {
		fprintf(stderr, "error: '%s' is not an awm command; see 'awm --help'\n", argv[i]);
		return EXIT_USAGE;
	}
	awm_sqlite_single_thread();   /* the command runs SQLite on this thread only */
	awm_git_init();
	rc = run(cmd, argc - i, argv + i, color);
	awm_git_shutdown();
	fflush(stdout);
	if (ferror(stdout)) {
		fprintf(stderr, "error: cannot write the output\n");
		return EXIT_ERROR;
	}
	return rc;
}
