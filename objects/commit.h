/*
 * Commit objects: one migration each (docs/format.md, "Commits").
 *
 * A text format with a fixed field order, like git's:
 *
 *   parent <id>          zero or more
 *   up <id>              optional: blob, the up script
 *   down <id>            optional: blob, the down script
 *   changeset <id>       optional: the data effect of the up script
 *   schema <id>          the schema after this commit
 *   engine <name>        "sqlite"
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

typedef struct awm_commit {
	awm_oid oid;              /* zero until written or read */
	awm_oid *parents;
	size_t nparents;
	int has_up, has_down, has_changeset;
	awm_oid up, down, changeset, schema;
	char *engine;
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

/* The first line of the message, without its newline, into `out`. */
void awm_commit_subject(awm_buf *out, const awm_commit *c);

/* "Name <email> <seconds> <+hhmm>" */
void awm_signature_format(awm_buf *out, const awm_signature *sig);
int awm_signature_parse(awm_signature *out, const char *s, size_t len);

#endif
