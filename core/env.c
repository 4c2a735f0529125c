/*
 * Environments in awm.conf and their refs (see env.h).
 */
#include "core/env.h"
#include "core/engine.h"
#include "core/error.h"
#include "core/refs.h"
#include "core/url.h"
#include "core/walk.h"

#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void awm_env_release(awm_env *env)
{
	free(env->name);
	free(env->url);
	memset(env, 0, sizeof(*env));
}

void awm_envs_release(awm_envs *l)
{
	size_t i;

	for (i = 0; i < l->nr; i++)
		awm_env_release(&l->items[i]);
	free(l->items);
	memset(l, 0, sizeof(*l));
}

int awm_env_name_check(const char *name)
{
	awm_buf ref = AWM_BUF_INIT;
	size_t n = strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			  "0123456789._-");
	int rc = 0;

	awm_env_refname(&ref, name);
	if (!*name || name[n] || awm_refname_check(ref.ptr) < 0)
		rc = awm_error_set(AWM_EINVALID, "'%s' is not a valid environment name; use "
				   "letters, digits, '.', '_' and '-'", name);
	awm_buf_release(&ref);
	return rc;
}

void awm_env_refname(awm_buf *out, const char *name)
{
	awm_buf_clear(out);
	awm_buf_printf(out, "refs/envs/%s", name);
}

static int collect(const char *key, const char *value, void *payload)
{
	awm_envs *l = payload;
	const char *first = strchr(key, '.'), *last = strrchr(key, '.');

	if (!first || first == last)
		return 0;
	AWM_ARRAY_GROW(l->items, l->nr + 1, l->alloc);
	l->items[l->nr].name = awm_strndup(first + 1, (size_t)(last - first - 1));
	l->items[l->nr++].url = awm_strdup(value);
	return 0;
}

int awm_env_list(awm_envs *out, awm_repo *repo)
{
	int rc;

	memset(out, 0, sizeof(*out));
	rc = awm_config_foreach_match(repo->config, "^env\\..+\\.url$", collect, out);
	if (rc < 0)
		awm_envs_release(out);
	return rc < 0 ? rc : 0;
}

int awm_env_get(awm_env *out, awm_repo *repo, const char *name)
{
	awm_buf key = AWM_BUF_INIT, url = AWM_BUF_INIT;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = awm_env_name_check(name)) < 0)
		return rc;
	awm_buf_printf(&key, "env.%s.url", name);
	rc = awm_config_get_string(&url, repo->config, key.ptr);
	if (rc == AWM_ENOTFOUND)
		rc = awm_error_set(AWM_ENOTFOUND, "no environment '%s' in awm.conf; add it with "
				   "'awm env add %s <url>'", name, name);
	if (rc == 0) {
		out->name = awm_strdup(name);
		out->url = awm_buf_detach(&url);
	}
	awm_buf_release(&key);
	awm_buf_release(&url);
	return rc;
}

int awm_env_default(awm_env *out, awm_repo *repo)
{
	awm_buf name = AWM_BUF_INIT, names = AWM_BUF_INIT;
	awm_envs l;
	const char *env = getenv("AWM_ENV");
	size_t i;
	int rc;

	memset(out, 0, sizeof(*out));
	if (env && *env)
		return awm_env_get(out, repo, env);
	if (awm_config_get_string(&name, repo->config, "core.defaultenv") == 0) {
		rc = awm_env_get(out, repo, name.ptr);
		awm_buf_release(&name);
		return rc;
	}
	awm_buf_release(&name);
	if ((rc = awm_env_list(&l, repo)) < 0)
		return rc;
	if (l.nr == 1) {
		*out = l.items[0];
		memset(&l.items[0], 0, sizeof(l.items[0]));
	} else if (l.nr == 0) {
		rc = awm_error_set(AWM_EUSAGE, "no environment in awm.conf; add one with "
				   "'awm env add <name> <url>'");
	} else {
		for (i = 0; i < l.nr; i++)
			awm_buf_printf(&names, "%s%s", i ? ", " : "", l.items[i].name);
		rc = awm_error_set(AWM_EUSAGE, "there are %zu environments (%s); name one with "
				   "--env, or set core.defaultEnv", l.nr, names.ptr);
	}
	awm_buf_release(&names);
	awm_envs_release(&l);
	return rc;
}

int awm_env_add(awm_repo *repo, const char *name, const char *url)
{
	awm_buf key = AWM_BUF_INIT, cur = AWM_BUF_INIT;
	int rc;

	if ((rc = awm_env_name_check(name)) < 0 || (rc = awm_engine_check_url(url)) < 0)
		return rc;
	awm_buf_printf(&key, "env.%s.url", name);
	if (awm_config_get_string(&cur, repo->config, key.ptr) == 0) {
		awm_buf shown = AWM_BUF_INIT;

		awm_url_redact(&shown, cur.ptr);   /* awm.conf may have been edited by hand */
		rc = awm_error_set(AWM_EEXISTS, "environment '%s' already exists (%s); remove it "
				   "first to change it", name, shown.ptr);
		awm_buf_release(&shown);
	} else
		rc = awm_config_set_string(repo->config, AWM_CONFIG_PROJECT, key.ptr, url);
	awm_buf_release(&key);
	awm_buf_release(&cur);
	return rc;
}

int awm_env_remove(awm_repo *repo, const char *name)
{
	awm_buf section = AWM_BUF_INIT, ref = AWM_BUF_INIT;
	awm_oid oid;
	int rc;

	if ((rc = awm_env_name_check(name)) < 0)
		return rc;
	awm_buf_printf(&section, "env.%s", name);
	rc = awm_config_remove_section(repo->config, AWM_CONFIG_PROJECT, section.ptr);
	if (rc == AWM_ENOTFOUND)
		rc = awm_error_set(AWM_ENOTFOUND, "no environment '%s' in awm.conf", name);
	awm_env_refname(&ref, name);
	if (rc == 0 && awm_ref_lookup(&oid, repo, ref.ptr) == 0)
		rc = awm_ref_delete(repo, ref.ptr, &oid, "env remove");
	else if (rc == 0)
		awm_error_clear();   /* no ref: nothing to delete */
	awm_buf_release(&section);
	awm_buf_release(&ref);
	return rc;
}

int awm_env_ref(awm_oid *out, awm_repo *repo, const char *name)
{
	awm_buf ref = AWM_BUF_INIT;
	int rc;

	awm_env_refname(&ref, name);
	rc = awm_ref_lookup(out, repo, ref.ptr);
	if (rc == AWM_ENOTFOUND)
		awm_error_clear();
	awm_buf_release(&ref);
	return rc;
}

int awm_env_set(awm_repo *repo, const char *name, const awm_oid *oid, const char *why)
{
	awm_buf ref = AWM_BUF_INIT;
	awm_env env;
	int rc;

	if ((rc = awm_env_get(&env, repo, name)) < 0)
		return rc;
	awm_env_release(&env);
	awm_env_refname(&ref, name);
	rc = awm_ref_update(repo, ref.ptr, oid, NULL, why);
	awm_buf_release(&ref);
	return rc;
}

int awm_env_promote(awm_oid *out, int *moved, awm_repo *repo, const char *from,
		    const char *to)
{
	awm_buf ref = AWM_BUF_INIT, why = AWM_BUF_INIT;
	awm_oid cur, zero;
	awm_env env;
	int rc, has_cur;

	*moved = 0;
	if ((rc = awm_env_get(&env, repo, from)) < 0)
		return rc;
	awm_env_release(&env);
	if ((rc = awm_env_get(&env, repo, to)) < 0)
		return rc;
	awm_env_release(&env);
	if ((rc = awm_env_ref(out, repo, from)) == AWM_ENOTFOUND)
		return awm_error_set(AWM_ENOTFOUND, "environment '%s' is at no commit yet; set "
				     "it with 'awm env set %s <revision>'", from, from);
	if (rc < 0)
		return rc;
	rc = awm_env_ref(&cur, repo, to);
	if (rc < 0 && rc != AWM_ENOTFOUND)
		return rc;
	has_cur = rc == 0;
	if (has_cur && awm_oid_equal(&cur, out))
		return 0;
	if (has_cur && (rc = awm_is_ancestor(repo, &cur, out)) <= 0)
		return rc < 0 ? rc : awm_error_set(AWM_ENONFASTFORWARD, "'%s' is at %s, which is "
						   "not an ancestor of %s ('%s'); promote only "
						   "fast-forwards, so nothing changed; 'awm env "
						   "set %s <revision>' moves it anyway", to,
						   awm_oid_short(&cur, 10).s,
						   awm_oid_short(out, 10).s, from, to);
	awm_oid_clear(&zero);
	awm_env_refname(&ref, to);
	awm_buf_printf(&why, "promote: from %s", from);
	rc = awm_ref_update(repo, ref.ptr, out, has_cur ? &cur : &zero, why.ptr);
	*moved = rc == 0;
	awm_buf_release(&ref);
	awm_buf_release(&why);
	return rc;
}

int awm_env_parse_duration(int64_t *out_ms, const char *s)
{
	char *end;
	long long v = strtoll(s, &end, 10);
	int64_t unit = 1000;

	if (end == s || v < 0)
		goto bad;
	if (!strcmp(end, "ms"))
		unit = 1;
	else if (!*end || !strcmp(end, "s"))
		unit = 1000;
	else if (!strcmp(end, "m"))
		unit = 60 * 1000;
	else if (!strcmp(end, "h"))
		unit = 60 * 60 * 1000;
	else
		goto bad;
	if (v == 0 || v > INT64_MAX / unit / 2)
		goto bad;
	*out_ms = (int64_t)v * unit;
	return 0;
bad:
	return awm_error_set(AWM_EINVALID, "'%s' is not a duration; write seconds, or a "
			     "number with ms, s, m or h, such as '10m'", s);
}

int awm_env_lock_ttl(int64_t *out_ms, awm_repo *repo, const char *name)
{
	awm_buf key = AWM_BUF_INIT, val = AWM_BUF_INIT;
	int rc;

	*out_ms = AWM_LOCK_TTL_DEFAULT_MS;
	awm_buf_printf(&key, "env.%s.lockttl", name);
	rc = awm_config_get_string(&val, repo->config, key.ptr);
	if (rc == AWM_ENOTFOUND) {
		awm_buf_clear(&key);
		awm_buf_puts(&key, "lock.ttl");
		rc = awm_config_get_string(&val, repo->config, key.ptr);
	}
	if (rc == 0 && (rc = awm_env_parse_duration(out_ms, val.ptr)) < 0)
		awm_error_prefix("configuration key '%s'", key.ptr);
	if (rc == AWM_ENOTFOUND)
		rc = 0;
	awm_buf_release(&key);
	awm_buf_release(&val);
	return rc;
}

void awm_env_lock_owner(awm_buf *out)
{
	const char *who = getenv("AWM_LOCK_OWNER"), *user = getenv("USER");
	char host[256];

	awm_buf_clear(out);
	if (who && *who) {
		awm_buf_puts(out, who);
	} else {
		if (!user || !*user) {
			struct passwd *pw = getpwuid(getuid());

			user = pw ? pw->pw_name : "unknown";
		}
		if (gethostname(host, sizeof(host)) < 0)
			strcpy(host, "localhost");
		host[sizeof(host) - 1] = '\0';
		awm_buf_printf(out, "%s@%s", user, host);
	}
	awm_buf_printf(out, ":%ld", (long)getpid());
}
