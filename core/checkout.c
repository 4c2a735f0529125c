/*
 * Database checkouts and the record of them (see checkout.h).
 */
#include "core/checkout.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/lockfile.h"
#include "core/scratch.h"
#include "core/sqlite.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define REGISTRY "checkouts.json"
#define REGISTRY_VERSION 1

void awm_checkout_entry_release(awm_checkout_entry *e)
{
	free(e->path);
	memset(e, 0, sizeof(*e));
}

void awm_checkout_result_release(awm_checkout_result *r)
{
	free(r->path);
	memset(r, 0, sizeof(*r));
}

int awm_checkout_abspath(awm_buf *out, const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? awm_strndup(path, (size_t)(slash - path)) : awm_strdup(".");
	const char *base = slash ? slash + 1 : path;
	char real[PATH_MAX];
	int rc = 0;

	if (!*dir) {
		free(dir);
		dir = awm_strdup("/");
	}
	awm_buf_clear(out);
	if (!*base || !strcmp(base, ".") || !strcmp(base, ".."))
		rc = awm_error_set(AWM_EUSAGE, "'%s' does not name a database file", path);
	else if (!realpath(dir, real))
		rc = awm_error_os(errno == ENOENT ? AWM_ENOTFOUND : AWM_ERROR,
				  "cannot find the folder of '%s'", path);
	else
		awm_path_join(out, real, base);
	free(dir);
	return rc;
}

static int hash_file(awm_hasher *h, const char *path, int required)
{
	char chunk[1 << 16];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0) {
		if (errno == ENOENT && !required)
			return 0;
		return awm_error_os(errno == ENOENT ? AWM_ENOTFOUND : AWM_ERROR,
				    "cannot read '%s'", path);
	}
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		awm_hasher_update(h, chunk, (size_t)n);
	close(fd);
	return n < 0 ? awm_error_os(AWM_ERROR, "cannot read '%s'", path) : 0;
}

static void to_hex(char out[AWM_FILE_HASH_HEXSZ + 1], const unsigned char raw[AWM_OID_RAWSZ])
{
	awm_oid tmp;

	memcpy(tmp.id, raw, AWM_OID_RAWSZ);
	memcpy(out, awm_oid_tohex(&tmp).s, AWM_FILE_HASH_HEXSZ + 1);
}

int awm_db_file_hash(char out[AWM_FILE_HASH_HEXSZ + 1], const char *path)
{
	awm_hasher *h = awm_hasher_new();
	unsigned char raw[AWM_OID_RAWSZ];
	char *wal = awm_printf_alloc("%s-wal", path);
	int rc = hash_file(h, path, 1);

	if (rc == 0)
		rc = hash_file(h, wal, 0);
	awm_hasher_final(h, raw);
	awm_hasher_free(h);
	free(wal);
	if (rc == 0)
		to_hex(out, raw);
	return rc;
}

static void registry_path(awm_buf *out, awm_repo *repo)
{
	awm_repo_path(out, repo, REGISTRY);
}

/* The registry as JSON; an empty one when the file does not exist. */
static int registry_load(json_t **out, awm_repo *repo)
{
	awm_buf path = AWM_BUF_INIT;
	json_error_t err;
	json_t *root = NULL;
	int rc = 0;

	registry_path(&path, repo);
	if (awm_fs_exists(path.ptr)) {
		root = json_load_file(path.ptr, 0, &err);
		if (!root || !json_is_object(json_object_get(root, "checkouts")))
			rc = awm_error_set(AWM_ECORRUPT, "'%s' is damaged (%s); delete it and check "
					   "the databases out again", path.ptr,
					   root ? "no checkouts" : err.text);
		/* A record of another version is not misread (docs/format.md). */
		else if (json_integer_value(json_object_get(root, "version")) != REGISTRY_VERSION)
			rc = awm_error_set(AWM_ECORRUPT, "'%s' is not a version %d checkout record; "
					   "delete it and check the databases out again", path.ptr,
					   REGISTRY_VERSION);
	} else {
		root = json_pack("{s:i, s:{}}", "version", REGISTRY_VERSION, "checkouts");
	}
	awm_buf_release(&path);
	if (rc < 0) {
		json_decref(root);
		return rc;
	}
	*out = root;
	return 0;
}

int awm_checkout_lookup(awm_checkout_entry *out, awm_repo *repo, const char *path)
{
	awm_buf abs = AWM_BUF_INIT;
	json_t *root = NULL, *e, *commit, *hash;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = awm_checkout_abspath(&abs, path)) < 0 || (rc = registry_load(&root, repo)) < 0)
		goto done;
	e = json_object_get(json_object_get(root, "checkouts"), abs.ptr);
	if (!e) {
		rc = awm_error_set(AWM_ENOTFOUND, "'%s' was not checked out by awm; run 'awm "
				   "checkout --db %s' first, then make your changes in it", path, path);
		goto done;
	}
	commit = json_object_get(e, "commit");
	hash = json_object_get(e, "hash");
	if (!json_is_string(hash) || strlen(json_string_value(hash)) != AWM_FILE_HASH_HEXSZ ||
	    (!json_is_null(commit) && (!json_is_string(commit) ||
				       awm_oid_fromhex(&out->commit, json_string_value(commit)) < 0))) {
		rc = awm_error_set(AWM_ECORRUPT, "the checkout record of '%s' is damaged; check it "
				   "out again with --force", path);
		goto done;
	}
	out->has_commit = json_is_string(commit);
	memcpy(out->hash, json_string_value(hash), AWM_FILE_HASH_HEXSZ + 1);
	out->path = awm_buf_detach(&abs);
done:
	json_decref(root);
	awm_buf_release(&abs);
	return rc;
}

int awm_checkout_record(awm_repo *repo, const char *path, const awm_oid *commit,
			const char *hash)
{
	awm_lockfile lk = AWM_LOCKFILE_INIT;
	awm_buf reg = AWM_BUF_INIT;
	json_t *root = NULL;
	char *text = NULL;
	int rc;

	registry_path(&reg, repo);
	if ((rc = awm_lockfile_acquire(&lk, reg.ptr, AWM_LOCK_TIMEOUT_MS)) < 0 ||
	    (rc = registry_load(&root, repo)) < 0)
		goto done;
	json_object_set_new(json_object_get(root, "checkouts"), path,
			    json_pack("{s:o, s:s}", "commit",
				      commit ? json_string(awm_oid_tohex(commit).s) : json_null(),
				      "hash", hash));
	text = json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS);
	if (!text) {
		rc = awm_error_set(AWM_ERROR, "cannot write '%s'", reg.ptr);
		goto done;
	}
	if ((rc = awm_lockfile_write(&lk, text, strlen(text))) == 0)
		rc = awm_lockfile_commit(&lk);
done:
	awm_lockfile_release(&lk);
	json_decref(root);
	free(text);
	awm_buf_release(&reg);
	return rc;
}

/* May `path` be overwritten?  Unchanged checkouts may; anything else needs --force. */
static int check_overwrite(awm_repo *repo, const char *path, unsigned flags)
{
	awm_checkout_entry e;
	char now[AWM_FILE_HASH_HEXSZ + 1];
	int rc;

	if ((flags & AWM_CHECKOUT_FORCE) || !awm_fs_exists(path))
		return 0;
	if ((rc = awm_checkout_lookup(&e, repo, path)) == AWM_ENOTFOUND)
		return awm_error_set(AWM_EEXISTS, "'%s' exists and was not checked out by awm; "
				     "use --force to overwrite it", path);
	if (rc < 0)
		return rc;
	if ((rc = awm_db_file_hash(now, path)) == 0 && strcmp(now, e.hash))
		rc = awm_error_set(AWM_EINVALID, "'%s' has changes since it was checked out at "
				   "%s; record them with 'awm commit --from-db %s', or use --force "
				   "to overwrite them", path,
				   e.has_commit ? awm_oid_short(&e.commit, 10).s : "an empty database",
				   path);
	awm_checkout_entry_release(&e);
	return rc;
}

static void remove_sidecars(const char *path)
{
	static const char *const suffixes[] = { "-journal", "-wal", "-shm" };
	size_t i;

	for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		char *p = awm_printf_alloc("%s%s", path, suffixes[i]);

		unlink(p);
		free(p);
	}
}

int awm_checkout_db(awm_checkout_result *out, awm_repo *repo, const char *path,
		    const awm_oid *commit, unsigned flags, awm_progress_cb progress,
		    void *payload)
{
	awm_buf abs = AWM_BUF_INIT, image = AWM_BUF_INIT;
	char hash[AWM_FILE_HASH_HEXSZ + 1];
	sqlite3 *db = NULL;
	const char *slash;
	int rc;

	memset(out, 0, sizeof(*out));
	/* The folder may not exist yet (db/dev.db in a fresh project). */
	if ((slash = strrchr(path, '/')) && slash != path) {
		char *dir = awm_strndup(path, (size_t)(slash - path));

		rc = awm_fs_mkdir_p(dir, 0755);
		free(dir);
		if (rc < 0)
			goto done;
	}
	if ((rc = awm_checkout_abspath(&abs, path)) < 0 ||
	    (rc = check_overwrite(repo, abs.ptr, flags)) < 0)
		goto done;
	out->replaced = awm_fs_exists(abs.ptr);
	if ((rc = awm_scratch_open_progress(&db, repo, commit, 0, progress, payload)) < 0 ||
	    (rc = awm_sqlite_serialize(&image, db)) < 0)
		goto done;
	remove_sidecars(abs.ptr);
	if ((rc = awm_fs_write_atomic(abs.ptr, image.ptr, image.size, 0644, 0)) < 0 ||
	    (rc = awm_db_file_hash(hash, abs.ptr)) < 0 ||
	    (rc = awm_checkout_record(repo, abs.ptr, commit, hash)) < 0)
		goto done;
	out->bytes = image.size;
	out->path = awm_buf_detach(&abs);
done:
	sqlite3_close(db);
	awm_buf_release(&abs);
	awm_buf_release(&image);
	return rc;
}
