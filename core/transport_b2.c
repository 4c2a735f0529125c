/*
 * The Backblaze B2 transport, on B2's native API (v3) over core/http.c:
 *
 *   b2_authorize_account      once, and again when a token expires
 *   b2_list_buckets           only for keys not restricted to the bucket
 *   b2_get_upload_url, b2_upload_file (with X-Bz-Content-Sha1)
 *   b2_download_file_by_name, b2_download_file_by_id
 *   b2_list_file_names, b2_list_file_versions, b2_delete_file_version
 *
 * Failures are handled the way Backblaze's integration checklist asks:
 * 401 expired_auth_token re-authorises; a failed upload takes a fresh
 * upload URL; 408, 429, 500 and 503 (and requests cut off on the way) are
 * retried with capped exponential backoff, honouring Retry-After; anything
 * else is reported with B2's status, code and message.  Downloads are
 * checked against the SHA-1 B2 keeps for the file.
 *
 * The key comes from B2_APPLICATION_KEY_ID / B2_APPLICATION_KEY and, like
 * the tokens B2 hands out, only ever goes into request headers.
 */
#include "core/b2_api.h"
#include "core/crypto.h"
#include "core/error.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define API AWM_B2_API
#define LIST_PAGE 10000

static void full_name(awm_buf *out, awm_b2 *b, const char *name)
{
	awm_buf_clear(out);
	awm_buf_puts(out, b->prefix);
	awm_buf_puts(out, name);
}

static int b2_list(awm_transport *t, awm_remote_files *out, const char *prefix)
{
	awm_b2 *b = (awm_b2 *)t;
	awm_buf full = AWM_BUF_INIT;
	char *start = NULL;
	size_t plen = strlen(b->prefix);
	int rc;

	if ((rc = awm_b2_ensure_authorized(b)) < 0)
		return rc;
	full_name(&full, b, prefix);
	do {
		json_t *body = json_pack("{s:s, s:s, s:i}", "bucketId", b->bucket_id,
					 "prefix", full.ptr, "maxFileCount", LIST_PAGE);
		json_t *reply = NULL, *files, *f;
		const char *next;
		size_t i;

		if (start)
			json_object_set_new(body, "startFileName", json_string(start));
		rc = awm_b2_call(&reply, b, "b2_list_file_names", body, NULL);
		json_decref(body);
		free(start);
		start = NULL;
		if (rc < 0)
			break;
		files = json_object_get(reply, "files");
		json_array_foreach(files, i, f) {
			const char *name = awm_b2_jstr(f, "fileName"), *action = awm_b2_jstr(f, "action");
			json_t *len = json_object_get(f, "contentLength");

			if (!name || (action && strcmp(action, "upload")) ||
			    strncmp(name, b->prefix, plen))
				continue;
			awm_remote_files_add(out, name + plen,
					     json_is_integer(len) ? (uint64_t)json_integer_value(len) : 0,
					     awm_b2_jstr(f, "fileId"));
		}
		next = awm_b2_jstr(reply, "nextFileName");
		if (next)
			start = awm_strdup(next);
		json_decref(reply);
	} while (start);
	awm_buf_release(&full);
	if (rc < 0) {
		awm_remote_files_release(out);
		return rc;
	}
	awm_remote_files_sort(out);
	return 0;
}

/* Compare a download with the SHA-1 B2 stored at upload time. */
static int sha1_matches(const awm_http_response *res)
{
	awm_buf want = AWM_BUF_INIT;
	char got[AWM_SHA1_HEXSZ + 1];
	const char *w;
	int ok = 1;

	if (awm_http_header(&want, res, "X-Bz-Content-Sha1") == 0 && strcmp(want.ptr, "none")) {
		w = want.ptr;
		if (!strncmp(w, "unverified:", 11))
			w += 11;
		ok = awm_sha1_hex(got, res->body.ptr, res->body.size) == 0 && !strcmp(got, w);
	}
	awm_buf_release(&want);
	return ok;
}

static int b2_get(awm_transport *t, awm_buf *out, const char *name, const char *version)
{
	awm_b2 *b = (awm_b2 *)t;
	awm_http_response res;
	awm_buf url = AWM_BUF_INIT, auth = AWM_BUF_INIT, full = AWM_BUF_INIT;
	awm_http_request req;
	const char *headers[2];
	int attempt, reauth = 0, damaged = 0, rc = 0;

	awm_http_response_init(&res);
	full_name(&full, b, name);
	b->xfer_total = 0;
	for (attempt = 1;; attempt++) {
		if ((rc = awm_b2_ensure_authorized(b)) < 0)
			goto done;
		awm_buf_clear(&url);
		if (version) {
			awm_buf_printf(&url, "%s" API "b2_download_file_by_id?fileId=",
				       b->download_url);
			awm_http_escape(&url, version, 0);
		} else {
			awm_buf_printf(&url, "%s/file/", b->download_url);
			awm_http_escape(&url, b->bucket, 0);
			awm_buf_putc(&url, '/');
			awm_http_escape(&url, full.ptr, 1);
		}
		awm_buf_clear(&auth);
		awm_buf_printf(&auth, "Authorization: %s", b->token);
		headers[0] = auth.ptr;
		headers[1] = NULL;
		memset(&req, 0, sizeof(req));
		req.method = "GET";
		req.url = url.ptr;
		req.headers = headers;
		rc = awm_b2_send(b, &res, &req);
		if (rc < 0 && res.transient && awm_b2_wait(attempt, NULL))
			continue;
		if (rc < 0)
			goto done;
		if (res.status == 200) {
			if (sha1_matches(&res))
				break;
			/* Damaged on the way: try twice more; damaged at rest: give up. */
			if (damaged++ < 2 && awm_b2_wait(attempt, NULL))
				continue;
			rc = awm_error_set(AWM_ECORRUPT, "'%s' downloaded from '%s' does not match "
					   "the SHA-1 B2 stored for it", name, t->url);
			goto done;
		}
		if (awm_b2_expired(&res) && reauth++ < 2) {
			awm_b2_forget(&b->token);
			continue;
		}
		if (awm_b2_retryable(res.status) && awm_b2_wait(attempt, &res))
			continue;
		rc = awm_b2_error(b, "download", name, &res);
		goto done;
	}
	awm_buf_clear(out);
	awm_buf_put(out, res.body.ptr, res.body.size);
done:
	explicit_bzero(auth.ptr, auth.size);
	awm_buf_release(&auth);
	awm_buf_release(&url);
	awm_buf_release(&full);
	awm_http_response_release(&res);
	return rc;
}

static int get_upload_url(awm_b2 *b)
{
	json_t *body = json_pack("{s:s}", "bucketId", b->bucket_id), *reply = NULL;
	const char *url, *tok;
	int rc = awm_b2_call(&reply, b, "b2_get_upload_url", body, NULL);

	if (rc == 0) {
		url = awm_b2_jstr(reply, "uploadUrl");
		tok = awm_b2_jstr(reply, "authorizationToken");
		if (!url || !tok)
			rc = awm_error_set(AWM_ERROR, "b2_get_upload_url on '%s': the reply lacks "
					   "the URL or its token", b->base.url);
		else if ((rc = awm_http_check_url(url, "the B2 upload URL")) == 0) {
			b->upload_url = awm_strdup(url);
			b->upload_token = awm_strdup(tok);
		}
	}
	json_decref(body);
	json_decref(reply);
	return rc;
}

static void drop_upload_url(awm_b2 *b)
{
	free(b->upload_url);
	b->upload_url = NULL;
	awm_b2_forget(&b->upload_token);
}

static int b2_put(awm_transport *t, const char *name, const void *data, size_t len)
{
	awm_b2 *b = (awm_b2 *)t;
	awm_http_response res;
	awm_buf auth = AWM_BUF_INIT, fname = AWM_BUF_INIT, sha = AWM_BUF_INIT;
	awm_buf full = AWM_BUF_INIT;
	awm_http_request req;
	char sum[AWM_SHA1_HEXSZ + 1];
	const char *headers[5];
	int attempt, rc;

	awm_http_response_init(&res);
	full_name(&full, b, name);
	if ((rc = awm_sha1_hex(sum, data, len)) < 0)
		goto done;
	awm_buf_puts(&fname, "X-Bz-File-Name: ");
	awm_http_escape(&fname, full.ptr, 1);
	awm_buf_printf(&sha, "X-Bz-Content-Sha1: %s", sum);
	b->xfer_total = len;
	for (attempt = 1;; attempt++) {
		if ((rc = awm_b2_ensure_authorized(b)) < 0 ||
		    (!b->upload_url && (rc = get_upload_url(b)) < 0))
			goto done;
		awm_buf_clear(&auth);
		awm_buf_printf(&auth, "Authorization: %s", b->upload_token);
		headers[0] = auth.ptr;
		headers[1] = fname.ptr;
		headers[2] = sha.ptr;
		headers[3] = "Content-Type: application/octet-stream";
		headers[4] = NULL;
		memset(&req, 0, sizeof(req));
		req.method = "POST";
		req.url = b->upload_url;
		req.headers = headers;
		req.body = data;
		req.body_len = len;
		rc = awm_b2_send(b, &res, &req);
		if (rc == 0 && res.status == 200)
			goto done;
		/* Any failed upload: the next attempt takes a fresh upload URL. */
		drop_upload_url(b);
		if (rc < 0 && res.transient && awm_b2_wait(attempt, NULL))
			continue;
		if (rc < 0)
			goto done;
		if (res.status == 401 && attempt < AWM_B2_MAX_ATTEMPTS)
			continue;   /* the upload token expired: a new URL brings a new one */
		if (awm_b2_retryable(res.status) && awm_b2_wait(attempt, &res))
			continue;
		rc = awm_b2_error(b, "b2_upload_file", name, &res);
		goto done;
	}
done:
	explicit_bzero(auth.ptr, auth.size);
	awm_buf_release(&auth);
	awm_buf_release(&fname);
	awm_buf_release(&sha);
	awm_buf_release(&full);
	awm_http_response_release(&res);
	return rc;
}

/* Whether a failed delete means the version is gone already. */
static int already_gone(awm_b2 *b, int rc)
{
	return rc == AWM_ENOTFOUND || !strcmp(b->last_code, "file_not_present");
}

/* Delete every stored version of `name` (B2 keeps one per upload). */
static int b2_remove(awm_transport *t, const char *name)
{
	awm_b2 *b = (awm_b2 *)t;
	awm_buf full = AWM_BUF_INIT;
	int rc, more = 1;

	if ((rc = awm_b2_ensure_authorized(b)) < 0)
		return rc;
	full_name(&full, b, name);
	while (rc == 0 && more) {
		json_t *body = json_pack("{s:s, s:s, s:s, s:i}", "bucketId", b->bucket_id,
					 "prefix", full.ptr, "startFileName", full.ptr,
					 "maxFileCount", 100);
		json_t *reply = NULL, *files, *f;
		const char *next;
		size_t i, n = 0;

		rc = awm_b2_call(&reply, b, "b2_list_file_versions", body, name);
		json_decref(body);
		if (rc < 0)
			break;
		files = json_object_get(reply, "files");
		json_array_foreach(files, i, f) {
			const char *fn = awm_b2_jstr(f, "fileName"), *id = awm_b2_jstr(f, "fileId");
			json_t *del, *dreply = NULL;

			if (!fn || !id || strcmp(fn, full.ptr))
				continue;
			del = json_pack("{s:s, s:s}", "fileName", fn, "fileId", id);
			b->last_code[0] = '\0';
			rc = awm_b2_call(&dreply, b, "b2_delete_file_version", del, name);
			json_decref(del);
			json_decref(dreply);
			if (rc < 0 && already_gone(b, rc)) {
				awm_error_clear();
				rc = 0;
			}
			if (rc < 0)
				break;
			n++;
		}
		/* Another page only when this one was all versions of our name. */
		next = awm_b2_jstr(reply, "nextFileName");
		more = rc == 0 && n > 0 && next && !strcmp(next, full.ptr);
		json_decref(reply);
	}
	awm_buf_release(&full);
	return rc;
}

static void b2_free(awm_transport *t)
{
	awm_b2 *b = (awm_b2 *)t;

	awm_http_free(b->http);
	awm_b2_forget(&b->key_id);
	awm_b2_forget(&b->key);
	awm_b2_forget(&b->token);
	awm_b2_forget(&b->upload_token);
	free(b->upload_url);
	free(b->endpoint);
	free(b->bucket);
	free(b->prefix);
	free(b->api_url);
	free(b->download_url);
	free(b->bucket_id);
	free(b->account_id);
	free(t->url);
	free(b);
}

int awm_transport_b2_new(awm_transport **out, const char *url, const char *bucket,
			 const char *prefix, const char *endpoint)
{
	const char *id = getenv("B2_APPLICATION_KEY_ID"), *key = getenv("B2_APPLICATION_KEY");
	awm_b2 *b;
	int rc;

	if ((rc = awm_http_check_url(endpoint, "the B2 endpoint")) < 0)
		return rc;
	b = awm_calloc(1, sizeof(*b));
	if ((rc = awm_http_new(&b->http)) < 0) {
		free(b);
		return rc;
	}
	b->endpoint = awm_strdup(endpoint);
	while (*b->endpoint && b->endpoint[strlen(b->endpoint) - 1] == '/')
		b->endpoint[strlen(b->endpoint) - 1] = '\0';
	b->bucket = awm_strdup(bucket);
	b->prefix = *prefix ? awm_printf_alloc("%s/", prefix) : awm_strdup("");
	b->key_id = id && *id ? awm_strdup(id) : NULL;
	b->key = key && *key ? awm_strdup(key) : NULL;
	b->base.kind = "b2";
	b->base.url = awm_strdup(url);
	b->base.list = b2_list;
	b->base.get = b2_get;
	b->base.put = b2_put;
	b->base.create_exclusive = NULL;   /* B2 has no conditional write */
	b->base.remove = b2_remove;
	b->base.free = b2_free;
	*out = &b->base;
	return 0;
}
