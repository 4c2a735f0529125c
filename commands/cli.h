/*
 * What every command shares: the dispatch entry, option parsing help,
 * colour and progress on terminals, and turning library errors into
 * messages and exit codes.  Only commands/ prints.
 */
#ifndef AWM_CLI_H
#define AWM_CLI_H

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

#include "core/buf.h"
#include "core/error.h"
#include "core/repo.h"
#include "objects/oid.h"

/* Exit codes (docs/exit-codes.md). */
#define EXIT_OK 0
#define EXIT_ERROR 1
#define EXIT_USAGE 2
#define EXIT_LOCKED 3
#define EXIT_CONFLICT 4

#define NEEDS_REPO 1u

typedef struct awm_cli {
	awm_repo *repo;          /* open when the command has NEEDS_REPO */
	int color;               /* colour stdout */
	int progress;            /* draw progress on stderr */
	const struct cmd_entry *cmd;
} awm_cli;

typedef struct cmd_entry {
	const char *name;
	const char *summary;     /* one line, for `awm help` */
	const char *usage;       /* the --help text */
	unsigned flags;
	int (*exec)(awm_cli *cli, int argc, char **argv);
} cmd_entry;

/* Print "error: <message>" for the last library error; return its exit code. */
int cli_fail(int rc);

/* Print "error: <message>" and the command's usage line; returns EXIT_USAGE. */
int cli_usage_error(awm_cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Print "error: ..." without a library error; returns EXIT_ERROR. */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The exit code for a library error code. */
int cli_exit_code(int rc);

/*
 * getopt_long over the command's arguments, with --help handled: prints
 * the usage and returns 'h'.  Unknown options print a usage error and
 * return '?'.  Returns -1 at the end, as getopt does.
 */
int cli_getopt(awm_cli *cli, int argc, char **argv, const char *shortopts,
	       const struct option *longopts);

/*
 * Options of a command whose only option is -q/--quiet and which takes no
 * arguments: sets `*quiet`, and returns -1 to go on, else the exit code
 * (--help printed, or a usage error, which says `why_no_args` when given).
 */
int cli_only_quiet(awm_cli *cli, int argc, char **argv, int *quiet, const char *why_no_args);

/* Progress callback for the library: "<what>: 45% (9/20)" on a terminal. */
void cli_progress(const char *what, uint64_t done, uint64_t total, void *payload);

/* ANSI colours, or "" when colour is off. */
const char *cli_color(awm_cli *cli, const char *which);
#define C_RESET "reset"
#define C_BOLD "bold"
#define C_YELLOW "yellow"
#define C_GREEN "green"
#define C_RED "red"
#define C_CYAN "cyan"
#define C_DIM "dim"
#define C_MAGENTA "magenta"
#define C_BOLD_CYAN "bold cyan"

/* Parse a non-negative integer option; EXIT_USAGE on junk. */
int cli_parse_count(awm_cli *cli, const char *opt, const char *arg, long *out);

/* Resolve a revision or print the error; returns 0 or an exit code. */
int cli_rev(awm_cli *cli, awm_oid *out, const char *spec);

/* "Sat Nov 21 12:00:00 2026 +0100", in the signature's own zone. */
void cli_format_date(awm_buf *out, int64_t t, int tz);

#endif
