/*
 * awm relationships: bring an Appwrite environment's relationship
 * attributes to those of its applied head, as a run of its own.
 */
#include "commands/commands.h"
#include "commands/envcli.h"
#include "core/engine_appwrite.h"

#include <string.h>

static const char usage[] =
	"usage: awm relationships [--env <env>] [--dry-run] [--allow-data-loss] [--force]\n"
	"\n"
	"Make the relationship attributes of an Appwrite environment exactly those of\n"
	"the schema its applied head recorded: create the missing ones (both sides\n"
	"of two-way ones), update onDelete, delete the ones the schema does not\n"
	"have.  Nothing else is touched.  It runs under the environment's lock and\n"
	"is recorded in the history as a row of its own (record_type\n"
	"'relationships'), operation by operation, like a step of 'awm apply'.\n"
	"'awm apply' makes relationships itself, after the collections they join;\n"
	"this is for relationships that drifted, such as ones deleted in the console.\n"
	"\n"
	"  -e, --env <env>      the environment (default: the only one, or\n"
	"                       core.defaultEnv, or $AWM_ENV)\n"
	"  -n, --dry-run        print what it would do and change nothing\n"
	"  --allow-data-loss    let it delete relationships (and their values)\n"
	"  -f, --force          take over a lock held by your own identity\n"
	"\n"
	"Exit codes: 0 done or nothing to do, 1 error, 2 bad usage, 3 locked.\n";

static int exec(awm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "env", required_argument, NULL, 'e' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "allow-data-loss", no_argument, NULL, 'L' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	awm_lock_request req = { AWM_ENV_LOCK_ID, NULL, 0, 0, 0 };
	awm_lock_info holder = { 0, 0, NULL, NULL, NULL, NULL };
	awm_aw_rel_result res;
	const char *env_name = NULL;
	awm_buf owner = AWM_BUF_INIT, label = AWM_BUF_INIT;
	awm_engine *e = NULL;
	awm_env env = { NULL, NULL };
	int c, dry = 0, loss = 0, locked = 0, rc, urc;

	memset(&res, 0, sizeof(res));
	while ((c = cli_getopt(cli, argc, argv, "e:nfh", opts)) != -1) {
		switch (c) {
		case 'e': env_name = optarg; break;
		case 'n': dry = 1; break;
		case 'L': loss = 1; break;
		case 'f': req.force = 1; break;
		case 'h': return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
	if ((rc = envcli_open(cli, env_name, dry ? 0 : AWM_ENGINE_WRITE, &env, &e)))
		return rc;
	if (!awm_engine_is_appwrite(e)) {
		rc = cli_error("'%s' is a %s database; relationships are Appwrite's", env.name,
			       e->ops->schema_engine);
		goto done;
	}
	if ((rc = awm_env_lock_ttl(&req.ttl_ms, cli->repo, env.name)) < 0) {
		rc = cli_fail(rc);
		goto done;
	}
	awm_env_lock_owner(&owner);
	req.owner = owner.ptr;
	if (!dry) {
		if ((rc = awm_engine_lock(&holder, e, &req)) < 0) {
			rc = cli_fail(rc);
			goto done;
		}
		locked = 1;
		envcli_guard(e);
	}
	rc = awm_appwrite_relationships(&res, e, cli->repo, &req, dry, loss);
	if (res.plan.size)
		fputs(res.plan.ptr, stdout);
	if (!dry)
		envcli_unguard();
	if (locked && (urc = awm_engine_unlock(e, &req)) < 0 && rc == 0)
		rc = urc;
	if (rc < 0) {
		rc = cli_fail(rc);
		goto done;
	}
	envcli_commit_label(cli, &label, &res.head, res.has_head, "nothing");
	if (!res.nops)
		printf("the relationships of '%s' are those of %s\n", env.name, label.ptr);
	else if (dry)
		printf("'awm relationships' would make %zu change%s to '%s'\n", res.nops,
		       res.nops == 1 ? "" : "s", env.name);
	else
		printf("the relationships of '%s' are now those of %s (history row %lld)\n",
		       env.name, label.ptr, (long long)res.row_id);
	rc = EXIT_OK;
done:
	awm_aw_rel_result_release(&res);
	awm_lock_info_release(&holder);
	awm_buf_release(&owner);
	awm_buf_release(&label);
	awm_engine_free(e);
	awm_env_release(&env);
	return rc;
}

const cmd_entry cmd_relationships_entry = {
	"relationships", "make an Appwrite environment's relationships those of its head",
	usage, NEEDS_REPO, exec,
};
