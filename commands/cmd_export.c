/*
 * awm export: a commit's Appwrite schema as the Appwrite CLI's config, or
 * as a shell script of the REST calls that deploy it.
 */
#include "commands/commands.h"
#include "core/appwrite_api.h"
#include "core/appwrite_schema.h"
#include "core/env.h"
#include "core/fs.h"
#include "objects/commit.h"

#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"usage: awm export [--format appwrite-json|shell] [--output <file>]\n"
	"                  [--project <id>] [--database <id>] [<revision>]\n"
	"\n"
	"Write the Appwrite schema of a commit (default: HEAD): as an appwrite.json\n"
	"the Appwrite CLI reads (appwrite-json, the default), or as a shell script\n"
	"of the REST calls, with curl, that deploy it to an Appwrite database,\n"
	"waiting for attributes and indexes as 'awm apply' does.  awm's own\n"
	"collections are never part of it.  The project and database ids default\n"
	"to those of the default environment when it is an Appwrite one.\n"
	"\n"
	"  --format <format>    appwrite-json or shell\n"
	"  -o, --output <file>  write there instead of to standard output\n"
	"  --project <id>       the projectId of appwrite.json\n"
	"  --database <id>      the database to describe or deploy to\n";

/* Project and database from the default environment, when it is an Appwrite one. */
static void env_ids(awm_cli *cli, char **project, char **database)
{
	awm_appwrite_url u;
	awm_env env;

	if (awm_env_default(&env, cli->repo) < 0) {
		awm_error_clear();
		return;
	}
	if (awm_appwrite_is_url(env.url) && awm_appwrite_url_parse(&u, env.url) == 0) {
		if (!*project)
			*project = awm_strdup(u.project);
		if (!*database)
			*database = awm_strdup(u.database);
		awm_appwrite_url_release(&u);
	}
	awm_error_clear();
	awm_env_release(&env);
}

static int exec(awm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'F' },
		{ "output", required_argument, NULL, 'o' },
		{ "project", required_argument, NULL, 'p' },
		{ "database", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *format = "appwrite-json", *output = NULL, *rev = "HEAD";
	char *project = NULL, *database = NULL;
	awm_buf out = AWM_BUF_INIT, title = AWM_BUF_INIT, subj = AWM_BUF_INIT;
	awm_commit *commit = NULL;
	awm_schema *schema = NULL;
	awm_aw_schema *model = NULL;
	awm_oid oid;
	int c, rc;

	while ((c = cli_getopt(cli, argc, argv, "o:h", opts)) != -1) {
		switch (c) {
		case 'F': format = optarg; break;
		case 'o': output = optarg; break;
		case 'p': free(project); project = awm_strdup(optarg); break;
		case 'd': free(database); database = awm_strdup(optarg); break;
		case 'h': rc = EXIT_OK; goto done;
		default: rc = EXIT_USAGE; goto done;
		}
	}
	if (optind + 1 < argc) {
		rc = cli_usage_error(cli, "unexpected argument '%s'", argv[optind + 1]);
		goto done;
	}
	if (optind < argc)
		rev = argv[optind];
	if (strcmp(format, "appwrite-json") && strcmp(format, "shell")) {
		rc = cli_usage_error(cli, "unknown format '%s'; use appwrite-json or shell", format);
		goto done;
	}
	if ((database && !awm_appwrite_id_ok(database)) || (project && !awm_appwrite_id_ok(project))) {
		rc = cli_usage_error(cli, "'%s' is not an Appwrite id", database && !awm_appwrite_id_ok(
					     database) ? database : project);
		goto done;
	}
	if ((rc = cli_rev(cli, &oid, rev)))
		goto done;
	if ((rc = awm_commit_read(&commit, cli->repo->odb, &oid)) < 0) {
		rc = cli_fail(rc);
		goto done;
	}
	if (strcmp(commit->engine, AWM_APPWRITE_ENGINE)) {
		rc = cli_error("commit %s is a %s migration; only Appwrite schemas can be exported",
			       awm_oid_short(&oid, 10).s, commit->engine);
		goto done;
	}
	if ((rc = awm_schema_read(&schema, cli->repo->odb, &commit->schema)) < 0 ||
	    (rc = awm_aw_schema_from_awm(&model, schema)) < 0) {
		rc = cli_fail(rc);
		goto done;
	}
	env_ids(cli, &project, &database);
	if (!database)
		database = awm_strdup("default");
	awm_commit_subject(&subj, commit);
	awm_buf_printf(&title, "The Appwrite schema of awm commit %s (%s), written by awm export.",
		       awm_oid_tohex(&oid).s, subj.ptr);
	if (!strcmp(format, "shell"))
		awm_aw_export_shell(&out, model, database, title.ptr);
	else
		awm_aw_export_json(&out, model, project, database);
	if (!output) {
		fwrite(out.ptr, 1, out.size, stdout);
		rc = EXIT_OK;
	} else if ((rc = awm_fs_write_atomic(output, out.ptr, out.size,
					     !strcmp(format, "shell") ? 0755 : 0644, 0)) < 0) {
		rc = cli_fail(rc);
	} else {
		rc = EXIT_OK;
	}
done:
	free(project);
	free(database);
	awm_commit_free(commit);
	awm_schema_free(schema);
	awm_aw_schema_free(model);
	awm_buf_release(&out);
	awm_buf_release(&title);
	awm_buf_release(&subj);
	return rc;
}

const cmd_entry cmd_export_entry = {
	"export", "write a commit's Appwrite schema as appwrite.json or a deploy script",
	usage, NEEDS_REPO, exec,
};
