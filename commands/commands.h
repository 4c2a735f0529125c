/*
 * The command table: one entry per commands/cmd_<verb>.c.
 */
#ifndef AWM_COMMANDS_H
#define AWM_COMMANDS_H

#include "commands/cli.h"

extern const cmd_entry cmd_branch_entry;
extern const cmd_entry cmd_cat_object_entry;
extern const cmd_entry cmd_checkout_entry;
extern const cmd_entry cmd_commit_entry;
extern const cmd_entry cmd_diff_entry;
extern const cmd_entry cmd_fast_import_entry;
extern const cmd_entry cmd_fsck_entry;
extern const cmd_entry cmd_gc_entry;
extern const cmd_entry cmd_hash_object_entry;
extern const cmd_entry cmd_init_entry;
extern const cmd_entry cmd_log_entry;
extern const cmd_entry cmd_new_entry;
extern const cmd_entry cmd_reflog_entry;
extern const cmd_entry cmd_rev_parse_entry;
extern const cmd_entry cmd_show_entry;
extern const cmd_entry cmd_snapshot_entry;
extern const cmd_entry cmd_status_entry;
extern const cmd_entry cmd_switch_entry;

#endif
