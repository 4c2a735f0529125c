/*
 * awm fetch: download a remote's new history and update the
 * remote-tracking refs.
 */
#include "commands/commands.h"
#include "commands/xfer.h"

#include <string.h>

static const char usage[] =
	"usage: awm fetch [-q | -v] [<remote>]\n"
	"\n"
	"Download the objects of the remote (default 'origin', or the only remote)\n"
	"that this clone lacks, re-hash every one of them, and point\n"
	"refs/remotes/<remote>/<branch> at each remote branch.  A remote ref whose\n"
	"concurrent pushes left several heads is reported, with its heads, and\n"
	"makes the exit code 4; 'awm pull --rebase' resolves it.  A damaged or\n"
	"tampered object is refused by id and no ref moves.\n"
	"\n"
	"  -q, --quiet          print nothing but errors and divergence\n"
	"  -v, --verbose        also print the requests made and bytes moved\n";

/* Print what moved; returns 1 when some ref has diverged. */
static int report(awm_cli *cli, awm_remote *r, const awm_fetch_report *rep, int quiet)
{
	size_t i, shown = 0;
	int diverged = 0;

	for (i = 0; i < rep->nr; i++) {
		const awm_fetch_ref *f = &rep->refs[i];
		const char *track = f->tracking + strlen("refs/remotes/");

		if (!quiet && !awm_oid_equal(&f->old_oid, &f->new_oid)) {
			if (!shown++)
				printf("From %s\n", r->url);
			if (awm_oid_is_zero(&f->old_oid))
				printf(" * [new ref]               %s -> %s\n",
				       cli_short_ref(f->ref), track);
			else
				printf("   %s..%s  %s -> %s\n", awm_oid_short(&f->old_oid, 10).s,
				       awm_oid_short(&f->new_oid, 10).s, cli_short_ref(f->ref), track);
		}
		if (f->nheads > 1) {
			diverged = 1;
			fprintf(stderr, "warning: '%s' on remote '%s' has diverged: concurrent "
				"pushes left %zu heads:\n", cli_short_ref(f->ref), r->name, f->nheads);
			cli_print_heads(stderr, cli, f->heads, f->nheads, "    ");
			fprintf(stderr, "resolve it with 'awm pull --rebase %s' in the clone "
				"that has the unpushed work\n", r->name);
		}
	}
	return diverged;
}

static int exec(awm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	awm_fetch_report rep;
	awm_remote *r = NULL;
	cli_xfer x;
	int c, quiet = 0, verbose = 0, rc;

	while ((c = cli_getopt(cli, argc, argv, "qvh", opts)) != -1) {
		switch (c) {
		case 'q': quiet = 1; break;
		case 'v': verbose = 1; break;
		case 'h': return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (optind + 1 < argc)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[optind + 1]);
	if ((rc = cli_open_remote(cli, &r, optind < argc ? argv[optind] : NULL)) < 0)
		return cli_fail(rc);
	cli_xfer_init(&x, cli);
	rc = awm_remote_fetch(&rep, r, quiet ? NULL : cli_xfer_progress, &x);
	if (rc == 0) {
		rc = report(cli, r, &rep, quiet) ? EXIT_CONFLICT : EXIT_OK;
		if (verbose) {
			printf("packs: %zu, objects: %zu, bytes: %llu\n", rep.packs, rep.objects,
			       (unsigned long long)rep.bytes);
			cli_print_transfer_stats(r);
		}
	} else {
		rc = cli_fail(rc);
	}
	awm_fetch_report_release(&rep);
	awm_remote_free(r);
	return rc;
}

const cmd_entry cmd_fetch_entry = {
	"fetch", "download history from a remote", usage, NEEDS_REPO, exec,
};
