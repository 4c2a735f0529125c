/*
 * Presenting commits: headers, ref decorations, JSON, schema and data
 * diffs.  Shared by log, show and diff.
 */
#ifndef AWM_DISPLAY_H
#define AWM_DISPLAY_H

#include <jansson.h>

#include "commands/cli.h"
#include "core/data_diff.h"
#include "objects/commit.h"
#include "objects/oidmap.h"

/* Which refs point at which commits, for "(HEAD -> main, env/dev)". */
typedef struct decorations {
	awm_oidmap index;        /* commit -> first label index + 1 */
	char **labels;
	char *kinds;             /* per label: 'H'ead, 'b'ranch, 'e'nv, 'r'emote, 'o'ther */
	awm_oid *targets;
	size_t nr, alloc;
} decorations;

int decorations_load(decorations *d, awm_repo *repo);
void decorations_release(decorations *d);

/* ", "-joined labels for `oid` into `out`; empty when there are none. */
void decorations_for(const decorations *d, const awm_oid *oid, awm_buf *out);

/*
 * The same, coloured by kind on a terminal as git colours them: HEAD bold
 * cyan, branches green, env refs magenta, remote refs red; ", "-joined.
 */
void decorations_colored(awm_cli *cli, const decorations *d, const awm_oid *oid,
			 awm_buf *out);

/* The JSON array of labels for `oid`. */
json_t *decorations_json(const decorations *d, const awm_oid *oid);

/*
 * The git-style header of a commit:
 *   commit <id> (<refs>)
 *   Merge: <p1> <p2>          (merges only)
 *   Migration: <path>
 *   Author: <name> <email>
 *   Date:   <date>
 *
 *       <message, indented>
 * The first line starts with `first`, every other with `prefix` (the
 * graph lanes of `log --graph`; both "" otherwise).
 */
void display_commit_header(awm_cli *cli, awm_buf *out, const awm_commit *c,
			   const decorations *d, const char *first, const char *prefix);

/*
 * A JSON string of `len` bytes of text; bytes that are not UTF-8 become
 * U+FFFD, so a field is never dropped (docs/json.md).  Never NULL.
 */
json_t *display_json_text(const char *s, size_t len);

/* The same for a NUL-terminated string (NULL gives ""). */
json_t *display_json_text0(const char *s);

/* The stable JSON form of a commit (docs/json.md). */
json_t *display_commit_json(const awm_commit *c, const decorations *d);

/* {name, email, time, tz_minutes}: the signature object of docs/json.md. */
json_t *display_signature_json(const awm_signature *s);

/* Unified diff of the canonical schema from `from` (NULL: empty) to `to`. */
int display_schema_diff(awm_cli *cli, awm_buf *out, awm_repo *repo,
			const awm_oid *from, const awm_oid *to);

/*
 * The data effect of a changeset: per table the counts, then up to
 * `max_rows` rows.  Column names come from `schema` (may be NULL).
 */
int display_changeset(awm_cli *cli, awm_buf *out, awm_repo *repo,
		      const awm_oid *changeset, const awm_oid *schema, size_t max_rows);

/* The same as JSON: [{"table", "inserts", "updates", "deletes", "rows"}]. */
int display_changeset_json(json_t **out, awm_repo *repo, const awm_oid *changeset,
			   const awm_oid *schema, size_t max_rows);

/* ---- display_diff.c: the reviewer's view of a change ---- */

/*
 * The schema change from `from` (NULL: empty) to `to` as SQL statements,
 * one per line, indented by four spaces, coloured on a terminal: CREATE,
 * ALTER TABLE, DROP, and for a rebuild a comment saying why, the old
 * definition, and the new one.  Empty when nothing changed.
 */
int display_schema_changes(awm_cli *cli, awm_buf *out, awm_repo *repo,
			   const awm_oid *from, const awm_oid *to);

/* The same as JSON (docs/json.md, "schema_changes"). */
int display_schema_changes_json(json_t **out, awm_repo *repo, const awm_oid *from,
				const awm_oid *to);

/*
 * A commit's own data changes (its changeset), with column names from the
 * schema after it, or before it for tables it dropped.
 */
int display_commit_changes(awm_data_changes *out, awm_repo *repo, const awm_commit *c,
			   size_t max_rows);

/*
 * Per table: "<table>: N inserted, N updated, N deleted", then a table of
 * the rows: an insert's new values, a delete's old ones, an update's key and
 * "old -> new" for each changed column; then "... N more".
 */
void display_data_changes(awm_cli *cli, awm_buf *out, const awm_data_changes *d);

/* The same as JSON (docs/json.md, "data"). */
json_t *display_data_changes_json(const awm_data_changes *d);
/* Print `text` with every line indented by four spaces. */
void display_indented(const char *text);

/* Print changeset summary rows ("+ ...", "~ ...", "- ...") coloured, after `indent`. */
void display_rows(awm_cli *cli, const char *rows, const char *indent);

/* Write `j` to stdout, indented, with a final newline; frees it. */
int display_print_json(json_t *j);

#endif
