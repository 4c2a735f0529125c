/*
 * Remotes: named in awm.conf as [remote "<name>"] with a url (and for B2 an
 * optional endpoint), reached through a transport (transport.h), and laid
 * out as docs/remote-protocol.md describes:
 *
 *   awm-remote-v1                          format marker
 *   locks/<seq>[-<id>]                     lease lock records
 *   refs/<ref>/<gen>-<commit>-<push id>    ref entries (the value is derived)
 *   store/<sum>.pack, store/<sum>.idx      packs of objects
 *
 * This header holds the configuration, opening a remote, and reading its
 * state: a snapshot of its files, and each ref's entries and heads.
 */
#ifndef AWM_REMOTE_H
#define AWM_REMOTE_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/lockfile.h"
#include "core/repo.h"
#include "core/transport.h"
#include "objects/oid.h"

#define AWM_REMOTE_FORMAT 1
#define AWM_REMOTE_MARKER "awm-remote-v1"
#define AWM_REMOTE_MARKER_PREFIX "awm-remote-v"

/* ---- configuration ---- */

/* A remote name: letters, digits, '.', '_', '-', not starting with '.' or '-'. */
int awm_remote_name_check(const char *name);

/* Add [remote "<name>"] to awm.conf; AWM_EEXISTS when the name is taken. */
int awm_remote_add(awm_repo *repo, const char *name, const char *url, const char *endpoint);

/*
 * Remove the remote from awm.conf, with its remote-tracking refs
 * (refs/remotes/<name>/...) and its local state (.awm/remotes/<name>).
 * Nothing on the remote itself changes.
 */
int awm_remote_remove(awm_repo *repo, const char *name);

/* The configured remote names, sorted; free with awm_remote_names_free. */
int awm_remote_names(char ***out, size_t *n, awm_repo *repo);
void awm_remote_names_free(char **names, size_t n);

/* The remote to use when none is named: "origin", or the only one there is. */
int awm_remote_default(awm_buf *out, awm_repo *repo);

/* ---- an open remote ---- */

typedef struct awm_remote {
	awm_repo *repo;
	char *name;
	char *url;
	char *endpoint;             /* NULL when not configured */
	awm_transport *t;
	char *state_dir;            /* .awm/remotes/<name> */
	awm_lockfile oplock;        /* one push/fetch/lock per clone and remote at a time */
	int depth;                  /* nesting of awm_remote_begin */
} awm_remote;

/* Open a configured remote; AWM_ENOTFOUND naming `awm remote add` if unknown. */
int awm_remote_open(awm_remote **out, awm_repo *repo, const char *name);
void awm_remote_free(awm_remote *r);

/*
 * Serialise operations on this remote within the clone (AWM_ELOCKED).
 * Calls nest; the lock goes with the outermost awm_remote_end.
 */
int awm_remote_begin(awm_remote *r);
void awm_remote_end(awm_remote *r);

/* `out` = .awm/remotes/<name>/<rel>. */
void awm_remote_state_path(awm_buf *out, const awm_remote *r, const char *rel);

/* ---- the remote's state ---- */

typedef struct awm_remote_entry {
	char *file;                 /* refs/<ref>/<gen>-<commit>-<push id> */
	awm_oid commit;
	uint64_t generation;
	char push_id[17];
} awm_remote_entry;

typedef struct awm_remote_ref {
	char *name;                 /* "refs/heads/main" */
	awm_remote_entry *entries;  /* sorted by generation, then file name */
	size_t nr, alloc;
} awm_remote_ref;

typedef struct awm_remote_pack {
	char sum[AWM_OID_HEXSZ + 1];   /* the pack's checksum, which names it */
	const awm_remote_file *pack, *idx;
} awm_remote_pack;

typedef struct awm_remote_snapshot {
	awm_remote_files files;     /* everything listed, sorted */
	int format;                 /* AWM_REMOTE_FORMAT, or 0 for an empty remote */
	awm_remote_ref *refs;       /* sorted by name */
	size_t nrefs;
	awm_remote_pack *packs;     /* packs with both files present */
	size_t npacks;
	const awm_remote_file **locks;   /* lock records, by sequence */
	size_t nlocks;
} awm_remote_snapshot;

/*
 * List the remote (`prefix` "" for everything, or e.g. "refs/") and parse
 * what is there.  A newer format is refused.  Files that do not parse are
 * ignored, so a future version can add more.
 */
int awm_remote_snapshot_take(awm_remote_snapshot *out, awm_remote *r, const char *prefix);
void awm_remote_snapshot_release(awm_remote_snapshot *s);

/* The entries of one ref, or NULL when the remote does not have it. */
const awm_remote_ref *awm_remote_snapshot_ref(const awm_remote_snapshot *s, const char *name);

/* The file name of an entry. */
void awm_remote_entry_name(awm_buf *out, const char *ref, uint64_t generation,
			   const awm_oid *commit, const char *push_id);

/* Parse an entry's file name; AWM_EINVALID (no message) when it is not one. */
int awm_remote_entry_parse(awm_remote_entry *out, awm_buf *ref, const char *file);
void awm_remote_entry_release(awm_remote_entry *e);

/* A commit's generation: 1 for a root, else 1 + the largest of its parents'. */
int awm_commit_generation(uint64_t *out, awm_repo *repo, const awm_oid *commit);

/*
 * The heads of a ref: its distinct entry commits that no other entry
 * descends from, highest generation first (then by id).  A commit missing
 * from the local store cannot be placed and counts as a head, with
 * `*unknown` counting those.  One head is the ref's value; more mean the
 * ref has diverged.  The caller frees `*out`.
 */
int awm_remote_ref_heads(awm_oid **out, size_t *n, size_t *unknown, awm_repo *repo,
			 const awm_remote_ref *ref);

/* Where fetch keeps a remote ref: refs/heads/x -> refs/remotes/<r>/x. */
void awm_remote_tracking_ref(awm_buf *out, const char *remote, const char *ref);

#endif
