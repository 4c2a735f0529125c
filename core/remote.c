/*
 * Remote configuration and opening remotes (see remote.h).
 */
#include "core/remote_internal.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/refs.h"
#include "core/url.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

/* Another push or fetch of this clone may hold a remote for a while. */
#define OPLOCK_TIMEOUT_MS 60000

int awm_remote_name_check(const char *name)
{
	const char *p;

	if (!*name || strlen(name) > 64 || name[0] == '-' || name[0] == '.')
		goto bad;
	for (p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
			goto bad;
	return 0;
bad:
	return awm_error_set(AWM_EINVALID, "'%s' is not a valid remote name: use letters, "
			     "digits, '_' and '-' (up to 64, not starting with '-')", name);
}

static void key(awm_buf *out, const char *name, const char *field)
{
	awm_buf_clear(out);
	awm_buf_printf(out, "remote.%s.%s", name, field);
}

int awm_remote_add(awm_repo *repo, const char *name, const char *url, const char *endpoint)
{
	awm_buf k = AWM_BUF_INIT, v = AWM_BUF_INIT;
	int rc;

	if ((rc = awm_remote_name_check(name)) < 0 || (rc = awm_transport_check_url(url)) < 0)
		goto done;
	if (endpoint && awm_url_has_userinfo(endpoint)) {
		awm_url_redact(&v, endpoint);
		rc = awm_error_set(AWM_EINVALID, "the endpoint '%s' holds credentials, which awm "
				   "does not take in a URL; remove them and set B2_APPLICATION_KEY_ID "
				   "and B2_APPLICATION_KEY in the environment", v.ptr);
		goto done;
	}
	key(&k, name, "url");
	if (awm_config_get_string(&v, repo->config, k.ptr) == 0) {
		awm_buf shown = AWM_BUF_INIT;

		awm_url_redact(&shown, v.ptr);   /* awm.conf may have been edited by hand */
		rc = awm_error_set(AWM_EEXISTS, "remote '%s' already exists (url %s); remove it "
				   "first with 'awm remote remove %s'", name, shown.ptr, name);
		awm_buf_release(&shown);
		goto done;
	}
	awm_error_clear();
	if ((rc = awm_config_set_string(repo->config, AWM_CONFIG_PROJECT, k.ptr, url)) < 0)
		goto done;
	if (endpoint && *endpoint) {
		key(&k, name, "endpoint");
		rc = awm_config_set_string(repo->config, AWM_CONFIG_PROJECT, k.ptr, endpoint);
	}
done:
	awm_buf_release(&k);
	awm_buf_release(&v);
	return rc;
}

typedef struct ref_names {
	char **names;
	size_t nr, alloc;
} ref_names;

static int collect_ref(const char *name, const awm_oid *oid, void *payload)
{
	ref_names *l = payload;

	(void)oid;
	AWM_ARRAY_GROW(l->names, l->nr + 1, l->alloc);
	l->names[l->nr++] = awm_strdup(name);
	return 0;
}

int awm_remote_remove(awm_repo *repo, const char *name)
{
	awm_buf k = AWM_BUF_INIT, prefix = AWM_BUF_INIT, dir = AWM_BUF_INIT;
	ref_names l = { NULL, 0, 0 };
	size_t i;
	int rc;

	if ((rc = awm_remote_name_check(name)) < 0)
		goto done;
	awm_buf_printf(&k, "remote.%s", name);
	if ((rc = awm_config_remove_section(repo->config, AWM_CONFIG_PROJECT, k.ptr)) < 0) {
		if (rc == AWM_ENOTFOUND)
			rc = awm_error_set(AWM_ENOTFOUND, "no remote named '%s'", name);
		goto done;
	}
	awm_buf_printf(&prefix, "refs/remotes/%s/", name);
	if ((rc = awm_ref_foreach(repo, prefix.ptr, collect_ref, &l)) < 0)
		goto done;
	for (i = 0; rc == 0 && i < l.nr; i++)
		rc = awm_ref_delete(repo, l.names[i], NULL, "remote: removed");
	awm_buf_printf(&dir, "remotes/%s", name);
	awm_repo_path(&k, repo, dir.ptr);
	if (rc == 0)
		rc = awm_fs_rm_rf(k.ptr);
done:
	for (i = 0; i < l.nr; i++)
		free(l.names[i]);
	free(l.names);
	awm_buf_release(&k);
	awm_buf_release(&prefix);
	awm_buf_release(&dir);
	return rc;
}

static int collect_remote(const char *k, const char *value, void *payload)
{
	ref_names *l = payload;
	size_t n = strlen(k);

	(void)value;
	/* "remote.<name>.url" */
	if (n <= strlen("remote..url"))
		return 0;
	AWM_ARRAY_GROW(l->names, l->nr + 1, l->alloc);
	l->names[l->nr++] = awm_strndup(k + 7, n - 7 - 4);
	return 0;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int awm_remote_names(char ***out, size_t *n, awm_repo *repo)
{
	ref_names l = { NULL, 0, 0 };
	size_t i, j = 0;
	int rc = awm_config_foreach_match(repo->config, "^remote\\..*\\.url$",
					  collect_remote, &l);

	if (rc < 0) {
		awm_remote_names_free(l.names, l.nr);
		return rc;
	}
	if (l.nr)
		qsort(l.names, l.nr, sizeof(char *), cmp_name);
	/* Both config files may name one remote: keep it once. */
	for (i = 0; i < l.nr; i++) {
		if (j && !strcmp(l.names[j - 1], l.names[i]))
			free(l.names[i]);
		else
			l.names[j++] = l.names[i];
	}
	*out = l.names;
	*n = j;
	return 0;
}

void awm_remote_names_free(char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int awm_remote_default(awm_buf *out, awm_repo *repo)
{
	char **names;
	size_t n, i;
	int rc = awm_remote_names(&names, &n, repo), found = 0;

	if (rc < 0)
		return rc;
	for (i = 0; i < n; i++)
		found |= !strcmp(names[i], "origin");
	awm_buf_clear(out);
	if (found)
		awm_buf_puts(out, "origin");
	else if (n == 1)
		awm_buf_puts(out, names[0]);
	else if (n == 0)
		rc = awm_error_set(AWM_ENOTFOUND, "no remote is configured; add one with "
				   "'awm remote add origin <url>'");
	else
		rc = awm_error_set(AWM_EUSAGE, "there are %zu remotes and none is called "
				   "'origin'; name the one to use", n);
	awm_remote_names_free(names, n);
	return rc;
}

int awm_remote_open(awm_remote **out, awm_repo *repo, const char *name)
{
	awm_remote *r;
	awm_buf k = AWM_BUF_INIT, v = AWM_BUF_INIT;
	int rc;

	if ((rc = awm_remote_name_check(name)) < 0)
		return rc;
	key(&k, name, "url");
	if ((rc = awm_config_get_string(&v, repo->config, k.ptr)) < 0) {
		if (rc == AWM_ENOTFOUND)
			rc = awm_error_set(AWM_ENOTFOUND, "no remote named '%s'; add it with "
					   "'awm remote add %s <url>'", name, name);
		goto done;
	}
	r = awm_calloc(1, sizeof(*r));
	r->repo = repo;
	r->name = awm_strdup(name);
	r->url = awm_strdup(v.ptr);
	r->oplock.fd = -1;
	key(&k, name, "endpoint");
	if (awm_config_get_string(&v, repo->config, k.ptr) == 0 && v.size)
		r->endpoint = awm_strdup(v.ptr);
	awm_error_clear();
	awm_buf_clear(&v);
	awm_buf_printf(&v, "remotes/%s", name);
	awm_repo_path(&k, repo, v.ptr);
	r->state_dir = awm_strdup(k.ptr);
	if ((rc = awm_transport_open(&r->t, r->url, r->endpoint, repo->root)) < 0) {
		awm_error_prefix("remote '%s'", name);
		awm_remote_free(r);
		goto done;
	}
	*out = r;
done:
	awm_buf_release(&k);
	awm_buf_release(&v);
	return rc;
}

void awm_remote_free(awm_remote *r)
{
	if (!r)
		return;
	r->depth = 0;
	awm_lockfile_release(&r->oplock);
	awm_transport_free(r->t);
	free(r->name);
	free(r->url);
	free(r->endpoint);
	free(r->state_dir);
	free(r);
}

/*
 * Temporary folders (tmp-*) belong to the operation that holds the lock;
 * any there when we take it were left by one that was killed.
 */
static void remove_stale_temps(awm_remote *r)
{
	awm_buf path = AWM_BUF_INIT;
	struct dirent *e;
	DIR *d = opendir(r->state_dir);

	while (d && (e = readdir(d))) {
		if (strncmp(e->d_name, "tmp-", 4))
			continue;
		awm_buf_clear(&path);
		awm_path_join(&path, r->state_dir, e->d_name);
		awm_fs_rm_rf(path.ptr);
	}
	if (d)
		closedir(d);
	awm_buf_release(&path);
	awm_error_clear();
}

int awm_remote_begin(awm_remote *r)
{
	awm_buf p = AWM_BUF_INIT;
	int rc;

	if (r->depth++ > 0)
		return 0;
	if ((rc = awm_fs_mkdir_p(r->state_dir, 0755)) == 0) {
		awm_remote_state_path(&p, r, "op");
		rc = awm_lockfile_acquire(&r->oplock, p.ptr, OPLOCK_TIMEOUT_MS);
		if (rc == AWM_ELOCKED)
			rc = awm_error_set(AWM_ELOCKED, "another awm command is working with remote "
					   "'%s' in this clone; try again when it has finished",
					   r->name);
	}
	if (rc == 0)
		remove_stale_temps(r);
	if (rc < 0)
		r->depth = 0;
	awm_buf_release(&p);
	return rc;
}

void awm_remote_end(awm_remote *r)
{
	if (r->depth > 0 && --r->depth > 0)
		return;
	r->depth = 0;
	awm_lockfile_release(&r->oplock);
	r->oplock.fd = -1;
}

void awm_remote_state_path(awm_buf *out, const awm_remote *r, const char *rel)
{
	awm_buf_clear(out);
	awm_path_join(out, r->state_dir, rel);
}

void awm_remote_tracking_ref(awm_buf *out, const char *remote, const char *ref)
{
	awm_buf_clear(out);
	if (!strncmp(ref, "refs/heads/", 11))
		awm_buf_printf(out, "refs/remotes/%s/%s", remote, ref + 11);
	else
		awm_buf_printf(out, "refs/remotes/%s/%s", remote, ref + 5);
}

void awm_remote_update_tracking(awm_remote *r, const char *dst, const awm_oid *oid)
{
	awm_buf ref = AWM_BUF_INIT;

	awm_remote_tracking_ref(&ref, r->name, dst);
	if (awm_ref_update(r->repo, ref.ptr, oid, NULL, "push") < 0)
		awm_error_clear();   /* only a cache of the remote's state */
	awm_buf_release(&ref);
}
