/*
 * `awm export` (see appwrite_schema.h): a schema as the Appwrite CLI's
 * appwrite.json, or as a shell script of the REST calls that deploy it.
 * The script's calls are the very ones the engine makes
 * (awm_aw_op_steps), written out as curl commands.
 */
#include "core/appwrite_plan.h"
#include "core/appwrite_internal.h"
#include "core/error.h"

#include <stdlib.h>
#include <string.h>

void awm_aw_export_json(awm_buf *out, const awm_aw_schema *s, const char *project,
			const char *database)
{
	json_t *root = json_object(), *colls = json_array();
	char *text;
	size_t i;

	if (project)
		json_object_set_new(root, "projectId", json_string(project));
	json_object_set_new(root, "databases", json_pack("[{s:s, s:s, s:b}]", "$id", database,
							 "name", database, "enabled", 1));
	for (i = 0; i < s->nr; i++)
		json_array_append_new(colls, awm_aw_collection_to_cli(&s->items[i], database));
	json_object_set_new(root, "collections", colls);
	text = json_dumps(root, JSON_INDENT(4) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
	awm_buf_puts(out, text);
	awm_buf_putc(out, '\n');
	free(text);
	json_decref(root);
}

/* 'text' for the shell: single-quoted, with ' written '\'' */
static void quoted(awm_buf *out, const char *text)
{
	awm_buf_putc(out, '\'');
	for (; *text; text++) {
		if (*text == '\'')
			awm_buf_puts(out, "'\\''");
		else
			awm_buf_putc(out, *text);
	}
	awm_buf_putc(out, '\'');
}

static const char prelude[] =
	"set -eu\n"
	": \"${APPWRITE_ENDPOINT:?set APPWRITE_ENDPOINT, such as https://cloud.appwrite.io/v1}\"\n"
	": \"${APPWRITE_PROJECT:?set APPWRITE_PROJECT to the project id}\"\n"
	": \"${APPWRITE_API_KEY:?set APPWRITE_API_KEY to an API key of the project}\"\n"
	"out=$(mktemp)\n"
	"trap 'rm -f \"$out\"' EXIT\n"
	"\n"
	"# call METHOD PATH [BODY [TYPE]]: one request; an error of TYPE means done already.\n"
	"call() {\n"
	"\tstatus=$(curl -sS -o \"$out\" -w '%{http_code}' -X \"$1\" \\\n"
	"\t\t-H \"X-Appwrite-Project: $APPWRITE_PROJECT\" \\\n"
	"\t\t-H \"X-Appwrite-Key: $APPWRITE_API_KEY\" \\\n"
	"\t\t-H 'Content-Type: application/json' ${3:+--data-raw \"$3\"} \"$APPWRITE_ENDPOINT$2\")\n"
	"\tcase $status in\n"
	"\t2*) return 0 ;;\n"
	"\tesac\n"
	"\tif [ -n \"${4:-}\" ] && grep -q \"\\\"type\\\": *\\\"$4\\\"\" \"$out\"; then\n"
	"\t\treturn 0\n"
	"\tfi\n"
	"\techo \"error: $1 $2: $status $(cat \"$out\")\" >&2\n"
	"\texit 1\n"
	"}\n"
	"\n"
	"# wait_for PATH available|gone: poll Appwrite's attribute and index lifecycle.\n"
	"wait_for() {\n"
	"\ti=0\n"
	"\twhile :; do\n"
	"\t\tstatus=$(curl -sS -o \"$out\" -w '%{http_code}' \\\n"
	"\t\t\t-H \"X-Appwrite-Project: $APPWRITE_PROJECT\" \\\n"
	"\t\t\t-H \"X-Appwrite-Key: $APPWRITE_API_KEY\" \"$APPWRITE_ENDPOINT$1\")\n"
	"\t\tif [ \"$2\" = gone ] && [ \"$status\" = 404 ]; then return 0; fi\n"
	"\t\tif [ \"$2\" = available ] && [ \"$status\" = 200 ] &&\n"
	"\t\t   { grep -q '\"status\": *\"available\"' \"$out\" || ! grep -q '\"status\"' \"$out\"; }; then\n"
	"\t\t\treturn 0\n"
	"\t\tfi\n"
	"\t\tif grep -q '\"status\": *\"failed\"' \"$out\"; then\n"
	"\t\t\techo \"error: $1 failed: $(cat \"$out\")\" >&2\n"
	"\t\t\texit 1\n"
	"\t\tfi\n"
	"\t\ti=$((i + 1))\n"
	"\t\tif [ $i -ge 600 ]; then\n"
	"\t\t\techo \"error: $1 is not $2 after 2 minutes\" >&2\n"
	"\t\t\texit 1\n"
	"\t\tfi\n"
	"\t\tsleep 0.2\n"
	"\tdone\n"
	"}\n";

static void write_steps(awm_buf *out, json_t *steps, const char *database)
{
	size_t i;
	json_t *st;

	json_array_foreach(steps, i, st) {
		json_t *call = json_object_get(st, "call");

		if (!call) {
			const char *what = awm_appwrite_jstr(st, "wait");
			const char *key = awm_appwrite_jstr(st, "key");
			awm_buf path = AWM_BUF_INIT;

			awm_buf_printf(&path, "/databases/%s/collections/%s", database,
				       awm_appwrite_jstr(st, "collection"));
			if (strcmp(what, "collection"))
				awm_buf_printf(&path, "/%s/%s", !strcmp(what, "index") ? "indexes" :
					       "attributes", key);
			awm_buf_puts(out, "wait_for ");
			quoted(out, path.ptr);
			awm_buf_printf(out, " %s\n", awm_appwrite_jstr(st, "until"));
			awm_buf_release(&path);
			continue;
		}
		awm_buf_printf(out, "call %s ", awm_appwrite_jstr(call, "method"));
		quoted(out, awm_appwrite_jstr(call, "path"));
		if (!json_is_null(json_object_get(call, "body"))) {
			char *body = json_dumps(json_object_get(call, "body"), JSON_COMPACT |
						JSON_SORT_KEYS | JSON_REAL_PRECISION(17));

			awm_buf_putc(out, ' ');
			quoted(out, body);
			free(body);
			if (json_string_value(json_array_get(json_object_get(st, "ok"), 0))) {
				awm_buf_putc(out, ' ');
				quoted(out, json_string_value(json_array_get(json_object_get(st, "ok"), 0)));
			}
		}
		awm_buf_putc(out, '\n');
	}
}

void awm_aw_export_shell(awm_buf *out, const awm_aw_schema *s, const char *database,
			 const char *title)
{
	awm_aw_schema *empty = awm_aw_schema_new();
	json_t *ops = awm_aw_diff(empty, s, 0), *op, *db;
	awm_buf line = AWM_BUF_INIT;
	size_t i;
	char *body;

	awm_buf_puts(out, "#!/bin/sh\n");
	awm_buf_printf(out, "# %s\n", title);
	awm_buf_printf(out, "# Deploys it to database '%s' through Appwrite's REST API: run it with\n"
		       "# APPWRITE_ENDPOINT, APPWRITE_PROJECT and APPWRITE_API_KEY set.  Each\n"
		       "# call is one awm makes; what exists already is left as it is.\n",
		       database);
	awm_buf_puts(out, prelude);
	awm_buf_puts(out, "\n# The database.\ncall POST /databases ");
	db = json_pack("{s:s, s:s}", "databaseId", database, "name", database);
	body = json_dumps(db, JSON_COMPACT | JSON_SORT_KEYS);
	quoted(out, body);
	awm_buf_puts(out, " database_already_exists\n");
	free(body);
	json_decref(db);
	json_array_foreach(ops, i, op) {
		json_t *steps = awm_aw_op_steps(op, database);

		awm_buf_clear(&line);
		awm_aw_op_describe(&line, op);
		awm_buf_printf(out, "\n# %s\n", line.ptr);
		write_steps(out, steps, database);
		json_decref(steps);
	}
	awm_buf_puts(out, "\necho \"deployed the schema to database '");
	awm_buf_puts(out, database);
	awm_buf_puts(out, "'\"\n");
	json_decref(ops);
	awm_aw_schema_free(empty);
	awm_buf_release(&line);
}
