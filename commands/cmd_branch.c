/*
 * awm branch: list, create and delete branches.
 */
#include "commands/commands.h"
#include "core/refs.h"
#include "core/walk.h"

#include <string.h>

static const char usage[] =
	"usage: awm branch [--list]\n"
	"       awm branch <name> [<start>]\n"
	"       awm branch (-d | -D) <name>...\n"
	"\n"
	"With no arguments, list the branches, marking the current one with '*'.\n"
	"With a name, create a branch at <start> (default HEAD).\n"
	"\n"
	"  -d, --delete         delete a branch whose commits are all in HEAD\n"
	"  -D                   delete a branch even if its commits would be lost\n";

typedef struct list_ctx {
	awm_cli *cli;
	const char *current;
	awm_buf subj;
} list_ctx;

static int print_branch(const char *name, const awm_oid *oid, void *payload)
{
	list_ctx *l = payload;
	const char *shortname = name + strlen("refs/heads/");
	int cur = l->current && !strcmp(l->current, name);
	awm_walk *w;
	awm_oid o;

	awm_buf_clear(&l->subj);
	awm_walk_new(&w, l->cli->repo, 0);
	if (awm_walk_push(w, oid) == 0 && awm_walk_next(w, &o) == 1)
		awm_walk_subject(w, &l->subj);
	awm_walk_free(w);
	awm_error_clear();
	printf("%c %s%s%s %s %s\n", cur ? '*' : ' ', cur ? cli_color(l->cli, C_GREEN) : "",
	       shortname, cli_color(l->cli, C_RESET), awm_oid_short(oid, 10).s, l->subj.ptr);
	return 0;
}

static int list(awm_cli *cli)
{
	awm_buf target = AWM_BUF_INIT;
	list_ctx l = { cli, NULL, AWM_BUF_INIT };
	int rc;

	if (awm_ref_symbolic_target(&target, cli->repo, "HEAD") == 0)
		l.current = target.ptr;
	awm_error_clear();
	rc = awm_ref_foreach(cli->repo, "refs/heads/", print_branch, &l);
	awm_buf_release(&target);
	awm_buf_release(&l.subj);
	return rc < 0 ? cli_fail(rc) : EXIT_OK;
}

static int create(awm_cli *cli, const char *name, const char *start)
{
	awm_buf ref = AWM_BUF_INIT, msg = AWM_BUF_INIT;
	awm_oid oid, zero;
	int rc;

	awm_oid_clear(&zero);
	awm_buf_printf(&ref, "refs/heads/%s", name);
	if ((rc = awm_refname_check(ref.ptr)) < 0)
		goto done;
	if ((rc = cli_rev(cli, &oid, start))) {
		awm_buf_release(&ref);
		return rc;
	}
	awm_buf_printf(&msg, "branch: created from %s", start);
	rc = awm_ref_update(cli->repo, ref.ptr, &oid, &zero, msg.ptr);
	if (rc == AWM_ECONFLICT)
		rc = awm_error_set(AWM_EEXISTS, "a branch named '%s' already exists", name);
done:
	awm_buf_release(&ref);
	awm_buf_release(&msg);
	return rc < 0 ? cli_fail(rc) : EXIT_OK;
}

static int delete(awm_cli *cli, const char *name, int force)
{
	awm_buf ref = AWM_BUF_INIT, target = AWM_BUF_INIT;
	awm_oid oid, head;
	int rc;

	awm_buf_printf(&ref, "refs/heads/%s", name);
	if ((rc = awm_ref_lookup(&oid, cli->repo, ref.ptr)) < 0) {
		rc = awm_error_set(AWM_ENOTFOUND, "branch '%s' not found", name);
		goto done;
	}
	if (awm_ref_symbolic_target(&target, cli->repo, "HEAD") == 0 && !strcmp(target.ptr, ref.ptr)) {
		rc = awm_error_set(AWM_EINVALID, "cannot delete branch '%s': it is the current "
				   "branch; switch to another first", name);
		goto done;
	}
	if (!force) {
		rc = awm_ref_lookup(&head, cli->repo, "HEAD");
		if (rc < 0 || (rc = awm_is_ancestor(cli->repo, &oid, &head)) == 0) {
			rc = awm_error_set(AWM_EINVALID, "branch '%s' has commits that are not in "
					   "HEAD; use -D to delete it anyway", name);
			goto done;
		}
		if (rc < 0)
			goto done;
	}
	if ((rc = awm_ref_delete(cli->repo, ref.ptr, &oid, "branch: deleted")) == 0)
		printf("Deleted branch %s (was %s).\n", name, awm_oid_short(&oid, 10).s);
done:
	awm_buf_release(&ref);
	awm_buf_release(&target);
	return rc < 0 ? cli_fail(rc) : EXIT_OK;
}

static int exec(awm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "delete", no_argument, NULL, 'd' },
		{ "list", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, del = 0, force = 0, i, rc = EXIT_OK;

	while ((c = cli_getopt(cli, argc, argv, "dDlh", opts)) != -1) {
		switch (c) {
		case 'd': del = 1; break;
		case 'D': del = 1; force = 1; break;
		case 'l': break;
		case 'h': return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (del) {
		if (!argc)
			return cli_usage_error(cli, "name the branch to delete");
		for (i = 0; i < argc; i++)
			if ((c = delete(cli, argv[i], force)) != EXIT_OK)
				rc = c;
		return rc;
	}
	if (argc == 0)
		return list(cli);
	if (argc > 2)
		return cli_usage_error(cli, "too many arguments");
	return create(cli, argv[0], argc == 2 ? argv[1] : "HEAD");
}

const cmd_entry cmd_branch_entry = {
	"branch", "list, create or delete branches", usage, NEEDS_REPO, exec,
};
