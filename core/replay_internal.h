/*
 * What the parts of the replayer share (see replay.h): replay.c (the
 * replayer, and the commit it writes), replay_check.c (the schema and data
 * checks), replay_run.c (running a commit on the database), replay_fk.c
 * (foreign keys it leaves dangling) and replay_side.c (the other side).
 */
#ifndef AWM_REPLAY_INTERNAL_H
#define AWM_REPLAY_INTERNAL_H

#include "core/capture.h"
#include "core/conflict_data.h"
#include "core/replay.h"

#define SCHEMA_CACHE 4

/* A violation PRAGMA foreign_key_check reports (replay_fk.c). */
typedef struct rp_fk_row {
	char *table, *parent;      /* the referencing table; the parent as the key names it */
	sqlite3_int64 rowid;       /* the referencing row, when it has a rowid */
	int has_rowid, fkid;
} rp_fk_row;

typedef struct rp_fk_list {
	rp_fk_row *v;
	size_t nr, alloc;
} rp_fk_list;

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
	/*
	 * The dangling references the last replay left: the next one starts
	 * from them instead of scanning again, while the database has not
	 * changed since (its change count and schema version say so).
	 */
	rp_fk_list fk_known;
	sqlite3_int64 fk_changes;
	int fk_schema_version, has_fk_known;
};

/* One replay's working set. */
typedef struct rp_job {
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
	rp_fk_list fk_before;      /* dangling references before the commit ran */
	rp_fk_list fk_after;       /* and after it, when it passed the check */
} rp_job;

/* The hash under which awm_side.rows keeps a row key (awm_data_row_key). */
void rp_row_hash(awm_oid *out, const awm_buf *key);

int rp_read_blob(awm_buf *out, awm_replayer *r, const awm_oid *oid, awm_otype type);

/* A schema object from the replayer's small cache (owned by it). */
int rp_schema_get(const awm_schema **out, awm_replayer *r, const awm_oid *oid);

/* PRAGMA schema_version: it moves whenever the schema changes. */
int rp_schema_version(sqlite3 *db);

/* The schema before `c`: its first parent's. */
int rp_parent_schema(awm_oid *out, awm_replayer *r, const awm_commit *c);

/*
 * The failure just reported, as a SCRIPT conflict of `c`; `text` is the
 * section that ran (NULL: no script), `up` says which, so the message can
 * name the line in the migration file.
 */
void rp_script_conflict(awm_conflict_list *l, awm_repo *repo, const awm_commit *c,
			const char *what, const awm_buf *text, int up);

/* Forget the layout verdicts (awm_data_layout_cb) the replayer remembers. */
void rp_layout_forget(awm_replayer *r);

/* Step 1 and 2 of a replay (replay_check.c). */
int rp_check_schema(rp_job *j);
int rp_check_data(rp_job *j);

/* After a SQL migration's script failed: its changeset's CONSTRAINT rows. */
int rp_constraint_rows(rp_job *j);

/* Step 3 (replay_run.c): run the commit; its down section is checked after. */
int rp_run_sql(rp_job *j);
int rp_run_data(rp_job *j);
int rp_check_down(rp_job *j);

/*
 * Foreign keys (replay_fk.c): the violations PRAGMA foreign_key_check
 * finds in the tables that declare one; and, after the commit ran, a
 * FOREIGN_KEY conflict in `j->out` for each new one the other side had a
 * part in (AWM_ECONFLICT when there is any).
 */
int rp_fk_scan(rp_fk_list *out, sqlite3 *db);
/* The references dangling before the job's commit runs: known, or scanned. */
int rp_fk_before(rp_job *j);
/* Keep the job's `fk_after` for the next replay, the database being as it left it. */
void rp_fk_keep(rp_job *j);
void rp_fk_release(rp_fk_list *l);
int rp_check_fk(rp_job *j);

/*
 * What a replayed commit keeps of the old one `c`: engine, migration file,
 * git commit, message and author; `who` becomes its committer.
 */
void rp_keep_identity(awm_commit *n, const awm_commit *c, const awm_signature *who);

/* A migration that is a whole target schema (Appwrite): replay_whole.c. */
int rp_apply_whole(awm_replay_out *out, awm_replayer *r, const awm_commit *c,
		   const awm_replay_opts *o);

#endif
