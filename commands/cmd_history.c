/*
 * awm history: the audit trail an environment's database keeps.
 */
#include "commands/commands.h"
#include "commands/display.h"
#include "commands/envcli.h"

#include <jansson.h>
#include <string.h>

static const char usage[] =
	"usage: awm history [--env <env>] [--format=json]\n"
	"\n"
	"Print the rows of the environment's awm_state table, oldest first: every\n"
	"migration applied, rolled back or failed, with when and by whom.  Rows\n"
	"are never deleted (except by 'awm reset').\n"
	"\n"
	"  -e, --env <env>      the environment (default: $AWM_ENV, else\n"
	"                       core.defaultEnv, else the only one)\n"
	"  --format=json        a JSON array of rows, payloads as objects\n"
	"                       (docs/environments.md)\n";

static json_t *row_json(const awm_history_row *r)
{
	json_t *payload = json_loads(r->payload, 0, NULL);

	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:b}", "id", (json_int_t)r->id,
			 "record_type", r->record_type, "record_id", r->record_id,
			 "status", awm_row_status_name(r->status), "created_at", r->created_at,
			 "updated_at", r->updated_at,
			 "payload", payload ? payload : json_string(r->payload),
			 "changeset", r->has_capture);
}

static const char *str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static void print_row(awm_cli *cli, const awm_history_row *r)
{
	json_t *p = json_loads(r->payload, 0, NULL), *rb = json_object_get(p, "rollback");
	const char *color = r->status == AWM_ROW_APPLIED ? C_GREEN :
			    r->status == AWM_ROW_FAILED ? C_RED : C_YELLOW;
	const char *subject = str(p, "subject");

	printf("%4lld %s%-11s%s %s%.10s%s %s %-8s %s\n", (long long)r->id, cli_color(cli, color),
	       awm_row_status_name(r->status), cli_color(cli, C_RESET), cli_color(cli, C_YELLOW),
	       r->record_id, cli_color(cli, C_RESET), r->created_at,
	       str(p, "op") ? str(p, "op") : "?", subject ? subject : "");
	if (str(p, "by"))
		printf("     by %s\n", str(p, "by"));
	if (str(p, "adopted"))   /* recorded as applied by awm import, not run */
		printf("     adopted: %s\n", str(p, "adopted"));
	if (rb)
		printf("     rolled back %s by %s (%s)\n", str(rb, "at") ? str(rb, "at") : "?",
		       str(rb, "by") ? str(rb, "by") : "?",
		       str(rb, "method") ? str(rb, "method") : "?");
	if (str(p, "error"))
		printf("     error: %s\n", str(p, "error"));
	json_decref(p);
}

static int exec(awm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "env", required_argument, NULL, 'e' },
		{ "format", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *env_name = NULL;
	awm_history h = { NULL, 0, 0 };
	awm_engine *e = NULL;
	awm_env env = { NULL, NULL };
	json_t *arr;
	size_t i;
	int c, json = 0, rc;

	while ((c = cli_getopt(cli, argc, argv, "e:h", opts)) != -1) {
		switch (c) {
		case 'e': env_name = optarg; break;
		case 'F':
			if (strcmp(optarg, "json"))
				return cli_usage_error(cli, "--format takes 'json', not '%s'", optarg);
			json = 1;
			break;
		case 'h': return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
	if ((rc = envcli_open(cli, env_name, 0, &env, &e)))
		return rc;
	if ((rc = awm_engine_history(&h, e)) < 0) {
		rc = cli_fail(rc);
		goto done;
	}
	if (json) {
		arr = json_array();
		for (i = 0; i < h.nr; i++)
			json_array_append_new(arr, row_json(&h.rows[i]));
		rc = display_print_json(arr) < 0 ? EXIT_ERROR : EXIT_OK;
		goto done;
	}
	if (!h.nr)
		printf("no history in '%s' (%s) yet\n", env.name, env.url);
	for (i = 0; i < h.nr; i++)
		print_row(cli, &h.rows[i]);
	rc = EXIT_OK;
done:
	awm_history_release(&h);
	awm_engine_free(e);
	awm_env_release(&env);
	return rc;
}

const cmd_entry cmd_history_entry = {
	"history", "show an environment's audit trail", usage, NEEDS_REPO, exec,
};
