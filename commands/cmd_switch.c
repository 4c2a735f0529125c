/*
 * awm switch: make another branch current.
 */
#include "commands/commands.h"
#include "core/refs.h"

static const char usage[] =
	"usage: awm switch <branch>\n"
	"       awm switch -c <new-branch> [<start>]\n"
	"       awm switch --detach <revision>\n"
	"\n"
	"Point HEAD at another branch.  Only the awm history moves: migration files\n"
	"are git's business, and databases move with 'awm apply'.\n"
	"\n"
	"  -c, --create <name>  create the branch at <start> (default HEAD) first\n"
	"  --detach             point HEAD at a commit, on no branch\n";

static int exec(awm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "create", required_argument, NULL, 'c' },
		{ "detach", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	awm_buf ref = AWM_BUF_INIT, msg = AWM_BUF_INIT;
	const char *create = NULL;
	awm_oid oid, zero;
	int c, detach = 0, rc;

	while ((c = cli_getopt(cli, argc, argv, "c:h", opts)) != -1) {
		switch (c) {
		case 'c': create = optarg; break;
		case 'd': detach = 1; break;
		case 'h': return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	awm_oid_clear(&zero);
	if (detach) {
		if (argc != 1)
			return cli_usage_error(cli, "--detach takes one revision");
		if ((rc = cli_rev(cli, &oid, argv[0])))
			return rc;
		rc = awm_ref_detach_head(cli->repo, &oid, "switch: detaching HEAD");
		if (rc < 0)
			return cli_fail(rc);
		printf("HEAD is now at %s (detached)\n", awm_oid_short(&oid, 10).s);
		return EXIT_OK;
	}
	if (create) {
		if (argc > 1)
			return cli_usage_error(cli, "too many arguments");
		awm_buf_printf(&ref, "refs/heads/%s", create);
		if ((rc = awm_refname_check(ref.ptr)) < 0)
			goto fail;
		if ((rc = cli_rev(cli, &oid, argc ? argv[0] : "HEAD")))
			goto out;
		awm_buf_printf(&msg, "branch: created from %s", argc ? argv[0] : "HEAD");
		if ((rc = awm_ref_update(cli->repo, ref.ptr, &oid, &zero, msg.ptr)) < 0) {
			if (rc == AWM_ECONFLICT)
				rc = awm_error_set(AWM_EEXISTS, "a branch named '%s' already exists", create);
			goto fail;
		}
	} else {
		if (argc != 1)
			return cli_usage_error(cli, "name one branch to switch to");
		awm_buf_printf(&ref, "refs/heads/%s", argv[0]);
		if ((rc = awm_ref_lookup(&oid, cli->repo, ref.ptr)) < 0) {
			rc = awm_error_set(AWM_ENOTFOUND, "branch '%s' not found; create it with "
					   "'awm switch -c %s'", argv[0], argv[0]);
			goto fail;
		}
	}
	awm_buf_clear(&msg);
	awm_buf_printf(&msg, "switch: moving to %s", ref.ptr + 11);
	if ((rc = awm_ref_set_symbolic(cli->repo, "HEAD", ref.ptr, msg.ptr)) < 0)
		goto fail;
	printf("Switched to %sbranch '%s'\n", create ? "a new " : "", ref.ptr + 11);
	rc = EXIT_OK;
	goto out;
fail:
	rc = cli_fail(rc);
out:
	awm_buf_release(&ref);
	awm_buf_release(&msg);
	return rc;
}

const cmd_entry cmd_switch_entry = {
	"switch", "switch to another branch", usage, NEEDS_REPO, exec,
};
