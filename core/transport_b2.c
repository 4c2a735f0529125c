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
#include "core/transport.h"
#include "core/crypto.h"
#include "core/error.h"
#include "core/http.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define API "/b2api/v3/"
#define MAX_ATTEMPTS 8            /* for 408, 429, 500, 503 */
#define MAX_NET_ATTEMPTS 5        /* for requests cut off on the way */
#define BACKOFF_FIRST_MS 250L
#define BACKOFF_CAP_MS 16000L
#define RETRY_AFTER_CAP_S 60L
#define LIST_PAGE 10000

typedef struct b2 {
	awm_transport base;
	awm_http *http;
	char *endpoint, *bucket;
	char *prefix;                    /* "" or "<prefix>/" */
	char *key_id, *key;              /* secrets */
	char *token;                     /* secret; NULL until authorised */
	char *api_url, *download_url, *bucket_id, *account_id;
	char *upload_url, *upload_token; /* upload_token is a secret */
	uint64_t xfer_total;             /* size of the transfer in progress */
	char last_code[64];              /* B2's code in the last error reply */
} b2;

static void forget(char **secret)
{
	if (*secret) {
		explicit_bzero(*secret, strlen(*secret));
		free(*secret);
		*secret = NULL;
	}
}

static void nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0)
		;
}

static const char *jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static void on_progress(uint64_t sent, uint64_t received, void *payload)
{
	b2 *b = payload;

	if (b->base.progress)
		b->base.progress(sent > received ? sent : received, b->xfer_total,
				 b->base.payload);
}

/* One HTTP exchange, counted. */
static int send_once(b2 *b, awm_http_response *res, awm_http_request *req)
{
	int rc;

	req->progress = on_progress;
	req->payload = b;
	rc = awm_http_perform(res, b->http, req);
	b->base.stats.requests++;
	b->base.stats.bytes_sent += res->bytes_sent;
	b->base.stats.bytes_received += res->bytes_received;
	return rc;
}

/* B2's error reply {status, code, message}, or what we can say without one. */
typedef struct b2_failure {
	char code[64];
	char message[512];
} b2_failure;

static void read_failure(b2_failure *f, const awm_http_response *res)
{
	json_t *j = json_loadb(res->body.ptr, res->body.size, 0, NULL);
	const char *code = j ? jstr(j, "code") : NULL, *msg = j ? jstr(j, "message") : NULL;

	snprintf(f->code, sizeof(f->code), "%s", code ? code : "no_error_code");
	snprintf(f->message, sizeof(f->message), "%s",
		 msg ? msg : "the reply carries no B2 error message");
	json_decref(j);
}

static int b2_error(b2 *b, const char *op, const char *name, const awm_http_response *res)
{
	b2_failure f;
	int code = res->status == 404 ? AWM_ENOTFOUND : AWM_ERROR;

	read_failure(&f, res);
	snprintf(b->last_code, sizeof(b->last_code), "%s", f.code);
	if (name)
		return awm_error_set(code, "%s of '%s' on '%s' failed: %ld %s: %s", op, name,
				     b->base.url, res->status, f.code, f.message);
	return awm_error_set(code, "%s on '%s' failed: %ld %s: %s", op, b->base.url,
			     res->status, f.code, f.message);
}

static int retryable_status(long status)
{
	return status == 408 || status == 429 || status == 500 || status == 503;
}

/*
 * Wait before attempt `attempt` + 1: Retry-After when the server sent one,
 * else 250 ms doubling up to 16 s.  0 when no attempt is left: 8 for
 * retryable statuses, 5 when no response came (`res` NULL).
 */
static int wait_to_retry(int attempt, const awm_http_response *res)
{
	awm_buf v = AWM_BUF_INIT;
	long ms = BACKOFF_FIRST_MS << (attempt - 1 < 6 ? attempt - 1 : 6);

	/* No status: the network failed us; give up sooner than on a 503. */
	if (attempt >= (res ? MAX_ATTEMPTS : MAX_NET_ATTEMPTS))
		return 0;
	if (ms > BACKOFF_CAP_MS)
		ms = BACKOFF_CAP_MS;
	if (res && awm_http_header(&v, res, "Retry-After") == 0) {
		char *end;
		long s = strtol(v.ptr, &end, 10);

		if (end != v.ptr && !*end && s >= 0)
			ms = (s > RETRY_AFTER_CAP_S ? RETRY_AFTER_CAP_S : s) * 1000L;
	}
	awm_buf_release(&v);
	nap_ms(ms);
	return 1;
}

static int expired_token(const awm_http_response *res)
{
	b2_failure f;

	if (res->status != 401)
		return 0;
	read_failure(&f, res);
	return !strcmp(f.code, "expired_auth_token") || !strcmp(f.code, "bad_auth_token");
}

static int parse_reply(json_t **out, b2 *b, const char *op, const awm_http_response *res)
{
	json_error_t err;

	if (!(*out = json_loadb(res->body.ptr, res->body.size, 0, &err)) || !json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		return awm_error_set(AWM_ERROR, "%s on '%s': unreadable reply: %s", op,
				     b->base.url, err.text);
	}
	return 0;
}

static int find_bucket(b2 *b);

static int authorize(b2 *b)
{
	awm_http_response res;
	awm_buf url = AWM_BUF_INIT;
	awm_http_request req;
	json_t *j = NULL, *storage;
	const char *tok, *api, *dl, *bid, *bname;
	int attempt, rc;

	forget(&b->token);
	if (!b->key_id || !b->key)
		return awm_error_set(AWM_EINVALID, "set B2_APPLICATION_KEY_ID and "
				     "B2_APPLICATION_KEY in the environment to use '%s'",
				     b->base.url);
	awm_http_response_init(&res);
	awm_buf_printf(&url, "%s" API "b2_authorize_account", b->endpoint);
	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.url = url.ptr;
	req.user = b->key_id;
	req.password = b->key;
	for (attempt = 1;; attempt++) {
		rc = send_once(b, &res, &req);
		if (rc < 0 && res.transient && wait_to_retry(attempt, NULL))
			continue;
		if (rc < 0)
			goto done;
		if (res.status == 200)
			break;
		if (retryable_status(res.status) && wait_to_retry(attempt, &res))
			continue;
		rc = b2_error(b, "b2_authorize_account", NULL, &res);
		if (res.status == 401)
			awm_error_prefix("B2 refused the key in B2_APPLICATION_KEY_ID and "
					 "B2_APPLICATION_KEY");
		goto done;
	}
	if ((rc = parse_reply(&j, b, "b2_authorize_account", &res)) < 0)
		goto done;
	storage = json_object_get(json_object_get(j, "apiInfo"), "storageApi");
	tok = jstr(j, "authorizationToken");
	api = jstr(storage, "apiUrl");
	dl = jstr(storage, "downloadUrl");
	bid = jstr(storage, "bucketId");
	bname = jstr(storage, "bucketName");
	if (!tok || !api || !dl || !jstr(j, "accountId")) {
		rc = awm_error_set(AWM_ERROR, "b2_authorize_account on '%s': the reply lacks "
				   "the token or the API URLs", b->base.url);
		goto done;
	}
	if ((rc = awm_http_check_url(api, "the B2 API URL")) < 0 ||
	    (rc = awm_http_check_url(dl, "the B2 download URL")) < 0)
		goto done;
	if (bname && strcmp(bname, b->bucket)) {
		rc = awm_error_set(AWM_EINVALID, "the B2 key is restricted to bucket '%s', "
				   "not '%s'", bname, b->bucket);
		goto done;
	}
	b->token = awm_strdup(tok);
	free(b->api_url);
	free(b->download_url);
	free(b->account_id);
	b->api_url = awm_strdup(api);
	b->download_url = awm_strdup(dl);
	b->account_id = awm_strdup(jstr(j, "accountId"));
	if (bid) {
		free(b->bucket_id);
		b->bucket_id = awm_strdup(bid);
	} else if (!b->bucket_id) {
		rc = find_bucket(b);
	}
done:
	json_decref(j);
	awm_buf_release(&url);
	awm_http_response_release(&res);
	return rc;
}

/*
 * POST one API call with a JSON body and parse the reply.  Re-authorises
 * on an expired token, retries what may pass later, and sets B2's own
 * error otherwise.  `name` (may be NULL) is the file concerned, for messages.
 */
static int api_call(json_t **out, b2 *b, const char *op, json_t *body, const char *name)
{
	awm_http_response res;
	awm_buf url = AWM_BUF_INIT, auth = AWM_BUF_INIT;
	awm_http_request req;
	const char *headers[3];
	char *text = json_dumps(body, JSON_COMPACT);
	int attempt, reauth = 0, rc = 0;

	*out = NULL;
	awm_http_response_init(&res);
	for (attempt = 1;; attempt++) {
		if (!b->token && (rc = authorize(b)) < 0)
			goto done;
		awm_buf_clear(&url);
		awm_buf_printf(&url, "%s" API "%s", b->api_url, op);
		awm_buf_clear(&auth);
		awm_buf_printf(&auth, "Authorization: %s", b->token);
		headers[0] = auth.ptr;
		headers[1] = "Content-Type: application/json";
		headers[2] = NULL;
		memset(&req, 0, sizeof(req));
		req.method = "POST";
		req.url = url.ptr;
		req.headers = headers;
		req.body = text;
		req.body_len = strlen(text);
		rc = send_once(b, &res, &req);
		if (rc < 0 && res.transient && wait_to_retry(attempt, NULL))
			continue;
		if (rc < 0)
			goto done;
		if (res.status == 200) {
			rc = parse_reply(out, b, op, &res);
			goto done;
		}
		if (expired_token(&res) && reauth++ < 2) {
			forget(&b->token);
			continue;
		}
		if (retryable_status(res.status) && wait_to_retry(attempt, &res))
			continue;
		rc = b2_error(b, op, name, &res);
		goto done;
	}
done:
	explicit_bzero(auth.ptr, auth.size);
	awm_buf_release(&auth);
	awm_buf_release(&url);
	awm_http_response_release(&res);
	free(text);
	return rc;
}

/* For a key that may see every bucket: look the bucket's id up by name. */
static int find_bucket(b2 *b)
{
	json_t *body = json_pack("{s:s, s:s}", "accountId", b->account_id,
				 "bucketName", b->bucket);
	json_t *reply = NULL, *buckets;
	const char *id;
	int rc = api_call(&reply, b, "b2_list_buckets", body, NULL);

	if (rc == 0) {
		buckets = json_object_get(reply, "buckets");
		id = jstr(json_array_get(buckets, 0), "bucketId");
		if (id)
			b->bucket_id = awm_strdup(id);
		else
			rc = awm_error_set(AWM_ENOTFOUND, "B2 bucket '%s' does not exist, or the "
					   "key cannot see it", b->bucket);
	}
	json_decref(body);
	json_decref(reply);
	return rc;
}

static int ensure_authorized(b2 *b)
{
	return b->token && b->bucket_id ? 0 : authorize(b);
}

static void full_name(awm_buf *out, b2 *b, const char *name)
{
	awm_buf_clear(out);
	awm_buf_puts(out, b->prefix);
	awm_buf_puts(out, name);
}

static int b2_list(awm_transport *t, awm_remote_files *out, const char *prefix)
{
	b2 *b = (b2 *)t;
	awm_buf full = AWM_BUF_INIT;
	char *start = NULL;
	size_t plen = strlen(b->prefix);
	int rc;

	if ((rc = ensure_authorized(b)) < 0)
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
		rc = api_call(&reply, b, "b2_list_file_names", body, NULL);
		json_decref(body);
		free(start);
		start = NULL;
		if (rc < 0)
			break;
		files = json_object_get(reply, "files");
		json_array_foreach(files, i, f) {
			const char *name = jstr(f, "fileName"), *action = jstr(f, "action");
			json_t *len = json_object_get(f, "contentLength");

			if (!name || (action && strcmp(action, "upload")) ||
			    strncmp(name, b->prefix, plen))
				continue;
			awm_remote_files_add(out, name + plen,
					     json_is_integer(len) ? (uint64_t)json_integer_value(len) : 0,
					     jstr(f, "fileId"));
		}
		next = jstr(reply, "nextFileName");
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
	b2 *b = (b2 *)t;
	awm_http_response res;
	awm_buf url = AWM_BUF_INIT, auth = AWM_BUF_INIT, full = AWM_BUF_INIT;
	awm_http_request req;
	const char *headers[2];
	int attempt, reauth = 0, damaged = 0, rc = 0;

	awm_http_response_init(&res);
	full_name(&full, b, name);
	b->xfer_total = 0;
	for (attempt = 1;; attempt++) {
		if ((rc = ensure_authorized(b)) < 0)
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
		rc = send_once(b, &res, &req);
		if (rc < 0 && res.transient && wait_to_retry(attempt, NULL))
			continue;
		if (rc < 0)
			goto done;
		if (res.status == 200) {
			if (sha1_matches(&res))
				break;
			/* Damaged on the way: try twice more; damaged at rest: give up. */
			if (damaged++ < 2 && wait_to_retry(attempt, NULL))
				continue;
			rc = awm_error_set(AWM_ECORRUPT, "'%s' downloaded from '%s' does not match "
					   "the SHA-1 B2 stored for it", name, t->url);
			goto done;
		}
		if (expired_token(&res) && reauth++ < 2) {
			forget(&b->token);
			continue;
		}
		if (retryable_status(res.status) && wait_to_retry(attempt, &res))
			continue;
		rc = b2_error(b, "download", name, &res);
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

static int get_upload_url(b2 *b)
{
	json_t *body = json_pack("{s:s}", "bucketId", b->bucket_id), *reply = NULL;
	const char *url, *tok;
	int rc = api_call(&reply, b, "b2_get_upload_url", body, NULL);

	if (rc == 0) {
		url = jstr(reply, "uploadUrl");
		tok = jstr(reply, "authorizationToken");
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

static void drop_upload_url(b2 *b)
{
	free(b->upload_url);
	b->upload_url = NULL;
	forget(&b->upload_token);
}

static int b2_put(awm_transport *t, const char *name, const void *data, size_t len)
{
	b2 *b = (b2 *)t;
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
		if ((rc = ensure_authorized(b)) < 0 ||
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
		rc = send_once(b, &res, &req);
		if (rc == 0 && res.status == 200)
			goto done;
		/* Any failed upload: the next attempt takes a fresh upload URL. */
		drop_upload_url(b);
		if (rc < 0 && res.transient && wait_to_retry(attempt, NULL))
			continue;
		if (rc < 0)
			goto done;
		if (res.status == 401 && attempt < MAX_ATTEMPTS)
			continue;   /* the upload token expired: a new URL brings a new one */
		if (retryable_status(res.status) && wait_to_retry(attempt, &res))
			continue;
		rc = b2_error(b, "b2_upload_file", name, &res);
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
static int already_gone(b2 *b, int rc)
{
	return rc == AWM_ENOTFOUND || !strcmp(b->last_code, "file_not_present");
}

/* Delete every stored version of `name` (B2 keeps one per upload). */
static int b2_remove(awm_transport *t, const char *name)
{
	b2 *b = (b2 *)t;
	awm_buf full = AWM_BUF_INIT;
	int rc, more = 1;

	if ((rc = ensure_authorized(b)) < 0)
		return rc;
	full_name(&full, b, name);
	while (rc == 0 && more) {
		json_t *body = json_pack("{s:s, s:s, s:s, s:i}", "bucketId", b->bucket_id,
					 "prefix", full.ptr, "startFileName", full.ptr,
					 "maxFileCount", 100);
		json_t *reply = NULL, *files, *f;
		const char *next;
		size_t i, n = 0;

		rc = api_call(&reply, b, "b2_list_file_versions", body, name);
		json_decref(body);
		if (rc < 0)
			break;
		files = json_object_get(reply, "files");
		json_array_foreach(files, i, f) {
			const char *fn = jstr(f, "fileName"), *id = jstr(f, "fileId");
			json_t *del, *dreply = NULL;

			if (!fn || !id || strcmp(fn, full.ptr))
				continue;
			del = json_pack("{s:s, s:s}", "fileName", fn, "fileId", id);
			b->last_code[0] = '\0';
			rc = api_call(&dreply, b, "b2_delete_file_version", del, name);
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
		next = jstr(reply, "nextFileName");
		more = rc == 0 && n > 0 && next && !strcmp(next, full.ptr);
		json_decref(reply);
	}
	awm_buf_release(&full);
	return rc;
}

static void b2_free(awm_transport *t)
{
	b2 *b = (b2 *)t;

	awm_http_free(b->http);
	forget(&b->key_id);
	forget(&b->key);
	forget(&b->token);
	forget(&b->upload_token);
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
	b2 *b;
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
