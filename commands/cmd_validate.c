/*
 * awm validate: check Appwrite schema files the way Appwrite would, before
 * anything is recorded or sent.
 */
#include "commands/commands.h"
#include "core/appwrite_schema.h"
#include "core/fs.h"
#include "core/migration.h"

#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"usage: awm validate [-q] [<file>...]\n"
	"\n"
	"Check Appwrite schema files (appwrite.json, or the <version>_<phrase>.json\n"
	"migrations; without files, every one in the migrations folder): duplicate\n"
	"collection ids and attribute keys, indexes on attributes that do not exist,\n"
	"sizes, min and max, enum elements, relationship targets that do not exist,\n"
	"defaults on required attributes, permissions and ids.  Every problem is\n"
	"reported with the file and the path inside it.  'awm commit' runs the same\n"
	"checks.\n"
	"\n"
	"  -q, --quiet          print only problems\n"
	"\n"
	"Exit codes: 0 every file is valid, 1 a problem was found, 2 bad usage.\n";

/* Check one file; 0 or -1, the problems printed. */
static int check(const char *path, const char *shown, int quiet)
{
	awm_buf text = AWM_BUF_INIT;
	awm_aw_schema *s = NULL;
	awm_aw_counts n;
	int rc;

	if ((rc = awm_fs_read_file(&text, path)) == 0) {
		awm_crlf_to_lf(&text);
		rc = awm_aw_schema_parse_file(&s, shown, text.ptr ? text.ptr : "", text.size);
	}
	if (rc < 0) {
		fprintf(stderr, "error: %s\n", awm_error_last());
	} else if (!quiet) {
		awm_aw_schema_count(&n, s);
		printf("ok: %s: %zu collection%s, %zu attribute%s, %zu relationship%s, %zu index%s\n",
		       shown, n.collections, n.collections == 1 ? "" : "s", n.attributes,
		       n.attributes == 1 ? "" : "s", n.relationships, n.relationships == 1 ? "" : "s",
		       n.indexes, n.indexes == 1 ? "" : "es");
	}
	awm_aw_schema_free(s);
	awm_buf_release(&text);
	awm_error_clear();
	return rc < 0 ? -1 : 0;
}

static int exec(awm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	awm_buf dir = AWM_BUF_INIT, rel = AWM_BUF_INIT, path = AWM_BUF_INIT, shown = AWM_BUF_INIT;
	char **names = NULL;
	size_t n = 0, i, bad = 0, seen = 0;
	int c, quiet = 0, rc;

	while ((c = cli_getopt(cli, argc, argv, "qh", opts)) != -1) {
		switch (c) {
		case 'q': quiet = 1; break;
		case 'h': return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		for (i = (size_t)optind; i < (size_t)argc; i++, seen++)
			bad += check(argv[i], argv[i], quiet) < 0;
		return bad ? EXIT_ERROR : EXIT_OK;
	}
	if ((rc = awm_migration_list(&names, &n, cli->repo)) < 0)
		return cli_fail(rc);
	awm_repo_migrations_dir(&dir, cli->repo);
	awm_repo_migrations_rel(&rel, cli->repo);
	for (i = 0; i < n; i++) {
		if (!awm_migration_is_appwrite(names[i]))
			continue;
		awm_buf_clear(&path);
		awm_buf_clear(&shown);
		awm_path_join(&path, dir.ptr, names[i]);
		awm_path_join(&shown, rel.ptr, names[i]);
		bad += check(path.ptr, shown.ptr, quiet) < 0;
		seen++;
	}
	awm_migration_list_free(names, n);
	if (!seen)
		rc = cli_error("there is no Appwrite migration (<version>_<phrase>.json) in '%s'; "
			       "name the files to check", rel.ptr);
	else
		rc = bad ? EXIT_ERROR : EXIT_OK;
	awm_buf_release(&dir);
	awm_buf_release(&rel);
	awm_buf_release(&path);
	awm_buf_release(&shown);
	return rc;
}

const cmd_entry cmd_validate_entry = {
	"validate", "check Appwrite schema files", usage, NEEDS_REPO, exec,
};
