/*
 * awm status: the branch, migration files that are new, edited or gone,
 * and where the branch stands against the remote.
 */
#include "commands/commands.h"
#include "commands/envcli.h"
#include "commands/xfer.h"
#include "core/rebase.h"
#include "core/refs.h"
#include "core/walk.h"
#include "core/worktree.h"

#include <string.h>

static const char usage[] =
	"usage: awm status [--env <env>] [--remote <name> | --no-remote]\n"
	"\n"
	"Show the current branch and its commit, the migration files not recorded\n"
	"yet, those edited or deleted after they were recorded, and files whose\n"
	"names awm will not accept.\n"
	"\n"
	"When a remote is configured, it is asked (one listing, no downloads)\n"
	"where the branch stands: up to date or safe to push; the remote moved,\n"
	"so a pull (or a rebase) comes first; the remote ref diverged, with its\n"
	"heads; or the remote is locked ('awm lock --remote'), so wait.\n"
	"\n"
	"A stopped rebase or cherry-pick is shown with its conflicts and what to do.\n"
	"\n"
	"  -e, --env <env>      then the environment: its applied head against its\n"
	"                       ref and HEAD, pending and extra migrations, drift,\n"
	"                       and who holds its lock until when\n"
	"  --remote <name>      compare with this remote (default 'origin', or the\n"
	"                       only remote)\n"
	"  --no-remote          do not contact any remote\n";

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

static void say_state(awm_cli *cli, const awm_sync_status *st, const awm_remote *r)
{
	const char *b = cli_short_ref(st->ref);

	switch (st->state) {
	case AWM_SYNC_UP_TO_DATE:
		printf("\tUp to date with %s/%s.\n", r->name, b);
		break;
	case AWM_SYNC_AHEAD:
		printf("\t%sSafe to push%s: %zu commit%s not on %s yet, and %s has nothing "
		       "new ('awm push %s').\n", cli_color(cli, C_GREEN), cli_color(cli, C_RESET),
		       st->ahead, st->ahead == 1 ? " is" : "s are", r->name, r->name, r->name);
		break;
	case AWM_SYNC_NOT_PUSHED:
		printf("\t%sSafe to push%s: '%s' is not on %s yet ('awm push %s %s').\n",
		       cli_color(cli, C_GREEN), cli_color(cli, C_RESET), b, r->name, r->name, b);
		break;
	case AWM_SYNC_BEHIND:
		printf("\tThe remote moved: %s has commits you lack and you have none of "
		       "your own; 'awm pull %s' fast-forwards.\n", r->name, r->name);
		break;
	case AWM_SYNC_REBASE:
		printf("\t%sThe remote moved: rebase required%s: both %s and your '%s' have new "
		       "commits; run 'awm pull --rebase %s', then push.\n",
		       cli_color(cli, C_YELLOW), cli_color(cli, C_RESET), r->name, b, r->name);
		break;
	case AWM_SYNC_DIVERGED:
		printf("\t%sDiverged%s: concurrent pushes left '%s' on %s with %zu heads; "
		       "'awm pull --rebase %s' in the clone with unpushed work resolves it:\n",
		       cli_color(cli, C_RED), cli_color(cli, C_RESET), b, r->name, st->nheads,
		       r->name);
		cli_print_heads(stdout, cli, st->heads, st->nheads, "\t    ");
		break;
	}
}

/* A stopped rebase or cherry-pick: where it is and what to do. */
static void rebase_section(awm_cli *cli)
{
	awm_rebase_info info;
	size_t i;

	if (awm_rebase_info_read(&info, cli->repo) < 0) {
		awm_error_clear();
		return;
	}
	printf("\n%sA %s is stopped%s", cli_color(cli, C_RED), info.operation,
	       cli_color(cli, C_RESET));
	if (info.branch)
		printf(" on branch %s", info.branch);
	printf(", onto %s, at %s (%zu commit%s left):\n", awm_oid_short(&info.onto, 10).s,
	       awm_oid_short(&info.stopped_at, 10).s, info.left, info.left == 1 ? "" : "s");
	for (i = 0; i < info.nreport; i++)
		printf("\t%s\n", info.report[i]);
	printf("  (edit the migration file and run 'awm %s --continue', or settle data conflicts "
	       "with '--continue --strategy ours|theirs';\n   'awm %s --skip' drops the commit, "
	       "'awm %s --abort' goes back)\n", info.operation, info.operation, info.operation);
	awm_rebase_info_release(&info);
}

/* The remote section; silent when no remote is configured. */
static void remote_section(awm_cli *cli, const char *name, const awm_oid *head, int has_head)
{
	awm_buf target = AWM_BUF_INIT;
	awm_sync_status st;
	awm_remote *r = NULL;
	char until[64];
	int rc;

	memset(&st, 0, sizeof(st));
	if (awm_ref_symbolic_target(&target, cli->repo, "HEAD") < 0 ||
	    strncmp(target.ptr, "refs/heads/", 11))
		goto done;   /* detached: no branch to compare */
	if ((rc = cli_open_remote(cli, &r, name)) < 0) {
		if (name || rc != AWM_ENOTFOUND)
			printf("\nRemote: %s\n", awm_error_last());
		goto done;
	}
	printf("\nRemote %s (%s), branch %s:\n", r->name, r->url, target.ptr + 11);
	if ((rc = awm_remote_sync_status(&st, r, target.ptr, has_head ? head : NULL)) < 0) {
		printf("\t%scannot check the remote%s: %s\n", cli_color(cli, C_RED),
		       cli_color(cli, C_RESET), awm_error_last());
		goto done;
	}
	if (st.locked || st.lock_mine) {
		cli_format_utc(until, sizeof(until), st.lock_expires);
		if (st.locked)
			printf("\t%sThe remote is locked%s by %s until %s: wait before pushing "
			       "(see 'awm remote show %s').\n", cli_color(cli, C_RED),
			       cli_color(cli, C_RESET), st.lock_owner, until, r->name);
		else
			printf("\tYou hold the remote's lock until %s ('awm unlock --remote %s').\n",
			       until, r->name);
	}
	say_state(cli, &st, r);
done:
	awm_error_clear();
	awm_sync_status_release(&st);
	awm_remote_free(r);
	awm_buf_release(&target);
}

static int exec(awm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "env", required_argument, NULL, 'e' },
		{ "remote", required_argument, NULL, 'r' },
		{ "no-remote", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	awm_recorded_set rec;
	awm_wt_status st;
	awm_oid head;
	const char *remote = NULL, *env = NULL;
	int c, has_head, rc, no_remote = 0;

	while ((c = cli_getopt(cli, argc, argv, "e:h", opts)) != -1) {
		switch (c) {
		case 'e': env = optarg; break;
		case 'r': remote = optarg; break;
		case 'n': no_remote = 1; break;
		case 'h': return EXIT_OK;
		default: return EXIT_USAGE;
		}
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
	rebase_section(cli);
	section(cli, &st, AWM_WT_NEW, "New migrations (record them with 'awm commit'):", C_GREEN);
	section(cli, &st, AWM_WT_EDITED, "Edited after they were recorded (revert them, "
		"and put the change in a new migration):", C_RED);
	section(cli, &st, AWM_WT_MISSING, "Recorded, but the file is gone:", C_RED);
	section(cli, &st, AWM_WT_BADNAME, "Not named <version>_<phrase>.sql (rename them):",
		C_RED);
	if (st.nr == 0)
		printf("\nMigrations folder matches the history\n");
	if (!no_remote)
		remote_section(cli, remote, &head, has_head);
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
