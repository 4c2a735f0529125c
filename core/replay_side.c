/*
 * The other side of a replay (see replay.h): what its commits did to the
 * schema, the rows their changesets changed, the migration files they
 * recorded.
 */
#include "core/replay_internal.h"
#include "core/error.h"
#include "core/walk.h"
#include "objects/oidmap.h"
#include "objects/schema.h"

#include <stdlib.h>
#include <string.h>

void awm_side_release(awm_side *side)
{
	size_t i;

	awm_schema_touches_release(&side->touches);
	awm_oidset_release(&side->rows);
	for (i = 0; i < side->nmigs; i++)
		free(side->migs[i].path);
	free(side->migs);
	memset(side, 0, sizeof(*side));
}

static int side_schema(awm_schema **out, awm_repo *repo, const awm_oid *oid, const awm_oid *empty)
{
	if (awm_oid_equal(oid, empty)) {
		*out = awm_schema_new("sqlite");
		return 0;
	}
	return awm_schema_read(out, repo->odb, oid);
}

void rp_row_hash(awm_oid *out, const awm_buf *key)
{
	awm_oid_hash(out, AWM_OBJ_BLOB, key->ptr, key->size);
}

/* Note every row a changeset of theirs changes. */
static int side_rows(awm_side *side, awm_repo *repo, const awm_oid *changeset)
{
	sqlite3_changeset_iter *it = NULL;
	awm_buf key = AWM_BUF_INIT;
	awm_object *cs;
	int rc;

	if ((rc = awm_odb_read_typed(&cs, repo->odb, changeset, AWM_OBJ_CHANGESET)) < 0)
		return rc;
	rc = sqlite3changeset_start(&it, (int)cs->size, cs->data);
	while (rc == SQLITE_OK && sqlite3changeset_next(it) == SQLITE_ROW) {
		awm_oid h;

		awm_data_row_key(&key, it);
		rp_row_hash(&h, &key);
		awm_oidset_add(&side->rows, &h);
	}
	if (it)
		sqlite3changeset_finalize(it);
	awm_object_free(cs);
	awm_buf_release(&key);
	return 0;
}

/* Schemas of the commits seen so far: most parents come just before. */
typedef struct seen_schemas {
	awm_oidmap map;
	awm_oid *v;
	size_t nr, alloc;
} seen_schemas;

static int parent_schema_of(awm_oid *out, seen_schemas *seen, awm_repo *repo,
			    const awm_commit *c, const awm_oid *empty)
{
	awm_commit *p;
	uint32_t idx;
	int rc;

	if (!c->nparents) {
		*out = *empty;
		return 0;
	}
	if (awm_oidmap_get(&seen->map, &c->parents[0], &idx)) {
		*out = seen->v[idx];
		return 0;
	}
	if ((rc = awm_commit_read(&p, repo->odb, &c->parents[0])) < 0)
		return rc;
	*out = p->schema;
	awm_commit_free(p);
	return 0;
}

static int side_commit(awm_side *side, awm_repo *repo, const awm_commit *c, const awm_oid *empty,
		       seen_schemas *seen)
{
	awm_schema *from = NULL, *to = NULL;
	awm_oid before;
	int rc = 0;

	AWM_ARRAY_GROW(seen->v, seen->nr + 1, seen->alloc);
	seen->v[seen->nr] = c->schema;
	awm_oidmap_put(&seen->map, &c->oid, (uint32_t)seen->nr++);
	if (c->has_changeset && (rc = side_rows(side, repo, &c->changeset)) < 0)
		return rc;
	if (c->migration) {
		awm_side_mig *m;

		AWM_ARRAY_GROW(side->migs, side->nmigs + 1, side->amigs);
		m = &side->migs[side->nmigs++];
		m->path = awm_strdup(c->migration);
		m->up = c->up;
		m->has_up = c->has_up;
		m->commit = c->oid;
	}
	if (strcmp(c->engine, "sqlite"))
		return 0;   /* a whole schema: replay_whole.c compares schemas, not objects */
	if ((rc = parent_schema_of(&before, seen, repo, c, empty)) < 0)
		return rc;
	if (awm_oid_equal(&before, &c->schema))
		return 0;
	if ((rc = side_schema(&from, repo, &before, empty)) == 0 &&
	    (rc = side_schema(&to, repo, &c->schema, empty)) == 0)
		awm_schema_touches_add(&side->touches, from, to, &c->oid, c->migration);
	awm_schema_free(from);
	awm_schema_free(to);
	return rc;
}

int awm_side_load(awm_side *out, awm_repo *repo, const awm_oid *tip, const awm_oid *hide)
{
	awm_oid *list = NULL, empty;
	seen_schemas seen;
	size_t n, i;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&seen, 0, sizeof(seen));
	awm_schema_empty_id(&empty, "sqlite");
	/* Oldest first, so the newest commit to touch an object is the one named. */
	if ((rc = awm_walk_canonical_list(&list, &n, repo, tip, hide)) < 0)
		return rc;
	for (i = 0; i < n && rc == 0; i++) {
		awm_commit *c;

		if ((rc = awm_commit_read(&c, repo->odb, &list[i])) < 0)
			break;
		if (c->nparents < 2)   /* a merge's sides are in the list */
			rc = side_commit(out, repo, c, &empty, &seen);
		awm_commit_free(c);
	}
	free(list);
	awm_oidmap_release(&seen.map);
	free(seen.v);
	if (rc < 0)
		awm_side_release(out);
	return rc;
}

int awm_side_has_migration(const awm_side *side, const awm_commit *c, const awm_oid *up,
			   int has_up, int same_conflicts, awm_conflict_list *list)
{
	size_t i;

	if (!c->migration)
		return 0;
	for (i = 0; i < side->nmigs; i++) {
		awm_conflict *e;
		int same;

		if (strcmp(side->migs[i].path, c->migration))
			continue;
		same = side->migs[i].has_up == has_up &&
		       (!has_up || awm_oid_equal(&side->migs[i].up, up));
		if (same && !same_conflicts)
			return 1;
		e = awm_conflict_add(list, AWM_CONFLICT_MIGRATION);
		e->message = awm_strdup(c->migration);
		e->what_ours = awm_strdup(same ? "the same text" : "different text");
		e->ours_commit = c->oid;
		e->their_commit = side->migs[i].commit;
		e->our_file = awm_strdup(c->migration);
		return awm_error_set(AWM_ECONFLICT, "migration '%s' was recorded on both sides",
				     c->migration);
	}
	return 0;
}

