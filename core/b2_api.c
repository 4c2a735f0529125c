/*
 * B2's native API plumbing (see b2_api.h): authorisation, JSON calls, the
 * retry policy and B2's errors.  Backblaze's integration checklist asks
 * for exactly this: re-authorise on expired_auth_token; retry 408, 429,
 * 500 and 503 with capped exponential backoff, honouring Retry-After;
 * report anything else with B2's code and message.
 */
#include "core/b2_api.h"
#include "core/error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define API AWM_B2_API
#define MAX_ATTEMPTS AWM_B2_MAX_ATTEMPTS
#define MAX_NET_ATTEMPTS 5        /* for requests cut off on the way */
#define BACKOFF_FIRST_MS 250L
#define BACKOFF_CAP_MS 16000L
#define RETRY_AFTER_CAP_S 60L

void awm_b2_forget(char **secret)
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

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

const char *awm_b2_jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static void on_progress(uint64_t sent, uint64_t received, void *payload)
{
	awm_b2 *b = payload;

	if (b->base.progress)
		b->base.progress(sent > received ? sent : received, b->xfer_total,
				 b->base.payload);
}

/* One HTTP exchange, counted. */
int awm_b2_send(awm_b2 *b, awm_http_response *res, awm_http_request *req)
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
	const char *code = j ? awm_b2_jstr(j, "code") : NULL, *msg = j ? awm_b2_jstr(j, "message") : NULL;

	snprintf(f->code, sizeof(f->code), "%s", code ? code : "no_error_code");
	snprintf(f->message, sizeof(f->message), "%s",
		 msg ? msg : "the reply carries no B2 error message");
	json_decref(j);
}

int awm_b2_error(awm_b2 *b, const char *op, const char *name, const awm_http_response *res)
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

int awm_b2_retryable(long status)
{
	return status == 408 || status == 429 || status == 500 || status == 503;
}

/*
 * Wait before attempt `attempt` + 1: Retry-After when the server sent one,
 * else 250 ms doubling up to 16 s.  0 when no attempt is left: 8 for
 * retryable statuses, 5 when no response came (`res` NULL).
 */
int awm_b2_wait(int attempt, const awm_http_response *res)
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

int awm_b2_expired(const awm_http_response *res)
{
	b2_failure f;

	if (res->status != 401)
		return 0;
	read_failure(&f, res);
	return !strcmp(f.code, "expired_auth_token") || !strcmp(f.code, "bad_auth_token");
}

static int parse_reply(json_t **out, awm_b2 *b, const char *op, const awm_http_response *res)
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

static int find_bucket(awm_b2 *b);

static int authorize(awm_b2 *b)
{
	awm_http_response res;
	awm_buf url = AWM_BUF_INIT;
	awm_http_request req;
	json_t *j = NULL, *storage;
	const char *tok, *api, *dl, *bid, *bname;
	int attempt, rc;

	awm_b2_forget(&b->token);
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
		rc = awm_b2_send(b, &res, &req);
		if (rc < 0 && res.transient && awm_b2_wait(attempt, NULL))
			continue;
		if (rc < 0)
			goto done;
		if (res.status == 200)
			break;
		if (awm_b2_retryable(res.status) && awm_b2_wait(attempt, &res))
			continue;
		rc = awm_b2_error(b, "b2_authorize_account", NULL, &res);
		if (res.status == 401)
			awm_error_prefix("B2 refused the key in B2_APPLICATION_KEY_ID and "
					 "B2_APPLICATION_KEY");
		goto done;
	}
	if ((rc = parse_reply(&j, b, "b2_authorize_account", &res)) < 0)
		goto done;
	storage = json_object_get(json_object_get(j, "apiInfo"), "storageApi");
	tok = awm_b2_jstr(j, "authorizationToken");
	api = awm_b2_jstr(storage, "apiUrl");
	dl = awm_b2_jstr(storage, "downloadUrl");
	bid = awm_b2_jstr(storage, "bucketId");
	bname = awm_b2_jstr(storage, "bucketName");
	if (!tok || !api || !dl || !awm_b2_jstr(j, "accountId")) {
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
	b->account_id = awm_strdup(awm_b2_jstr(j, "accountId"));
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
int awm_b2_call(json_t **out, awm_b2 *b, const char *op, json_t *body, const char *name)
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
		rc = awm_b2_send(b, &res, &req);
		if (rc < 0 && res.transient && awm_b2_wait(attempt, NULL))
			continue;
		if (rc < 0)
			goto done;
		if (res.status == 200) {
			rc = parse_reply(out, b, op, &res);
			goto done;
		}
		if (awm_b2_expired(&res) && reauth++ < 2) {
			awm_b2_forget(&b->token);
			continue;
		}
		if (awm_b2_retryable(res.status) && awm_b2_wait(attempt, &res))
			continue;
		rc = awm_b2_error(b, op, name, &res);
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
static int find_bucket(awm_b2 *b)
{
	json_t *body = json_pack("{s:s, s:s}", "accountId", b->account_id,
				 "bucketName", b->bucket);
	json_t *reply = NULL, *buckets;
	const char *id;
	int rc = awm_b2_call(&reply, b, "b2_list_buckets", body, NULL);

	if (rc == 0) {
		buckets = json_object_get(reply, "buckets");
		id = awm_b2_jstr(json_array_get(buckets, 0), "bucketId");
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

int awm_b2_ensure_authorized(awm_b2 *b)
{
	return b->token && b->bucket_id ? 0 : authorize(b);
}
