/*
 * Recording new migration files as commits (see record.h).
 */
#include "core/record.h"
#include "core/appwrite_schema.h"
#include "core/capture.h"
#include "core/changeset.h"
#include "core/error.h"
#include "core/git.h"
#include "core/migration.h"
#include "core/refs.h"
#include "core/delta.h"
#include "core/fs.h"
#include "core/scratch.h"
#include "core/script.h"
#include "core/sqlite.h"
#include "core/sqlite_schema.h"
#include "core/worktree.h"
#include "objects/commit.h"
#include "objects/packwriter.h"
#include "objects/schema.h"

#include <stdlib.h>
#include <string.h>

/* A batch larger than this goes into one pack rather than loose files. */
#define LOOSE_LIMIT 64

void awm_record_result_release(awm_record_result *res)
{
	size_t i;

	for (i = 0; i < res->nr; i++) {
		free(res->commits[i].path);
		free(res->commits[i].subject);
		free(res->commits[i].warning);
	}
	free(res->commits);
	free(res->branch);
	memset(res, 0, sizeof(*res));
}

/* Refuse edited and badly named files, all of them in one message. */
static int check_worktree(awm_wt_status *st)
{
	awm_buf msg = AWM_BUF_INIT;
	size_t i, bad = 0;
	int rc = 0;

	for (i = 0; i < st->nr; i++) {
		awm_wt_entry *e = &st->items[i];

		if (e->state == AWM_WT_EDITED) {
			awm_buf_printf(&msg, "%smigration '%s' was edited after it was recorded "
				       "in %s (%s); revert the file (awm show %s) or add a new "
				       "migration", bad ? "\n" : "", e->path,
				       awm_oid_short(&e->commit, 10).s, e->detail,
				       awm_oid_short(&e->commit, 10).s);
			bad++;
		} else if (e->state == AWM_WT_BADNAME) {
			awm_migration_name_check(e->name);
			awm_buf_printf(&msg, "%s%s", bad ? "\n" : "", awm_error_last());
			bad++;
		}
	}
	if (bad)
		rc = awm_error_set(AWM_EINVALID, "%s", msg.ptr);
	awm_buf_release(&msg);
	return rc;
}

static void subject_from_name(awm_buf *out, const char *name)
{
	const char *p = strchr(name, '_'), *dot = strrchr(name, '.');
	size_t i;

	awm_buf_clear(out);
	awm_buf_put(out, p + 1, (size_t)(dot - p - 1));   /* drop version and extension */
	for (i = 0; i < out->size; i++)
		if (out->ptr[i] == '_')
			out->ptr[i] = ' ';
}

static void count_rows(awm_recorded_commit *rc, const awm_buf *cs)
{
	awm_changeset_summary sum;
	size_t i;

	if (!cs->size || awm_changeset_summarize(&sum, cs->ptr, cs->size, NULL, 0) < 0) {
		awm_error_clear();
		return;
	}
	for (i = 0; i < sum.nr; i++) {
		rc->inserts += sum.tables[i].inserts;
		rc->updates += sum.tables[i].updates;
		rc->deletes += sum.tables[i].deletes;
	}
	awm_changeset_summary_release(&sum);
}

/*
 * Run the down section once on top of the up's result, inside a savepoint
 * that is rolled back: a down that fails is refused, one that does not
 * bring back the parent's schema earns a warning.
 */
static int check_down(char **warning, sqlite3 *db, const awm_migration *m,
		      const awm_oid *parent_schema)
{
	awm_schema *after = NULL;
	awm_oid got;
	awm_buf payload = AWM_BUF_INIT;
	int rc;

	if ((rc = awm_sqlite_exec(db, "SAVEPOINT awm_down_check")) < 0)
		return rc;
	rc = awm_sqlite_run_script(db, m->down.ptr, m->down_file ? m->down_file : m->path,
				   m->down_line);
	if (rc < 0) {
		awm_error_prefix("the down section fails");
		goto done;
	}
	if ((rc = awm_sqlite_schema_snapshot(&after, db)) < 0)
		goto done;
	awm_schema_serialize(&payload, after);
	awm_oid_hash(&got, AWM_OBJ_SCHEMA, payload.ptr, payload.size);
	if (!awm_oid_equal(&got, parent_schema))
		*warning = awm_printf_alloc("%s: the down section does not restore the "
					    "schema of the previous migration",
					    m->down_file ? m->down_file : m->path);
done:
	awm_sqlite_exec(db, "ROLLBACK TO awm_down_check");
	awm_sqlite_exec(db, "RELEASE awm_down_check");
	awm_schema_free(after);
	awm_buf_release(&payload);
	return rc;
}

static int refuse_no_pk(const awm_migration *m, const awm_capture *cap)
{
	return awm_error_set(AWM_EINVALID, "%s changes rows of table '%s', which has no "
			     "primary key, so awm cannot record those changes for a rollback; "
			     "give the table a primary key or write a down section",
			     m->up_file ? m->up_file : m->path, cap->no_pk_tables[0]);
}

struct awm_record_batch {
	awm_repo *repo;
	awm_packwriter *pw;
	sqlite3 *db;                 /* the state after the last recorded commit; opened
				      * on first need (Appwrite migrations need none) */
	awm_oid parent, parent_schema;
	int has_parent;
	char *engine;                /* the engine of the history so far, or NULL */
	awm_oid old_head;            /* HEAD when the batch started, for the CAS */
	int had_head;
	awm_signature who;
	char *gitcommit;
	const awm_record_opts *opts;
	awm_record_result res;
	int committed;               /* the branch points at `parent` now */
};

/*
 * The common end of recording one migration: parent, identity, message,
 * schema; the commit goes into the batch and its summary into the result.
 * Takes `warning`.  `message` NULL: opts->message, else from the file name.
 */
static int finish(awm_record_batch *b, awm_commit *c, const awm_migration *m,
		  const char *message, awm_schema *schema, char *warning,
		  size_t inserts, size_t updates, size_t deletes)
{
	awm_buf subj = AWM_BUF_INIT, msg = AWM_BUF_INIT, payload = AWM_BUF_INIT;
	awm_recorded_commit *out;
	int rc;

	if (b->has_parent)
		awm_commit_add_parent(c, &b->parent);
	awm_schema_serialize(&payload, schema);
	if ((rc = awm_packwriter_add(b->pw, &c->schema, AWM_OBJ_SCHEMA, payload.ptr,
				     payload.size)) < 0)
		goto done;
	c->engine = awm_strdup(schema->engine);
	c->migration = awm_strdup(m->path);
	awm_signature_copy(&c->author, &b->who);
	awm_signature_copy(&c->committer, &b->who);
	c->gitcommit = b->gitcommit ? awm_strdup(b->gitcommit) : NULL;
	if (message && *message) {
		awm_buf_puts(&msg, message);
	} else if (b->opts && b->opts->message && *b->opts->message) {
		awm_buf_puts(&msg, b->opts->message);
	} else {
		subject_from_name(&subj, m->name);
		awm_buf_puts(&msg, subj.ptr);
	}
	awm_buf_rtrim(&msg);
	awm_buf_putc(&msg, '\n');
	c->message = awm_buf_detach(&msg);
	awm_buf_clear(&payload);
	if ((rc = awm_commit_serialize(&payload, c)) < 0 ||
	    (rc = awm_packwriter_add(b->pw, &c->oid, AWM_OBJ_COMMIT, payload.ptr,
				     payload.size)) < 0)
		goto done;

	b->res.commits = awm_realloc(b->res.commits,
				     (b->res.nr + 1) * sizeof(awm_recorded_commit));
	out = &b->res.commits[b->res.nr++];
	memset(out, 0, sizeof(*out));
	out->oid = c->oid;
	out->schema = c->schema;
	out->path = awm_strdup(m->path);
	awm_commit_subject(&subj, c);
	out->subject = awm_buf_detach(&subj);
	out->warning = warning;
	warning = NULL;
	out->inserts = inserts;
	out->updates = updates;
	out->deletes = deletes;
	b->parent = c->oid;
	b->parent_schema = c->schema;
	b->has_parent = 1;
done:
	free(warning);
	awm_buf_release(&subj);
	awm_buf_release(&msg);
	awm_buf_release(&payload);
	return rc;
}

static int add_blob(awm_record_batch *b, awm_oid *id, int *has, const awm_buf *data,
		    awm_otype type)
{
	*has = data->size > 0;
	return *has ? awm_packwriter_add(b->pw, id, type, data->ptr, data->size) : 0;
}

static int record_sql(awm_record_batch *b, awm_commit *c, const awm_migration *m,
		      const char *message)
{
	awm_capture cap;
	awm_recorded_commit counts;
	char *warning = NULL;
	int rc;

	memset(&cap, 0, sizeof(cap));
	memset(&counts, 0, sizeof(counts));
	if ((rc = awm_capture_script(&cap, b->db, m->up.ptr, m->up_file ? m->up_file : m->path,
				     m->up_line)) < 0)
		goto done;
	if (cap.no_pk_nr && !m->has_down) {
		rc = refuse_no_pk(m, &cap);
		goto done;
	}
	if (m->has_down && (rc = check_down(&warning, b->db, m, &b->parent_schema)) < 0)
		goto done;
	if ((rc = add_blob(b, &c->up, &c->has_up, &m->up, AWM_OBJ_BLOB)) < 0 ||
	    (m->has_down && (rc = add_blob(b, &c->down, &c->has_down, &m->down,
					   AWM_OBJ_BLOB)) < 0) ||
	    (rc = add_blob(b, &c->changeset, &c->has_changeset, &cap.changeset,
			   AWM_OBJ_CHANGESET)) < 0)
		goto done;
	count_rows(&counts, &cap.changeset);
	rc = finish(b, c, m, message, cap.schema, warning, counts.inserts, counts.updates,
		    counts.deletes);
	warning = NULL;
done:
	free(warning);
	awm_capture_release(&cap);
	return rc;
}

/*
 * A script migration: the program (in the migrations folder, or at
 * m->script_path) runs on a file copy of the batch's state, which then
 * moves to what it left (script.h).  What it did is recorded like
 * `commit --from-db` records a database: up SQL for schema changes, a
 * changeset for rows, a down SQL.
 */
static int record_script(awm_record_batch *b, awm_commit *c, const awm_migration *m,
			 const char *message)
{
	awm_buf dir = AWM_BUF_INIT, path = AWM_BUF_INIT;
	const char *name = m->script_path && m->up_file ? m->up_file : m->path;
	awm_db_delta d;
	int rc;

	memset(&d, 0, sizeof(d));
	if (m->script_path) {
		awm_buf_puts(&path, m->script_path);
	} else {
		awm_repo_migrations_dir(&dir, b->repo);
		awm_path_join(&path, dir.ptr, m->name);
	}
	if ((rc = awm_script_check_runnable(path.ptr, name)) < 0 ||
	    (rc = awm_script_capture(&d, b->repo, b->db, path.ptr, name, 0)) < 0)
		goto done;
	c->kind = AWM_KIND_SCRIPT;
	if ((rc = add_blob(b, &c->script, &c->has_script, &m->script, AWM_OBJ_BLOB)) < 0 ||
	    (rc = add_blob(b, &c->up, &c->has_up, &d.up_sql, AWM_OBJ_BLOB)) < 0 ||
	    (rc = add_blob(b, &c->down, &c->has_down, &d.down_sql, AWM_OBJ_BLOB)) < 0 ||
	    (rc = add_blob(b, &c->changeset, &c->has_changeset, &d.diff.changeset,
			   AWM_OBJ_CHANGESET)) < 0)
		goto done;
	rc = finish(b, c, m, message, d.schema, d.warning ? awm_strdup(d.warning) : NULL,
		    d.diff.inserts, d.diff.updates, d.diff.deletes);
done:
	awm_db_delta_release(&d);
	awm_buf_release(&dir);
	awm_buf_release(&path);
	return rc;
}

/*
 * An Appwrite migration: the file is the whole target schema.  It is
 * validated, and its canonical form is the commit's schema; no database
 * is needed (docs/appwrite.md).
 */
static int record_appwrite(awm_record_batch *b, awm_commit *c, const awm_migration *m,
			   const char *message)
{
	awm_aw_schema *model = NULL;
	awm_schema *schema = NULL;
	int rc;

	if ((rc = awm_aw_schema_parse_file(&model, m->path, m->up.ptr, m->up.size)) < 0 ||
	    (rc = awm_aw_schema_to_awm(&schema, model)) < 0 ||
	    (rc = add_blob(b, &c->up, &c->has_up, &m->up, AWM_OBJ_BLOB)) < 0)
		goto done;
	rc = finish(b, c, m, message, schema, NULL, 0, 0, 0);
done:
	awm_aw_schema_free(model);
	awm_schema_free(schema);
	return rc;
}

/* One history moves one kind of database: its engine is its first commit's. */
static int check_engine(awm_record_batch *b, const awm_migration *m)
{
	const char *want = m->is_appwrite ? AWM_APPWRITE_ENGINE : "sqlite";

	if (!b->engine || !strcmp(b->engine, want))
		return 0;
	return awm_error_set(AWM_EINVALID, "%s is %s migration, and this history holds %s "
			     "migrations (its head %s is one); one history moves one kind of "
			     "database, so keep them in separate projects", m->path,
			     m->is_appwrite ? "an Appwrite" : "a SQLite", b->engine,
			     awm_oid_short(&b->parent, 10).s);
}

/* The scratch database at the parent, opened when a SQLite migration needs it. */
static int need_db(awm_record_batch *b)
{
	if (b->db)
		return 0;
	return awm_scratch_open(&b->db, b->repo, b->has_parent ? &b->parent : NULL);
}

static int record_one(awm_record_batch *b, const awm_migration *m, const char *message)
{
	awm_commit *c = awm_commit_new();
	int rc;

	if ((rc = check_engine(b, m)) < 0)
		;
	else if (m->is_appwrite)
		rc = record_appwrite(b, c, m, message);
	else if ((rc = need_db(b)) < 0)
		;
	else
		rc = m->is_script ? record_script(b, c, m, message) : record_sql(b, c, m, message);
	if (rc == 0) {
		free(b->engine);
		b->engine = awm_strdup(c->engine);
	}

	/*
	 * A statement that fails is the migration's error, even a UNIQUE or
	 * CHECK constraint (which SQLite's wrapper reports as a conflict): exit
	 * 1, not 4, which means the branch moved or a rebase is needed.
	 */
	if (rc == AWM_ECONFLICT)
		rc = AWM_EINVALID;
	awm_commit_free(c);
	return rc;
}

/* The schema id and engine of the parent commit, or of an empty database. */
static int parent_schema(awm_oid *out, awm_repo *repo, const awm_oid *parent, int has,
			 char **engine)
{
	awm_commit *c;
	int rc;

	if (has) {
		if ((rc = awm_commit_read(&c, repo->odb, parent)) < 0)
			return rc;
		*out = c->schema;
		*engine = awm_strdup(c->engine);
		awm_commit_free(c);
		return 0;
	}
	awm_schema_empty_id(out, "sqlite");
	return 0;
}

static int start_batch(awm_record_batch *b, awm_repo *repo)
{
	awm_buf head = AWM_BUF_INIT;
	int rc;

	b->repo = repo;
	rc = awm_ref_lookup(&b->parent, repo, "HEAD");
	if (rc < 0 && rc != AWM_ENOTFOUND)
		return rc;
	awm_error_clear();
	b->has_parent = rc == 0;
	b->old_head = b->parent;
	b->had_head = b->has_parent;
	if ((rc = parent_schema(&b->parent_schema, repo, &b->parent, b->has_parent, &b->engine)) < 0)
		return rc;
	if ((rc = awm_git_identity(&b->who, repo->root)) < 0)
		return rc;
	awm_git_head(&head, repo->root);
	b->gitcommit = head.size ? awm_buf_detach(&head) : NULL;
	awm_buf_release(&head);
	return awm_packwriter_new(&b->pw, repo->odb, LOOSE_LIMIT, 0);
}

static void end_batch(awm_record_batch *b)
{
	sqlite3_close(b->db);
	awm_packwriter_free(b->pw);
	awm_signature_release(&b->who);
	free(b->gitcommit);
	free(b->engine);
}

static int update_branch(awm_repo *repo, awm_record_result *res,
			 const awm_record_batch *b, const awm_oid *old_head, int had_head)
{
	awm_buf target = AWM_BUF_INIT, reason = AWM_BUF_INIT;
	awm_oid zero;
	int rc;

	awm_oid_clear(&zero);
	if (awm_ref_symbolic_target(&target, repo, "HEAD") == 0 &&
	    !strncmp(target.ptr, "refs/heads/", 11))
		res->branch = awm_strdup(target.ptr + 11);
	awm_error_clear();
	if (res->nr == 1)
		awm_buf_printf(&reason, "commit: %s", res->commits[0].subject);
	else
		awm_buf_printf(&reason, "commit: %zu migrations", res->nr);
	rc = awm_ref_update(repo, "HEAD", &b->parent, had_head ? old_head : &zero, reason.ptr);
	if (rc == AWM_ECONFLICT)
		awm_error_prefix("the branch moved while recording; nothing was recorded, "
				 "run 'awm commit' again");
	awm_buf_release(&target);
	awm_buf_release(&reason);
	return rc;
}

int awm_record_batch_new(awm_record_batch **out, awm_repo *repo,
			 const awm_record_opts *opts)
{
	awm_record_batch *b = awm_calloc(1, sizeof(*b));
	int rc;

	b->opts = opts;
	if ((rc = start_batch(b, repo)) < 0) {
		awm_record_batch_free(b);
		return rc;
	}
	*out = b;
	return 0;
}

int awm_record_batch_add(awm_record_batch *b, const awm_migration *m, const char *message)
{
	return record_one(b, m, message);
}

const awm_record_result *awm_record_batch_result(const awm_record_batch *b)
{
	return &b->res;
}

sqlite3 *awm_record_batch_db(awm_record_batch *b)
{
	if (need_db(b) < 0)
		return NULL;
	return b->db;
}

int awm_record_batch_commit(awm_record_batch *b)
{
	int rc;

	if (b->res.nr == 0)
		return 0;
	/* Objects first, durable; then the state cache; then the branch. */
	if ((rc = awm_packwriter_commit(b->pw, NULL)) < 0)
		return rc;
	if (b->db)
		awm_scratch_save(b->repo, &b->parent, b->db);
	awm_error_clear();
	if ((rc = update_branch(b->repo, &b->res, b, &b->old_head, b->had_head)) == 0)
		b->committed = 1;
	return rc;
}

int awm_record_batch_revert(awm_record_batch *b, const char *why)
{
	awm_buf target = AWM_BUF_INIT;
	int rc;

	if (!b->committed)
		return 0;
	if (b->had_head) {
		rc = awm_ref_update(b->repo, "HEAD", &b->old_head, &b->parent, why);
	} else if ((rc = awm_ref_symbolic_target(&target, b->repo, "HEAD")) == 0) {
		/* There was no commit: the branch did not exist either. */
		rc = awm_ref_delete(b->repo, target.ptr, &b->parent, why);
	}
	if (rc == 0)
		b->committed = 0;
	awm_buf_release(&target);
	return rc;
}

void awm_record_batch_take(awm_record_result *out, awm_record_batch *b)
{
	*out = b->res;
	memset(&b->res, 0, sizeof(b->res));
}

void awm_record_batch_free(awm_record_batch *b)
{
	if (!b)
		return;
	end_batch(b);
	awm_record_result_release(&b->res);
	free(b);
}

int awm_record_migrations(awm_record_result *out, awm_repo *repo, const awm_record_opts *opts)
{
	awm_recorded_set rec;
	awm_wt_status st;
	awm_record_batch *b = NULL;
	size_t i, total = 0, done_n = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&rec, 0, sizeof(rec));
	memset(&st, 0, sizeof(st));
	if ((rc = awm_record_batch_new(&b, repo, opts)) < 0)
		goto done;
	if ((rc = awm_recorded_load(&rec, repo, b->had_head ? &b->old_head : NULL)) < 0 ||
	    (rc = awm_worktree_status(&st, repo, &rec)) < 0 ||
	    (rc = check_worktree(&st)) < 0)
		goto done;
	for (i = 0; i < st.nr; i++)
		total += st.items[i].state == AWM_WT_NEW;
	for (i = 0; i < st.nr && rc == 0; i++) {
		awm_migration m;

		if (st.items[i].state != AWM_WT_NEW)
			continue;
		if ((rc = awm_migration_load(&m, repo, st.items[i].name)) < 0) {
			awm_migration_release(&m);   /* a refused parse keeps what it set */
			break;
		}
		if ((rc = awm_record_batch_add(b, &m, NULL)) < 0)
			awm_error_prefix("nothing was recorded");
		awm_migration_release(&m);
		if (opts && opts->progress)
			opts->progress("Recording migrations", ++done_n, total, opts->payload);
	}
	if (rc == 0 && (rc = awm_record_batch_commit(b)) == 0)
		awm_record_batch_take(out, b);
done:
	awm_record_batch_free(b);
	awm_recorded_release(&rec);
	awm_wt_status_release(&st);
	return rc;
}
