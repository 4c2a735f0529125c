/*
 * The libgit2 wrapper behind git.h.
 */
#include <git2.h>

#include "core/git.h"
#include "core/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void awm_git_init(void)
{
	git_libgit2_init();
}

void awm_git_shutdown(void)
{
	git_libgit2_shutdown();
}

int awm_git_error(int git_rc, const char *fmt, ...)
{
	const git_error *e = git_error_last();
	char ctx[1024];
	va_list ap;
	int code = git_rc == GIT_ENOTFOUND ? AWM_ENOTFOUND
		 : git_rc == GIT_ELOCKED ? AWM_ELOCKED
		 : git_rc == GIT_EEXISTS ? AWM_EEXISTS : AWM_ERROR;

	va_start(ap, fmt);
	vsnprintf(ctx, sizeof(ctx), fmt, ap);
	va_end(ap);
	return awm_error_set(code, "%s: %s", ctx, e && e->message ? e->message : "libgit2 error");
}

void awm_signature_release(awm_signature *sig)
{
	free(sig->name);
	free(sig->email);
	memset(sig, 0, sizeof(*sig));
}

void awm_signature_copy(awm_signature *dst, const awm_signature *src)
{
	dst->name = awm_strdup(src->name);
	dst->email = awm_strdup(src->email);
	dst->time = src->time;
	dst->tz = src->tz;
}

/* Parse "<seconds> <+hhmm>" (the offset is optional). */
static int parse_date(awm_signature *sig, const char *s)
{
	char *end;
	long long t = strtoll(s, &end, 10);
	int sign = 1, hhmm;

	if (end == s)
		return awm_error_set(AWM_EINVALID, "AWM_AUTHOR_DATE '%s' is not "
				     "'<seconds> <+hhmm>'", s);
	sig->time = t;
	sig->tz = 0;
	while (*end == ' ')
		end++;
	if (*end == '+' || *end == '-') {
		sign = *end == '-' ? -1 : 1;
		hhmm = atoi(end + 1);
		sig->tz = sign * ((hhmm / 100) * 60 + hhmm % 100);
	}
	return 0;
}

static int local_tz_minutes(time_t t)
{
	struct tm lt;

	localtime_r(&t, &lt);
	return (int)(lt.tm_gmtoff / 60);
}

static int config_string(char **out, git_config *cfg, const char *key)
{
	git_buf b = { 0 };

	if (git_config_get_string_buf(&b, cfg, key) < 0) {
		git_error_clear();
		return AWM_ENOTFOUND;
	}
	*out = awm_strdup(b.ptr);
	git_buf_dispose(&b);
	return 0;
}

int awm_git_identity(awm_signature *out, const char *workdir)
{
	const char *name = getenv("AWM_AUTHOR_NAME"), *email = getenv("AWM_AUTHOR_EMAIL");
	const char *date = getenv("AWM_AUTHOR_DATE");
	git_repository *repo = NULL;
	git_config *cfg = NULL;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (name && *name)
		out->name = awm_strdup(name);
	if (email && *email)
		out->email = awm_strdup(email);
	if (!out->name || !out->email) {
		if (workdir && git_repository_open_ext(&repo, workdir, 0, NULL) == 0)
			rc = git_repository_config_snapshot(&cfg, repo);
		else
			rc = git_config_open_default(&cfg);
		git_error_clear();
		if (rc == 0) {
			if (!out->name)
				config_string(&out->name, cfg, "user.name");
			if (!out->email)
				config_string(&out->email, cfg, "user.email");
		}
		rc = 0;
	}
	if (!out->name || !out->email) {
		rc = awm_error_set(AWM_EINVALID, "who are you? set git's user.name and "
				   "user.email (git config --global user.name 'Your Name'), "
				   "or AWM_AUTHOR_NAME and AWM_AUTHOR_EMAIL");
		goto done;
	}
	if (strpbrk(out->name, "<>\n") || strpbrk(out->email, "<>\n")) {
		rc = awm_error_set(AWM_EINVALID, "the name '%s' or e-mail '%s' holds '<', '>' "
				   "or a newline", out->name, out->email);
		goto done;
	}
	if (date && *date) {
		rc = parse_date(out, date);
	} else {
		out->time = (int64_t)time(NULL);
		out->tz = local_tz_minutes((time_t)out->time);
	}
done:
	if (rc < 0)
		awm_signature_release(out);
	git_config_free(cfg);
	git_repository_free(repo);
	return rc;
}

int awm_git_head(awm_buf *out, const char *workdir)
{
	git_repository *repo = NULL;
	git_oid oid;
	char hex[GIT_OID_HEXSZ + 1];

	awm_buf_clear(out);
	if (git_repository_open_ext(&repo, workdir, 0, NULL) < 0) {
		git_error_clear();
		return 0;
	}
	if (git_reference_name_to_id(&oid, repo, "HEAD") == 0) {
		git_oid_tostr(hex, sizeof(hex), &oid);
		awm_buf_puts(out, hex);
	}
	git_error_clear();
	git_repository_free(repo);
	return 0;
}

int awm_git_diff_text(awm_buf *out, const char *old_text, const char *old_label,
		      const char *new_text, const char *new_label)
{
	git_patch *patch = NULL;
	git_buf b = { 0 };
	git_diff_options opts;
	int rc;

	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	opts.context_lines = 3;
	rc = git_patch_from_buffers(&patch, old_text, strlen(old_text), old_label,
				    new_text, strlen(new_text), new_label, &opts);
	if (rc < 0)
		return awm_git_error(rc, "cannot diff '%s' and '%s'", old_label, new_label);
	if (git_patch_num_hunks(patch) > 0) {
		if ((rc = git_patch_to_buf(&b, patch)) < 0) {
			git_patch_free(patch);
			return awm_git_error(rc, "cannot format a diff");
		}
		awm_buf_put(out, b.ptr, b.size);
		git_buf_dispose(&b);
	}
	git_patch_free(patch);
	return 0;
}
