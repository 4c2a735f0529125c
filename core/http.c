/*
 * libcurl behind http.h.
 */
#include "core/http.h"
#include "core/error.h"
#include "core/url.h"

#include <curl/curl.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct awm_http {
	CURL *curl;
	char errbuf[CURL_ERROR_SIZE];
};

typedef struct xfer {
	awm_http_response *res;
	const awm_http_request *req;
} xfer;

int awm_http_new(awm_http **out)
{
	awm_http *h;

	/* libcurl counts its own initialisations; each free undoes one. */
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return awm_error_set(AWM_ERROR, "cannot initialise libcurl");
	h = awm_calloc(1, sizeof(*h));
	if (!(h->curl = curl_easy_init())) {
		free(h);
		curl_global_cleanup();
		return awm_error_set(AWM_ERROR, "cannot initialise libcurl");
	}
	*out = h;
	return 0;
}

void awm_http_free(awm_http *h)
{
	if (!h)
		return;
	curl_easy_cleanup(h->curl);
	free(h);
	curl_global_cleanup();
}

void awm_http_response_init(awm_http_response *res)
{
	memset(res, 0, sizeof(*res));
	awm_buf_init(&res->body);
	awm_buf_init(&res->headers);
}

void awm_http_response_release(awm_http_response *res)
{
	awm_buf_release(&res->body);
	awm_buf_release(&res->headers);
	res->status = 0;
}

static size_t on_body(char *data, size_t size, size_t n, void *payload)
{
	xfer *x = payload;

	awm_buf_put(&x->res->body, data, size * n);
	return size * n;
}

/* Keep only the headers of the last response (after any 100 Continue). */
static size_t on_header(char *data, size_t size, size_t n, void *payload)
{
	xfer *x = payload;

	if (size * n >= 5 && !strncmp(data, "HTTP/", 5))
		awm_buf_clear(&x->res->headers);
	awm_buf_put(&x->res->headers, data, size * n);
	return size * n;
}

static int on_progress(void *payload, curl_off_t dltotal, curl_off_t dlnow,
		       curl_off_t ultotal, curl_off_t ulnow)
{
	xfer *x = payload;

	(void)dltotal; (void)ultotal;
	if (x->req->progress)
		x->req->progress((uint64_t)ulnow, (uint64_t)dlnow, x->req->payload);
	return 0;
}

/* Failures where trying again later may well succeed. */
static int is_transient(CURLcode cc)
{
	switch (cc) {
	case CURLE_COULDNT_RESOLVE_HOST: case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT: case CURLE_PARTIAL_FILE:
	case CURLE_SEND_ERROR: case CURLE_RECV_ERROR: case CURLE_GOT_NOTHING:
	case CURLE_HTTP2: case CURLE_HTTP2_STREAM:
		return 1;
	default:
		return 0;
	}
}

/* The one place a CURLcode becomes an awm error; never names credentials. */
static int curl_failure(awm_http_response *res, awm_http *h, CURLcode cc,
			const awm_http_request *req)
{
	CURLU *u = curl_url();
	char *host = NULL;
	const char *why = h->errbuf[0] ? h->errbuf : curl_easy_strerror(cc);
	int rc;

	res->transient = is_transient(cc);
	if (u && curl_url_set(u, CURLUPART_URL, req->url, 0) == CURLUE_OK)
		curl_url_get(u, CURLUPART_HOST, &host, 0);
	rc = awm_error_set(AWM_ERROR, "%s request to '%s' failed: %s", req->method,
			   host ? host : "?", why);
	curl_free(host);
	curl_url_cleanup(u);
	return rc;
}

int awm_http_perform(awm_http_response *res, awm_http *h, const awm_http_request *req)
{
	struct curl_slist *hdrs = NULL;
	curl_mime *mime = NULL;
	const char *const *p;
	size_t i;
	xfer x = { res, req };
	curl_off_t up = 0, down = 0;
	long reqsize = 0, hdrsize = 0;
	CURLcode cc;
	CURL *c = h->curl;

	awm_buf_clear(&res->body);
	awm_buf_clear(&res->headers);
	res->status = 0;
	res->transient = 0;
	h->errbuf[0] = '\0';
	/* Reset keeps the connection cache, so requests reuse connections. */
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, h->errbuf);
	curl_easy_setopt(c, CURLOPT_URL, req->url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
	/* A stalled transfer (under 1 byte/s for a minute) is given up. */
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "awm/" AWM_VERSION);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &x);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &x);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, &x);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	if (req->user) {
		curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(c, CURLOPT_USERNAME, req->user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, req->password ? req->password : "");
	}
	for (p = req->headers; p && *p; p++)
		hdrs = curl_slist_append(hdrs, *p);
	/* No "Expect: 100-continue" round trip before uploads. */
	hdrs = curl_slist_append(hdrs, "Expect:");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	if (req->nparts) {
		/* libcurl writes the boundary and each part's headers. */
		if (!(mime = curl_mime_init(c)))
			abort();   /* only fails when out of memory */
		for (i = 0; i < req->nparts; i++) {
			const awm_http_part *pt = &req->parts[i];
			curl_mimepart *mp = curl_mime_addpart(mime);

			curl_mime_name(mp, pt->name);
			if (pt->value) {
				curl_mime_data(mp, pt->value, CURL_ZERO_TERMINATED);
			} else {
				curl_mime_data(mp, pt->data, pt->len);
				curl_mime_filename(mp, pt->filename);
				curl_mime_type(mp, "application/octet-stream");
			}
		}
		curl_easy_setopt(c, CURLOPT_MIMEPOST, mime);
		if (strcmp(req->method, "POST"))
			curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->method);
	} else if (!strcmp(req->method, "POST") || !strcmp(req->method, "PUT") ||
		   !strcmp(req->method, "PATCH")) {
		curl_easy_setopt(c, CURLOPT_POST, 1L);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, req->body ? req->body : "");
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
		if (strcmp(req->method, "POST"))
			curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->method);
	} else {
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
		if (strcmp(req->method, "GET"))
			curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->method);
	}
	cc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &res->status);
	curl_easy_getinfo(c, CURLINFO_SIZE_UPLOAD_T, &up);
	curl_easy_getinfo(c, CURLINFO_SIZE_DOWNLOAD_T, &down);
	curl_easy_getinfo(c, CURLINFO_REQUEST_SIZE, &reqsize);
	curl_easy_getinfo(c, CURLINFO_HEADER_SIZE, &hdrsize);
	/* libcurl counts a small body inside the request size, a large one not. */
	res->bytes_sent = (uint64_t)reqsize > (uint64_t)up ? (uint64_t)reqsize
							    : (uint64_t)reqsize + (uint64_t)up;
	res->bytes_received = (uint64_t)down + (uint64_t)hdrsize;
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(hdrs);
	if (mime) {
		curl_easy_setopt(c, CURLOPT_MIMEPOST, NULL);
		curl_mime_free(mime);
	}
	if (cc != CURLE_OK)
		return curl_failure(res, h, cc, req);
	return 0;
}

int awm_http_header(awm_buf *out, const awm_http_response *res, const char *name)
{
	size_t n = strlen(name);
	const char *line = res->headers.ptr;

	while (line && *line) {
		const char *eol = strchr(line, '\n');
		size_t len = eol ? (size_t)(eol - line) : strlen(line);

		if (len > n && line[n] == ':' && !strncasecmp(line, name, n)) {
			const char *v = line + n + 1;
			const char *end = line + len;

			while (v < end && (*v == ' ' || *v == '\t'))
				v++;
			while (end > v && (end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t'))
				end--;
			awm_buf_clear(out);
			awm_buf_put(out, v, (size_t)(end - v));
			return 0;
		}
		line = eol ? eol + 1 : NULL;
	}
	return AWM_ENOTFOUND;
}

void awm_http_escape(awm_buf *out, const char *s, int keep_slash)
{
	const char *seg = s;

	for (;;) {
		const char *slash = keep_slash ? strchr(seg, '/') : NULL;
		size_t len = slash ? (size_t)(slash - seg) : strlen(seg);
		char *e = curl_easy_escape(NULL, seg, (int)len);

		if (!e)
			abort();   /* only fails when out of memory */
		awm_buf_puts(out, e);
		curl_free(e);
		if (!slash)
			break;
		awm_buf_putc(out, '/');
		seg = slash + 1;
	}
}

int awm_http_check_url(const char *url, const char *what)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL;
	awm_buf shown = AWM_BUF_INIT;
	CURLUcode uc;
	int rc = 0;

	if (!u)
		abort();
	awm_url_redact(&shown, url);   /* an endpoint given with a key in it */
	if ((uc = curl_url_set(u, CURLUPART_URL, url, 0)) != CURLUE_OK ||
	    (uc = curl_url_get(u, CURLUPART_SCHEME, &scheme, 0)) != CURLUE_OK ||
	    (uc = curl_url_get(u, CURLUPART_HOST, &host, 0)) != CURLUE_OK) {
		const char *why = curl_url_strerror(uc);

		rc = awm_error_set(AWM_EINVALID, "%s '%s' is not a URL (%c%s)", what, shown.ptr,
				   tolower((unsigned char)why[0]), why + 1);
	} else if (strcasecmp(scheme, "https") &&
		   !(!strcasecmp(scheme, "http") &&
		     (!strcmp(host, "127.0.0.1") || !strcmp(host, "[::1]") ||
		      !strcasecmp(host, "localhost")))) {
		rc = awm_error_set(AWM_EINVALID, "%s '%s' must use https (plain http is "
				   "only accepted towards this machine, for tests)", what, shown.ptr);
	}
	awm_buf_release(&shown);
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return rc;
}
