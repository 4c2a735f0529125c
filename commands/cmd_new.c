/*
 * awm new: create a migration file with up and down sections.
 */
#include "commands/commands.h"
#include "core/migration.h"

#include <time.h>

static const char usage[] =
	"usage: awm new <phrase>...\n"
	"\n"
	"Create <migrations>/<YYYYMMDDHHMMSS>_<phrase>.sql (UTC) with '-- awm:up'\n"
	"and '-- awm:down' sections, and print its path.  The words of the phrase\n"
	"are joined with '_'.  A new file always sorts after the existing ones.\n";

static int exec(awm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	awm_buf phrase = AWM_BUF_INIT, path = AWM_BUF_INIT;
	int c, i, rc;

	while ((c = cli_getopt(cli, argc, argv, "+h", opts)) != -1)
		return c == 'h' ? EXIT_OK : EXIT_USAGE;
	if (optind == argc)
		return cli_usage_error(cli, "say what the migration does, e.g. 'awm new add users'");
	for (i = optind; i < argc; i++)
		awm_buf_printf(&phrase, "%s%s", i > optind ? " " : "", argv[i]);
	rc = awm_migration_create(&path, cli->repo, phrase.ptr, time(NULL));
	if (rc == 0)
		printf("%s\n", path.ptr);
	awm_buf_release(&phrase);
	awm_buf_release(&path);
	return rc < 0 ? cli_fail(rc) : EXIT_OK;
}

const cmd_entry cmd_new_entry = {
	"new", "create a migration file", usage, NEEDS_REPO, exec,
};
