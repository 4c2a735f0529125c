/*
 * Commit objects: one migration each (docs/format.md, "Commits").
 *
 * A text format with a fixed field order, like git's:
 *
 *   parent <id>          zero or more
 *   up <id>              optional: blob, the up SQL
 *   down <id>            optional: blob, the down SQL
 *   script <id>          optional: blob, the program of a script migration
 *   changeset <id>       optional: the commit's data changes
 *   schema <id>          the schema after this commit
 *   engine <name>        "sqlite"
 *   kind <kind>          optional, "sql" when absent (see awm_commit_kind)
 *   migration <path>     optional: the migration file, relative to the root
 *   author <name> <<email>> <seconds> <+hhmm>
 *   committer <name> <<email>> <seconds> <+hhmm>
 *   gitcommit <hex>      optional: git's HEAD when the commit was made
 *   <blank line>
 *   <message>
 */
#ifndef AWM_COMMIT_H
#define AWM_COMMIT_H

#include <stddef.h>

#include "core/buf.h"
#include "core/git.h"
#include "objects/odb.h"

/*
 * What a commit's changeset means when the commit is replayed:
 *   SQL     the up SQL is run; the changeset is what it did (kept for
 *           rollback and review), never applied on top of it.
 *   DATA    the up SQL, if any, changes the schema; the changeset is then
 *           applied (commit --from-db, commit --changeset).
 *   SCRIPT  as DATA; the script is kept for review and --rerun-scripts.
 */
typedef enum awm_commit_kind {
	AWM_KIND_SQL = 0,
	AWM_KIND_DATA,
	AWM_KIND_SCRIPT,
} awm_commit_kind;

typedef struct awm_commit {
	awm_oid oid;              /* zero until written or read */
	awm_oid *parents;
	size_t nparents;
	int has_up, has_down, has_script, has_changeset;
	awm_oid up, down, script, changeset, schema;
	char *engine;
	awm_commit_kind kind;
	char *migration;          /* NULL when absent */
	awm_signature author, committer;
	char *gitcommit;          /* NULL when absent */
	char *message;            /* ends with a newline */
} awm_commit;

awm_commit *awm_commit_new(void);
void awm_commit_free(awm_commit *c);
void awm_commit_add_parent(awm_commit *c, const awm_oid *parent);

/* Parse a commit payload; AWM_ECORRUPT naming the field on any deviation. */
int awm_commit_parse(awm_commit **out, const awm_oid *oid, const char *data, size_t len);

/* Render the payload. Fields are validated: names hold no '<', '>' or newline. */
int awm_commit_serialize(awm_buf *out, const awm_commit *c);

/* Read and parse; AWM_EINVALID when the object is not a commit. */
int awm_commit_read(awm_commit **out, awm_odb *odb, const awm_oid *oid);

/* Serialize and write as a loose object; sets c->oid. */
int awm_commit_write(awm_odb *odb, awm_commit *c);

/* "sql", "data", "script"; and back (-1 for an unknown name). */
const char *awm_commit_kind_name(awm_commit_kind kind);
int awm_commit_kind_from_name(const char *name, size_t len);

/* The first line of the message, without its newline, into `out`. */
void awm_commit_subject(awm_buf *out, const awm_commit *c);

/* "Name <email> <seconds> <+hhmm>" */
void awm_signature_format(awm_buf *out, const awm_signature *sig);
int awm_signature_parse(awm_signature *out, const char *s, size_t len);

#endif
