/*
 * Internal to the B2 transport: the client state, and the plumbing of B2's
 * native API (authorisation, JSON calls, retries, errors) that
 * transport_b2.c builds its file calls on.  Only b2_api.c and
 * transport_b2.c include this.
 */
#ifndef AWM_B2_API_H
#define AWM_B2_API_H

#include <jansson.h>
#include <stdint.h>

#include "core/http.h"
#include "core/transport.h"

#define AWM_B2_API "/b2api/v3/"
#define AWM_B2_MAX_ATTEMPTS 8        /* for 408, 429, 500, 503 */

typedef struct awm_b2 {
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
} awm_b2;

/* Wipe and free a secret string; accepts a NULL one. */
void awm_b2_forget(char **secret);

/* A string member of a JSON object, or NULL. */
const char *awm_b2_jstr(json_t *o, const char *key);

/* One HTTP exchange, counted in the transport's statistics. */
int awm_b2_send(awm_b2 *b, awm_http_response *res, awm_http_request *req);

/*
 * Set the error for a failed reply: "<op> [of '<name>'] on '<url>' failed:
 * <status> <code>: <message>", B2's own code and message.  AWM_ENOTFOUND
 * for a 404.  The code is kept in b->last_code.
 */
int awm_b2_error(awm_b2 *b, const char *op, const char *name, const awm_http_response *res);

/* 408, 429, 500 and 503: statuses B2 asks clients to retry. */
int awm_b2_retryable(long status);

/*
 * Wait before attempt `attempt` + 1: Retry-After when the server sent one
 * (at most 60 s), else 250 ms doubling up to 16 s.  0, without waiting,
 * when no attempt is left: 8 in all for retryable statuses, 5 when no
 * response came at all (`res` NULL).
 */
int awm_b2_wait(int attempt, const awm_http_response *res);

/* A 401 that a new token cures: expired_auth_token, bad_auth_token. */
int awm_b2_expired(const awm_http_response *res);

/* Authorise (again) unless a token and the bucket id are at hand. */
int awm_b2_ensure_authorized(awm_b2 *b);

/*
 * POST one API call with a JSON body and parse the reply into `*out`
 * (caller's).  Re-authorises on an expired token, retries what may pass
 * later, and sets B2's own error otherwise.  `name` (may be NULL) is the
 * file concerned, for messages.
 */
int awm_b2_call(json_t **out, awm_b2 *b, const char *op, json_t *body, const char *name);

#endif
