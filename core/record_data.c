/*
 * Recording data changes as commits: `awm commit --from-db` and
 * `awm commit --changeset` (see record.h).
 */
#include "core/record.h"
#include "core/changeset.h"
#include "core/checkout.h"
#include "core/delta.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/git.h"
#include "core/refs.h"
#include "core/scratch.h"
#include "core/sqlite.h"
#include "core/sqlite_schema.h"
#include "objects/commit.h"
#include "objects/packwriter.h"
#include "objects/schema.h"

#include <stdlib.h>
#include <string.h>

#define LOOSE_LIMIT 64

/* What goes into one DATA commit. */
typedef struct data_step {
	const awm_buf *up, *down, *changeset;
	awm_schema *schema;
	const char *source;        /* the file it came from, for the result */
	const char *default_msg;
	const char *warning;
	size_t inserts, updates, deletes;
} data_step;

/* The branch head, or none on an unborn branch. */
static int head_of(awm_oid *out, int *has, awm_repo *repo)
{
	int rc = awm_ref_lookup(out, repo, "HEAD");

	*has = rc == 0;
	if (rc == AWM_ENOTFOUND) {
		awm_error_clear();
		awm_oid_clear(out);
		return 0;
	}
	return rc;
}

static int add_blob(awm_packwriter *pw, awm_oid *id, int *has, const awm_buf *b, awm_otype t)
{
	*has = b && b->size;
	return *has ? awm_packwriter_add(pw, id, t, b->ptr, b->size) : 0;
}

/*
 * Write the commit on top of `parent` (none when !has_parent), cache
 * `state` as its database, and move the branch from `parent` to it.
 */
static int write_step(awm_record_result *out, awm_repo *repo, const data_step *s,
		      const awm_oid *parent, int has_parent, sqlite3 *state,
		      const awm_record_opts *opts)
{
	awm_commit *c = awm_commit_new();
	awm_packwriter *pw = NULL;
	awm_buf payload = AWM_BUF_INIT, msg = AWM_BUF_INIT, head = AWM_BUF_INIT;
	awm_buf target = AWM_BUF_INIT, reason = AWM_BUF_INIT, subj = AWM_BUF_INIT;
	awm_recorded_commit *rc_out;
	awm_oid zero;
	int rc;

	if ((rc = awm_packwriter_new(&pw, repo->odb, LOOSE_LIMIT, 0)) < 0)
		goto done;
	if (has_parent)
		awm_commit_add_parent(c, parent);
	c->kind = AWM_KIND_DATA;
	if ((rc = add_blob(pw, &c->up, &c->has_up, s->up, AWM_OBJ_BLOB)) < 0 ||
	    (rc = add_blob(pw, &c->down, &c->has_down, s->down, AWM_OBJ_BLOB)) < 0 ||
	    (rc = add_blob(pw, &c->changeset, &c->has_changeset, s->changeset,
			   AWM_OBJ_CHANGESET)) < 0)
		goto done;
	awm_schema_serialize(&payload, s->schema);
	if ((rc = awm_packwriter_add(pw, &c->schema, AWM_OBJ_SCHEMA, payload.ptr,
				     payload.size)) < 0)
		goto done;
	c->engine = awm_strdup("sqlite");
	if ((rc = awm_git_identity(&c->author, repo->root)) < 0)
		goto done;
	awm_signature_copy(&c->committer, &c->author);
	awm_git_head(&head, repo->root);
	c->gitcommit = head.size ? awm_buf_detach(&head) : NULL;
	awm_buf_puts(&msg, opts && opts->message && *opts->message ? opts->message
							     : s->default_msg);
	awm_buf_rtrim(&msg);
	awm_buf_putc(&msg, '\n');
	c->message = awm_buf_detach(&msg);
	awm_buf_clear(&payload);
	if ((rc = awm_commit_serialize(&payload, c)) < 0 ||
	    (rc = awm_packwriter_add(pw, &c->oid, AWM_OBJ_COMMIT, payload.ptr, payload.size)) < 0 ||
	    (rc = awm_packwriter_commit(pw, NULL)) < 0)
		goto done;
	awm_scratch_save(repo, &c->oid, state);
	awm_error_clear();
	awm_commit_subject(&subj, c);
	awm_buf_printf(&reason, "commit: %s", subj.ptr);
	awm_oid_clear(&zero);
	rc = awm_ref_update(repo, "HEAD", &c->oid, has_parent ? parent : &zero, reason.ptr);
	if (rc == AWM_ECONFLICT) {
		awm_error_prefix("the branch moved while recording; nothing was recorded");
		goto done;
	}
	if (rc < 0)
		goto done;
	if (awm_ref_symbolic_target(&target, repo, "HEAD") == 0 &&
	    !strncmp(target.ptr, "refs/heads/", 11))
		out->branch = awm_strdup(target.ptr + 11);
	awm_error_clear();
	out->commits = awm_calloc(1, sizeof(awm_recorded_commit));
	out->nr = 1;
	rc_out = &out->commits[0];
	rc_out->oid = c->oid;
	rc_out->path = awm_strdup(s->source);
	rc_out->subject = awm_buf_detach(&subj);
	rc_out->inserts = s->inserts;
	rc_out->updates = s->updates;
	rc_out->deletes = s->deletes;
	rc_out->warning = s->warning ? awm_strdup(s->warning) : NULL;
done:
	awm_packwriter_free(pw);
	awm_commit_free(c);
	awm_buf_release(&payload);
	awm_buf_release(&msg);
	awm_buf_release(&head);
	awm_buf_release(&target);
	awm_buf_release(&reason);
	awm_buf_release(&subj);
	return rc;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* The file must still rest on the branch head, or its changes land elsewhere. */
static int check_base(const awm_checkout_entry *e, const char *path, const awm_oid *head,
		      int has_head)
{
	if (e->has_commit == has_head && (!has_head || awm_oid_equal(&e->commit, head)))
		return 0;
	if (!has_head)
		return awm_error_set(AWM_ECONFLICT, "'%s' was checked out at %s, but the current "
				     "branch has no commits", path, awm_oid_short(&e->commit, 10).s);
	return awm_error_set(AWM_ECONFLICT, "'%s' was checked out at %s, but the branch is at %s "
			     "now; record your changes on a branch there ('awm switch -c <name> "
			     "%s', then commit again) or check the database out again", path,
			     e->has_commit ? awm_oid_short(&e->commit, 10).s : "an empty database",
			     awm_oid_short(head, 10).s,
			     e->has_commit ? awm_oid_short(&e->commit, 10).s : "");
}

/* Hash the file and compute the delta inside one read transaction on it. */
static int capture_file(awm_db_delta *delta, char hash[AWM_FILE_HASH_HEXSZ + 1],
			sqlite3 *base, sqlite3 *target, const char *path, const char *old_hash,
			int *unchanged)
{
	int rc;

	*unchanged = 0;
	if ((rc = awm_sqlite_exec(target, "BEGIN")) < 0 ||
	    (rc = awm_sqlite_exec(target, "SELECT count(*) FROM main.sqlite_schema")) < 0)
		return rc;
	if ((rc = awm_db_file_hash(hash, path)) == 0) {
		if (!strcmp(hash, old_hash))
			*unchanged = 1;
		else
			rc = awm_db_delta_compute(delta, base, target, 0);
	}
	sqlite3_exec(target, "COMMIT", NULL, NULL, NULL);
	return rc;
}

int awm_record_from_db(awm_record_result *out, awm_repo *repo, const char *path,
		       const awm_record_opts *opts)
{
	awm_checkout_entry e;
	awm_db_delta delta;
	awm_oid head;
	char hash[AWM_FILE_HASH_HEXSZ + 1];
	sqlite3 *base = NULL, *target = NULL;
	char *msg = NULL;
	data_step s;
	int rc, has_head, unchanged = 0;

	memset(out, 0, sizeof(*out));
	memset(&delta, 0, sizeof(delta));
	memset(&s, 0, sizeof(s));
	if ((rc = awm_checkout_lookup(&e, repo, path)) < 0)
		return rc;
	if ((rc = head_of(&head, &has_head, repo)) < 0 ||
	    (rc = check_base(&e, path, &head, has_head)) < 0 ||
	    (rc = awm_sqlite_open(&target, e.path, AWM_SQLITE_READONLY)) < 0 ||
	    (rc = awm_scratch_open(&base, repo, has_head ? &head : NULL)) < 0)
		goto done;
	if ((rc = capture_file(&delta, hash, base, target, e.path, e.hash, &unchanged)) < 0)
		goto done;
	if (unchanged || awm_db_delta_is_empty(&delta)) {
		/* Same content: remember the new bytes, so the next look is quick. */
		if (!unchanged)
			rc = awm_checkout_record(repo, e.path, has_head ? &head : NULL, hash);
		goto done;
	}
	msg = awm_printf_alloc("data changes in %s", base_name(path));
	s.up = &delta.up_sql;
	s.down = &delta.down_sql;
	s.changeset = &delta.diff.changeset;
	s.schema = delta.schema;
	s.source = path;
	s.default_msg = msg;
	s.warning = delta.warning;
	s.inserts = delta.diff.inserts;
	s.updates = delta.diff.updates;
	s.deletes = delta.diff.deletes;
	if ((rc = write_step(out, repo, &s, &head, has_head, base, opts)) < 0)
		goto done;
	rc = awm_checkout_record(repo, e.path, &out->commits[0].oid, hash);
	if (rc < 0)
		awm_error_prefix("recorded as %s, but", awm_oid_short(&out->commits[0].oid, 10).s);
done:
	if (rc < 0 && !out->nr && awm_error_code() != AWM_ECONFLICT)
		awm_error_prefix("nothing was recorded");
	awm_db_delta_release(&delta);
	awm_checkout_entry_release(&e);
	sqlite3_close(base);
	sqlite3_close(target);
	free(msg);
	return rc;
}

static void count_changes(data_step *s, const awm_buf *cs)
{
	awm_changeset_summary sum;
	size_t i;

	if (awm_changeset_summarize(&sum, cs->ptr, cs->size, NULL, 0) < 0) {
		awm_error_clear();
		return;
	}
	for (i = 0; i < sum.nr; i++) {
		s->inserts += sum.tables[i].inserts;
		s->updates += sum.tables[i].updates;
		s->deletes += sum.tables[i].deletes;
	}
	awm_changeset_summary_release(&sum);
}

int awm_record_changeset(awm_record_result *out, awm_repo *repo, const char *path,
			 const awm_record_opts *opts)
{
	awm_buf cs = AWM_BUF_INIT, what = AWM_BUF_INIT;
	awm_schema *schema = NULL;
	awm_oid head;
	sqlite3 *db = NULL;
	char *msg = NULL;
	data_step s;
	int rc, has_head;

	memset(out, 0, sizeof(*out));
	memset(&s, 0, sizeof(s));
	awm_buf_printf(&what, "'%s'", path);
	if ((rc = awm_fs_read_file(&cs, path)) < 0 ||
	    (rc = awm_changeset_validate(cs.ptr, cs.size, what.ptr)) < 0)
		goto done;
	if (!cs.size) {
		rc = awm_error_set(AWM_EINVALID, "'%s' holds no changes", path);
		goto done;
	}
	if ((rc = head_of(&head, &has_head, repo)) < 0 ||
	    (rc = awm_scratch_open(&db, repo, has_head ? &head : NULL)) < 0 ||
	    (rc = awm_changeset_check_tables(db, cs.ptr, cs.size, what.ptr)) < 0 ||
	    (rc = awm_changeset_apply(db, cs.ptr, cs.size, 0, what.ptr)) < 0 ||
	    (rc = awm_sqlite_schema_snapshot(&schema, db)) < 0)
		goto done;
	msg = awm_printf_alloc("changeset %s", base_name(path));
	s.changeset = &cs;
	s.schema = schema;
	s.source = path;
	s.default_msg = msg;
	count_changes(&s, &cs);
	rc = write_step(out, repo, &s, &head, has_head, db, opts);
done:
	if (rc < 0)
		awm_error_prefix("nothing was recorded");
	awm_schema_free(schema);
	sqlite3_close(db);
	awm_buf_release(&cs);
	awm_buf_release(&what);
	free(msg);
	return rc;
}
