/*
 * Shared command-line helpers (see cli.h).
 */
#include "commands/cli.h"
#include "core/revparse.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int cli_exit_code(int rc)
{
	switch (rc) {
	case AWM_ELOCKED: return EXIT_LOCKED;
	case AWM_ECONFLICT: case AWM_ENONFASTFORWARD: return EXIT_CONFLICT;
	case AWM_EUSAGE: return EXIT_USAGE;
	default: return rc < 0 ? EXIT_ERROR : EXIT_OK;
	}
}

int cli_fail(int rc)
{
	fprintf(stderr, "error: %s\n", awm_error_last());
	return cli_exit_code(rc);
}

int cli_error(const char *fmt, ...)
{
	va_list ap;

	fputs("error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_ERROR;
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;

	fputs("warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void print_usage_line(FILE *f, const cmd_entry *cmd)
{
	const char *nl = strchr(cmd->usage, '\n');

	fprintf(f, "%.*s\n", nl ? (int)(nl - cmd->usage) : (int)strlen(cmd->usage), cmd->usage);
	fprintf(f, "Try 'awm %s --help' for more.\n", cmd->name);
}

int cli_usage_error(awm_cli *cli, const char *fmt, ...)
{
	va_list ap;

	fputs("error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	print_usage_line(stderr, cli->cmd);
	return EXIT_USAGE;
}

/*
 * The option getopt refused, named as the user typed it: a long option by
 * its name (getopt's optopt would be its internal letter), a short one by
 * its letter.
 */
static void option_error(awm_cli *cli, int c, const char *arg, const struct option *longopts)
{
	size_t n;
	int i;

	if (strncmp(arg, "--", 2)) {
		cli_usage_error(cli, "option '-%c' %s", optopt,
				c == ':' ? "needs a value" : "is not known");
		return;
	}
	n = strcspn(arg, "=");
	if (c == ':') {
		cli_usage_error(cli, "option '%.*s' needs a value", (int)n, arg);
		return;
	}
	for (i = 0; arg[n] && longopts && longopts[i].name; i++)
		if (strlen(longopts[i].name) == n - 2 && !strncmp(longopts[i].name, arg + 2, n - 2) &&
		    longopts[i].has_arg == no_argument) {
			cli_usage_error(cli, "option '%.*s' takes no value", (int)n, arg);
			return;
		}
	cli_usage_error(cli, "option '%.*s' is not known", (int)n, arg);
}

int cli_getopt(awm_cli *cli, int argc, char **argv, const char *shortopts,
	       const struct option *longopts)
{
	char spec[64];
	int c, plus = shortopts[0] == '+';

	/* A leading ':' makes getopt tell a missing value (':') from an unknown option. */
	snprintf(spec, sizeof(spec), "%s:%s", plus ? "+" : "", shortopts + plus);
	opterr = 0;
	c = getopt_long(argc, argv, spec, longopts, NULL);
	if (c == 'h') {
		fputs(cli->cmd->usage, stdout);
		return 'h';
	}
	if (c == '?' || c == ':') {
		option_error(cli, c, argv[optind - 1 < argc ? optind - 1 : argc - 1], longopts);
		return '?';
	}
	return c;
}

int cli_only_quiet(awm_cli *cli, int argc, char **argv, int *quiet, const char *why_no_args)
{
	static const struct option opts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*quiet = 0;
	while ((c = cli_getopt(cli, argc, argv, "qh", opts)) != -1) {
		switch (c) {
		case 'q': *quiet = 1; break;
		case 'h': return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (optind < argc && why_no_args)
		return cli_usage_error(cli, "%s", why_no_args);
	if (optind < argc)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
	return -1;
}

void cli_progress(const char *what, uint64_t done, uint64_t total, void *payload)
{
	static struct timespec last;
	struct timespec now;
	awm_cli *cli = payload;

	if (!cli || !cli->progress)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (done != total &&
	    (now.tv_sec - last.tv_sec) * 1000 + (now.tv_nsec - last.tv_nsec) / 1000000 < 100)
		return;
	last = now;
	if (total)
		fprintf(stderr, "\r%s: %3d%% (%llu/%llu)%s", what, (int)(done * 100 / total),
			(unsigned long long)done, (unsigned long long)total,
			done == total ? ", done.\n" : "");
	else
		fprintf(stderr, "\r%s: %llu", what, (unsigned long long)done);
	fflush(stderr);
}

const char *cli_color(awm_cli *cli, const char *which)
{
	static const struct { const char *name, *code; } table[] = {
		{ C_RESET, "\033[m" }, { C_BOLD, "\033[1m" }, { C_YELLOW, "\033[33m" },
		{ C_GREEN, "\033[32m" }, { C_RED, "\033[31m" }, { C_CYAN, "\033[36m" },
		{ C_DIM, "\033[2m" }, { C_MAGENTA, "\033[35m" }, { C_BOLD_CYAN, "\033[1;36m" },
	};
	size_t i;

	if (!cli->color)
		return "";
	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (!strcmp(table[i].name, which))
			return table[i].code;
	return "";
}

int cli_parse_count(awm_cli *cli, const char *opt, const char *arg, long *out)
{
	char *end;
	long v = strtol(arg, &end, 10);

	if (!*arg || *end || v < 0)
		return cli_usage_error(cli, "%s needs a non-negative number, not '%s'", opt, arg);
	*out = v;
	return 0;
}

int cli_rev(awm_cli *cli, awm_oid *out, const char *spec)
{
	int rc = awm_revparse(out, cli->repo, spec);

	return rc < 0 ? cli_fail(rc) : 0;
}

void cli_format_date(awm_buf *out, int64_t t, int tz)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t local = (time_t)(t + (int64_t)tz * 60);
	struct tm tm;
	int a = tz < 0 ? -tz : tz;

	gmtime_r(&local, &tm);
	awm_buf_printf(out, "%s %s %d %02d:%02d:%02d %d %c%02d%02d", days[tm.tm_wday],
		       months[tm.tm_mon], tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		       tm.tm_year + 1900, tz < 0 ? '-' : '+', a / 60, a % 60);
}
