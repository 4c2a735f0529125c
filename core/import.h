/*
 * Importing the migration folders of other tools into awm history:
 * `awm import <kind> <folder>` (docs/import.md).
 *
 * A kind is one file (core/import_<kind>.c) defining an awm_import_kind:
 * how the tool lays out its folder and where it records what it applied
 * to a database.  The driver in import.c does the rest the same way for
 * every kind: it turns each migration into an awm migration file, records
 * them one commit each through the batch `awm commit` uses (so each is
 * validated the same way), and maps an already-migrated database onto the
 * commit it corresponds to.
 */
#ifndef AWM_IMPORT_H
#define AWM_IMPORT_H

#include <sqlite3.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/record.h"
#include "core/repo.h"

/* One migration as a kind's scanner found it. */
typedef struct awm_import_item {
	char *version;       /* the digits that order it, as written: "0007" */
	char *phrase;        /* the rest of its name, as the tool wrote it */
	char *up_file;       /* the file holding the up script, relative to the folder */
	char *down_file;     /* the file holding the down script, or NULL */
	awm_buf up, down;    /* the scripts, CRLF read as LF */
	int up_line, down_line;   /* the line where each script starts in its file */
	int is_script;       /* `up` is a program (b2m), recorded as a script
				migration named after up_file's extension */
} awm_import_item;

typedef struct awm_import_list {
	awm_import_item *items;   /* in the order the tool applies them */
	size_t nr, alloc;
} awm_import_list;

/* A new item at the end of the list, zeroed, its buffers initialised. */
awm_import_item *awm_import_list_add(awm_import_list *l);
void awm_import_list_release(awm_import_list *l);

/* What a tool's bookkeeping table says was applied to a database. */
typedef struct awm_import_applied {
	int found;           /* the table exists */
	char **versions;     /* each applied version, */
	size_t nr, alloc;
	char *upto;          /* or: every version up to this one (golang-migrate) */
} awm_import_applied;

void awm_import_applied_add(awm_import_applied *a, const char *version);
void awm_import_applied_release(awm_import_applied *a);

typedef struct awm_import_kind {
	const char *name;            /* "sqlx" */
	const char *layout;          /* the file names it reads, for messages */
	int numeric;                 /* versions compare as numbers, not text */
	const char *const *tables;   /* its bookkeeping tables, NULL-terminated */
	/*
	 * Read `folder` (an absolute path; `shown` is how to name it) into
	 * `out`, in the tool's order.  A file the tool would not accept is
	 * refused with AWM_EINVALID naming it and the reason.
	 */
	int (*scan)(awm_import_list *out, const char *folder, const char *shown);
	/*
	 * What `db` says was applied; `out->found` 0 when it has no table.
	 * NULL for a tool that keeps no record in the database (b2m): then
	 * the user says how far it is (awm_import_opts.applied).
	 */
	int (*applied)(awm_import_applied *out, sqlite3 *db, const char *shown);
} awm_import_kind;

/* The kind named `name`, or NULL.  `names` lists them all, ", "-joined. */
const awm_import_kind *awm_import_kind_find(const char *name);
const char *awm_import_kind_names(void);

/* ---- helpers shared by the kinds ---- */

/* The regular files of `folder`, sorted by name; AWM_ENOTFOUND when missing. */
int awm_import_list_dir(char ***names, size_t *n, const char *folder, const char *shown);
void awm_import_names_free(char **names, size_t n);

/* Read `folder`/`name` with CRLF as LF. */
int awm_import_read(awm_buf *out, const char *folder, const char *shown, const char *name);

/* Compare versions as numbers (leading zeros ignored) or as text. */
int awm_import_version_cmp(const char *a, const char *b, int numeric);

/* `*out` = 1 when `db` has the table. */
int awm_import_table_exists(int *out, sqlite3 *db, const char *table);

/* One file of a tool that keeps up and down scripts in separate files. */
#define AWM_IMPORT_SINGLE 0   /* the only script of its version: up, no down */
#define AWM_IMPORT_UP 1
#define AWM_IMPORT_DOWN 2

typedef struct awm_import_file {
	char *name;          /* the file name */
	char *version;       /* its version digits, as written */
	char *phrase;        /* the name between the version and the suffix */
	int role;            /* AWM_IMPORT_SINGLE, _UP or _DOWN */
} awm_import_file;

/*
 * Group `files` (taken over and freed) by version into items, read their
 * scripts, and append the items to `out` in version order.  Refused, naming
 * the files: two files in one role, a down without an up, a down next to a
 * single script.
 */
int awm_import_pair(awm_import_list *out, awm_import_file *files, size_t n, int numeric,
		    const char *folder, const char *shown, const char *kind);

/* Free `n` files and the array (a scan that failed before pairing them). */
void awm_import_files_free(awm_import_file *files, size_t n);

/* ---- the database side (import_db.c) ---- */

typedef struct awm_import_db {
	size_t applied;              /* the first `applied` migrations are in it */
	const char *version;         /* the last of them (in the list), or NULL */
	struct awm_schema *schema;   /* its schema, the tool's tables left out */
	const char **tables;         /* the tool's tables it has, NULL-terminated
					(the strings are the kind's) */
} awm_import_db;

/*
 * Read what the database at `path` (named `shown` in messages) says `kind`
 * applied, map it onto `l` (the versions must be the first N of the
 * folder), and snapshot its schema.  The database is opened read-only.
 * `stated` is what the user says instead (--applied: the last version
 * applied, or "none"), for a kind that keeps no record in the database;
 * AWM_EUSAGE when it is missing there or given for another kind.
 */
int awm_import_db_read(awm_import_db *out, const awm_import_kind *kind,
		       const awm_import_list *l, const char *folder, const char *path,
		       const char *shown, const char *stated);

/* AWM_EINVALID, listing the differences, unless the schema is `want`. */
int awm_import_db_check(const awm_import_db *st, struct awm_schema *want, const char *db);
void awm_import_db_release(awm_import_db *st);

/* The database an environment names in awm.conf ("sqlite:<path>"). */
int awm_import_env_database(awm_buf *out, awm_repo *repo, const char *env);

/* ---- adopting the database (import_adopt.c) ---- */

/*
 * The engine URL of the database at `path` (`shown` in messages) that
 * --env <env> adopts: the environment's url when awm.conf has it, which
 * must then name that file (AWM_EUSAGE otherwise); else "sqlite:" and
 * the absolute path, for an environment added later.
 */
int awm_import_adopt_url(awm_buf *out, awm_repo *repo, const char *env, const char *path,
			 const char *shown);

/* AWM_EEXISTS when the database at `url` has awm history already.  Read-only. */
int awm_import_adopt_check(awm_repo *repo, const char *url, const char *shown);

/*
 * Adopt the database at `url` at `head` (NULL: before any commit): record
 * head's history, in canonical order, as applied without running it, and
 * drop `tables` (the tool's bookkeeping, NULL-terminated), as one engine
 * step under the environment's lock (awm_engine_adopt).  `note` is kept
 * in every row; `*rows` gets how many were written.
 */
int awm_import_adopt(size_t *rows, awm_repo *repo, const char *url, const char *env,
		     const awm_oid *head, const char *const *tables, const char *note);

/* ---- the driver ---- */

typedef struct awm_import_opts {
	const char *kind;
	const char *folder;          /* the tool's folder (relative to the cwd) */
	const char *db;              /* a database the tool migrated, or NULL */
	const char *env;             /* point refs/envs/<env> at where that database is;
					its url names the database when `db` is NULL */
	const char *applied;         /* the database's last applied version, or "none",
					for a kind that keeps no record in it (b2m) */
	int dry_run;                 /* validate everything, write nothing */
	awm_progress_cb progress;
	void *payload;
} awm_import_opts;

typedef struct awm_import_result {
	awm_record_result commits;   /* one per migration, in order */
	char **files;                /* the awm migration files, relative to the root */
	char **sources;              /* the tool's file each came from (its up script) */
	size_t nr;
	int has_db;                  /* a database was read */
	char *db;                    /* its path, as given or from the env's url */
	size_t applied;              /* how many of the migrations it has */
	char *version;               /* the last applied version, or NULL */
	char *env_ref;               /* the env ref that was set, or NULL */
	int adopted;                 /* the database was adopted (--env): */
	size_t adopted_rows;         /* commits recorded as applied in it */
	char *dropped;               /* the tool's tables dropped, ", "-joined, or NULL */
} awm_import_result;

void awm_import_result_release(awm_import_result *res);

/*
 * The end of an import with --env, once the commits are on the branch:
 * point refs/envs/<env> at the database's commit and adopt the database
 * there (above).  When that fails, the env ref and the branch (`b`, see
 * awm_record_batch_revert) are put back and `*undone` is 1: the caller
 * removes the files, so nothing was imported.  Should putting them back
 * fail too, `*undone` stays 0 and the message says so.
 */
int awm_import_settle_env(int *undone, awm_import_result *out, awm_repo *repo,
			  const awm_import_opts *o, const awm_import_kind *kind,
			  awm_record_batch *b, const awm_import_db *st, const char *url);

/*
 * Import: scan the folder; refuse when awm's migrations folder holds files
 * not recorded yet, or is the folder being imported; write one awm
 * migration file per migration (`<version>_<phrase>.sql`, or the program
 * itself for scripts; versions of numeric kinds zero-padded to one width
 * so that file-name order is the tool's order) and record each as a
 * commit on the current branch.  With a database, read its applied
 * versions (they must be the first N of the folder) and check that its
 * schema, the tool's bookkeeping tables left out, is the schema of the
 * N-th commit; with an env, point
 * refs/envs/<env> at that commit and adopt the database there
 * (awm_import_adopt): its awm_state gets that commit's history as applied
 * rows and loses the tool's tables, so `awm apply` goes on from there.  A
 * database with awm history already is refused.
 *
 * All or nothing: any failure leaves the history, the migrations folder,
 * the env ref and the database as they were (awm's own empty tables may
 * remain in the database).
 */
int awm_import(awm_import_result *out, awm_repo *repo, const awm_import_opts *opts);

#endif
