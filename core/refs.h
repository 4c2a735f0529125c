/*
 * References: HEAD, refs/heads/<branch>, refs/envs/<env>,
 * refs/remotes/<remote>/<name>.
 *
 * A ref is a file under .awm holding an id (or, for HEAD, "ref: <target>"),
 * or a line in .awm/packed-refs; a loose file wins over a packed line.
 * Every update is a compare-and-swap under `<ref>.lock` and is appended to
 * the ref's reflog (.awm/logs/<ref>) before it becomes visible.
 */
#ifndef AWM_REFS_H
#define AWM_REFS_H

#include "core/buf.h"
#include "core/repo.h"
#include "objects/oid.h"

/*
 * Check a full ref name the way git's check-ref-format does: "HEAD" or
 * "refs/..."; no empty component, no component starting with "." or ending
 * in ".lock", no "..", no control characters, space, ~ ^ : ? * [ \, no "@{",
 * no trailing "/" or ".".  Such a name can never leave .awm/.  AWM_EINVALID
 * with a message naming the rule otherwise.
 */
int awm_refname_check(const char *name);

/* The id a ref points to, following HEAD to its branch. AWM_ENOTFOUND. */
int awm_ref_lookup(awm_oid *out, awm_repo *repo, const char *name);

/* The target of a symbolic ref ("refs/heads/main" for HEAD); AWM_ENOTFOUND. */
int awm_ref_symbolic_target(awm_buf *out, awm_repo *repo, const char *name);

/*
 * Point `name` at `new_oid` if it currently points at `old_oid`.  NULL
 * `old_oid`: whatever it points at; a zero id: it must not exist.  A lost
 * race gives AWM_ECONFLICT and changes nothing.  Updating HEAD updates the
 * branch it names, and both reflogs get the entry.
 */
int awm_ref_update(awm_repo *repo, const char *name, const awm_oid *new_oid,
		   const awm_oid *old_oid, const char *msg);

/* Remove a ref (loose and packed) if it points at `old_oid` (NULL: any). */
int awm_ref_delete(awm_repo *repo, const char *name, const awm_oid *old_oid,
		   const char *msg);

/* Make `name` (HEAD) a symbolic ref to `target`. */
int awm_ref_set_symbolic(awm_repo *repo, const char *name, const char *target,
			 const char *msg);

/* Point HEAD straight at a commit (a detached HEAD), not at a branch. */
int awm_ref_detach_head(awm_repo *repo, const awm_oid *oid, const char *msg);

/* Every ref under `prefix` ("refs/" for all), sorted by name. */
typedef int (*awm_ref_cb)(const char *name, const awm_oid *oid, void *payload);
int awm_ref_foreach(awm_repo *repo, const char *prefix, awm_ref_cb cb, void *payload);

/* Move every loose ref into packed-refs (gc); `*count` gets how many. */
int awm_refs_pack(awm_repo *repo, size_t *count);

void awm_refs_cache_free(awm_repo *repo);

/* One reflog line. */
typedef struct awm_reflog_entry {
	awm_oid old_oid, new_oid;
	const char *who;        /* "Name <email> <time> <tz>" */
	const char *msg;
} awm_reflog_entry;

typedef int (*awm_reflog_cb)(const awm_reflog_entry *e, void *payload);

/* Entries oldest first. AWM_ENOTFOUND when the ref has no log. */
int awm_reflog_foreach(awm_repo *repo, const char *name, awm_reflog_cb cb, void *payload);

/* Append an entry (done by awm_ref_update; exposed for tests and tools). */
int awm_reflog_append(awm_repo *repo, const char *name, const awm_oid *old_oid,
		      const awm_oid *new_oid, const char *msg);

#endif
