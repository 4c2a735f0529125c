/*
 * awm status: the branch, and migration files that are new, edited or gone.
 */
#include "commands/commands.h"
#include "commands/envcli.h"
#include "core/refs.h"
#include "core/walk.h"
#include "core/worktree.h"

#include <string.h>

static const char usage[] =
	"usage: awm status [--env <env>]\n"
	"\n"
	"Show the current branch and its commit, the migration files not recorded\n"
	"yet, those edited or deleted after they were recorded, and files whose\n"
	"names awm will not accept.\n"
	"\n"
	"  -e, --env <env>      then the environment: its applied head against its\n"
	"                       ref and HEAD, pending and extra migrations, drift,\n"
	"                       and who holds its lock until when\n";

static void section(awm_cli *cli, const awm_wt_status *st, awm_wt_state state,
		    const char *title, const char *color)
{
	size_t i;
	int shown = 0;

	for (i = 0; i < st->nr; i++) {
		const awm_wt_entry *e = &st->items[i];

		if (e->state != state)
			continue;
		if (!shown++)
			printf("\n%s\n", title);
		printf("\t%s%s%s", cli_color(cli, color), e->path, cli_color(cli, C_RESET));
		if (state == AWM_WT_EDITED)
			printf(" (recorded in %s; %s)", awm_oid_short(&e->commit, 10).s, e->detail);
		else if (state == AWM_WT_MISSING)
			printf(" (recorded in %s)", awm_oid_short(&e->commit, 10).s);
		printf("\n");
	}
}

static void print_head(awm_cli *cli, const awm_oid *head, int has_head)
{
	awm_buf target = AWM_BUF_INIT, subj = AWM_BUF_INIT;
	awm_walk *w;
	awm_oid oid;

	if (awm_ref_symbolic_target(&target, cli->repo, "HEAD") == 0 &&
	    !strncmp(target.ptr, "refs/heads/", 11))
		printf("On branch %s\n", target.ptr + 11);
	else
		printf("HEAD detached\n");
	awm_error_clear();
	if (!has_head) {
		printf("No migrations recorded yet\n");
	} else {
		awm_walk_new(&w, cli->repo, 0);
		if (awm_walk_push(w, head) == 0 && awm_walk_next(w, &oid) == 1 &&
		    awm_walk_subject(w, &subj) == 0)
			printf("HEAD %s%s%s %s\n", cli_color(cli, C_YELLOW),
			       awm_oid_short(head, 10).s, cli_color(cli, C_RESET), subj.ptr);
		awm_walk_free(w);
	}
	awm_buf_release(&target);
	awm_buf_release(&subj);
}

static int exec(awm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "env", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	awm_recorded_set rec;
	awm_wt_status st;
	awm_oid head;
	const char *env = NULL;
	int c, has_head, rc;

	while ((c = cli_getopt(cli, argc, argv, "e:h", opts)) != -1) {
		if (c != 'e')
			return c == 'h' ? EXIT_OK : EXIT_USAGE;
		env = optarg;
	}
	if (optind < argc)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
	rc = awm_ref_lookup(&head, cli->repo, "HEAD");
	if (rc < 0 && rc != AWM_ENOTFOUND)
		return cli_fail(rc);
	has_head = rc == 0;
	if ((rc = awm_recorded_load(&rec, cli->repo, has_head ? &head : NULL)) < 0)
		return cli_fail(rc);
	if ((rc = awm_worktree_status(&st, cli->repo, &rec)) < 0) {
		awm_recorded_release(&rec);
		return cli_fail(rc);
	}
	print_head(cli, &head, has_head);
	section(cli, &st, AWM_WT_NEW, "New migrations (record them with 'awm commit'):", C_GREEN);
	section(cli, &st, AWM_WT_EDITED, "Edited after they were recorded (revert them, "
		"and put the change in a new migration):", C_RED);
	section(cli, &st, AWM_WT_MISSING, "Recorded, but the file is gone:", C_RED);
	section(cli, &st, AWM_WT_BADNAME, "Not named <version>_<phrase>.sql (rename them):",
		C_RED);
	if (st.nr == 0)
		printf("\nMigrations folder matches the history\n");
	awm_wt_status_release(&st);
	awm_recorded_release(&rec);
	if (env) {
		printf("\n");
		fflush(stdout);
		return envcli_status(cli, env);
	}
	return EXIT_OK;
}

const cmd_entry cmd_status_entry = {
	"status", "show the branch and unrecorded or edited migrations", usage, NEEDS_REPO, exec,
};
