/*
 * awm rev-parse: resolve revisions to ids.
 */
#include "commands/commands.h"
#include "core/revparse.h"

static const char usage[] =
	"usage: awm rev-parse [--short[=<n>]] [--symbolic-full-name] <revision>...\n"
	"\n"
	"Print the full id of each revision: an id or unique prefix of at least 4\n"
	"hex digits, HEAD, a branch, an environment (dev or envs/dev), a remote\n"
	"ref, a full ref name, followed by any of ~<n>, ^<n> and ^.\n"
	"\n"
	"  --short[=<n>]        print the first n hex digits (default 10)\n"
	"  --symbolic-full-name print the ref a name stands for (refs/heads/main)\n";

static int exec(awm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "short", optional_argument, NULL, 's' },
		{ "symbolic-full-name", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	long shortlen = 0;
	int c, i, symbolic = 0, rc;

	while ((c = cli_getopt(cli, argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 's':
			shortlen = 10;
			if (optarg && cli_parse_count(cli, "--short", optarg, &shortlen))
				return EXIT_USAGE;
			if (shortlen < AWM_OID_MINPREFIX)
				shortlen = AWM_OID_MINPREFIX;
			break;
		case 'S': symbolic = 1; break;
		case 'h': return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (optind == argc)
		return cli_usage_error(cli, "name at least one revision");
	for (i = optind; i < argc; i++) {
		awm_oid oid;

		if (symbolic) {
			awm_buf ref = AWM_BUF_INIT;

			if (awm_revparse_ref(&ref, cli->repo, argv[i]) < 0)
				return cli_error("'%s' is not a ref", argv[i]);
			printf("%s\n", ref.ptr);
			awm_buf_release(&ref);
			continue;
		}
		if ((rc = cli_rev(cli, &oid, argv[i])))
			return rc;
		printf("%s\n", shortlen ? awm_oid_short(&oid, (size_t)shortlen).s :
		       awm_oid_tohex(&oid).s);
	}
	return EXIT_OK;
}

const cmd_entry cmd_rev_parse_entry = {
	"rev-parse", "resolve revisions to object ids", usage, NEEDS_REPO, exec,
};
