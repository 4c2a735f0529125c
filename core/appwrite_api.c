/*
 * The Appwrite REST client (see appwrite_api.h): URLs, the key, calls,
 * Appwrite's errors and the retry policy.
 */
#include "core/appwrite_api.h"
#include "core/error.h"
#include "core/url.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define MAX_ATTEMPTS 6
#define BACKOFF_FIRST_MS 100L
#define BACKOFF_CAP_MS 2000L

int awm_appwrite_id_ok(const char *id)
{
	size_t n = strlen(id), i;

	if (!n || n > AWM_APPWRITE_ID_MAX || id[0] == '.' || id[0] == '-' || id[0] == '_')
		return 0;
	for (i = 0; i < n; i++) {
		char c = id[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

int awm_appwrite_is_url(const char *url)
{
	return !strncmp(url, "appwrite://", 11) || !strncmp(url, "appwrite+http://", 16);
}

void awm_appwrite_url_release(awm_appwrite_url *u)
{
	free(u->host);
	free(u->project);
	free(u->database);
	memset(u, 0, sizeof(*u));
}

/* Messages show the URL without any key pasted into it (see url.h). */
static int bad_url(const char *url, const char *why)
{
	awm_buf shown = AWM_BUF_INIT;
	int rc;

	awm_url_redact(&shown, url);
	rc = awm_error_set(AWM_EINVALID, "'%s' is not an Appwrite URL: %s; write "
			   "appwrite://<host>[:port]/<projectId>/<databaseId>", shown.ptr, why);
	awm_buf_release(&shown);
	return rc;
}

/* The port of "host:port" or "[v6]:port", when there is one, is 1 to 65535. */
static int check_port(const char *url, const char *host)
{
	const char *colon = host[0] == '[' ? strstr(host, "]:") : strrchr(host, ':');
	const char *port, *p;
	long n = 0;

	if (!colon)
		return 0;
	port = colon + (host[0] == '[' ? 2 : 1);
	for (p = port; *p >= '0' && *p <= '9' && n <= 65535; p++)
		n = n * 10 + (*p - '0');
	if (*p || p == port || n < 1 || n > 65535) {
		awm_buf why = AWM_BUF_INIT;
		int rc;

		awm_buf_printf(&why, "the port '%s' is not a number from 1 to 65535", port);
		rc = bad_url(url, why.ptr);
		awm_buf_release(&why);
		return rc;
	}
	return 0;
}

int awm_appwrite_url_parse(awm_appwrite_url *out, const char *url)
{
	const char *p, *s1, *s2;
	char *api;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!strncmp(url, "appwrite://", 11)) {
		p = url + 11;
	} else if (!strncmp(url, "appwrite+http://", 16)) {
		p = url + 16;
		out->plain_http = 1;
	} else {
		return bad_url(url, "it must start with appwrite://");
	}
	/* No '@' belongs in one: the ids cannot hold it, so it is a key or a user. */
	if (strchr(p, '@')) {
		awm_buf shown = AWM_BUF_INIT;

		awm_url_redact(&shown, url);
		rc = awm_error_set(AWM_EINVALID, "'%s' holds credentials, which awm does not take "
				   "in a URL; remove them and set APPWRITE_API_KEY in the "
				   "environment", shown.ptr);
		awm_buf_release(&shown);
		return rc;
	}
	s1 = strchr(p, '/');
	if (!s1 || s1 == p)
		return bad_url(url, "it names no host");
	s2 = strchr(s1 + 1, '/');
	if (!s2 || s2 == s1 + 1 || !s2[1] || strchr(s2 + 1, '/'))
		return bad_url(url, "it must name a project and a database, and nothing more");
	out->host = awm_strndup(p, (size_t)(s1 - p));
	out->project = awm_strndup(s1 + 1, (size_t)(s2 - s1 - 1));
	out->database = awm_strdup(s2 + 1);
	if (strpbrk(out->host, "@?#") || !awm_appwrite_id_ok(out->project) ||
	    !awm_appwrite_id_ok(out->database)) {
		awm_appwrite_url_release(out);
		return bad_url(url, "the project and database ids must be Appwrite ids (up to 36 "
			       "letters, digits, '.', '-' or '_')");
	}
	if ((rc = check_port(url, out->host)) < 0) {
		awm_appwrite_url_release(out);
		return rc;
	}
	/* As https first, so that only the scheme's own rule blames the scheme. */
	api = awm_printf_alloc("https://%s/v1", out->host);
	if ((rc = awm_http_check_url(api, "the Appwrite endpoint")) < 0)
		awm_error_prefix("'%s' is not an Appwrite URL", url);   /* it holds no '@' */
	free(api);
	if (rc == 0 && out->plain_http) {
		api = awm_printf_alloc("http://%s/v1", out->host);
		if (awm_http_check_url(api, "the Appwrite endpoint") < 0)
			rc = bad_url(url, "appwrite+http:// (plain http) is for tests against this "
				     "machine only (127.0.0.1, [::1] or localhost); use appwrite://");
		free(api);
	}
	if (rc < 0)
		awm_appwrite_url_release(out);
	return rc;
}

void awm_appwrite_forget(char **secret)
{
	if (*secret) {
		explicit_bzero(*secret, strlen(*secret));
		free(*secret);
		*secret = NULL;
	}
}

int awm_appwrite_new(awm_appwrite **out, const char *url)
{
	const char *key = getenv("APPWRITE_API_KEY");
	awm_appwrite_url u;
	awm_appwrite *a = NULL;
	awm_buf api = AWM_BUF_INIT;
	int rc;

	if ((rc = awm_appwrite_url_parse(&u, url)) < 0)
		return rc;
	awm_buf_printf(&api, "%s://%s/v1", u.plain_http ? "http" : "https", u.host);
	if (!key || !*key) {
		rc = awm_error_set(AWM_EINVALID, "no Appwrite key for '%s': set APPWRITE_API_KEY "
				   "to an API key of project '%s'", url, u.project);
		goto done;
	}
	a = awm_calloc(1, sizeof(*a));
	if ((rc = awm_http_new(&a->http)) < 0) {
		free(a);
		a = NULL;
		goto done;
	}
	a->api = awm_buf_detach(&api);
	a->shown = awm_strdup(url);
	a->project = awm_strdup(u.project);
	a->database = awm_strdup(u.database);
	a->key = awm_strdup(key);
	*out = a;
done:
	awm_buf_release(&api);
	awm_appwrite_url_release(&u);
	return rc;
}

void awm_appwrite_free(awm_appwrite *a)
{
	if (!a)
		return;
	awm_http_free(a->http);
	awm_appwrite_forget(&a->key);
	free(a->api);
	free(a->shown);
	free(a->project);
	free(a->database);
	free(a);
}

const char *awm_appwrite_jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

int awm_appwrite_last_is(const awm_appwrite *a, const char *type)
{
	return !strcmp(a->last_type, type);
}

void awm_appwrite_escape(awm_buf *out, const char *s)
{
	awm_http_escape(out, s, 0);
}

json_t *awm_appwrite_query(const char *method, const char *attribute, json_t *values)
{
	json_t *q = json_object();

	json_object_set_new(q, "method", json_string(method));
	if (attribute)
		json_object_set_new(q, "attribute", json_string(attribute));
	if (values)
		json_object_set_new(q, "values", values);
	return q;
}

void awm_appwrite_query_path(awm_buf *out, const char *path, json_t *queries)
{
	size_t i;
	json_t *q;

	awm_buf_clear(out);
	awm_buf_puts(out, path);
	json_array_foreach(queries, i, q) {
		char *text = json_dumps(q, JSON_COMPACT);

		awm_buf_puts(out, i ? "&queries%5B%5D=" : "?queries%5B%5D=");
		awm_http_escape(out, text, 0);
		free(text);
	}
	json_decref(queries);
}

static void nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);   /* a signal cuts it short; the caller checks the flag */
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * The version a conditional write carries was read at or before the last
 * answer; two milliseconds later, anything written since has a later
 * $updatedAt than it, on the server's clock too.
 */
static void space_conditional(awm_appwrite *a, const char *const *extra)
{
	size_t i;
	int64_t gap;

	for (i = 0; extra && extra[i]; i++)
		if (!strncasecmp(extra[i], "X-Appwrite-Timestamp:", 21) &&
		    (gap = mono_ms() - a->answered_ms) < 3)
			nap_ms((long)(3 - gap));
}

static int retryable(long status)
{
	return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

static void on_progress(uint64_t sent, uint64_t received, void *payload)
{
	awm_appwrite *a = payload;

	(void)received;
	if (a->progress)
		a->progress(a->progress_base + sent, a->progress_total, a->progress_payload);
}

/*
 * The 404 types that mean the database, collection, document, attribute,
 * index, bucket or file awm asked about is missing: callers take those as
 * "not there yet".  Any other 404 (project_not_found, general_route_not_found,
 * a proxy's page without a type) is a plain error, or a wrong project id
 * would look like an empty database.
 */
static int missing_thing(const char *type)
{
	static const char *const types[] = {
		"database_not_found", "collection_not_found", "document_not_found",
		"attribute_not_found", "index_not_found", "storage_bucket_not_found",
		"storage_file_not_found", NULL,
	};
	size_t i;

	for (i = 0; type && types[i]; i++)
		if (!strcmp(type, types[i]))
			return 1;
	return 0;
}

/* Appwrite's {"message", "code", "type"} as an awm error. */
static int api_error(awm_appwrite *a, const awm_http_response *res, const char *what)
{
	json_t *j = json_loadb(res->body.ptr, res->body.size, 0, NULL);
	const char *type = awm_appwrite_jstr(j, "type"), *msg = awm_appwrite_jstr(j, "message");
	int code = AWM_ERROR, rc;

	a->last_status = res->status;
	snprintf(a->last_type, sizeof(a->last_type), "%s", type ? type : "");
	if (res->status == 404 && type && !strcmp(type, "project_not_found")) {
		rc = awm_error_set(AWM_ERROR, "%s on '%s' failed: Appwrite has no project '%s'; "
				   "check the project id in the URL", what, a->shown, a->project);
		json_decref(j);
		return rc;
	}
	if (res->status == 404 && missing_thing(type))
		code = AWM_ENOTFOUND;
	else if (res->status == 409 && type && strstr(type, "_already_exists"))
		code = AWM_EEXISTS;
	else if (res->status == 409)
		code = AWM_ECONFLICT;
	rc = awm_error_set(code, "%s on '%s' failed: %ld %s: %s%s", what, a->shown, res->status,
			   type ? type : "error", msg ? msg : "(no message)",
			   res->status == 401 ? "; check APPWRITE_API_KEY and its scopes" : "");
	json_decref(j);
	return rc;
}

/* Send `req` with the project and key headers, retrying what may pass later. */
static int exchange(awm_http_response *res, awm_appwrite *a, awm_http_request *req,
		    const char *const *extra, const char *what)
{
	awm_buf project = AWM_BUF_INIT, key = AWM_BUF_INIT;
	const char *headers[16];
	size_t n = 0, i;
	long wait = BACKOFF_FIRST_MS;
	int attempt, rc = 0;

	awm_buf_printf(&project, "X-Appwrite-Project: %s", a->project);
	awm_buf_printf(&key, "X-Appwrite-Key: %s", a->key);
	headers[n++] = project.ptr;
	headers[n++] = key.ptr;
	if (!req->parts && req->body)
		headers[n++] = "Content-Type: application/json";
	for (i = 0; extra && extra[i] && n < 15; i++)
		headers[n++] = extra[i];
	headers[n] = NULL;
	req->headers = headers;
	req->progress = on_progress;
	req->payload = a;
	a->last_status = 0;
	a->last_type[0] = '\0';
	for (attempt = 1;; attempt++) {
		/*
		 * An interrupted run stops retrying, but its first attempts still
		 * go out: they are how it records where it stopped and releases
		 * its lock.
		 */
		if (attempt > 1 && a->interrupted && *a->interrupted) {
			rc = awm_error_set(AWM_ERROR, "interrupted");
			break;
		}
		space_conditional(a, extra);
		rc = awm_http_perform(res, a->http, req);
		a->answered_ms = mono_ms();
		a->requests++;
		a->bytes_sent += res->bytes_sent;
		a->bytes_received += res->bytes_received;
		if (rc < 0 && (!res->transient || attempt >= MAX_ATTEMPTS)) {
			awm_error_prefix("%s on '%s'", what, a->shown);
			break;
		}
		if (rc == 0 && (!retryable(res->status) || attempt >= MAX_ATTEMPTS))
			break;
		nap_ms(wait);
		wait = wait * 2 > BACKOFF_CAP_MS ? BACKOFF_CAP_MS : wait * 2;
	}
	if (rc == 0 && (res->status < 200 || res->status > 299))
		rc = api_error(a, res, what);
	explicit_bzero(key.ptr, key.size);
	awm_buf_release(&key);
	awm_buf_release(&project);
	return rc;
}

static int parse_body(json_t **out, awm_appwrite *a, const awm_http_response *res,
		      const char *what)
{
	json_error_t err;

	if (!out)
		return 0;
	*out = NULL;
	if (!res->body.size)
		return 0;
	if (!(*out = json_loadb(res->body.ptr, res->body.size, 0, &err)))
		return awm_error_set(AWM_ERROR, "%s on '%s': the answer is not JSON (%s)", what,
				     a->shown, err.text);
	return 0;
}

int awm_appwrite_call(json_t **out, awm_appwrite *a, const char *method, const char *path,
		      json_t *body, const char *const *headers, const char *what)
{
	awm_http_response res;
	awm_http_request req;
	awm_buf url = AWM_BUF_INIT;
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	int rc;

	if (out)
		*out = NULL;
	awm_http_response_init(&res);
	memset(&req, 0, sizeof(req));
	awm_buf_printf(&url, "%s%s", a->api, path);
	req.method = method;
	req.url = url.ptr;
	req.body = text;
	req.body_len = text ? strlen(text) : 0;
	if ((rc = exchange(&res, a, &req, headers, what)) == 0)
		rc = parse_body(out, a, &res, what);
	free(text);
	awm_buf_release(&url);
	awm_http_response_release(&res);
	return rc;
}

int awm_appwrite_upload(json_t **out, awm_appwrite *a, const char *path,
			const awm_http_part *parts, size_t nparts,
			const char *const *headers, const char *what)
{
	awm_http_response res;
	awm_http_request req;
	awm_buf url = AWM_BUF_INIT;
	int rc;

	awm_http_response_init(&res);
	memset(&req, 0, sizeof(req));
	awm_buf_printf(&url, "%s%s", a->api, path);
	req.method = "POST";
	req.url = url.ptr;
	req.parts = parts;
	req.nparts = nparts;
	if ((rc = exchange(&res, a, &req, headers, what)) == 0)
		rc = parse_body(out, a, &res, what);
	awm_buf_release(&url);
	awm_http_response_release(&res);
	return rc;
}

int awm_appwrite_download(awm_buf *out, awm_appwrite *a, const char *path, const char *what)
{
	awm_http_response res;
	awm_http_request req;
	awm_buf url = AWM_BUF_INIT;
	int rc;

	awm_http_response_init(&res);
	memset(&req, 0, sizeof(req));
	awm_buf_printf(&url, "%s%s", a->api, path);
	req.method = "GET";
	req.url = url.ptr;
	if ((rc = exchange(&res, a, &req, NULL, what)) == 0) {
		awm_buf_clear(out);
		awm_buf_put(out, res.body.ptr, res.body.size);
	}
	awm_buf_release(&url);
	awm_http_response_release(&res);
	return rc;
}

int awm_appwrite_create_database(awm_appwrite *a)
{
	json_t *body = json_pack("{s:s, s:s}", "databaseId", a->database, "name", a->database);
	int rc = awm_appwrite_call(NULL, a, "POST", "/databases", body, NULL,
				   "creating the database");

	json_decref(body);
	if (rc == AWM_EEXISTS) {
		awm_error_clear();
		rc = 0;
	}
	return rc;
}

int awm_appwrite_list(json_t **out, awm_appwrite *a, const char *path, const char *member,
		      json_t *queries, size_t page, size_t max, const char *what)
{
	awm_buf p = AWM_BUF_INIT;
	json_t *all = json_array(), *got = NULL, *q;
	char *cursor = NULL;
	size_t n, want;
	int rc = 0;

	do {
		want = max && max - json_array_size(all) < page ? max - json_array_size(all) : page;
		q = json_deep_copy(queries);
		json_array_append_new(q, awm_appwrite_query("limit", NULL,
							    json_pack("[I]", (json_int_t)want)));
		if (cursor)
			json_array_append_new(q, awm_appwrite_query("cursorAfter", NULL,
								    json_pack("[s]", cursor)));
		awm_appwrite_query_path(&p, path, q);
		json_decref(got);
		if ((rc = awm_appwrite_call(&got, a, "GET", p.ptr, NULL, NULL, what)) < 0)
			break;
		json_array_extend(all, json_object_get(got, member));
		free(cursor);
		cursor = NULL;
		n = json_array_size(json_object_get(got, member));
		if (n == want && (!max || json_array_size(all) < max))
			cursor = awm_strdup(awm_appwrite_jstr(json_array_get(json_object_get(got, member),
									 n - 1), "$id"));
	} while (cursor);
	json_decref(queries);
	json_decref(got);
	free(cursor);
	awm_buf_release(&p);
	if (rc < 0)
		json_decref(all);
	else
		*out = all;
	return rc;
}
