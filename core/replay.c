/*
 * Replaying one commit at a time on a new base (see replay.h).
 *
 * Everything a replay does to the database happens inside the savepoint
 * `awm_replay`, released when the commit went through and rolled back
 * when it stopped, so a stop leaves the state of the last good commit.
 * Scratch databases live in memory, where a savepoint costs little.
 */
#include "core/replay.h"
#include "core/capture.h"
#include "core/changeset.h"
#include "core/conflict_data.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/sqlite.h"
#include "core/sqlite_schema.h"
#include "core/walk.h"
#include "objects/oidmap.h"
#include "objects/schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SCHEMA_CACHE 4

struct awm_replayer {
	awm_repo *repo;
	sqlite3 *db;
	awm_packwriter *pw;
	awm_signature who;
	awm_oid tip, schema, empty_schema;
	int has_tip, lost;
	const awm_side *theirs;
	awm_conflict_labels labels;
	struct { awm_oid oid; awm_schema *s; } cache[SCHEMA_CACHE];
	size_t cache_next;
	awm_oid last_old, last_old_schema;   /* the commit replayed last, as it was */
	int has_last;
	/* Layout verdicts, valid for one recorded schema and one database schema. */
	awm_oid layout_schema;
	int layout_version;
	const awm_schema *layout_recorded;
	char **layout_tables;
	int *layout_ok;
	size_t nlayout;
};

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
	awm_buf payload = AWM_BUF_INIT;
	awm_commit *c;
	int rc;

	r->repo = repo;
	r->db = db;
	r->pw = pw;
	awm_signature_copy(&r->who, who);
	r->labels.theirs = "upstream";
	r->labels.ours = "ours";
	awm_schema_empty_payload(&payload, "sqlite");
	awm_oid_hash(&r->empty_schema, AWM_OBJ_SCHEMA, payload.ptr, payload.size);
	awm_buf_release(&payload);
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

static void layout_forget(awm_replayer *r)
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
	layout_forget(r);
	sqlite3_close(r->db);
	awm_signature_release(&r->who);
	for (i = 0; i < SCHEMA_CACHE; i++)
		awm_schema_free(r->cache[i].s);
	free(r);
}

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

static void row_hash(awm_oid *out, const awm_buf *key)
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
		row_hash(&h, &key);
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
	awm_buf payload = AWM_BUF_INIT;
	awm_oid *list = NULL, empty;
	seen_schemas seen;
	size_t n, i;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&seen, 0, sizeof(seen));
	awm_schema_empty_payload(&payload, "sqlite");
	awm_oid_hash(&empty, AWM_OBJ_SCHEMA, payload.ptr, payload.size);
	awm_buf_release(&payload);
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
static int schema_get(const awm_schema **out, awm_replayer *r, const awm_oid *oid)
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

static int schema_version(sqlite3 *db)
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
static int parent_schema(awm_oid *out, awm_replayer *r, const awm_commit *c)
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
	const char *msg = awm_error_last(), *rest;
	size_t n = c->migration ? strlen(c->migration) : 0;
	long line;
	char *end;
	int first;

	if (!n || strncmp(msg, c->migration, n) || msg[n] != ':' ||
	    (line = strtol(msg + n + 1, &end, 10)) <= 0 || *end != ':')
		return awm_strdup(msg);
	rest = end;
	first = section_line(repo, c, text, up);
	return awm_printf_alloc("%s:%ld%s", c->migration, line + first - 1, rest);
}

/*
 * The failure just reported, as a SCRIPT conflict of `c`; `text` is the
 * section that ran (NULL: no script), `up` says which.
 */
static void script_conflict(awm_conflict_list *l, awm_repo *repo, const awm_commit *c,
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

static int read_blob(awm_buf *out, awm_replayer *r, const awm_oid *oid, awm_otype type)
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

/* One replay's working set. */
typedef struct job {
	awm_replayer *r;
	const awm_commit *c;
	const awm_replay_opts *o;
	awm_replay_out *out;
	awm_buf up, down, cs, settled, added;
	int has_down;
	const char *file;          /* for messages */
	awm_data_check dc;
	awm_capture cap;
	awm_oid changeset, schema;
	int has_changeset;
} job;

/* A schema object of one's own (NULL id or the empty id: an empty schema). */
static int schema_load(awm_schema **out, awm_replayer *r, const awm_oid *oid)
{
	if (awm_oid_equal(oid, &r->empty_schema)) {
		*out = awm_schema_new("sqlite");
		return 0;
	}
	return awm_schema_read(out, r->repo->odb, oid);
}

/* Step 1: the schema objects both sides changed. */
static int check_schema(job *j)
{
	awm_schema_touches ours;
	awm_schema *from = NULL, *to = NULL;
	awm_oid pschema;
	int rc;

	if (!j->r->theirs || j->o->accept_schema || j->o->edited)
		return 0;
	if ((rc = parent_schema(&pschema, j->r, j->c)) < 0)
		return rc;
	if (awm_oid_equal(&pschema, &j->c->schema))
		return 0;
	memset(&ours, 0, sizeof(ours));
	if ((rc = schema_load(&from, j->r, &pschema)) == 0 &&
	    (rc = schema_load(&to, j->r, &j->c->schema)) == 0) {
		awm_schema_touches_add(&ours, from, to, &j->c->oid, j->c->migration);
		awm_schema_touches_conflicts(&j->out->conflicts, &ours, &j->r->theirs->touches);
	}
	awm_schema_free(from);
	awm_schema_free(to);
	awm_schema_touches_release(&ours);
	return rc;
}

/* awm_data_theirs_cb: did the other side's changesets change this row? */
static int theirs_changed(void *payload, const awm_buf *key)
{
	const awm_side *side = payload;
	awm_oid h;

	row_hash(&h, key);
	return awm_oidset_contains(&side->rows, &h);
}

/*
 * A SQL migration's conflicts count where its script, run again on the
 * new base, still writes, and on rows the other side changed
 * (awm_data_check_filter): the script runs once in a savepoint to see,
 * then is rolled back.  A script that fails here fails again when it runs
 * for real, which reports it.
 */
static int filter_by_effect(job *j)
{
	awm_capture cap;
	int rc, lost = 0;

	if (j->c->kind != AWM_KIND_SQL || !awm_data_check_has_rows(&j->dc))
		return 0;
	if ((rc = awm_sqlite_exec(j->r->db, "SAVEPOINT awm_effect")) < 0)
		return rc;
	rc = awm_capture_script_savepoint(&cap, &lost, j->r->db, j->up.ptr, j->file, 1);
	if (rc == 0)
		rc = awm_data_check_filter(&j->dc, j->r->db, cap.changeset.ptr, cap.changeset.size,
					   j->r->theirs ? theirs_changed : NULL,
					   (void *)j->r->theirs);
	else
		awm_error_clear();
	awm_capture_release(&cap);
	if (awm_sqlite_exec(j->r->db, "ROLLBACK TO awm_effect") < 0 ||
	    awm_sqlite_exec(j->r->db, "RELEASE awm_effect") < 0)
		j->r->lost = 1;
	return rc > 0 ? 0 : rc;
}

/* awm_data_layout_cb, remembering verdicts while neither schema changes. */
static int layout_ok(void *payload, const char *table)
{
	awm_replayer *r = payload;
	size_t i;
	int ok;

	for (i = 0; i < r->nlayout; i++)
		if (!strcmp(r->layout_tables[i], table))
			return r->layout_ok[i];
	ok = awm_data_layout_matches(r->db, r->layout_recorded, table);
	r->layout_tables = awm_realloc(r->layout_tables, (r->nlayout + 1) * sizeof(char *));
	r->layout_ok = awm_realloc(r->layout_ok, (r->nlayout + 1) * sizeof(int));
	r->layout_tables[r->nlayout] = awm_strdup(table);
	r->layout_ok[r->nlayout++] = ok;
	return ok;
}

/*
 * Whether any row `cs` changes is one the other side changed.  A SQL
 * migration's conflicts only count on such rows (awm_data_check_filter),
 * so without one there is nothing to check: most commits of a rebase.
 */
static int touches_theirs(const awm_side *side, const awm_buf *cs)
{
	sqlite3_changeset_iter *it = NULL;
	awm_buf key = AWM_BUF_INIT;
	int found = 0;

	if (sqlite3changeset_start(&it, (int)cs->size, cs->ptr) != SQLITE_OK)
		return 1;
	while (!found && sqlite3changeset_next(it) == SQLITE_ROW) {
		awm_oid h;

		awm_data_row_key(&key, it);
		row_hash(&h, &key);
		found = awm_oidset_contains(&side->rows, &h);
	}
	sqlite3changeset_finalize(it);
	awm_buf_release(&key);
	return found;
}

/* Step 2: the commit's recorded changeset against the new base. */
static int check_data(job *j)
{
	const awm_schema *recorded;
	const awm_oid *layout;
	size_t i;
	int rc, version;

	if (j->o->changeset)
		awm_buf_put(&j->cs, j->o->changeset->ptr, j->o->changeset->size);
	else if (j->c->has_changeset && (rc = read_blob(&j->cs, j->r, &j->c->changeset,
						      AWM_OBJ_CHANGESET)) < 0)
		return rc;
	if (!j->cs.size || j->o->edited)
		return 0;
	if (j->c->kind == AWM_KIND_SQL && j->r->theirs && !touches_theirs(j->r->theirs, &j->cs))
		return 0;
	layout = j->o->layout ? j->o->layout : &j->c->schema;
	if ((rc = schema_get(&recorded, j->r, layout)) < 0)
		return rc;
	version = schema_version(j->r->db);
	if (!awm_oid_equal(layout, &j->r->layout_schema) || version != j->r->layout_version) {
		layout_forget(j->r);
		j->r->layout_schema = *layout;
		j->r->layout_version = version;
	}
	j->r->layout_recorded = recorded;
	if ((rc = awm_data_check_run_ex(&j->dc, j->r->db, j->cs.ptr, j->cs.size, recorded,
					&j->c->oid, j->c->migration, layout_ok, j->r)) < 0 ||
	    (rc = filter_by_effect(j)) < 0)
		return rc;
	for (i = 0; i < j->dc.nunchecked; i++) {
		awm_conflict *e;

		if (j->c->kind == AWM_KIND_SQL) {   /* its script still runs; only noted */
			j->out->unchecked = awm_realloc(j->out->unchecked,
							(j->out->nunchecked + 1) * sizeof(char *));
			j->out->unchecked[j->out->nunchecked++] = awm_strdup(j->dc.unchecked[i]);
			continue;
		}
		/* A data migration's changeset is all there is: it cannot apply. */
		e = awm_conflict_add(&j->out->conflicts, AWM_CONFLICT_SCHEMA);
		e->object_type = awm_strdup("table");
		e->object = awm_strdup(j->dc.unchecked[i]);
		e->what_ours = awm_strdup("changes rows");
		e->message = awm_strdup("its changeset was recorded for other columns than the "
					"table has here");
		e->ours_commit = j->c->oid;
	}
	return 0;
}

/*
 * For a SQL migration whose data conflicts a strategy settled: what the
 * settled changeset gives for the conflicting rows, against what the
 * script gives.  Where they differ, the SQL that makes the difference is
 * added to the up section, and the script runs again with it.
 */
static int settle_sql(job *j, awm_data_rows **want)
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
static int add_to_up(job *j, const char *fix)
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

static int run_sql(job *j)
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
	script_conflict(&j->out->conflicts, j->r->repo, j->c, NULL, &j->up, 1);
	rc = AWM_ECONFLICT;
done:
	awm_data_rows_free(want);
	awm_data_rows_free(got);
	awm_buf_release(&fix);
	return rc;
}

/* A data or script migration: up SQL, then its (settled) changeset. */
static int run_data(job *j)
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
		script_conflict(&j->out->conflicts, j->r->repo, j->c, NULL, NULL, 1);
		rc = AWM_ECONFLICT;
	}
	return rc;
}

/* The down section must still run on top of the new up (as `awm commit` checks). */
static int check_down(job *j)
{
	int rc;

	if (!j->has_down || j->c->kind != AWM_KIND_SQL)
		return 0;
	if ((rc = awm_sqlite_exec(j->r->db, "SAVEPOINT awm_down_check")) < 0)
		return rc;
	rc = awm_sqlite_run_script(j->r->db, j->down.ptr, j->file, 1);
	if (rc < 0)
		script_conflict(&j->out->conflicts, j->r->repo, j->c,
				"the down section fails on the new base", &j->down, 0);
	if (awm_sqlite_exec(j->r->db, "ROLLBACK TO awm_down_check") < 0 ||
	    awm_sqlite_exec(j->r->db, "RELEASE awm_down_check") < 0)
		j->r->lost = 1;
	awm_error_clear();
	return rc < 0 ? AWM_ECONFLICT : 0;
}

static int add_blob(awm_packwriter *pw, awm_oid *id, const awm_buf *b, awm_otype type)
{
	return awm_packwriter_add(pw, id, type, b->ptr, b->size);
}

/* The new commit: the old one with a new parent, changeset and schema. */
static int write_commit(job *j, int sv_before)
{
	awm_replayer *r = j->r;
	const awm_commit *c = j->c;
	awm_commit *n = awm_commit_new();
	awm_buf payload = AWM_BUF_INIT;
	awm_schema *schema = NULL;
	int rc = 0;

	j->schema = r->schema;
	if (schema_version(r->db) != sv_before) {
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
	n->engine = awm_strdup(c->engine);
	n->migration = c->migration ? awm_strdup(c->migration) : NULL;
	n->gitcommit = c->gitcommit ? awm_strdup(c->gitcommit) : NULL;
	n->message = awm_strdup(c->message ? c->message : "\n");
	awm_signature_copy(&n->author, &c->author);
	awm_signature_copy(&n->committer, &r->who);
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

static int load_sections(job *j)
{
	int rc;

	if (j->o->sections) {
		awm_buf_put(&j->up, j->o->sections->up.ptr, j->o->sections->up.size);
		awm_buf_put(&j->down, j->o->sections->down.ptr, j->o->sections->down.size);
		j->has_down = j->o->sections->has_down;
		return 0;
	}
	if (j->c->has_up && (rc = read_blob(&j->up, j->r, &j->c->up, AWM_OBJ_BLOB)) < 0)
		return rc;
	j->has_down = j->c->has_down;
	if (j->c->has_down && j->c->kind == AWM_KIND_SQL &&
	    (rc = read_blob(&j->down, j->r, &j->c->down, AWM_OBJ_BLOB)) < 0)
		return rc;
	return 0;
}

static int replay(job *j)
{
	int rc, sv_before = schema_version(j->r->db);

	if ((rc = load_sections(j)) < 0 || (rc = check_schema(j)) < 0)
		return rc;
	/* A data migration's up SQL shapes the tables its changeset is for. */
	if (j->c->kind != AWM_KIND_SQL && j->up.size &&
	    (rc = awm_sqlite_run_script(j->r->db, j->up.ptr, j->file, 1)) < 0) {
		script_conflict(&j->out->conflicts, j->r->repo, j->c, NULL, &j->up, 1);
		return AWM_ECONFLICT;
	}
	if ((rc = check_data(j)) < 0)
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
	rc = j->c->kind == AWM_KIND_SQL ? run_sql(j) : run_data(j);
	if (rc == 0)
		rc = check_down(j);
	if (rc == 0)
		rc = write_commit(j, sv_before);
	return rc;
}

int awm_replayer_apply(awm_replay_out *out, awm_replayer *r, const awm_commit *c,
		       const awm_replay_opts *opts)
{
	static const awm_replay_opts none;
	job j;
	int rc;

	memset(out, 0, sizeof(*out));
	awm_buf_init(&out->file_text);
	if (!opts)
		opts = &none;
	if (c->nparents > 1)
		return awm_error_set(AWM_EINVALID, "commit %s is a merge; replay its sides instead",
				     awm_oid_short(&c->oid, 10).s);
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
		script_conflict(&out->conflicts, r->repo, c, NULL, NULL, 1);   /* never silent */
	if (rc == 0 && awm_sqlite_exec(r->db, "RELEASE awm_replay") < 0)
		rc = awm_error_code();
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
	return rc;
}
