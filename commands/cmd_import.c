/*
 * awm import: another tool's migration folder as awm history.
 */
#include "commands/commands.h"
#include "core/import.h"

#include <string.h>

static const char usage[] =
	"usage: awm import [--db <file>] [--env <name>] [--applied <version>] [-n]\n"
	"                  <kind> <folder>\n"
	"\n"
	"Turn another tool's migration folder into awm history: one awm migration\n"
	"file (in the migrations folder) and one commit per migration, in the tool's\n"
	"order, each validated as 'awm commit' validates it.  A folder the tool would\n"
	"not read as it is, or a migration that fails, imports nothing.\n"
	"Kinds: sqlx, golang-migrate, dbmate, b2m (Python scripts, recorded as\n"
	"script migrations).  See docs/import.md.\n"
	"\n"
	"  --db <file>          a database the tool migrated: its _sqlx_migrations or\n"
	"                       schema_migrations table says which commit it is at,\n"
	"                       and its schema must be that commit's\n"
	"  --env <name>         point refs/envs/<name> at that commit and adopt the\n"
	"                       database there: its awm_state records that history as\n"
	"                       applied and the tool's table is dropped, so 'awm apply'\n"
	"                       goes on from there; without --db the environment's url\n"
	"                       in awm.conf names the database\n"
	"  --applied <version>  the database's last applied migration (or 'none'), for\n"
	"                       b2m, which keeps no record of it in the database\n"
	"  -n, --dry-run        check everything, write nothing\n";

static void report(awm_cli *cli, const awm_import_opts *o, const awm_import_result *r)
{
	const awm_record_result *c = &r->commits;
	size_t i;

	printf("%s %zu %s migration%s from %s:\n", o->dry_run ? "Would import" : "Imported",
	       r->nr, o->kind, r->nr == 1 ? "" : "s", o->folder);
	for (i = 0; i < c->nr && i < r->nr; i++)
		printf("  [%s %s%s%s] %s\n    %s <- %s\n", c->branch ? c->branch : "HEAD",
		       cli_color(cli, C_YELLOW), awm_oid_short(&c->commits[i].oid, 10).s,
		       cli_color(cli, C_RESET), c->commits[i].subject, r->files[i], r->sources[i]);
	if (!r->has_db)
		return;
	if (r->applied)
		printf("'%s' has %zu of them applied, up to version %s: it is at %s%s%s\n", r->db,
		       r->applied, r->version, cli_color(cli, C_YELLOW),
		       awm_oid_short(&c->commits[r->applied - 1].oid, 10).s, cli_color(cli, C_RESET));
	else
		printf("'%s' has none of them applied\n", r->db);
	if (r->env_ref)
		printf("%s -> %s\n", r->env_ref,
		       awm_oid_short(&c->commits[r->applied - 1].oid, 10).s);
	else if (o->env && !o->dry_run)
		printf("refs/envs/%s was not set: the database is before the first migration\n",
		       o->env);
	if (r->adopted) {
		printf("Adopted '%s': %zu commit%s recorded as applied in its awm_state", r->db,
		       r->adopted_rows, r->adopted_rows == 1 ? "" : "s");
		if (r->dropped)
			printf(", %s dropped", r->dropped);
		printf("; 'awm apply' goes on from there\n");
	}
}

static int exec(awm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "env", required_argument, NULL, 'e' },
		{ "applied", required_argument, NULL, 'a' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	awm_import_opts o;
	awm_import_result res;
	int c, rc;

	memset(&o, 0, sizeof(o));
	while ((c = cli_getopt(cli, argc, argv, "nh", opts)) != -1) {
		switch (c) {
		case 'd': o.db = optarg; break;
		case 'e': o.env = optarg; break;
		case 'a': o.applied = optarg; break;
		case 'n': o.dry_run = 1; break;
		case 'h': return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (argc - optind != 2)
		return cli_usage_error(cli, "import needs a kind (%s) and a folder",
				       awm_import_kind_names());
	o.kind = argv[optind];
	o.folder = argv[optind + 1];
	if (!awm_import_kind_find(o.kind))
		return cli_usage_error(cli, "unknown kind '%s'; awm imports %s", o.kind,
				       awm_import_kind_names());
	o.progress = cli_progress;
	o.payload = cli;
	if ((rc = awm_import(&res, cli->repo, &o)) < 0)
		return cli_fail(rc);
	report(cli, &o, &res);
	awm_import_result_release(&res);
	return EXIT_OK;
}

const cmd_entry cmd_import_entry = {
	"import", "import a sqlx, golang-migrate, dbmate or b2m migration folder", usage,
	NEEDS_REPO, exec,
};
