/*
 * awm cat-object: look inside stored objects.
 */
#include "commands/commands.h"
#include "commands/display.h"
#include "core/revparse.h"

#include <string.h>

static const char usage[] =
	"usage: awm cat-object (-t | -s | -e | -p) <object>\n"
	"\n"
	"  -t                   print the object's type\n"
	"  -s                   print its size in bytes\n"
	"  -e                   exit 0 if it exists and is intact, 1 if not, silently\n"
	"  -p                   print its content (a changeset as a summary of rows)\n"
	"\n"
	"<object> is an id, a unique prefix of at least 4 hex digits, or any\n"
	"revision (HEAD, main, dev~2).\n";

static int exec(awm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	awm_object *obj = NULL;
	awm_oid oid;
	int c, mode = 0, rc;

	while ((c = cli_getopt(cli, argc, argv, "tsep", opts)) != -1) {
		if (c == 'h')
			return EXIT_OK;
		if (c == '?')
			return EXIT_USAGE;
		if (mode)
			return cli_usage_error(cli, "give only one of -t, -s, -e and -p");
		mode = c;
	}
	if (!mode || argc - optind != 1)
		return cli_usage_error(cli, "give one of -t, -s, -e or -p, and one object");
	rc = awm_revparse(&oid, cli->repo, argv[optind]);
	if (rc == 0)
		rc = awm_odb_read(&obj, cli->repo->odb, &oid);
	if (mode == 'e')
		return rc == 0 ? (awm_object_free(obj), EXIT_OK) : EXIT_ERROR;
	if (rc < 0)
		return cli_fail(rc);
	if (mode == 't') {
		printf("%s\n", awm_otype_name(obj->type));
	} else if (mode == 's') {
		printf("%zu\n", obj->size);
	} else if (obj->type == AWM_OBJ_CHANGESET) {
		awm_buf out = AWM_BUF_INIT;

		if ((rc = display_changeset(cli, &out, cli->repo, &oid, NULL, (size_t)-1)) < 0) {
			awm_object_free(obj);
			return cli_fail(rc);
		}
		fputs(out.ptr, stdout);
		awm_buf_release(&out);
	} else {
		fwrite(obj->data, 1, obj->size, stdout);
	}
	awm_object_free(obj);
	return EXIT_OK;
}

const cmd_entry cmd_cat_object_entry = {
	"cat-object", "show an object's type, size or content", usage, NEEDS_REPO, exec,
};
