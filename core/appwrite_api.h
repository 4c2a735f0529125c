/*
 * The Appwrite REST client that the Appwrite engine and the Appwrite
 * transport share: URLs, the key, JSON calls with Appwrite's errors and
 * the retry policy, and queries.  Everything goes through core/http.c.
 *
 *   appwrite://<host>[:port]/<projectId>/<databaseId>        https
 *   appwrite+http://127.0.0.1:<port>/<projectId>/<databaseId> tests only
 *
 * The API root is <scheme>://<host>[:port]/v1.  The key comes from
 * APPWRITE_API_KEY and only ever goes into the X-Appwrite-Key header: no
 * message this client sets holds it.
 */
#ifndef AWM_APPWRITE_API_H
#define AWM_APPWRITE_API_H

#include <jansson.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/http.h"

/* Appwrite ids: at most 36 of [A-Za-z0-9._-], not starting with '.', '-' or '_'. */
#define AWM_APPWRITE_ID_MAX 36

/* 1 when `id` is a valid Appwrite id. */
int awm_appwrite_id_ok(const char *id);

typedef struct awm_appwrite_url {
	int plain_http;          /* appwrite+http:// */
	char *host;              /* with ":port" when given */
	char *project, *database;
} awm_appwrite_url;

/* 1 when `url` starts with appwrite:// or appwrite+http://. */
int awm_appwrite_is_url(const char *url);

/* Parse and check a URL; AWM_EINVALID naming the rule it breaks. */
int awm_appwrite_url_parse(awm_appwrite_url *out, const char *url);
void awm_appwrite_url_release(awm_appwrite_url *u);

typedef struct awm_appwrite {
	awm_http *http;
	char *api;               /* "https://host/v1" */
	char *shown;             /* the URL as the user wrote it, for messages */
	char *project, *database;
	char *key;               /* secret: APPWRITE_API_KEY */
	volatile int *interrupted;   /* a flag to stop retrying on, or NULL (the
				      * loops above check it between calls) */
	uint64_t requests, bytes_sent, bytes_received;
	long last_status;        /* of the last failed call, 0 when none came */
	char last_type[64];      /* Appwrite's error type of the last failed call */
	/* Upload progress, for the transport (may be NULL). */
	void (*progress)(uint64_t done, uint64_t total, void *payload);
	void *progress_payload;
	uint64_t progress_base, progress_total;
	int64_t answered_ms;     /* monotonic time of the last answer */
} awm_appwrite;

/*
 * A client for `url`.  Nothing is contacted.  AWM_EINVALID for a bad URL,
 * plain http towards anything but this machine, or no APPWRITE_API_KEY.
 */
int awm_appwrite_new(awm_appwrite **out, const char *url);
void awm_appwrite_free(awm_appwrite *a);

/*
 * One call: `method` on `path` (under /v1, already escaped), with a JSON
 * `body` (may be NULL) and extra header lines (NULL-terminated, may be
 * NULL).  On a 2xx answer, `*out` (may be NULL) gets the parsed body, or
 * NULL for an empty one.  429, 500, 502, 503, 504 and requests cut off on
 * the way are retried with backoff (6 attempts in all).  Any other answer
 * sets "<what> on '<url>' failed: <status> <type>: <message>" and returns
 * AWM_ENOTFOUND (404 for a missing database, collection, document,
 * attribute, index, bucket or file), AWM_EEXISTS (409 *_already_exists),
 * AWM_ECONFLICT (409 document_update_conflict) or AWM_ERROR (anything else,
 * project_not_found among them, which names the project); a->last_type
 * keeps the type.
 *
 * A conditional write (an X-Appwrite-Timestamp header) is sent at least
 * 2 ms after the last answer: Appwrite compares times to the millisecond,
 * so a write in the same millisecond as the one it must see would pass.
 */
int awm_appwrite_call(json_t **out, awm_appwrite *a, const char *method, const char *path,
		      json_t *body, const char *const *headers, const char *what);

/* The same with a multipart/form-data body (file uploads). */
int awm_appwrite_upload(json_t **out, awm_appwrite *a, const char *path,
			const awm_http_part *parts, size_t nparts,
			const char *const *headers, const char *what);

/* GET the raw bytes at `path` (file downloads). */
int awm_appwrite_download(awm_buf *out, awm_appwrite *a, const char *path, const char *what);

/*
 * Every item of a paged list: GET `path` with `queries` (taken; filters
 * and an order) plus limit and cursorAfter, page after page of `page`
 * items, gathering each page's array `member` into *out, until a short
 * page or `max` items (0: no limit).
 */
int awm_appwrite_list(json_t **out, awm_appwrite *a, const char *path, const char *member,
		      json_t *queries, size_t page, size_t max, const char *what);

/* Create the URL's database (named after its id); one that exists already is fine. */
int awm_appwrite_create_database(awm_appwrite *a);

/* 1 when the last failure was Appwrite's error `type`. */
int awm_appwrite_last_is(const awm_appwrite *a, const char *type);

/* Append `s` percent-encoded to `out`, for a path segment. */
void awm_appwrite_escape(awm_buf *out, const char *s);

/*
 * "<path>?queries[]=<q1>&queries[]=<q2>..." with each query (a JSON object
 * such as {"method":"limit","values":[100]}) serialised and escaped.
 * Steals the references in `queries`.
 */
void awm_appwrite_query_path(awm_buf *out, const char *path, json_t *queries);

/* Query helpers: {"method": m, "attribute": a, "values": v} (v stolen, may be NULL). */
json_t *awm_appwrite_query(const char *method, const char *attribute, json_t *values);

/* A string member, or NULL. */
const char *awm_appwrite_jstr(json_t *o, const char *key);

/* Wipe and free a secret string. */
void awm_appwrite_forget(char **secret);

#endif
