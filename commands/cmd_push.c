/*
 * awm push: send local history to a remote and move its refs.
 */
#include "commands/commands.h"
#include "commands/xfer.h"
#include "core/refs.h"
#include "core/revparse.h"

#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"usage: awm push [-q | -v] [--force-with-lease[=<ref>[:<expected>]]]\n"
	"                [<remote> [<ref>[:<remote-ref>]...]]\n"
	"\n"
	"Upload the objects the remote lacks, as one pack, and move the remote's\n"
	"refs.  The remote defaults to 'origin' (or the only remote), the ref to\n"
	"the current branch.  A push that would drop commits from the remote, or\n"
	"that races with another push, is rejected with exit code 4 and the\n"
	"command that fixes it; a remote locked with 'awm lock --remote' refuses\n"
	"pushes from anyone but the holder with exit code 3.  An interrupted push\n"
	"is completed by running it again.\n"
	"\n"
	"  --force-with-lease[=<ref>[:<expected>]]\n"
	"                       replace the remote ref even when that drops commits,\n"
	"                       but only if it is still at <expected> (default: the\n"
	"                       remote-tracking ref, i.e. what you last fetched)\n"
	"  -q, --quiet          print nothing but errors\n"
	"  -v, --verbose        also print the requests made and bytes moved\n";

typedef struct lease_opt {
	int all;                 /* --force-with-lease without a ref */
	char **refs;             /* <ref> or <ref>:<expected> */
	size_t nr;
} lease_opt;

/* A local ref name from what the user typed: main, envs/prod, HEAD. */
static int local_ref(awm_cli *cli, awm_buf *out, const char *name)
{
	awm_buf target = AWM_BUF_INIT;
	int rc;

	if (!strcmp(name, "HEAD") || !strcmp(name, "@")) {
		rc = awm_ref_symbolic_target(&target, cli->repo, "HEAD");
		if (rc == AWM_ENOTFOUND)
			rc = awm_error_set(AWM_EINVALID, "HEAD is detached; name the branch to push");
		if (rc == 0) {
			awm_buf_clear(out);
			awm_buf_puts(out, target.ptr);
		}
		awm_buf_release(&target);
		return rc;
	}
	if ((rc = awm_revparse_ref(out, cli->repo, name)) == AWM_ENOTFOUND)
		rc = awm_error_set(AWM_ENOTFOUND, "'%s' is not a branch or environment here", name);
	return rc;
}

static void remote_ref(awm_buf *out, const char *name)
{
	awm_buf_clear(out);
	if (!strncmp(name, "refs/", 5))
		awm_buf_puts(out, name);
	else if (!strncmp(name, "envs/", 5))
		awm_buf_printf(out, "refs/%s", name);
	else
		awm_buf_printf(out, "refs/heads/%s", name);
}

/* Apply --force-with-lease options to the specs they name. */
static int apply_leases(awm_cli *cli, awm_push_spec *specs, size_t n, const lease_opt *l)
{
	awm_buf ref = AWM_BUF_INIT;
	size_t i, j;
	int rc = 0;

	for (i = 0; i < n; i++)
		specs[i].force_with_lease = l->all;
	for (j = 0; rc == 0 && j < l->nr; j++) {
		char *name = awm_strdup(l->refs[j]), *colon = strchr(name, ':');
		int found = 0;

		if (colon)
			*colon = '\0';
		remote_ref(&ref, name);
		for (i = 0; i < n; i++) {
			if (strcmp(specs[i].dst, ref.ptr))
				continue;
			found = 1;
			specs[i].force_with_lease = 1;
			if (colon) {
				specs[i].has_lease = 1;
				awm_oid_clear(&specs[i].lease);
				/* A full id need not be here: it names what the remote holds. */
				if (colon[1] && awm_oid_fromhex(&specs[i].lease, colon + 1) < 0 &&
				    (rc = cli_rev(cli, &specs[i].lease, colon + 1)))
					break;
			}
		}
		if (rc == 0 && !found)
			rc = cli_usage_error(cli, "--force-with-lease names '%s', which is not "
					     "being pushed", name);
		free(name);
	}
	awm_buf_release(&ref);
	return rc;
}

static void print_result(awm_cli *cli, const awm_push_result *res, const awm_push_spec *spec)
{
	const char *dst = cli_short_ref(res->dst), *src = cli_short_ref(spec->src);

	switch (res->status) {
	case AWM_PUSH_UP_TO_DATE:
		printf(" = [up to date]            %s -> %s\n", src, dst);
		break;
	case AWM_PUSH_NEW:
		printf(" * [new ref]               %s -> %s\n", src, dst);
		break;
	case AWM_PUSH_COMPLETED:
		printf(" * [completed]             %s -> %s (%s)\n", src, dst,
		       awm_oid_short(&res->new_oid, 10).s);
		break;
	case AWM_PUSH_FAST_FORWARD:
		printf("   %s..%s  %s -> %s\n", awm_oid_short(&res->old_oid, 10).s,
		       awm_oid_short(&res->new_oid, 10).s, src, dst);
		break;
	case AWM_PUSH_FORCED:
		printf(" + %s...%s %s -> %s (forced update)\n",
		       awm_oid_short(&res->old_oid, 10).s, awm_oid_short(&res->new_oid, 10).s,
		       src, dst);
		break;
	}
	(void)cli;
}

static int exec(awm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force-with-lease", optional_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	lease_opt lease = { 0, NULL, 0 };
	awm_push_spec *specs = NULL;
	awm_push_report rep;
	awm_remote *r = NULL;
	cli_xfer x;
	awm_buf *names = NULL;
	size_t n = 0, i, j;
	int c, quiet = 0, verbose = 0, rc = EXIT_OK, lrc;

	memset(&rep, 0, sizeof(rep));
	while ((c = cli_getopt(cli, argc, argv, "qvh", opts)) != -1) {
		switch (c) {
		case 'f':
			if (!optarg) {
				lease.all = 1;
			} else {
				lease.refs = awm_realloc(lease.refs, (lease.nr + 1) * sizeof(char *));
				lease.refs[lease.nr++] = optarg;
			}
			break;
		case 'q': quiet = 1; break;
		case 'v': verbose = 1; break;
		case 'h': rc = EXIT_OK; goto out;
		default: rc = EXIT_USAGE; goto out;
		}
	}
	if ((lrc = cli_open_remote(cli, &r, optind < argc ? argv[optind++] : NULL)) < 0) {
		rc = cli_fail(lrc);
		goto out;
	}
	n = optind < argc ? (size_t)(argc - optind) : 1;
	specs = awm_calloc(n, sizeof(*specs));
	names = awm_calloc(2 * n, sizeof(awm_buf));
	for (i = 0; i < n; i++) {
		const char *arg = optind < argc ? argv[optind + (int)i] : "HEAD";
		char *src = awm_strdup(arg), *colon = strchr(src, ':');

		awm_buf_init(&names[2 * i]);
		awm_buf_init(&names[2 * i + 1]);
		if (colon)
			*colon = '\0';
		lrc = local_ref(cli, &names[2 * i], src);
		remote_ref(&names[2 * i + 1], colon ? colon + 1 : names[2 * i].ptr);
		free(src);
		if (lrc < 0) {
			rc = cli_fail(lrc);
			goto out;
		}
		specs[i].src = names[2 * i].ptr;
		specs[i].dst = names[2 * i + 1].ptr;
	}
	if ((rc = apply_leases(cli, specs, n, &lease)) != 0)
		goto out;
	cli_xfer_init(&x, cli);
	lrc = awm_remote_push(&rep, r, specs, n, quiet ? NULL : cli_xfer_progress, &x);
	for (i = 0; i < rep.nnotes; i++)
		if (!quiet)
			fprintf(stderr, "note: %s\n", rep.notes[i]);
	if (!quiet && rep.nr) {
		int all_same = 1;

		for (i = 0; i < rep.nr; i++)
			all_same &= rep.refs[i].status == AWM_PUSH_UP_TO_DATE;
		if (all_same && lrc == 0) {
			printf("Everything up to date\n");
		} else {
			printf("To %s\n", r->url);
			for (i = 0; i < rep.nr; i++)
				for (j = 0; j < n; j++)
					if (!strcmp(specs[j].dst, rep.refs[i].dst))
						print_result(cli, &rep.refs[i], &specs[j]);
		}
	}
	if (verbose) {
		awm_buf b = AWM_BUF_INIT;

		cli_format_bytes(&b, rep.pack_bytes);
		printf("objects: %zu, pack: %s%s\n", rep.objects, b.ptr,
		       rep.resumed_pack ? " (already uploaded by an interrupted push)" : "");
		cli_print_transfer_stats(r);
		awm_buf_release(&b);
	}
	if (lrc < 0)
		rc = cli_fail(lrc);
out:
	awm_push_report_release(&rep);
	for (i = 0; names && i < 2 * n; i++)
		awm_buf_release(&names[i]);
	free(names);
	free(specs);
	free(lease.refs);
	awm_remote_free(r);
	return rc;
}

const cmd_entry cmd_push_entry = {
	"push", "send history to a remote", usage, NEEDS_REPO, exec,
};
