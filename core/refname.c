/*
 * Ref name validation, after git's check-ref-format rules.
 */
#include "core/refs.h"
#include "core/error.h"

#include <string.h>

static int bad(const char *name, const char *why)
{
	return awm_error_set(AWM_EINVALID, "'%s' is not a valid ref name: %s", name, why);
}

static int check_component(const char *name, const char *c, size_t len)
{
	if (len == 0)
		return bad(name, "it has an empty path component");
	if (c[0] == '.')
		return bad(name, "a component starts with '.'");
	if (len >= 5 && !memcmp(c + len - 5, ".lock", 5))
		return bad(name, "a component ends with '.lock'");
	return 0;
}

int awm_refname_check(const char *name)
{
	const char *p, *start;
	int rc;

	if (!strcmp(name, "HEAD"))
		return 0;
	if (strncmp(name, "refs/", 5))
		return bad(name, "it must be HEAD or start with 'refs/'");
	if (strlen(name) > 1000)
		return bad(name, "it is too long");
	for (p = name; *p; p++) {
		unsigned char ch = (unsigned char)*p;

		if (ch < 0x20 || ch == 0x7f)
			return bad(name, "it contains a control character");
		if (strchr(" ~^:?*[\\", ch))
			return bad(name, "it contains one of ' ~^:?*[\\'");
		if (ch == '.' && p[1] == '.')
			return bad(name, "it contains '..'");
		if (ch == '@' && p[1] == '{')
			return bad(name, "it contains '@{'");
	}
	if (p[-1] == '/' || p[-1] == '.')
		return bad(name, "it ends with '/' or '.'");
	for (start = name; ; start = p + 1) {
		p = strchr(start, '/');
		if ((rc = check_component(name, start, p ? (size_t)(p - start) : strlen(start))) < 0)
			return rc;
		if (!p)
			break;
	}
	if (!strcmp(name, "refs/heads") || !strcmp(name, "refs/envs"))
		return bad(name, "it names a folder of refs");
	return 0;
}
