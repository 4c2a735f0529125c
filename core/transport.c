/*
 * Opening transports by URL, the file lists they return, and the calls
 * through the vtable (see transport.h).
 */
#include "core/transport.h"
#include "core/appwrite_api.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/url.h"

#include <ctype.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

void awm_remote_files_add(awm_remote_files *f, const char *name, uint64_t size,
			  const char *version)
{
	awm_remote_file *e;

	AWM_ARRAY_GROW(f->items, f->nr + 1, f->alloc);
	e = &f->items[f->nr++];
	e->name = awm_strdup(name);
	e->size = size;
	e->version = version ? awm_strdup(version) : NULL;
}

static int cmp_file(const void *a, const void *b)
{
	return strcmp(((const awm_remote_file *)a)->name, ((const awm_remote_file *)b)->name);
}

void awm_remote_files_sort(awm_remote_files *f)
{
	if (f->nr)
		qsort(f->items, f->nr, sizeof(*f->items), cmp_file);
}

void awm_remote_files_release(awm_remote_files *f)
{
	size_t i;

	for (i = 0; i < f->nr; i++) {
		free(f->items[i].name);
		free(f->items[i].version);
	}
	free(f->items);
	f->items = NULL;
	f->nr = f->alloc = 0;
}

const awm_remote_file *awm_remote_files_find(const awm_remote_files *f, const char *name)
{
	size_t lo = 0, hi = f->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(f->items[mid].name, name);

		if (c == 0)
			return &f->items[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* B2's bucket names: 6 to 63 letters, digits and hyphens. */
static int bucket_ok(const char *s, size_t len)
{
	size_t i;

	if (len < 6 || len > 63)
		return 0;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-')
			return 0;
	return 1;
}

/* A prefix inside a bucket: no empty segment, no control character, no '\'. */
static int prefix_ok(const char *s)
{
	const char *p;

	if (s[0] == '/' || strstr(s, "//"))
		return 0;
	for (p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '\\')
			return 0;
	return strlen(s) < 512;
}

typedef struct parsed_url {
	int is_b2;
	int is_appwrite;
	char *path;               /* folder, or the B2 prefix without slashes at the ends */
	char *bucket;
} parsed_url;

static void parsed_release(parsed_url *u)
{
	free(u->path);
	free(u->bucket);
}

/*
 * Every message shows the URL through awm_url_redact(): a key pasted into
 * it must not be echoed.  b2:// and appwrite:// URLs carrying one are
 * refused, so it is never stored either.
 */
static int parse_url(parsed_url *out, const char *url)
{
	const char *colon = strstr(url, "://");
	awm_buf shown = AWM_BUF_INIT;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	awm_url_redact(&shown, url);
	if (!*url) {
		rc = awm_error_set(AWM_EINVALID, "a remote URL cannot be empty");
	} else if (awm_appwrite_is_url(url)) {
		awm_appwrite_url u;

		rc = awm_appwrite_url_parse(&u, url);
		awm_appwrite_url_release(&u);
		out->is_appwrite = 1;
	} else if (!strncmp(url, "b2://", 5)) {
		const char *b = url + 5, *slash = strchr(b, '/');
		size_t blen = slash ? (size_t)(slash - b) : strlen(b);
		awm_buf prefix = AWM_BUF_INIT;

		if (awm_url_has_userinfo(url)) {
			rc = awm_error_set(AWM_EINVALID, "'%s' holds credentials, which awm does not "
					   "take in a URL; remove them and set B2_APPLICATION_KEY_ID and "
					   "B2_APPLICATION_KEY in the environment", shown.ptr);
			goto done;
		}
		if (!bucket_ok(b, blen)) {
			rc = awm_error_set(AWM_EINVALID, "'%s' does not name a B2 bucket: use "
					   "b2://<bucket>/<prefix>, where the bucket has 6 to 63 "
					   "letters, digits or '-'", shown.ptr);
			goto done;
		}
		awm_buf_puts(&prefix, slash ? slash + 1 : "");
		while (prefix.size && prefix.ptr[prefix.size - 1] == '/')
			awm_buf_truncate(&prefix, prefix.size - 1);
		if (!prefix_ok(prefix.ptr)) {
			awm_buf_release(&prefix);
			rc = awm_error_set(AWM_EINVALID, "'%s' has a prefix B2 cannot store "
					   "(no '//', '\\' or control characters)", shown.ptr);
			goto done;
		}
		out->is_b2 = 1;
		out->bucket = awm_strndup(b, blen);
		out->path = awm_buf_detach(&prefix);
	} else if (!strncmp(url, "file://", 7)) {
		if (url[7] != '/')
			rc = awm_error_set(AWM_EINVALID, "'%s' must name an absolute path: "
					   "file:///path/to/folder", shown.ptr);
		else
			out->path = awm_strdup(url + 7);
	} else if (colon && colon > url && !memchr(url, '/', (size_t)(colon - url))) {
		/* "<scheme>://..." with a scheme we do not speak (a path may hold "://"). */
		rc = awm_error_set(AWM_EINVALID, "remote URL '%s' has an unsupported scheme; "
				   "use a folder path, file:///<path>, b2://<bucket>/<prefix> or "
				   "appwrite://<host>/<projectId>/<databaseId>", shown.ptr);
	} else {
		out->path = awm_strdup(url);
	}
done:
	awm_buf_release(&shown);
	return rc;
}

int awm_transport_check_url(const char *url)
{
	parsed_url u;
	int rc = parse_url(&u, url);

	parsed_release(&u);
	return rc;
}

int awm_transport_open(awm_transport **out, const char *url, const char *endpoint,
		       const char *base_dir)
{
	const char *env = getenv("AWM_B2_ENDPOINT");
	awm_buf dir = AWM_BUF_INIT;
	parsed_url u;
	int rc;

	if ((rc = parse_url(&u, url)) < 0)
		goto done;
	if (u.is_appwrite) {
		rc = awm_transport_appwrite_new(out, url);
		goto done;
	}
	if (u.is_b2) {
		if (env && *env)
			endpoint = env;
		if (!endpoint || !*endpoint)
			endpoint = "https://api.backblazeb2.com";
		rc = awm_transport_b2_new(out, url, u.bucket, u.path, endpoint);
		goto done;
	}
	if (u.path[0] == '/' || !base_dir)
		awm_buf_puts(&dir, u.path);
	else
		awm_path_join(&dir, base_dir, u.path);
	while (dir.size > 1 && dir.ptr[dir.size - 1] == '/')
		awm_buf_truncate(&dir, dir.size - 1);
	rc = awm_transport_file_new(out, url, dir.ptr);
done:
	parsed_release(&u);
	awm_buf_release(&dir);
	return rc;
}

void awm_transport_free(awm_transport *t)
{
	if (t)
		t->free(t);
}

int awm_transport_list(awm_transport *t, awm_remote_files *out, const char *prefix)
{
	if (awm_fault("remote-list"))
		return awm_error_set(AWM_ERROR, "cannot list '%s' (fault injected)", t->url);
	return t->list(t, out, prefix);
}

int awm_transport_get(awm_transport *t, awm_buf *out, const char *name, const char *version)
{
	if (awm_fault("remote-get"))
		return awm_error_set(AWM_ERROR, "cannot download '%s' (fault injected)", name);
	return t->get(t, out, name, version);
}

static int after_put(int rc)
{
	/* Crash tests: die the way kill -9 does, right after a write landed. */
	if (rc == 0 && awm_fault("remote-put-kill"))
		raise(SIGKILL);
	return rc;
}

int awm_transport_put(awm_transport *t, const char *name, const void *data, size_t len)
{
	if (awm_fault("remote-put"))
		return awm_error_set(AWM_ERROR, "cannot upload '%s' (fault injected)", name);
	return after_put(t->put(t, name, data, len));
}

int awm_transport_create_exclusive(awm_transport *t, const char *name,
				   const void *data, size_t len)
{
	if (!t->create_exclusive)
		return awm_error_set(AWM_EUSAGE, "'%s' cannot create files exclusively", t->url);
	if (awm_fault("remote-put"))
		return awm_error_set(AWM_ERROR, "cannot upload '%s' (fault injected)", name);
	return after_put(t->create_exclusive(t, name, data, len));
}

int awm_transport_replace(awm_transport *t, const char *name, const awm_remote_file *expected,
			  const void *data, size_t len)
{
	if (!t->replace || !(t->caps & AWM_TRANSPORT_CAS))
		return awm_error_set(AWM_EUSAGE, "'%s' has no compare-and-swap", t->url);
	if (awm_fault("remote-put"))
		return awm_error_set(AWM_ERROR, "cannot upload '%s' (fault injected)", name);
	return after_put(t->replace(t, name, expected, data, len));
}

int awm_transport_remove(awm_transport *t, const char *name)
{
	if (awm_fault("remote-remove"))
		return awm_error_set(AWM_ERROR, "cannot delete '%s' (fault injected)", name);
	return t->remove(t, name);
}
