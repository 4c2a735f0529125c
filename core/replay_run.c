/*
 * Running a replayed commit on the new base (see replay.h): a SQL
 * migration's script under a session, with the SQL a strategy adds; a
 * data migration's changeset; the down section's check; and the messages
 * that name the line of the migration file a failure is on.
 */
#include "core/replay_internal.h"
#include "core/changeset.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/migration.h"
#include "core/sqlite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The file line where the section `text` starts in `c`'s migration file,
 * when the file still holds it; else 1 (lines count from the section).
 */
static int section_line(awm_repo *repo, const awm_commit *c, const awm_buf *text, int up)
{
	awm_buf path = AWM_BUF_INIT, file = AWM_BUF_INIT;
	awm_migration m;
	int line = 1;

	memset(&m, 0, sizeof(m));
	awm_path_join(&path, repo->root, c->migration);
	if (awm_fs_read_file(&file, path.ptr) == 0) {
		awm_crlf_to_lf(&file);
		if (awm_migration_parse(&m, c->migration, file.ptr, file.size) == 0) {
			const awm_buf *s = up ? &m.up : &m.down;

			if (s->size == text->size && !memcmp(s->ptr, text->ptr, text->size))
				line = up ? m.up_line : m.down_line;
		}
	}
	awm_migration_release(&m);
	awm_error_clear();
	awm_buf_release(&path);
	awm_buf_release(&file);
	return line;
}

/*
 * The last error, with "<file>:<n>:" (n counted from the section) made the
 * line in the migration file where that is known.
 */
static char *file_message(awm_repo *repo, const awm_commit *c, const awm_buf *text, int up)
{
	/* A copy: finding the line reads the file, which may set errors. */
	char *msg = awm_strdup(awm_error_last()), *end, *out;
	size_t n = c->migration ? strlen(c->migration) : 0;
	long line;

	if (!n || strncmp(msg, c->migration, n) || msg[n] != ':' ||
	    (line = strtol(msg + n + 1, &end, 10)) <= 0 || *end != ':')
		return msg;
	out = awm_printf_alloc("%s:%ld%s", c->migration,
			       line + section_line(repo, c, text, up) - 1, end);
	free(msg);
	return out;
}

/*
 * The failure just reported, as a SCRIPT conflict of `c`; `text` is the
 * section that ran (NULL: no script), `up` says which.
 */
void rp_script_conflict(awm_conflict_list *l, awm_repo *repo, const awm_commit *c,
			const char *what, const awm_buf *text, int up)
{
	awm_conflict *e = awm_conflict_add(l, AWM_CONFLICT_SCRIPT);
	char *msg = text ? file_message(repo, c, text, up) : awm_strdup(awm_error_last());

	e->message = what ? awm_printf_alloc("%s: %s", what, msg) : awm_strdup(msg);
	free(msg);
	e->ours_commit = c->oid;
	e->our_file = c->migration ? awm_strdup(c->migration) : NULL;
	awm_error_clear();
}

/*
 * For a SQL migration whose data conflicts a strategy settled: what the
 * settled changeset gives for the conflicting rows, against what the
 * script gives.  Where they differ, the SQL that makes the difference is
 * added to the up section, and the script runs again with it.
 */
static int settle_sql(rp_job *j, awm_data_rows **want)
{
	int rc;

	*want = NULL;
	if (!awm_data_check_has_rows(&j->dc))
		return 0;
	if ((rc = awm_sqlite_exec(j->r->db, "SAVEPOINT awm_settle")) < 0)
		return rc;
	/* Rows the check set aside (the script writes elsewhere) may clash: skipped. */
	rc = awm_data_apply_settled(j->r->db, j->settled.ptr, j->settled.size);
	if (rc == 0)
		rc = awm_data_rows_read(want, &j->dc, j->r->db);
	awm_sqlite_exec(j->r->db, "ROLLBACK TO awm_settle");
	awm_sqlite_exec(j->r->db, "RELEASE awm_settle");
	return rc;
}

/* The text the strategy adds, and the migration file carrying it. */
static int add_to_up(rp_job *j, const char *fix)
{
	awm_buf lines = AWM_BUF_INIT, path = AWM_BUF_INIT, text = AWM_BUF_INIT;
	awm_migration m;
	int rc = 0;

	awm_buf_printf(&lines, "-- %s: data conflicts settled with --strategy %s\n%s",
		       j->o->note ? j->o->note : "awm", awm_strategy_name(j->o->strategy), fix);
	memset(&m, 0, sizeof(m));
	/* The file takes the lines when it still holds exactly this up section. */
	if (j->c->migration) {
		awm_path_join(&path, j->r->repo->root, j->c->migration);
		if (awm_fs_read_file(&text, path.ptr) == 0) {
			awm_buf norm = AWM_BUF_INIT;

			awm_buf_put(&norm, text.ptr, text.size);
			awm_crlf_to_lf(&norm);
			if (awm_migration_parse(&m, j->c->migration, norm.ptr, norm.size) == 0 &&
			    m.up.size == j->up.size && !memcmp(m.up.ptr, j->up.ptr, j->up.size) &&
			    awm_migration_append_up(&j->out->file_text, &j->added, text.ptr,
						    text.size, lines.ptr) == 0)
				j->out->file = awm_strdup(j->c->migration);
			awm_buf_release(&norm);
		}
		awm_error_clear();
	}
	if (!j->out->file) {
		awm_buf_clear(&j->added);
		if (j->up.size && j->up.ptr[j->up.size - 1] != '\n')
			awm_buf_putc(&j->added, '\n');
		awm_buf_puts(&j->added, lines.ptr);
	}
	awm_buf_put(&j->up, j->added.ptr, j->added.size);
	awm_migration_release(&m);
	awm_buf_release(&lines);
	awm_buf_release(&path);
	awm_buf_release(&text);
	return rc;
}

int rp_run_sql(rp_job *j)
{
	awm_data_rows *want = NULL, *got = NULL;
	awm_buf fix = AWM_BUF_INIT;
	const char *file = j->file;
	int rc, lost = 0;

	if ((rc = settle_sql(j, &want)) < 0)
		goto done;
	rc = awm_capture_script_savepoint(&j->cap, &lost, j->r->db, j->up.ptr, file, 1);
	if (rc < 0)
		goto failed;
	if (want) {
		if ((rc = awm_data_rows_read(&got, &j->dc, j->r->db)) < 0)
			goto done;
		awm_data_rows_fix_sql(&fix, &j->dc, got, want, j->r->db);
		if (fix.size) {
			/* Back to before the script, then run it with the added SQL. */
			if ((rc = awm_sqlite_exec(j->r->db, "ROLLBACK TO awm_replay")) < 0)
				goto done;
			awm_capture_release(&j->cap);
			add_to_up(j, fix.ptr);
			rc = awm_capture_script_savepoint(&j->cap, &lost, j->r->db, j->up.ptr, file, 1);
			if (rc < 0)
				goto failed;
		}
	}
	if (j->cap.no_pk_nr && !j->has_down) {
		rc = awm_error_set(AWM_EINVALID, "it changes rows of table '%s', which has no "
				   "primary key, so the change cannot be recorded",
				   j->cap.no_pk_tables[0]);
		goto failed;
	}
	j->has_changeset = j->cap.changeset.size > 0;
	goto done;
failed:
	j->r->lost |= lost;
	rp_script_conflict(&j->out->conflicts, j->r->repo, j->c, NULL, &j->up, 1);
	/* The rows are a help; the script's failure is the report either way. */
	if (!lost && rp_constraint_rows(j) < 0)
		awm_error_clear();
	rc = AWM_ECONFLICT;
done:
	awm_data_rows_free(want);
	awm_data_rows_free(got);
	awm_buf_release(&fix);
	return rc;
}

/* A data or script migration: up SQL, then its (settled) changeset. */
int rp_run_data(rp_job *j)
{
	char what[96];
	int rc;

	if (!j->cs.size)
		return 0;
	snprintf(what, sizeof(what), "the changeset of %s", awm_oid_short(&j->c->oid, 10).s);
	if (!awm_data_check_has_rows(&j->dc)) {
		/* Unchanged: the same changeset, applied as it is. */
		rc = awm_changeset_apply(j->r->db, j->cs.ptr, j->cs.size, 0, what);
		j->has_changeset = 1;
		if (j->o->changeset)
			awm_buf_put(&j->cap.changeset, j->cs.ptr, j->cs.size);
		else
			j->changeset = j->c->changeset;
	} else {
		awm_capture_session *s;

		if ((rc = awm_capture_begin(&s, j->r->db)) < 0)
			return rc;
		if ((rc = awm_changeset_apply(j->r->db, j->settled.ptr, j->settled.size, 0,
					      what)) < 0) {
			awm_capture_abort(s);
		} else if ((rc = awm_capture_end(&j->cap, s)) == 0) {
			j->has_changeset = j->cap.changeset.size > 0;
		} else if (rc > 0) {
			rc = awm_error_set(AWM_ERROR, "%s: a table changed shape", what);
		}
	}
	if (rc < 0) {
		rp_script_conflict(&j->out->conflicts, j->r->repo, j->c, NULL, NULL, 1);
		rc = AWM_ECONFLICT;
	}
	return rc;
}

/* The down section must still run on top of the new up (as `awm commit` checks). */
int rp_check_down(rp_job *j)
{
	int rc;

	if (!j->has_down || j->c->kind != AWM_KIND_SQL)
		return 0;
	if ((rc = awm_sqlite_exec(j->r->db, "SAVEPOINT awm_down_check")) < 0)
		return rc;
	rc = awm_sqlite_run_script(j->r->db, j->down.ptr, j->file, 1);
	if (rc < 0)
		rp_script_conflict(&j->out->conflicts, j->r->repo, j->c,
				"the down section fails on the new base", &j->down, 0);
	if (awm_sqlite_exec(j->r->db, "ROLLBACK TO awm_down_check") < 0 ||
	    awm_sqlite_exec(j->r->db, "RELEASE awm_down_check") < 0)
		j->r->lost = 1;
	awm_error_clear();
	return rc < 0 ? AWM_ECONFLICT : 0;
}

