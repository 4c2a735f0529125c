/*
 * What push, fetch and pull share on the command line: the transfer
 * progress bar (objects and bytes, on a terminal only), byte counts, the
 * --verbose request statistics, and picking the remote to use.
 */
#ifndef AWM_XFER_H
#define AWM_XFER_H

#include <time.h>

#include "commands/cli.h"
#include "core/remote_sync.h"

typedef struct cli_xfer {
	awm_cli *cli;
	struct timespec last;       /* last redraw, to draw at most 10 times a second */
	const char *drawing;        /* the phase on the line now, or NULL */
} cli_xfer;

void cli_xfer_init(cli_xfer *x, awm_cli *cli);

/* Progress callback for the library; `payload` is a cli_xfer. */
void cli_xfer_progress(const awm_xfer_progress *p, void *payload);

/* "1.2 MiB", "512 bytes". */
void cli_format_bytes(awm_buf *out, uint64_t n);

/* "requests: N, sent: B bytes, received: B bytes" on stdout (--verbose). */
void cli_print_transfer_stats(const awm_remote *r);

/* Open the named remote, or the default one when `name` is NULL. */
int cli_open_remote(awm_cli *cli, awm_remote **out, const char *name);

/* Print "  <short id> <subject>" lines for heads of a diverged ref. */
void cli_print_heads(FILE *f, awm_cli *cli, const awm_oid *heads, size_t n,
		     const char *indent);

/* "2026-01-02 03:04:05 UTC" */
void cli_format_utc(char *out, size_t len, int64_t t);

/* "main" for refs/heads/main, the full name otherwise. */
const char *cli_short_ref(const char *ref);

#endif
