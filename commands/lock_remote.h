/*
 * `awm lock --remote` and `awm unlock --remote`: the remote's lease lock,
 * kept apart from cmd_lock.c and cmd_unlock.c, which only parse options and
 * dispatch (environment locks live beside this).
 */
#ifndef AWM_LOCK_REMOTE_H
#define AWM_LOCK_REMOTE_H

#include <stdint.h>

#include "commands/cli.h"

/* Parse "90", "90s", "30m", "2h" or "1d" into seconds; EXIT_USAGE on junk. */
int cli_parse_duration(awm_cli *cli, const char *opt, const char *arg, int64_t *out);

int cli_lock_remote(awm_cli *cli, const char *remote, int64_t ttl, int force,
		    const char *message);
int cli_unlock_remote(awm_cli *cli, const char *remote, int force);

#endif
