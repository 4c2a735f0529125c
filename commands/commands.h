/*
 * The command table: one entry per commands/cmd_<verb>.c.
 */
#ifndef AWM_COMMANDS_H
#define AWM_COMMANDS_H

#include "commands/cli.h"

extern const cmd_entry cmd_apply_entry;
extern const cmd_entry cmd_blame_entry;
extern const cmd_entry cmd_branch_entry;
extern const cmd_entry cmd_cat_object_entry;
extern const cmd_entry cmd_checkout_entry;
extern const cmd_entry cmd_cherry_pick_entry;
extern const cmd_entry cmd_commit_entry;
extern const cmd_entry cmd_diff_entry;
extern const cmd_entry cmd_env_entry;
extern const cmd_entry cmd_export_entry;
extern const cmd_entry cmd_fast_import_entry;
extern const cmd_entry cmd_fetch_entry;
extern const cmd_entry cmd_fsck_entry;
extern const cmd_entry cmd_gc_entry;
extern const cmd_entry cmd_hash_object_entry;
extern const cmd_entry cmd_history_entry;
extern const cmd_entry cmd_hook_entry;
extern const cmd_entry cmd_hooks_entry;
extern const cmd_entry cmd_import_entry;
extern const cmd_entry cmd_init_entry;
extern const cmd_entry cmd_lock_entry;
extern const cmd_entry cmd_log_entry;
extern const cmd_entry cmd_merge_entry;
extern const cmd_entry cmd_merge_base_entry;
extern const cmd_entry cmd_new_entry;
extern const cmd_entry cmd_plan_entry;
extern const cmd_entry cmd_promote_entry;
extern const cmd_entry cmd_pull_entry;
extern const cmd_entry cmd_push_entry;
extern const cmd_entry cmd_rebase_entry;
extern const cmd_entry cmd_reflog_entry;
extern const cmd_entry cmd_relationships_entry;
extern const cmd_entry cmd_remote_entry;
extern const cmd_entry cmd_report_entry;
extern const cmd_entry cmd_reset_entry;
extern const cmd_entry cmd_revert_entry;
extern const cmd_entry cmd_rev_parse_entry;
extern const cmd_entry cmd_rollback_entry;
extern const cmd_entry cmd_show_entry;
extern const cmd_entry cmd_snapshot_entry;
extern const cmd_entry cmd_status_entry;
extern const cmd_entry cmd_switch_entry;
extern const cmd_entry cmd_unlock_entry;
extern const cmd_entry cmd_validate_entry;

/* awm diff --db (commands/diff_db.c), reached from cmd_diff.c. */
int cmd_diff_db(awm_cli *cli, int argc, char **argv, const char *cs_out, int sql);

#endif
