/*
 * The Appwrite engine's lock (see engine.h for the contract): a document
 * of awm_locks whose id is the lock's name ("schema-migrate").
 *
 * Creating a document with a given id is atomic in Appwrite (a second
 * create is 409 document_already_exists), so of two runs taking a free
 * lock exactly one wins.  Taking over an expired lock, renewing it and
 * releasing it are conditional writes: X-Appwrite-Timestamp carries the
 * $updatedAt that was read, and a document changed since is 409
 * document_update_conflict, so again only one run gets there.
 */
#include "core/engine_appwrite.h"
#include "core/error.h"

#include <stdlib.h>
#include <string.h>

typedef struct lock_doc {
	awm_lock_info info;
	char *updated_at;        /* $updatedAt, for conditional writes */
} lock_doc;

static void lock_doc_release(lock_doc *l)
{
	awm_lock_info_release(&l->info);
	free(l->updated_at);
	l->updated_at = NULL;
}

static void lock_path(awm_buf *out, aw_engine *e, const char *id)
{
	awm_aw_coll_path(out, e, AWM_APPWRITE_LOCKS, "/documents/");
	awm_buf_puts(out, id);
}

static int read_lock(lock_doc *out, aw_engine *e, const char *id)
{
	awm_buf path = AWM_BUF_INIT, now = AWM_BUF_INIT;
	json_t *doc = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!e->has_tables)
		return 0;
	lock_path(&path, e, id);
	rc = awm_appwrite_call(&doc, e->a, "GET", path.ptr, NULL, NULL, "reading the lock");
	if (rc == AWM_ENOTFOUND) {
		awm_error_clear();
		rc = 0;
	} else if (rc == 0) {
		const char *owner = awm_appwrite_jstr(doc, "owner");
		const char *acq = awm_appwrite_jstr(doc, "acquired_at");
		const char *exp = awm_appwrite_jstr(doc, "expires_at");
		const char *upd = awm_appwrite_jstr(doc, "$updatedAt");

		out->info.held = 1;
		out->info.id = awm_strdup(id);
		out->info.owner = awm_strdup(owner ? owner : "");
		out->info.acquired_at = awm_strdup(acq ? acq : "");
		out->info.expires_at = awm_strdup(exp ? exp : "");
		out->updated_at = awm_strdup(upd ? upd : "");
		/* The fixed-width ISO form sorts as time does. */
		awm_engine_format_time(&now, awm_engine_now_ms());
		out->info.expired = strcmp(out->info.expires_at, now.ptr) <= 0;
	}
	json_decref(doc);
	awm_buf_release(&path);
	awm_buf_release(&now);
	return rc;
}

int awm_aw_lock_read(awm_lock_info *out, awm_engine *base, const char *id)
{
	lock_doc l;
	int rc = read_lock(&l, (aw_engine *)base, id);

	*out = l.info;
	free(l.updated_at);
	return rc;
}

static int locked_by(const awm_lock_info *l, const awm_lock_request *req, const char *url)
{
	if (awm_engine_same_identity(l->owner, req->owner))
		return awm_error_set(AWM_ELOCKED, "database '%s' is locked by %s until %s; if that "
				     "run of yours is gone, take the lock over with --force", url,
				     l->owner, l->expires_at);
	return awm_error_set(AWM_ELOCKED, "database '%s' is locked by %s until %s; wait for it "
			     "to finish or expire", url, l->owner, l->expires_at);
}

static int may_take(const awm_lock_info *cur, const awm_lock_request *req)
{
	return !cur->held || cur->expired || !strcmp(cur->owner, req->owner) ||
	       ((req->force || req->same_identity) &&
		awm_engine_same_identity(cur->owner, req->owner));
}

/* A conditional write of the lock document: it must not have changed since `since`. */
static int lock_write(aw_engine *e, const char *method, const char *id, const char *since,
		      json_t *data, const char *what)
{
	awm_buf path = AWM_BUF_INIT, cond = AWM_BUF_INIT;
	const char *headers[2] = { NULL, NULL };
	json_t *body = data ? json_pack("{s:O}", "data", data) : NULL;
	int rc;

	lock_path(&path, e, id);
	awm_buf_printf(&cond, "X-Appwrite-Timestamp: %s", since);
	headers[0] = cond.ptr;
	rc = awm_appwrite_call(NULL, e->a, method, path.ptr, body, headers, what);
	json_decref(body);
	awm_buf_release(&path);
	awm_buf_release(&cond);
	return rc;
}

int awm_aw_lock(awm_lock_info *holder, awm_engine *base, const awm_lock_request *req)
{
	aw_engine *e = (aw_engine *)base;
	awm_buf now = AWM_BUF_INIT, until = AWM_BUF_INIT, path = AWM_BUF_INIT;
	int64_t ms = awm_engine_now_ms();
	json_t *data, *body;
	lock_doc cur;
	int rc, attempt;

	memset(&cur, 0, sizeof(cur));
	awm_engine_format_time(&now, ms);
	awm_engine_format_time(&until, ms + req->ttl_ms);
	data = json_pack("{s:s, s:s, s:s}", "owner", req->owner, "acquired_at", now.ptr,
			 "expires_at", until.ptr);
	awm_aw_coll_path(&path, e, AWM_APPWRITE_LOCKS, "/documents");
	for (attempt = 0; attempt < 5; attempt++) {
		/* A free lock: the create decides, atomically. */
		body = json_pack("{s:s, s:O}", "documentId", req->id, "data", data);
		rc = awm_appwrite_call(NULL, e->a, "POST", path.ptr, body, NULL, "taking the lock");
		json_decref(body);
		if (rc != AWM_EEXISTS)
			break;
		awm_error_clear();
		lock_doc_release(&cur);
		if ((rc = read_lock(&cur, e, req->id)) < 0)
			break;
		if (!cur.info.held)
			continue;   /* released meanwhile: try to create it again */
		if (!may_take(&cur.info, req)) {
			rc = locked_by(&cur.info, req, e->a->shown);
			break;
		}
		/* Expired, ours, or ours to take over: only if nobody wrote it since. */
		rc = lock_write(e, "PATCH", req->id, cur.updated_at, data, "taking over the lock");
		if (rc == AWM_ECONFLICT || rc == AWM_ENOTFOUND) {
			awm_error_clear();
			lock_doc_release(&cur);
			if ((rc = read_lock(&cur, e, req->id)) < 0)
				break;
			if (cur.info.held && strcmp(cur.info.owner, req->owner)) {
				rc = locked_by(&cur.info, req, e->a->shown);
				break;
			}
			continue;
		}
		break;
	}
	if (rc == 0) {
		holder->held = 1;
		holder->id = awm_strdup(req->id);
		holder->owner = awm_strdup(req->owner);
		holder->acquired_at = awm_buf_detach(&now);
		holder->expires_at = awm_buf_detach(&until);
		e->renewed_ms = ms;
	} else if (rc == AWM_ELOCKED) {
		*holder = cur.info;
		memset(&cur.info, 0, sizeof(cur.info));
	}
	lock_doc_release(&cur);
	json_decref(data);
	awm_buf_release(&now);
	awm_buf_release(&until);
	awm_buf_release(&path);
	return rc;
}

int awm_aw_check_lock(aw_engine *e, const awm_lock_request *req, int renew)
{
	awm_buf until = AWM_BUF_INIT;
	lock_doc cur;
	json_t *data;
	int rc;

	if (!req)
		return 0;
	if ((rc = read_lock(&cur, e, req->id)) < 0)
		return rc;
	if (!cur.info.held || strcmp(cur.info.owner, req->owner)) {
		rc = awm_error_set(AWM_ELOCKED, "this run lost its lock on '%s'%s%s after it "
				   "expired; stopped", e->a->shown, cur.info.held ? " to " : "",
				   cur.info.held ? cur.info.owner : "");
		goto done;
	}
	if (!renew)
		goto done;
	e->renewed_ms = awm_engine_now_ms();
	awm_engine_format_time(&until, e->renewed_ms + req->ttl_ms);
	data = json_pack("{s:s}", "expires_at", until.ptr);
	rc = lock_write(e, "PATCH", req->id, cur.updated_at, data, "renewing the lock");
	json_decref(data);
	if (rc == AWM_ECONFLICT || rc == AWM_ENOTFOUND)
		rc = awm_error_set(AWM_ELOCKED, "this run lost its lock on '%s' while renewing "
				   "it; stopped", e->a->shown);
done:
	lock_doc_release(&cur);
	awm_buf_release(&until);
	return rc;
}

int awm_aw_drop_lock(aw_engine *e, const awm_lock_request *req)
{
	lock_doc cur;
	int rc;

	if (!req)
		return 0;
	if ((rc = read_lock(&cur, e, req->id)) < 0)
		return rc;
	if (cur.info.held && !strcmp(cur.info.owner, req->owner)) {
		rc = lock_write(e, "DELETE", req->id, cur.updated_at, NULL, "releasing the lock");
		if (rc == AWM_ENOTFOUND) {
			awm_error_clear();
			rc = 0;
		}
	}
	lock_doc_release(&cur);
	return rc;
}

int awm_aw_unlock(awm_engine *base, const awm_lock_request *req)
{
	aw_engine *e = (aw_engine *)base;
	lock_doc cur;
	int rc;

	if ((rc = read_lock(&cur, e, req->id)) < 0 || !cur.info.held)
		goto done;
	if (strcmp(cur.info.owner, req->owner) && !req->force &&
	    !(req->same_identity && awm_engine_same_identity(cur.info.owner, req->owner))) {
		rc = awm_error_set(AWM_ELOCKED, "database '%s' is locked by %s until %s, not by "
				   "you; leave it to them, or break it with --force", e->a->shown,
				   cur.info.owner, cur.info.expires_at);
		goto done;
	}
	rc = lock_write(e, "DELETE", req->id, cur.updated_at, NULL, "releasing the lock");
	if (rc == AWM_ENOTFOUND) {
		awm_error_clear();
		rc = 0;
	} else if (rc == AWM_ECONFLICT) {
		rc = awm_error_set(AWM_ELOCKED, "the lock on '%s' changed hands while it was being "
				   "released; look again with 'awm status --env'", e->a->shown);
	}
done:
	lock_doc_release(&cur);
	return rc;
}

