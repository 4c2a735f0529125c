/*
 * Transports: where a remote's files live.  Every remote is a flat set of
 * named files ("refs/heads/main/...", "store/....pack") behind one small
 * vtable, the way git's ref backends sit behind struct ref_storage_be:
 *
 *   list     the files under a prefix, sorted by name
 *   get      one file (or one stored version of it)
 *   put      write a file; writing an immutable name twice is harmless
 *   create_exclusive
 *            write a file only if the name is free, atomically; NULL when
 *            the store cannot do that (B2 has no conditional write)
 *   remove   delete a file with all its stored versions; a missing file is
 *            not an error
 *
 *   replace  (AWM_TRANSPORT_CAS) compare-and-swap of a ref's one entry
 *
 * The folder transport (transport_file.c) offers create_exclusive through
 * link(2); the B2 transport (transport_b2.c) does not.  The Appwrite
 * transport (transport_appwrite.c) offers both create_exclusive and a true
 * compare-and-swap on refs (document versions); docs/remote-protocol.md
 * says what the protocol gains from each.
 */
#ifndef AWM_TRANSPORT_H
#define AWM_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

typedef struct awm_remote_file {
	char *name;          /* relative to the remote's root, '/'-separated */
	uint64_t size;
	char *version;       /* the store's id of this version (B2 fileId), or NULL */
} awm_remote_file;

typedef struct awm_remote_files {
	awm_remote_file *items;   /* sorted by name (byte order) */
	size_t nr, alloc;
} awm_remote_files;

#define AWM_REMOTE_FILES_INIT { NULL, 0, 0 }

void awm_remote_files_add(awm_remote_files *f, const char *name, uint64_t size,
			  const char *version);
void awm_remote_files_sort(awm_remote_files *f);
void awm_remote_files_release(awm_remote_files *f);

/* The file called `name`, or NULL (the list must be sorted). */
const awm_remote_file *awm_remote_files_find(const awm_remote_files *f, const char *name);

/* Requests made and bytes moved, for --verbose and the benchmarks. */
typedef struct awm_transport_stats {
	uint64_t requests;
	uint64_t bytes_sent, bytes_received;
} awm_transport_stats;

/* Bytes of the current upload or download so far, and its size when known. */
typedef void (*awm_transport_progress_cb)(uint64_t done, uint64_t total, void *payload);

#define AWM_TRANSPORT_EXCLUSIVE 1u   /* create_exclusive is available */
#define AWM_TRANSPORT_CAS 2u         /* replace is available */

typedef struct awm_transport awm_transport;

struct awm_transport {
	const char *kind;                 /* "file", "b2" */
	char *url;                        /* as the user wrote it, for messages */
	unsigned caps;
	int (*list)(awm_transport *t, awm_remote_files *out, const char *prefix);
	int (*get)(awm_transport *t, awm_buf *out, const char *name, const char *version);
	int (*put)(awm_transport *t, const char *name, const void *data, size_t len);
	int (*create_exclusive)(awm_transport *t, const char *name, const void *data,
				size_t len);
	int (*remove)(awm_transport *t, const char *name);
	int (*replace)(awm_transport *t, const char *name, const awm_remote_file *expected,
		       const void *data, size_t len);
	void (*free)(awm_transport *t);
	awm_transport_stats stats;
	awm_transport_progress_cb progress;   /* set by the caller, may be NULL */
	void *payload;
};

/*
 * Open the transport for `url`: a folder path (relative paths are taken
 * from `base_dir`, the project root), `file:///abs/path`,
 * `b2://<bucket>[/<prefix>]`, or `appwrite://<host>/<project>/<database>`.  `endpoint` (may be NULL) overrides the B2
 * account endpoint; AWM_B2_ENDPOINT in the environment overrides both.
 * Nothing is contacted yet: credentials are checked at the first request.
 */
int awm_transport_open(awm_transport **out, const char *url, const char *endpoint,
		       const char *base_dir);
void awm_transport_free(awm_transport *t);

/* Check a URL's syntax without opening it (for `awm remote add`). */
int awm_transport_check_url(const char *url);

/*
 * The calls, through the vtable.  Each honours the AWM_FAULT points
 * "remote-list", "remote-get", "remote-put", "remote-remove" (the call
 * fails before it starts) and "remote-put-kill" (the process is killed
 * with SIGKILL right after a put succeeded), for the crash tests.
 */
int awm_transport_list(awm_transport *t, awm_remote_files *out, const char *prefix);
int awm_transport_get(awm_transport *t, awm_buf *out, const char *name, const char *version);
int awm_transport_put(awm_transport *t, const char *name, const void *data, size_t len);

/* AWM_EEXISTS when the name is taken; AWM_EUSAGE when the store cannot do it. */
int awm_transport_create_exclusive(awm_transport *t, const char *name,
				   const void *data, size_t len);
int awm_transport_remove(awm_transport *t, const char *name);

/*
 * With AWM_TRANSPORT_CAS, the files under "refs/" are held in slots, one
 * per folder (per ref): a slot holds at most one file, its entry.  Write
 * `name` into its slot, replacing the file `expected` (as a listing
 * returned it, with its version; NULL: the slot must be empty), in one
 * atomic compare-and-swap.  AWM_ECONFLICT when the slot holds anything
 * else by then, changing nothing; AWM_EUSAGE when the store cannot.
 */
int awm_transport_replace(awm_transport *t, const char *name, const awm_remote_file *expected,
			  const void *data, size_t len);

/* Implementations (transport_file.c, transport_b2.c, transport_appwrite.c). */
int awm_transport_file_new(awm_transport **out, const char *url, const char *dir);
int awm_transport_b2_new(awm_transport **out, const char *url, const char *bucket,
			 const char *prefix, const char *endpoint);
int awm_transport_appwrite_new(awm_transport **out, const char *url);

#endif
