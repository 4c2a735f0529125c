/*
 * Printing conflicts and the outcome of rebase-like runs (see graphops.h).
 */
#include "commands/graphops.h"

#include <ctype.h>
#include <string.h>

void cli_print_conflicts(awm_cli *cli, const awm_conflict_list *l,
			 const awm_conflict_labels *labels)
{
	awm_buf line = AWM_BUF_INIT;
	size_t i;

	for (i = 0; i < l->nr; i++) {
		awm_buf_clear(&line);
		awm_conflict_format(&line, &l->items[i], labels);
		printf("%s%s%s\n", cli_color(cli, l->items[i].resolution ? C_YELLOW : C_RED),
		       line.ptr, cli_color(cli, C_RESET));
	}
	awm_buf_release(&line);
}

int cli_parse_strategy(awm_cli *cli, const char *arg, awm_strategy *out)
{
	int s = awm_strategy_parse(arg);

	if (s < 0)
		return cli_usage_error(cli, "unknown strategy '%s'; use 'ours' or 'theirs'", arg);
	*out = (awm_strategy)s;
	return 0;
}

static void print_notes(const awm_rebase_result *res)
{
	size_t i;

	for (i = 0; i < res->nnotes; i++)
		fprintf(stderr, "note: %s\n", res->notes[i]);
}

/* What the user can do at a stop. */
static void stop_hint(const awm_rebase_result *res)
{
	const char *op = res->operation;
	size_t i, data = 0, other = 0, fk = 0;

	for (i = 0; i < res->conflicts.nr; i++) {
		const awm_conflict *c = &res->conflicts.items[i];

		if (c->resolution)
			continue;
		if (c->kind == AWM_CONFLICT_DATA && !awm_conflict_settleable(c))
			fk++;   /* a dangling foreign key */
		else if (c->kind == AWM_CONFLICT_DATA)
			data++;
		else
			other++;
	}
	other += fk;
	fprintf(stderr, "error: %s stopped at %s (%s) with %zu conflict%s; ", op,
		awm_oid_short(&res->stopped_at, 10).s, res->stopped_subject, data + other,
		data + other == 1 ? "" : "s");
	if (res->stopped_file)
		fprintf(stderr, "edit '%s' and run 'awm %s --continue'", res->stopped_file, op);
	else
		fprintf(stderr, "run 'awm %s --continue' once it is settled", op);
	if (data && !other)
		fprintf(stderr, ", or settle the data conflicts with 'awm %s --continue "
			"--strategy ours' (or 'theirs')", op);
	else if (fk)
		fprintf(stderr, " (no strategy settles a foreign key left dangling)");
	else if (other && res->stopped_file)
		fprintf(stderr, " (after looking at the schema conflicts, --continue takes the "
			"commit as it is if its script runs)");
	fprintf(stderr, "; 'awm %s --skip' drops the commit, 'awm %s --abort' goes back to "
		"where you started\n", op, op);
}

int cli_rebase_outcome(awm_cli *cli, const awm_rebase_result *res, int rc)
{
	const char *what = res->operation ? res->operation : "rebase";

	if (rc < 0 && !res->stopped) {
		print_notes(res);
		return cli_fail(rc);
	}
	cli_print_conflicts(cli, &res->conflicts, &res->labels);
	print_notes(res);
	if (res->stopped) {
		stop_hint(res);
		return EXIT_CONFLICT;
	}
	if (res->up_to_date) {
		printf("Current branch %s is up to date.\n", res->branch ? res->branch : "HEAD");
		return EXIT_OK;
	}
	if (res->fast_forward) {
		printf("Fast-forwarded %s to %s.\n", res->branch ? res->branch : "HEAD",
		       awm_oid_short(&res->new_tip, 10).s);
		return EXIT_OK;
	}
	if (!strcmp(what, "cherry-pick"))
		printf("Cherry-picked onto %s: %s%s%s\n", res->branch ? res->branch : "HEAD",
		       cli_color(cli, C_YELLOW), awm_oid_short(&res->new_tip, 10).s,
		       cli_color(cli, C_RESET));
	else
	{
		printf("Successfully rebased %s onto %s: %zu commit%s replayed",
		       res->branch ? res->branch : "HEAD", awm_oid_short(&res->onto, 10).s,
		       res->replayed, res->replayed == 1 ? "" : "s");
		if (res->skipped)
			printf(", %zu dropped", res->skipped);
		printf("; now at %s\n", awm_oid_short(&res->new_tip, 10).s);
	}
	return EXIT_OK;
}

int cli_rebase_action(awm_cli *cli, const char *op, int action, awm_strategy strategy)
{
	awm_progress_cb progress = cli->progress ? cli_progress : NULL;
	awm_rebase_result res;
	int rc;

	memset(&res, 0, sizeof(res));
	if (action != 'c' && strategy)
		return cli_usage_error(cli, "--strategy goes with --continue or a new %s", op);
	if (action == 'c') {
		rc = awm_rebase_continue(&res, cli->repo, op, strategy, progress, cli);
	} else if (action == 'k') {
		rc = awm_rebase_skip(&res, cli->repo, op, progress, cli);
	} else {
		rc = awm_rebase_abort(&res, cli->repo, op);
		if (rc == 0)
			printf("%c%s aborted; %s is back at %s.\n", toupper((unsigned char)op[0]),
			       op + 1, res.branch ? res.branch : "HEAD",
			       awm_oid_short(&res.new_tip, 10).s);
		awm_rebase_result_release(&res);
		return rc < 0 ? cli_fail(rc) : EXIT_OK;
	}
	rc = cli_rebase_outcome(cli, &res, rc);
	awm_rebase_result_release(&res);
	return rc;
}
