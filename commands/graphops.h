/*
 * What rebase, cherry-pick, merge, revert and pull --rebase print about
 * conflicts and stops (docs/graph-operations.md, "The report").
 */
#ifndef AWM_CMD_GRAPHOPS_H
#define AWM_CMD_GRAPHOPS_H

#include "commands/cli.h"
#include "core/conflict.h"
#include "core/rebase.h"

/* Every entry, one line each, to standard output. */
void cli_print_conflicts(awm_cli *cli, const awm_conflict_list *l,
			 const awm_conflict_labels *labels);

/* "--strategy" values; EXIT_USAGE (printed) for anything else. */
int cli_parse_strategy(awm_cli *cli, const char *arg, awm_strategy *out);

/*
 * Report how a rebase or cherry-pick run ended (`rc` is what the library
 * returned) and return the exit code: the choices a strategy made, notes,
 * and either the summary or, on a stop, the conflicts and what to do.
 */
int cli_rebase_outcome(awm_cli *cli, const awm_rebase_result *res, int rc);

/*
 * `awm rebase|cherry-pick --continue|--skip|--abort` (`action` 'c', 'k'
 * or 'a') for operation `op`, reported; returns the exit code.
 */
int cli_rebase_action(awm_cli *cli, const char *op, int action, awm_strategy strategy);

#endif
