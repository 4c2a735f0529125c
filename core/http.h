/*
 * HTTP through libcurl: the only file that calls libcurl, and the one place
 * where a CURLcode becomes an awm error.
 *
 * TLS peer and host verification are always on and cannot be turned off;
 * only http and https are spoken, and redirects are never followed.  Plain
 * http is accepted only towards a loopback address (the test stand-ins), see
 * awm_http_check_url().  Credentials passed in a request are sent and
 * nowhere else: they never appear in a message this file sets.
 */
#ifndef AWM_HTTP_H
#define AWM_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

/* A connection cache: requests through one handle reuse connections. */
typedef struct awm_http awm_http;

int awm_http_new(awm_http **out);
void awm_http_free(awm_http *h);

/* Transfer progress in bytes: body sent and received so far. */
typedef void (*awm_http_progress_cb)(uint64_t sent, uint64_t received, void *payload);

/*
 * One part of a multipart/form-data body (Appwrite's file uploads): a text
 * field (`value`), or a file (`data`, `len` bytes, sent with `filename`).
 */
typedef struct awm_http_part {
	const char *name;
	const char *value;             /* a text field, or NULL for a file */
	const void *data;              /* a file's bytes (borrowed) */
	size_t len;
	const char *filename;
} awm_http_part;

typedef struct awm_http_request {
	const char *method;            /* "GET", "POST", "PUT", "PATCH" or "DELETE" */
	const char *url;
	const char *const *headers;    /* "Name: value" strings, NULL-terminated, or NULL */
	const void *body;              /* the body of a POST, PUT or PATCH (borrowed), or NULL */
	size_t body_len;
	const awm_http_part *parts;    /* a multipart/form-data body instead, or NULL */
	size_t nparts;
	const char *user, *password;   /* HTTP basic authentication, or NULL */
	awm_http_progress_cb progress; /* may be NULL */
	void *payload;
} awm_http_request;

typedef struct awm_http_response {
	long status;                   /* 0 when no response arrived */
	awm_buf body;
	awm_buf headers;               /* header lines of the final response */
	int transient;                 /* a failure worth retrying: timeout, cut off, refused */
	uint64_t bytes_sent;           /* on the wire: request line, headers and body */
	uint64_t bytes_received;       /* on the wire: headers and body */
} awm_http_response;

void awm_http_response_init(awm_http_response *res);
void awm_http_response_release(awm_http_response *res);

/*
 * Send one request and collect the response, whatever its status.  Returns
 * 0 when a response arrived; AWM_ERROR with a message (and res->transient
 * set for failures a retry may cure) when none did or it was cut short.
 */
int awm_http_perform(awm_http_response *res, awm_http *h, const awm_http_request *req);

/* A response header's value (name matched case-insensitively); AWM_ENOTFOUND. */
int awm_http_header(awm_buf *out, const awm_http_response *res, const char *name);

/* Percent-encode `s` (UTF-8); '/' stays as it is when `keep_slash`. */
void awm_http_escape(awm_buf *out, const char *s, int keep_slash);

/*
 * Accept a base URL for `what` ("the B2 endpoint"): https, or http towards
 * 127.0.0.1, ::1 or localhost.  AWM_EINVALID otherwise.
 */
int awm_http_check_url(const char *url, const char *what);

#endif
