/*
 * The engine registry and the calls every engine shares (see engine.h).
 */
#include "core/engine.h"
#include "core/error.h"
#include "core/url.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static const awm_engine_ops *const engines[] = {
	&awm_engine_sqlite,
	&awm_engine_appwrite,
	&awm_engine_appwrite_http,
};

#define NENGINES (sizeof(engines) / sizeof(engines[0]))

static const char *const status_names[] = { "applied", "rolled_back", "failed", "pending" };

const char *awm_row_status_name(awm_row_status s)
{
	return (unsigned)s < 4 ? status_names[s] : "unknown";
}

int awm_row_status_parse(const char *name)
{
	int i;

	for (i = 0; i < 4; i++)
		if (!strcmp(status_names[i], name))
			return i;
	return -1;
}

void awm_history_release(awm_history *h)
{
	size_t i;

	for (i = 0; i < h->nr; i++) {
		free(h->rows[i].record_type);
		free(h->rows[i].record_id);
		free(h->rows[i].created_at);
		free(h->rows[i].updated_at);
		free(h->rows[i].payload);
	}
	free(h->rows);
	memset(h, 0, sizeof(*h));
}

void awm_lock_info_release(awm_lock_info *l)
{
	free(l->id);
	free(l->owner);
	free(l->acquired_at);
	free(l->expires_at);
	memset(l, 0, sizeof(*l));
}

void awm_step_result_release(awm_step_result *r)
{
	awm_drift_release(&r->drift);
	memset(r, 0, sizeof(*r));
}

static const awm_engine_ops *find(const char *url, const char **location)
{
	size_t i;

	for (i = 0; i < NENGINES; i++) {
		size_t n = strlen(engines[i]->scheme);

		if (!strncmp(url, engines[i]->scheme, n) && url[n] == ':') {
			*location = url + n + 1;
			/* "sqlite:///abs" is "sqlite:/abs"; "sqlite://rel" is "sqlite:rel". */
			if (!strncmp(*location, "//", 2))
				*location += 2;
			return engines[i];
		}
	}
	return NULL;
}

static int unknown_scheme(const char *url)
{
	awm_buf known = AWM_BUF_INIT, shown = AWM_BUF_INIT;
	size_t i;
	int rc;

	for (i = 0; i < NENGINES; i++)
		awm_buf_printf(&known, "%s'%s:'", i ? ", " : "", engines[i]->scheme);
	awm_url_redact(&shown, url);   /* a password in a postgres:// URL, say */
	rc = awm_error_set(AWM_EINVALID, "'%s' is not a database URL awm knows; use one of "
			   "%s, such as 'sqlite:db/dev.db' or "
			   "'appwrite://<host>/<projectId>/<databaseId>'", shown.ptr, known.ptr);
	awm_buf_release(&known);
	awm_buf_release(&shown);
	return rc;
}

int awm_engine_check_url(const char *url)
{
	const awm_engine_ops *ops;
	const char *loc;

	if (!find(url, &loc))
		return unknown_scheme(url);
	if (!*loc)
		return awm_error_set(AWM_EINVALID, "'%s' names no database; add a path, "
				     "such as 'sqlite:db/dev.db'", url);
	ops = find(url, &loc);
	return ops->check_url ? ops->check_url(url) : 0;
}

int awm_engine_open(awm_engine **out, awm_repo *repo, const char *url, unsigned flags)
{
	const awm_engine_ops *ops;
	const char *loc;
	int rc;

	if ((rc = awm_engine_check_url(url)) < 0)
		return rc;
	ops = find(url, &loc);
	if ((rc = ops->open(out, repo, loc, flags)) < 0)
		return rc;
	(*out)->ops = ops;
	(*out)->url = awm_strdup(url);
	(*out)->flags = flags;
	(*out)->interrupted = 0;
	return 0;
}

void awm_engine_free(awm_engine *e)
{
	char *url;

	if (!e)
		return;
	url = e->url;
	e->ops->close(e);
	free(url);
}

int awm_engine_snapshot(awm_schema **out, awm_engine *e)
{
	return e->ops->snapshot(out, e);
}

int awm_engine_history(awm_history *out, awm_engine *e)
{
	memset(out, 0, sizeof(*out));
	return e->ops->history(out, e);
}

int awm_engine_step(awm_step_result *out, awm_engine *e, const awm_step *step)
{
	memset(out, 0, sizeof(*out));
	if (e->interrupted)
		return awm_error_set(AWM_ERROR, "interrupted");
	return e->ops->step(out, e, step);
}

int awm_engine_lock(awm_lock_info *holder, awm_engine *e, const awm_lock_request *req)
{
	memset(holder, 0, sizeof(*holder));
	return e->ops->lock(holder, e, req);
}

int awm_engine_unlock(awm_engine *e, const awm_lock_request *req)
{
	return e->ops->unlock(e, req);
}

int awm_engine_lock_read(awm_lock_info *out, awm_engine *e, const char *id)
{
	memset(out, 0, sizeof(*out));
	return e->ops->lock_read(out, e, id);
}

int awm_engine_reset(size_t *removed, awm_engine *e, const awm_lock_request *held)
{
	*removed = 0;
	return e->ops->reset(removed, e, held);
}

int awm_engine_adopt(awm_engine *e, const awm_adopt *a)
{
	if (!e->ops->adopt)
		return awm_error_set(AWM_EINVALID, "the %s engine cannot adopt a database",
				     e->ops->scheme);
	if (!(e->flags & AWM_ENGINE_WRITE))
		return awm_error_set(AWM_EINVALID, "'%s' is open read-only; cannot adopt it",
				     e->url);
	return e->ops->adopt(e, a);
}

void awm_engine_interrupt(awm_engine *e)
{
	if (!e)
		return;
	e->interrupted = 1;
	e->ops->interrupt(e);
}

int awm_engine_has_preview(const awm_engine *e)
{
	return e->ops->preview != NULL;
}

int awm_engine_preview(awm_buf *out, awm_engine *e, const awm_step *step,
		       const awm_schema *before)
{
	if (!e->ops->preview)
		return 0;
	return e->ops->preview(out, e, step, before);
}

void awm_engine_empty_schema(awm_oid *out, const awm_engine *e)
{
	awm_schema_empty_id(out, e->ops->schema_engine);
}

int64_t awm_engine_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void awm_engine_format_time(awm_buf *out, int64_t ms)
{
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;

	gmtime_r(&secs, &tm);
	awm_buf_printf(out, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
		       tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		       (int)(ms % 1000));
}

int awm_engine_same_identity(const char *a, const char *b)
{
	const char *ca = strrchr(a, ':'), *cb = strrchr(b, ':');
	size_t na = ca ? (size_t)(ca - a) : strlen(a);
	size_t nb = cb ? (size_t)(cb - b) : strlen(b);

	return na == nb && !memcmp(a, b, na);
}
