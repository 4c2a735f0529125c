/*
 * awm diff --db: compare two SQLite database files (core/dbdiff.h).
 */
#include "commands/commands.h"
#include "commands/display.h"
#include "core/dbdiff.h"
#include "core/data_diff.h"
#include "core/delta.h"
#include "core/fs.h"
#include "core/sqlite.h"
#include "core/sqltext.h"

#include <string.h>

/* The changeset for --changeset: rows only; tables in one database go as inserts/deletes. */
static int write_changeset(awm_cli *cli, sqlite3 *a, sqlite3 *b, const char *a_path,
			   const char *b_path, const char *out)
{
	awm_dbdiff d;
	size_t i;
	int rc = awm_dbdiff_run_progress(&d, a, b, AWM_DBDIFF_SKIP_INTERNAL |
					 AWM_DBDIFF_ADDED_ROWS, cli_progress, cli);

	if (rc == 0)
		rc = awm_fs_write_atomic(out, d.changeset.ptr, d.changeset.size, 0644, 0);
	for (i = 0; rc == 0 && i < d.only_b_nr; i++)
		cli_warn("table '%s' exists only in '%s': the changeset inserts its rows, so "
			 "create the table before applying it ('awm diff --db --sql' shows how)",
			 d.only_b[i], b_path);
	for (i = 0; rc == 0 && i < d.only_a_nr; i++)
		cli_warn("table '%s' exists only in '%s': the changeset deletes its rows; drop "
			 "the table after applying it", d.only_a[i], a_path);
	awm_dbdiff_release(&d);
	return rc;
}

/* The schema and row changes, as `awm show` and `awm diff` print them. */
static int print_summary(awm_cli *cli, const awm_db_delta *d, sqlite3 *b)
{
	awm_data_changes data;
	awm_buf out = AWM_BUF_INIT;
	int rc = 0;

	memset(&data, 0, sizeof(data));
	if (d->up_sql.size) {
		printf("%sSchema:%s\n", cli_color(cli, C_BOLD), cli_color(cli, C_RESET));
		display_indented(d->up_sql.ptr);
	}
	if (d->diff.changeset.size &&
	    (rc = awm_data_changes_from_changeset(&data, d->diff.changeset.ptr,
						  d->diff.changeset.size, b, NULL, 10)) == 0)
		display_data_changes(cli, &out, &data);
	if (rc == 0)
		printf("%sData:%s%s\n%s", cli_color(cli, C_BOLD), cli_color(cli, C_RESET),
		       out.size ? "" : " no rows differ", out.ptr ? out.ptr : "");
	awm_data_changes_release(&data);
	awm_buf_release(&out);
	return rc;
}

int cmd_diff_db(awm_cli *cli, int argc, char **argv, const char *cs_out, int sql)
{
	sqlite3 *a = NULL, *b = NULL;
	awm_buf text = AWM_BUF_INIT;
	awm_db_delta d;
	int rc;

	memset(&d, 0, sizeof(d));
	if (argc != 2)
		return cli_usage_error(cli, "diff --db compares two database files");
	if (cs_out && sql)
		return cli_usage_error(cli, "--changeset and --sql do not go together");
	if ((rc = awm_sqlite_open(&a, argv[0], AWM_SQLITE_READONLY)) < 0 ||
	    (rc = awm_sqlite_open(&b, argv[1], AWM_SQLITE_READONLY)) < 0)
		goto done;
	if (cs_out) {
		rc = write_changeset(cli, a, b, argv[0], argv[1], cs_out);
		goto done;
	}
	if ((rc = awm_db_delta_describe(&d, a, b, cli_progress, cli)) < 0)
		goto done;
	if (sql) {
		awm_buf_put(&text, d.up_sql.ptr, d.up_sql.size);
		rc = awm_sql_from_changeset(&text, d.diff.changeset.ptr, d.diff.changeset.size, b);
		if (rc == 0)
			fputs(text.ptr, stdout);
	} else {
		rc = print_summary(cli, &d, b);
	}
done:
	awm_db_delta_release(&d);
	awm_buf_release(&text);
	sqlite3_close(a);
	sqlite3_close(b);
	return rc < 0 ? cli_fail(rc) : EXIT_OK;
}
