/*
 * The libgit2-backed configuration behind config.h.
 */
#include <git2.h>

#include "core/config.h"
#include "core/error.h"
#include "core/git.h"

#include <regex.h>
#include <stdlib.h>
#include <string.h>

struct awm_config {
	git_config *all;
	char *files[2];
};

/* libgit2 ranks levels; the higher one wins a lookup. */
static git_config_level_t level_of(awm_config_file f)
{
	return f == AWM_CONFIG_LOCAL ? GIT_CONFIG_LEVEL_APP : GIT_CONFIG_LEVEL_LOCAL;
}

int awm_config_open(awm_config **out, const char *project_file, const char *local_file)
{
	awm_config *cfg = awm_calloc(1, sizeof(*cfg));
	int rc;

	awm_git_init();
	cfg->files[AWM_CONFIG_PROJECT] = awm_strdup(project_file);
	cfg->files[AWM_CONFIG_LOCAL] = awm_strdup(local_file);
	if ((rc = git_config_new(&cfg->all)) < 0) {
		rc = awm_git_error(rc, "cannot create a configuration");
		goto fail;
	}
	if ((rc = git_config_add_file_ondisk(cfg->all, project_file,
					     level_of(AWM_CONFIG_PROJECT), NULL, 1)) < 0) {
		rc = awm_git_error(rc, "cannot read '%s'", project_file);
		goto fail;
	}
	if ((rc = git_config_add_file_ondisk(cfg->all, local_file,
					     level_of(AWM_CONFIG_LOCAL), NULL, 1)) < 0) {
		rc = awm_git_error(rc, "cannot read '%s'", local_file);
		goto fail;
	}
	*out = cfg;
	return 0;
fail:
	awm_config_free(cfg);
	return rc;
}

void awm_config_free(awm_config *cfg)
{
	if (!cfg)
		return;
	git_config_free(cfg->all);
	free(cfg->files[0]);
	free(cfg->files[1]);
	free(cfg);
	awm_git_shutdown();
}

static int lookup(git_config_entry **e, awm_config *cfg, const char *key)
{
	int rc = git_config_get_entry(e, cfg->all, key);

	if (rc == GIT_ENOTFOUND) {
		git_error_clear();
		return AWM_ENOTFOUND;
	}
	if (rc < 0)
		return awm_git_error(rc, "cannot read configuration key '%s'", key);
	return 0;
}

int awm_config_get_string(awm_buf *out, awm_config *cfg, const char *key)
{
	git_config_entry *e;
	int rc = lookup(&e, cfg, key);

	if (rc < 0)
		return rc;
	awm_buf_clear(out);
	awm_buf_puts(out, e->value ? e->value : "");
	git_config_entry_free(e);
	return 0;
}

int awm_config_get_int(int64_t *out, awm_config *cfg, const char *key)
{
	int64_t v = 0;
	int rc = git_config_get_int64(&v, cfg->all, key);

	if (rc == GIT_ENOTFOUND) {
		git_error_clear();
		return AWM_ENOTFOUND;
	}
	if (rc < 0)
		return awm_git_error(rc, "configuration key '%s'", key);
	*out = v;
	return 0;
}

int awm_config_get_bool(int *out, awm_config *cfg, const char *key)
{
	int rc = git_config_get_bool(out, cfg->all, key);

	if (rc == GIT_ENOTFOUND) {
		git_error_clear();
		return AWM_ENOTFOUND;
	}
	if (rc < 0)
		return awm_git_error(rc, "configuration key '%s'", key);
	return 0;
}

void awm_config_string_or(awm_buf *out, awm_config *cfg, const char *key, const char *def)
{
	if (awm_config_get_string(out, cfg, key) < 0) {
		awm_buf_clear(out);
		awm_buf_puts(out, def);
	}
}

int64_t awm_config_int_or(awm_config *cfg, const char *key, int64_t def)
{
	int64_t v = 0;

	return awm_config_get_int(&v, cfg, key) == 0 ? v : def;
}

/* Open one file for writing; libgit2 rewrites it under its own lock. */
static int open_file(git_config **out, awm_config *cfg, awm_config_file f)
{
	int rc = git_config_open_level(out, cfg->all, level_of(f));

	if (rc < 0)
		return awm_git_error(rc, "cannot open '%s'", cfg->files[f]);
	return 0;
}

int awm_config_set_string(awm_config *cfg, awm_config_file file,
			  const char *key, const char *value)
{
	git_config *one;
	int rc;

	if ((rc = open_file(&one, cfg, file)) < 0)
		return rc;
	rc = git_config_set_string(one, key, value);
	git_config_free(one);
	if (rc < 0)
		return awm_git_error(rc, "cannot set '%s' in '%s'", key, cfg->files[file]);
	return 0;
}

/*
 * libgit2 1.5's own regex matching (git_config_foreach_match, glob
 * iterators) leaks PCRE2 match data on every call, so entries are walked
 * with a plain iterator and matched here, with the C library's regex.
 */
typedef int (*entry_cb)(const git_config_entry *e, void *payload);

static int each_entry(git_config *cfg, entry_cb cb, void *payload)
{
	git_config_iterator *it;
	git_config_entry *e;
	int rc;

	if ((rc = git_config_iterator_new(&it, cfg)) < 0)
		return rc;
	while ((rc = git_config_next(&e, it)) == 0)
		if ((rc = cb(e, payload)) != 0)
			break;
	git_config_iterator_free(it);
	return rc == GIT_ITEROVER ? 0 : rc;
}

struct collect {
	const char *section;
	char **keys;
	size_t nr, alloc;
};

/* "<section>.<key>", the key holding no further dot. */
static int collect_key(const git_config_entry *e, void *payload)
{
	struct collect *c = payload;
	size_t n = strlen(c->section);

	if (strncmp(e->name, c->section, n) || e->name[n] != '.' || strchr(e->name + n + 1, '.'))
		return 0;
	AWM_ARRAY_GROW(c->keys, c->nr + 1, c->alloc);
	c->keys[c->nr++] = awm_strdup(e->name);
	return 0;
}

int awm_config_remove_section(awm_config *cfg, awm_config_file file,
			      const char *section)
{
	struct collect c = { section, NULL, 0, 0 };
	git_config *one;
	size_t i;
	int rc;

	if ((rc = open_file(&one, cfg, file)) < 0)
		return rc;
	rc = each_entry(one, collect_key, &c);
	if (rc < 0) {
		rc = awm_git_error(rc, "cannot read '%s'", cfg->files[file]);
		goto done;
	}
	if (c.nr == 0) {
		rc = awm_error_set(AWM_ENOTFOUND, "'%s' has no section '%s'",
				   cfg->files[file], section);
		goto done;
	}
	for (i = 0; i < c.nr && rc == 0; i++)
		if ((rc = git_config_delete_multivar(one, c.keys[i], ".*")) < 0)
			rc = awm_git_error(rc, "cannot remove '%s'", c.keys[i]);
done:
	for (i = 0; i < c.nr; i++)
		free(c.keys[i]);
	free(c.keys);
	git_config_free(one);
	return rc;
}

struct foreach_ctx {
	regex_t re;
	awm_config_cb cb;
	void *payload;
	int cb_rc;            /* what the callback returned to stop the walk */
};

static int foreach_adapt(const git_config_entry *e, void *payload)
{
	struct foreach_ctx *f = payload;

	if (regexec(&f->re, e->name, 0, NULL, 0) != 0)
		return 0;
	f->cb_rc = f->cb(e->name, e->value ? e->value : "", f->payload);
	return f->cb_rc != 0;
}

int awm_config_foreach_match(awm_config *cfg, const char *regex,
			     awm_config_cb cb, void *payload)
{
	struct foreach_ctx f;
	git_config *snap;
	int rc;

	f.cb = cb;
	f.payload = payload;
	f.cb_rc = 0;
	if (regcomp(&f.re, regex, REG_EXTENDED | REG_NOSUB) != 0)
		return awm_error_set(AWM_EINVALID, "'%s' is not a valid regular expression", regex);
	/* A snapshot: a callback may write the files while we iterate. */
	if ((rc = git_config_snapshot(&snap, cfg->all)) < 0) {
		regfree(&f.re);
		return awm_git_error(rc, "cannot read the configuration");
	}
	rc = each_entry(snap, foreach_adapt, &f);
	git_config_free(snap);
	regfree(&f.re);
	if (f.cb_rc)
		return f.cb_rc;   /* the callback's own result, message and all */
	if (rc < 0)
		return awm_git_error(rc, "cannot read the configuration");
	return 0;
}
