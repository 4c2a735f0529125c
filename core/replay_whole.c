/*
 * Replaying a migration whose file is a whole target schema (Appwrite,
 * docs/appwrite.md): there is no database state to run it on, and nothing
 * to rebase row by row.  The file is the schema its author saw, written on
 * top of its parent's schema.  On a new base with that same schema it
 * means the same and moves as it is; on a base whose schema changed,
 * running it would undo upstream's changes, so it is a conflict for its
 * author: write the file again on top of upstream's schema and go on with
 * --continue, which records the edited file instead.
 */
#include "core/replay_internal.h"
#include "core/appwrite_schema.h"
#include "core/error.h"

#include <stdlib.h>
#include <string.h>

/* The schema `c` was written on: its first parent's, or the empty one. */
static int base_of(awm_oid *out, awm_replayer *r, const awm_commit *c)
{
	if (c->nparents)
		return rp_parent_schema(out, r, c);
	awm_schema_empty_id(out, c->engine);
	return 0;
}

/* The edited file (--continue): validated, its blob and canonical schema written. */
static int take_edited(awm_commit *n, awm_replayer *r, const awm_migration *m)
{
	awm_aw_schema *model = NULL;
	awm_schema *schema = NULL;
	awm_buf payload = AWM_BUF_INIT;
	int rc;

	if ((rc = awm_aw_schema_parse_file(&model, m->path, m->up.ptr, m->up.size)) < 0 ||
	    (rc = awm_aw_schema_to_awm(&schema, model)) < 0 ||
	    (rc = awm_packwriter_add(r->pw, &n->up, AWM_OBJ_BLOB, m->up.ptr, m->up.size)) < 0)
		goto done;
	n->has_up = 1;
	awm_schema_serialize(&payload, schema);
	rc = awm_packwriter_add(r->pw, &n->schema, AWM_OBJ_SCHEMA, payload.ptr, payload.size);
done:
	awm_aw_schema_free(model);
	awm_schema_free(schema);
	awm_buf_release(&payload);
	return rc;
}

static int write_commit(awm_oid *out, awm_oid *schema, awm_replayer *r, const awm_commit *c,
			const awm_replay_opts *o)
{
	awm_commit *n = awm_commit_new();
	awm_buf payload = AWM_BUF_INIT;
	int rc = 0;

	if (r->has_tip)
		awm_commit_add_parent(n, &r->tip);
	n->kind = c->kind;
	n->has_up = c->has_up;
	n->up = c->up;
	n->schema = c->schema;
	if (o->sections && (rc = take_edited(n, r, o->sections)) < 0)
		goto done;
	rp_keep_identity(n, c, &r->who);
	*schema = n->schema;
	if ((rc = awm_commit_serialize(&payload, n)) == 0)
		rc = awm_packwriter_add(r->pw, out, AWM_OBJ_COMMIT, payload.ptr, payload.size);
done:
	awm_commit_free(n);
	awm_buf_release(&payload);
	return rc;
}

int rp_apply_whole(awm_replay_out *out, awm_replayer *r, const awm_commit *c,
		   const awm_replay_opts *o)
{
	const char *file = c->migration ? c->migration : awm_oid_tohex(&c->oid).s;
	awm_commit *tip = NULL;
	awm_oid before;
	int rc;

	if ((rc = base_of(&before, r, c)) < 0)
		return rc;
	if (!o->edited && !awm_oid_equal(&before, &r->schema)) {
		awm_conflict *e = awm_conflict_add(&out->conflicts, AWM_CONFLICT_SCRIPT);

		e->ours_commit = c->oid;
		e->our_file = c->migration ? awm_strdup(c->migration) : NULL;
		e->message = awm_printf_alloc("'%s' is the whole schema as its author saw it, "
					      "and the schema changed on %s: write it again on "
					      "top of theirs ('awm export %s' prints it)", file,
					      r->labels.theirs,
					      r->has_tip ? awm_oid_short(&r->tip, 10).s : "HEAD");
		return awm_error_set(AWM_ECONFLICT, "cannot replay %s (%s) onto %s: the schema "
				     "changed there", awm_oid_short(&c->oid, 10).s, file,
				     r->has_tip ? awm_oid_short(&r->tip, 10).s : "an empty base");
	}
	if (r->has_tip && (rc = awm_commit_read(&tip, r->repo->odb, &r->tip)) == 0 &&
	    strcmp(tip->engine, c->engine))
		rc = awm_error_set(AWM_EINVALID, "commit %s is a migration for '%s', but %s is "
				   "one for '%s': one history moves one kind of database",
				   awm_oid_short(&c->oid, 10).s, c->engine,
				   awm_oid_short(&r->tip, 10).s, tip->engine);
	awm_commit_free(tip);
	if (rc < 0)
		return rc;
	if (!r->pw) {   /* a dry run: the schema moves, nothing is written */
		r->schema = c->schema;
		return 0;
	}
	if ((rc = write_commit(&out->commit, &r->schema, r, c, o)) < 0)
		return rc;
	r->tip = out->commit;
	r->has_tip = 1;
	return 0;
}
