/*
 * awm fast-import: bulk-load history from a stream on standard input.
 */
#include "commands/commands.h"
#include "core/fast_import.h"
#include "core/fs.h"

static const char usage[] =
	"usage: awm fast-import [-q] < stream\n"
	"\n"
	"Load commits from a text stream (docs/fast-import.md) into one pack and\n"
	"update the refs it names.  Like git fast-import it trusts the stream:\n"
	"scripts are stored, not run.  A malformed stream is refused with its line\n"
	"number and nothing is written.\n"
	"\n"
	"  -q, --quiet          print nothing on success\n";

static int exec(awm_cli *cli, int argc, char **argv)
{
	awm_fast_import_stats st;
	awm_buf in = AWM_BUF_INIT;
	int quiet, rc;

	if ((rc = cli_only_quiet(cli, argc, argv, &quiet, "the stream comes on standard input")) >= 0)
		return rc;
	if ((rc = awm_fs_read_file(&in, "/dev/stdin")) == 0)
		rc = awm_fast_import(&st, cli->repo, in.ptr, in.size, cli_progress, cli);
	awm_buf_release(&in);
	if (rc < 0)
		return cli_fail(rc);
	if (!quiet)
		printf("imported %zu commits (%zu new objects), updated %zu refs\n",
		       st.commits, st.objects, st.refs);
	return EXIT_OK;
}

const cmd_entry cmd_fast_import_entry = {
	"fast-import", "bulk-load history from a stream", usage, NEEDS_REPO, exec,
};
