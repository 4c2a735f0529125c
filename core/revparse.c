/*
 * Revision parsing (see revparse.h).
 */
#include "core/revparse.h"
#include "core/error.h"
#include "core/refs.h"
#include "objects/commit.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const char *const ref_rules[] = {
	"%s", "refs/%s", "refs/heads/%s", "refs/envs/%s", "refs/remotes/%s",
	"refs/remotes/%s/HEAD",
};

int awm_revparse_ref(awm_buf *out, awm_repo *repo, const char *name)
{
	awm_buf full = AWM_BUF_INIT;
	size_t i;
	awm_oid oid;

	if (!strcmp(name, "@"))
		name = "HEAD";
	/* "env/dev" is how log decorates refs/envs/dev; accept it back. */
	if (!strncmp(name, "env/", 4) && name[4]) {
		awm_buf_printf(&full, "refs/envs/%s", name + 4);
		if (awm_refname_check(full.ptr) == 0 && awm_ref_lookup(&oid, repo, full.ptr) == 0) {
			awm_buf_clear(out);
			awm_buf_puts(out, full.ptr);
			awm_buf_release(&full);
			return 0;
		}
		awm_error_clear();
	}
	for (i = 0; i < sizeof(ref_rules) / sizeof(ref_rules[0]); i++) {
		awm_buf_clear(&full);
		awm_buf_printf(&full, ref_rules[i], name);
		if (i == 0 && strcmp(name, "HEAD") && strncmp(name, "refs/", 5))
			continue;
		if (awm_refname_check(full.ptr) < 0)
			continue;
		if (awm_ref_lookup(&oid, repo, full.ptr) == 0) {
			awm_buf_clear(out);
			awm_buf_puts(out, full.ptr);
			awm_buf_release(&full);
			awm_error_clear();
			return 0;
		}
	}
	awm_buf_release(&full);
	awm_error_clear();
	return AWM_ENOTFOUND;
}

static int resolve_base(awm_oid *out, awm_repo *repo, const char *name)
{
	awm_buf ref = AWM_BUF_INIT;
	size_t len = strlen(name);
	int rc;

	if (len == 0)
		return awm_error_set(AWM_EINVALID, "empty revision");
	if (awm_revparse_ref(&ref, repo, name) == 0) {
		rc = awm_ref_lookup(out, repo, ref.ptr);
		awm_buf_release(&ref);
		return rc;
	}
	awm_buf_release(&ref);
	if (len == AWM_OID_HEXSZ && awm_oid_fromhex(out, name) == 0) {
		if (!awm_odb_exists(repo->odb, out))
			return awm_error_set(AWM_ENOTFOUND, "object %s not found", name);
		return 0;
	}
	if (len >= AWM_OID_MINPREFIX && len < AWM_OID_HEXSZ && awm_is_hex(name, len)) {
		rc = awm_odb_resolve_prefix(out, repo->odb, name);
		if (rc != AWM_ENOTFOUND)
			return rc;
	}
	if (!strcmp(name, "HEAD") || !strcmp(name, "@"))
		return awm_error_set(AWM_ENOTFOUND, "HEAD does not point at a commit yet; "
				     "record a migration with 'awm commit' first");
	return awm_error_set(AWM_ENOTFOUND, "unknown revision '%s': not a branch, "
			     "environment, remote ref or object id", name);
}

static int nth_parent(awm_oid *cur, awm_repo *repo, unsigned n, const char *spec)
{
	awm_commit *c;
	int rc;

	if (n == 0)
		return 0;
	if ((rc = awm_commit_read(&c, repo->odb, cur)) < 0)
		return rc;
	if (c->nparents < n)
		rc = awm_error_set(AWM_ENOTFOUND, "'%s': commit %s has no parent %u",
				   spec, awm_oid_short(cur, 10).s, n);
	else
		*cur = c->parents[n - 1];
	awm_commit_free(c);
	return rc;
}

int awm_revparse(awm_oid *out, awm_repo *repo, const char *spec)
{
	const char *p = spec;
	char *base;
	int rc;

	/* The base ends at the first '~' or '^'. */
	while (*p && *p != '~' && *p != '^')
		p++;
	base = awm_strndup(spec, (size_t)(p - spec));
	rc = resolve_base(out, repo, base);
	free(base);
	while (rc == 0 && *p) {
		char op = *p++;
		unsigned long n = 1;

		if (isdigit((unsigned char)*p)) {
			char *end;

			n = strtoul(p, &end, 10);
			p = end;
		}
		if (op == '^') {
			rc = nth_parent(out, repo, (unsigned)n, spec);
		} else {
			for (; rc == 0 && n > 0; n--)
				rc = nth_parent(out, repo, 1, spec);
		}
		if (rc == AWM_ENOTFOUND && op == '~')
			rc = awm_error_set(AWM_ENOTFOUND, "'%s' goes back past the first commit", spec);
		if (*p && *p != '~' && *p != '^')
			rc = awm_error_set(AWM_EINVALID, "cannot parse revision '%s'", spec);
	}
	return rc;
}

int awm_revparse_range(awm_oid *from, int *has_from, awm_oid *to,
		       awm_repo *repo, const char *spec)
{
	const char *dots = strstr(spec, "..");
	char *left;
	int rc;

	*has_from = 0;
	if (!dots)
		return awm_revparse(to, repo, spec);
	left = awm_strndup(spec, (size_t)(dots - spec));
	rc = awm_revparse(from, repo, *left ? left : "HEAD");
	free(left);
	if (rc < 0)
		return rc;
	*has_from = 1;
	return awm_revparse(to, repo, dots[2] ? dots + 2 : "HEAD");
}
