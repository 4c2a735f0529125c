/*
 * awm remote: add, remove, list and show the remotes in awm.conf.
 */
#include "commands/commands.h"
#include "commands/xfer.h"
#include "core/remote_lock.h"

#include <stdlib.h>

#include <string.h>

static const char usage[] =
	"usage: awm remote [list] [-v]\n"
	"       awm remote add [--endpoint <url>] <name> <url>\n"
	"       awm remote remove <name>\n"
	"       awm remote show <name>\n"
	"\n"
	"Manage the remotes in awm.conf.  A remote's URL is a folder (a path, or\n"
	"file:///path), for instance on a shared drive, or b2://<bucket>/<prefix>\n"
	"for Backblaze B2, which reads its key from B2_APPLICATION_KEY_ID and\n"
	"B2_APPLICATION_KEY.  See docs/remotes.md.\n"
	"\n"
	"  list [-v]            the remote names (with -v, their URLs)\n"
	"  add <name> <url>     add a remote\n"
	"      --endpoint <url> B2 account endpoint (default Backblaze's)\n"
	"  remove <name>        forget a remote and its remote-tracking refs\n"
	"                       (nothing on the remote changes)\n"
	"  show <name>          contact the remote: its refs, heads and lock\n";

static int list(awm_cli *cli, int verbose)
{
	char **names;
	size_t n, i;
	awm_buf k = AWM_BUF_INIT, v = AWM_BUF_INIT;
	int rc = awm_remote_names(&names, &n, cli->repo);

	if (rc < 0)
		return cli_fail(rc);
	for (i = 0; i < n; i++) {
		if (!verbose) {
			printf("%s\n", names[i]);
			continue;
		}
		awm_buf_clear(&k);
		awm_buf_printf(&k, "remote.%s.url", names[i]);
		awm_config_string_or(&v, cli->repo->config, k.ptr, "");
		printf("%s\t%s\n", names[i], v.ptr);
	}
	awm_remote_names_free(names, n);
	awm_buf_release(&k);
	awm_buf_release(&v);
	return EXIT_OK;
}

static void show_lock(awm_cli *cli, awm_remote *r)
{
	awm_lock_record rec;
	char until[64];
	int held, rc = awm_remote_lock_show(&rec, &held, r);

	if (rc < 0) {
		printf("  Lock: cannot read it: %s\n", awm_error_last());
	} else if (!held) {
		printf("  Lock: none\n");
	} else {
		cli_format_utc(until, sizeof(until), rec.expires);
		printf("  Lock: %sheld by %s%s%s until %s\n", cli_color(cli, C_RED), rec.owner,
		       rec.mine ? " (this clone)" : "", cli_color(cli, C_RESET), until);
		if (*rec.message)
			printf("        \"%s\"\n", rec.message);
	}
	awm_lock_record_release(&rec);
	awm_error_clear();
}

static int show(awm_cli *cli, const char *name)
{
	awm_remote *r;
	awm_remote_snapshot s;
	size_t i;
	int rc;

	if ((rc = awm_remote_open(&r, cli->repo, name)) < 0)
		return cli_fail(rc);
	printf("* remote %s\n", r->name);
	printf("  URL: %s\n", r->url);
	if (r->endpoint)
		printf("  Endpoint: %s\n", r->endpoint);
	if ((rc = awm_remote_snapshot_take(&s, r, "")) < 0) {
		awm_remote_free(r);
		return cli_fail(rc);
	}
	if (!s.format) {
		printf("  Nothing pushed yet\n");
		goto done;
	}
	show_lock(cli, r);
	printf("  Packs: %zu\n", s.npacks);
	printf("  Refs:%s\n", s.nrefs ? "" : " none");
	for (i = 0; i < s.nrefs; i++) {
		awm_oid *heads = NULL;
		size_t nheads = 0, unknown;

		if ((rc = awm_remote_ref_heads(&heads, &nheads, &unknown, cli->repo,
					       &s.refs[i])) < 0)
			break;
		if (nheads == 1) {
			printf("    %-20s ", cli_short_ref(s.refs[i].name));
			cli_print_heads(stdout, cli, heads, 1, "");
		} else {
			printf("    %-20s %sdiverged: %zu heads%s (resolve with 'awm pull "
			       "--rebase %s')\n", cli_short_ref(s.refs[i].name),
			       cli_color(cli, C_RED), nheads, cli_color(cli, C_RESET), r->name);
			cli_print_heads(stdout, cli, heads, nheads, "        ");
		}
		free(heads);
	}
done:
	awm_remote_snapshot_release(&s);
	awm_remote_free(r);
	return rc < 0 ? cli_fail(rc) : EXIT_OK;
}

static int exec(awm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "endpoint", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *endpoint = NULL, *sub;
	int c, verbose = 0, rc;

	/* GNU getopt moves options before the words: "add --endpoint x n u". */
	while ((c = cli_getopt(cli, argc, argv, "vh", opts)) != -1) {
		switch (c) {
		case 'v': verbose = 1; break;
		case 'e': endpoint = optarg; break;
		case 'h': return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	sub = optind < argc ? argv[optind++] : "list";
	argc -= optind;
	argv += optind;
	if (!strcmp(sub, "list")) {
		if (argc)
			return cli_usage_error(cli, "unexpected argument '%s'", argv[0]);
		return list(cli, verbose);
	}
	if (!strcmp(sub, "add")) {
		if (argc != 2)
			return cli_usage_error(cli, "'remote add' takes a name and a URL");
		if ((rc = awm_remote_add(cli->repo, argv[0], argv[1], endpoint)) < 0)
			return cli_fail(rc);
		return EXIT_OK;
	}
	if (endpoint)
		return cli_usage_error(cli, "--endpoint goes with 'remote add'");
	if (!strcmp(sub, "remove") || !strcmp(sub, "rm")) {
		if (argc != 1)
			return cli_usage_error(cli, "'remote remove' takes a remote name");
		if ((rc = awm_remote_remove(cli->repo, argv[0])) < 0)
			return cli_fail(rc);
		return EXIT_OK;
	}
	if (!strcmp(sub, "show")) {
		if (argc != 1)
			return cli_usage_error(cli, "'remote show' takes a remote name");
		return show(cli, argv[0]);
	}
	return cli_usage_error(cli, "'%s' is not a remote subcommand (add, remove, list, show)",
			       sub);
}

const cmd_entry cmd_remote_entry = {
	"remote", "add, remove, list and show remotes", usage, NEEDS_REPO, exec,
};
