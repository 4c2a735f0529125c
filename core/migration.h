/*
 * Migration files in the migrations folder.  SQL migrations are
 * `<version>_<phrase>.sql`, with an up section and an optional down
 * section:
 *
 *   -- awm:up
 *   CREATE TABLE ...;
 *   -- awm:down
 *   DROP TABLE ...;
 *
 * Script migrations are programs named `<version>_<phrase>.<ext>`: *.py
 * (run by python3), *.sh (run by sh), or any executable file (see
 * script.h).  Only files whose name starts with a digit are taken for
 * scripts, so helpers without a version may live beside them.
 *
 * Appwrite migrations are `<version>_<phrase>.json`: the whole target
 * schema, appwrite.json-compatible (docs/appwrite.md).  Their up "section"
 * is the whole file.
 *
 * Text is read with CRLF turned into LF, so a Windows checkout records the
 * same blobs; a script holding a NUL byte (a compiled program) is kept
 * byte for byte.
 */
#ifndef AWM_MIGRATION_H
#define AWM_MIGRATION_H

#include <time.h>

#include "core/buf.h"
#include "core/repo.h"
#include "objects/oid.h"

#define AWM_UP_MARKER "-- awm:up"
#define AWM_DOWN_MARKER "-- awm:down"

typedef struct awm_migration {
	char *path;          /* relative to the project root, e.g. migrations/1_x.sql */
	char *name;          /* the file name */
	awm_buf up, down;    /* the section texts */
	int has_down;        /* the down section holds at least one statement */
	int up_line;         /* file line where the up text starts */
	int down_line;
	awm_oid up_oid, down_oid;   /* blob ids of the sections */
	/*
	 * Where the section texts came from, when not from `path` (awm import:
	 * another tool's files); messages name these with up_line and
	 * down_line counted in them.  Borrowed: NULL, or kept alive by the
	 * caller while the migration is in use.
	 */
	const char *up_file, *down_file;
	int is_script;              /* a program, not SQL: only `script` is set */
	int is_appwrite;            /* an Appwrite schema: `up` is the whole file */
	awm_buf script;             /* the program's bytes */
	awm_oid script_oid;
	/*
	 * The program to run when it is recorded, when that is not the file
	 * at `path` (awm import runs the tool's own file, before awm's copy is
	 * written).  Borrowed, like up_file; messages then name up_file.
	 */
	const char *script_path;
} awm_migration;

/* 1 when `name` names a SQL migration (it ends in .sql). */
int awm_migration_is_sql(const char *name);

/* 1 when `name` names an Appwrite migration: it starts with a digit and ends in .json. */
int awm_migration_is_appwrite(const char *name);

/*
 * 0 when `name` is "<digits>_<phrase>.sql", or "<digits>_<phrase>.<ext>"
 * for a script, with a phrase of [A-Za-z0-9_-] and an ext of [A-Za-z0-9].
 */
int awm_migration_name_check(const char *name);

/*
 * Parse text (already CRLF-normalised) of the file at `path`.  `out` must be
 * released with awm_migration_release() even when this fails: the path and
 * name are set first, so that callers can name the file.
 */
int awm_migration_parse(awm_migration *out, const char *path, const char *text, size_t len);

/*
 * A script migration at `path` (relative to the project root) whose
 * program is `bytes`, which are taken over (`bytes` is left empty): text
 * has CRLF made LF, a program holding a NUL byte is kept byte for byte.
 */
void awm_migration_from_script(awm_migration *out, const char *path, awm_buf *bytes);

/* An Appwrite migration (text already CRLF-normalised); checked only for emptiness. */
int awm_migration_parse_appwrite(awm_migration *out, const char *path, const char *text,
				 size_t len);

/* Read and parse `<migrations dir>/<name>`. */
int awm_migration_load(awm_migration *out, awm_repo *repo, const char *name);

void awm_migration_release(awm_migration *m);

/*
 * The text of a migration file with `lines` (LF-terminated) added at the
 * end of its up section, just above its down marker: `*inserted` gets
 * what the up section grew by, as the parser will read it.  The file's
 * own line endings are kept.  AWM_EINVALID when `text` has no up marker.
 */
int awm_migration_append_up(awm_buf *out, awm_buf *inserted, const char *text, size_t len,
			    const char *lines);

/*
 * The migration file names in the migrations folder, sorted (caller
 * frees): every *.sql file, every Appwrite migration (a name starting
 * with a digit that ends in .json), and every script candidate (a name
 * starting with a digit that ends in .py or .sh or is an executable file).
 */
int awm_migration_list(char ***names, size_t *n, awm_repo *repo);
void awm_migration_list_free(char **names, size_t n);

/*
 * Create a new migration file for `phrase` ("add users" -> add_users), named
 * for `now` in UTC, or one second after the newest existing version, so a
 * new file always sorts last.  `path_out` receives the path relative to the
 * project root.
 */
int awm_migration_create(awm_buf *path_out, awm_repo *repo, const char *phrase, time_t now);

#endif
