/*
 * Database checkouts: `awm checkout --db <file> [<rev>]` writes the
 * database of a commit to a file and remembers, in .awm/checkouts.json,
 * which commit it came from and a hash of its content.  `commit --from-db`
 * uses that as the base of what changed, so it is never named by hand; the
 * hash tells an untouched file from an edited one (and refuses to
 * overwrite edits or files awm did not write).
 *
 *   { "version": 1,
 *     "checkouts": { "/abs/path/dev.db": { "commit": "<id>" | null,
 *                                          "hash": "<XXH3-128 hex>" } } }
 */
#ifndef AWM_CHECKOUT_H
#define AWM_CHECKOUT_H

#include "core/repo.h"
#include "objects/oid.h"

#define AWM_FILE_HASH_HEXSZ 32

typedef struct awm_checkout_entry {
	char *path;                              /* absolute */
	int has_commit;                          /* 0: an empty database */
	awm_oid commit;
	char hash[AWM_FILE_HASH_HEXSZ + 1];      /* content hash when written */
} awm_checkout_entry;

void awm_checkout_entry_release(awm_checkout_entry *e);

/* `path` made absolute (its folder resolved, the file need not exist). */
int awm_checkout_abspath(awm_buf *out, const char *path);

/*
 * The content hash of a database file: XXH3-128 over the file and, when
 * there is one, its WAL.  A missing file is AWM_ENOTFOUND.
 */
int awm_db_file_hash(char out[AWM_FILE_HASH_HEXSZ + 1], const char *path);

/*
 * The recorded checkout of `path`.  AWM_ENOTFOUND, with a message that
 * says to run `awm checkout --db` first, when there is none.
 */
int awm_checkout_lookup(awm_checkout_entry *out, awm_repo *repo, const char *path);

/* Record that `path` now holds `commit` (NULL: empty) with content `hash`. */
int awm_checkout_record(awm_repo *repo, const char *path, const awm_oid *commit,
			const char *hash);

/* Overwrite a file that has uncommitted changes or that awm did not write. */
#define AWM_CHECKOUT_FORCE 0x1u

typedef struct awm_checkout_result {
	char *path;              /* absolute */
	uint64_t bytes;
	int replaced;            /* a file was there before */
} awm_checkout_result;

void awm_checkout_result_release(awm_checkout_result *r);

/*
 * Write the database of `commit` (NULL: an empty one) to `path`, from its
 * snapshot, the state cache, or by replaying from the nearest of those.
 * The file is replaced atomically; its old journal or WAL is removed
 * first, so SQLite cannot replay it onto the new content.  `progress`
 * (may be NULL) hears of a replay (awm_scratch_open_progress).
 */
int awm_checkout_db(awm_checkout_result *out, awm_repo *repo, const char *path,
		    const awm_oid *commit, unsigned flags, awm_progress_cb progress,
		    void *payload);

#endif
