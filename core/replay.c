/*
 * Replaying one commit at a time on a new base (see replay.h).
 *
 * Everything a replay does to the database happens inside the savepoint
 * `awm_replay`, released when the commit went through and rolled back
 * when it stopped, so a stop leaves the state of the last good commit.
 * Scratch databases live in memory, where a savepoint costs little.
 */
#include "core/replay_internal.h"
#include "core/changeset.h"
#include "core/error.h"
#include "core/sqlite.h"
#include "core/sqlite_schema.h"
#include "objects/schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void awm_replay_out_release(awm_replay_out *o)
{
	size_t i;

	awm_conflict_list_release(&o->conflicts);
	for (i = 0; i < o->nunchecked; i++)
		free(o->unchecked[i]);
	free(o->unchecked);
	free(o->file);
	awm_buf_release(&o->file_text);
	memset(o, 0, sizeof(*o));
}

int awm_replayer_new(awm_replayer **out, awm_repo *repo, sqlite3 *db, const awm_oid *tip,
		     awm_packwriter *pw, const awm_signature *who)
{
	awm_replayer *r = awm_calloc(1, sizeof(*r));
	awm_commit *c;
	int rc;

	r->repo = repo;
	r->db = db;
	r->pw = pw;
	awm_signature_copy(&r->who, who);
	r->labels.theirs = "upstream";
	r->labels.ours = "ours";
	awm_schema_empty_id(&r->empty_schema, "sqlite");
	r->schema = r->empty_schema;
	if (tip && !awm_oid_is_zero(tip)) {
		if ((rc = awm_commit_read(&c, repo->odb, tip)) < 0) {
			awm_replayer_free(r);
			return rc;
		}
		r->tip = *tip;
		r->has_tip = 1;
		r->schema = c->schema;
		awm_commit_free(c);
	}
	*out = r;
	return 0;
}

void rp_layout_forget(awm_replayer *r)
{
	size_t i;

	for (i = 0; i < r->nlayout; i++)
		free(r->layout_tables[i]);
	free(r->layout_tables);
	free(r->layout_ok);
	r->layout_tables = NULL;
	r->layout_ok = NULL;
	r->nlayout = 0;
}

void awm_replayer_free(awm_replayer *r)
{
	size_t i;

	if (!r)
		return;
	rp_layout_forget(r);
	rp_fk_release(&r->fk_known);
	sqlite3_close(r->db);
	awm_signature_release(&r->who);
	for (i = 0; i < SCHEMA_CACHE; i++)
		awm_schema_free(r->cache[i].s);
	free(r);
}

void awm_replayer_set_theirs(awm_replayer *r, const awm_side *theirs)
{
	r->theirs = theirs;
}

void awm_replayer_set_labels(awm_replayer *r, const awm_conflict_labels *labels)
{
	r->labels = *labels;
}

const awm_oid *awm_replayer_tip(const awm_replayer *r)
{
	return r->has_tip ? &r->tip : NULL;
}

const awm_oid *awm_replayer_schema(const awm_replayer *r)
{
	return &r->schema;
}

sqlite3 *awm_replayer_db(awm_replayer *r)
{
	return r->db;
}

int awm_replayer_db_lost(const awm_replayer *r)
{
	return r->lost;
}

/* A schema object, from a small cache (a run of commits mostly shares one). */
int rp_schema_get(const awm_schema **out, awm_replayer *r, const awm_oid *oid)
{
	awm_schema *s = NULL;
	size_t i;
	int rc;

	for (i = 0; i < SCHEMA_CACHE; i++)
		if (r->cache[i].s && awm_oid_equal(&r->cache[i].oid, oid)) {
			*out = r->cache[i].s;
			return 0;
		}
	if (awm_oid_equal(oid, &r->empty_schema))
		s = awm_schema_new("sqlite");
	else if ((rc = awm_schema_read(&s, r->repo->odb, oid)) < 0)
		return rc;
	i = r->cache_next++ % SCHEMA_CACHE;
	awm_schema_free(r->cache[i].s);
	r->cache[i].oid = *oid;
	r->cache[i].s = s;
	*out = s;
	return 0;
}

int rp_schema_version(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	int v = -1;

	if (sqlite3_prepare_v2(db, "PRAGMA schema_version", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* The schema before `c`: mostly that of the commit replayed just before. */
int rp_parent_schema(awm_oid *out, awm_replayer *r, const awm_commit *c)
{
	awm_commit *p;
	int rc;

	if (!c->nparents) {
		*out = r->empty_schema;
		return 0;
	}
	if (r->has_last && awm_oid_equal(&c->parents[0], &r->last_old)) {
		*out = r->last_old_schema;
		return 0;
	}
	if ((rc = awm_commit_read(&p, r->repo->odb, &c->parents[0])) < 0)
		return rc;
	*out = p->schema;
	awm_commit_free(p);
	return 0;
}

int rp_read_blob(awm_buf *out, awm_replayer *r, const awm_oid *oid, awm_otype type)
{
	awm_object *o;
	int rc = awm_odb_read_typed(&o, r->repo->odb, oid, type);

	if (rc < 0)
		return rc;
	awm_buf_clear(out);
	awm_buf_put(out, o->data, o->size);
	awm_object_free(o);
	return 0;
}

void rp_keep_identity(awm_commit *n, const awm_commit *c, const awm_signature *who)
{
	n->engine = awm_strdup(c->engine);
	n->migration = c->migration ? awm_strdup(c->migration) : NULL;
	n->gitcommit = c->gitcommit ? awm_strdup(c->gitcommit) : NULL;
	n->message = awm_strdup(c->message ? c->message : "\n");
	awm_signature_copy(&n->author, &c->author);
	awm_signature_copy(&n->committer, who);
}

static int add_blob(awm_packwriter *pw, awm_oid *id, const awm_buf *b, awm_otype type)
{
	return awm_packwriter_add(pw, id, type, b->ptr, b->size);
}

/* The new commit: the old one with a new parent, changeset and schema. */
static int write_commit(rp_job *j, int sv_before)
{
	awm_replayer *r = j->r;
	const awm_commit *c = j->c;
	awm_commit *n = awm_commit_new();
	awm_buf payload = AWM_BUF_INIT;
	awm_schema *schema = NULL;
	int rc = 0;

	j->schema = r->schema;
	if (rp_schema_version(r->db) != sv_before) {
		if ((rc = awm_sqlite_schema_snapshot(&schema, r->db)) < 0)
			goto done;
		awm_schema_serialize(&payload, schema);
		awm_oid_hash(&j->schema, AWM_OBJ_SCHEMA, payload.ptr, payload.size);
		if (r->pw && (rc = awm_packwriter_add(r->pw, NULL, AWM_OBJ_SCHEMA, payload.ptr,
						      payload.size)) < 0)
			goto done;
	}
	if (!r->pw)
		goto done;
	if (r->has_tip)
		awm_commit_add_parent(n, &r->tip);
	n->kind = c->kind;
	n->has_up = c->has_up || j->up.size;
	n->up = c->up;
	if (c->kind == AWM_KIND_SQL && (j->o->sections || j->added.size) &&
	    (rc = add_blob(r->pw, &n->up, &j->up, AWM_OBJ_BLOB)) < 0)
		goto done;
	n->has_down = j->has_down;
	n->down = c->down;
	if (j->o->sections && j->has_down && (rc = add_blob(r->pw, &n->down, &j->down,
							    AWM_OBJ_BLOB)) < 0)
		goto done;
	n->has_script = c->has_script;
	n->script = c->script;
	n->has_changeset = j->has_changeset;
	n->changeset = j->changeset;
	if (j->has_changeset && j->cap.changeset.size &&
	    (rc = add_blob(r->pw, &n->changeset, &j->cap.changeset, AWM_OBJ_CHANGESET)) < 0)
		goto done;
	n->schema = j->schema;
	rp_keep_identity(n, c, &r->who);
	awm_buf_clear(&payload);
	if ((rc = awm_commit_serialize(&payload, n)) == 0)
		rc = awm_packwriter_add(r->pw, &j->out->commit, AWM_OBJ_COMMIT, payload.ptr,
					payload.size);
done:
	awm_schema_free(schema);
	awm_commit_free(n);
	awm_buf_release(&payload);
	return rc;
}

static int load_sections(rp_job *j)
{
	int rc;

	if (j->o->sections) {
		awm_buf_put(&j->up, j->o->sections->up.ptr, j->o->sections->up.size);
		awm_buf_put(&j->down, j->o->sections->down.ptr, j->o->sections->down.size);
		j->has_down = j->o->sections->has_down;
		return 0;
	}
	if (j->c->has_up && (rc = rp_read_blob(&j->up, j->r, &j->c->up, AWM_OBJ_BLOB)) < 0)
		return rc;
	j->has_down = j->c->has_down;
	if (j->c->has_down && j->c->kind == AWM_KIND_SQL &&
	    (rc = rp_read_blob(&j->down, j->r, &j->c->down, AWM_OBJ_BLOB)) < 0)
		return rc;
	return 0;
}

static int replay(rp_job *j)
{
	int rc, sv_before = rp_schema_version(j->r->db);

	if ((rc = load_sections(j)) < 0 || (rc = rp_check_schema(j)) < 0 ||
	    (rc = rp_fk_before(j)) < 0)
		return rc;
	/* A data migration's up SQL shapes the tables its changeset is for. */
	if (j->c->kind != AWM_KIND_SQL && j->up.size &&
	    (rc = awm_sqlite_run_script(j->r->db, j->up.ptr, j->file, 1)) < 0) {
		rp_script_conflict(&j->out->conflicts, j->r->repo, j->c, NULL, &j->up, 1);
		return AWM_ECONFLICT;
	}
	if ((rc = rp_check_data(j)) < 0)
		return rc;
	/* Schema conflicts stop it whatever the strategy; data ones are listed too. */
	rc = j->out->conflicts.nr ? AWM_ECONFLICT : 0;
	if (rc == 0 && j->cs.size)
		rc = awm_data_resolve(&j->settled, &j->dc, j->cs.ptr, j->cs.size, j->o->strategy,
				      &j->r->labels);
	/* Settled or not, the data conflicts are part of the report. */
	awm_conflict_list_take(&j->out->conflicts, &j->dc.conflicts);
	if (rc < 0)
		return rc;
	rc = j->c->kind == AWM_KIND_SQL ? rp_run_sql(j) : rp_run_data(j);
	/* No strategy can settle a dangling reference: it stops the replay. */
	if (rc == 0)
		rc = rp_check_fk(j);
	if (rc == 0)
		rc = rp_check_down(j);
	if (rc == 0)
		rc = write_commit(j, sv_before);
	return rc;
}

int awm_replayer_apply(awm_replay_out *out, awm_replayer *r, const awm_commit *c,
		       const awm_replay_opts *opts)
{
	static const awm_replay_opts none;
	rp_job j;
	int rc;

	memset(out, 0, sizeof(*out));
	awm_buf_init(&out->file_text);
	if (!opts)
		opts = &none;
	if (c->nparents > 1)
		return awm_error_set(AWM_EINVALID, "commit %s is a merge; replay its sides instead",
				     awm_oid_short(&c->oid, 10).s);
	if (strcmp(c->engine, "sqlite"))
		return rp_apply_whole(out, r, c, opts);
	memset(&j, 0, sizeof(j));
	j.r = r;
	j.c = c;
	j.o = opts;
	j.out = out;
	awm_buf_init(&j.up);
	awm_buf_init(&j.down);
	awm_buf_init(&j.cs);
	awm_buf_init(&j.settled);
	awm_buf_init(&j.added);
	awm_buf_init(&j.cap.changeset);
	j.file = c->migration ? c->migration : awm_oid_tohex(&c->oid).s;
	if ((rc = awm_sqlite_exec(r->db, "SAVEPOINT awm_replay")) < 0)
		goto done;
	rc = replay(&j);
	if (rc == AWM_ECONFLICT && !awm_conflict_unresolved(&out->conflicts))
		rp_script_conflict(&out->conflicts, r->repo, c, NULL, NULL, 1);   /* never silent */
	if (rc == 0 && awm_sqlite_exec(r->db, "RELEASE awm_replay") < 0)
		rc = awm_error_code();
	if (rc == 0)
		rp_fk_keep(&j);
	if (rc < 0 && (awm_sqlite_exec(r->db, "ROLLBACK TO awm_replay") < 0 ||
		       awm_sqlite_exec(r->db, "RELEASE awm_replay") < 0))
		r->lost = 1;
	if (rc == 0 && !awm_oid_is_zero(&c->oid)) {
		r->last_old = c->oid;
		r->last_old_schema = c->schema;
		r->has_last = 1;
	}
	if (rc == AWM_ECONFLICT) {
		awm_error_set(AWM_ECONFLICT, "cannot replay %s (%s) onto %s: %zu conflict%s",
			      awm_oid_short(&c->oid, 10).s, j.file,
			      r->has_tip ? awm_oid_short(&r->tip, 10).s : "an empty database",
			      awm_conflict_unresolved(&out->conflicts),
			      awm_conflict_unresolved(&out->conflicts) == 1 ? "" : "s");
	} else if (rc == 0) {
		if (r->pw) {
			r->tip = out->commit;
			r->has_tip = 1;
		}
		r->schema = j.schema;
	}
done:
	awm_buf_release(&j.up);
	awm_buf_release(&j.down);
	awm_buf_release(&j.cs);
	awm_buf_release(&j.settled);
	awm_buf_release(&j.added);
	awm_data_check_release(&j.dc);
	awm_capture_release(&j.cap);
	rp_fk_release(&j.fk_before);
	rp_fk_release(&j.fk_after);
	return rc;
}
