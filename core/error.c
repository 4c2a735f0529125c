/*
 * The thread-local last-error message behind error.h.
 */
#include "core/error.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static _Thread_local char last_msg[2048];
static _Thread_local int last_code;
static _Thread_local int have_msg;

int awm_error_vset(int code, const char *fmt, va_list ap)
{
	vsnprintf(last_msg, sizeof(last_msg), fmt, ap);
	last_code = code;
	have_msg = 1;
	return code;
}

int awm_error_set(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	awm_error_vset(code, fmt, ap);
	va_end(ap);
	return code;
}

int awm_error_os(int code, const char *fmt, ...)
{
	int saved = errno;
	char ctx[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ctx, sizeof(ctx), fmt, ap);
	va_end(ap);
	return awm_error_set(code, "%s: %s", ctx, strerror(saved));
}

void awm_error_prefix(const char *fmt, ...)
{
	char old[sizeof(last_msg)];
	size_t n, m;
	va_list ap;

	snprintf(old, sizeof(old), "%s", have_msg ? last_msg : "unknown error");
	va_start(ap, fmt);
	vsnprintf(last_msg, sizeof(last_msg), fmt, ap);
	va_end(ap);
	n = strlen(last_msg);
	m = strlen(old);
	have_msg = 1;
	if (n + 3 > sizeof(last_msg))
		return;   /* no room for the old message */
	if (m > sizeof(last_msg) - n - 3)
		m = sizeof(last_msg) - n - 3;
	memcpy(last_msg + n, ": ", 2);
	memcpy(last_msg + n + 2, old, m);
	last_msg[n + 2 + m] = '\0';
}

const char *awm_error_last(void)
{
	return have_msg ? last_msg : "unknown error";
}

int awm_error_code(void)
{
	return have_msg ? last_code : AWM_ERROR;
}

void awm_error_clear(void)
{
	have_msg = 0;
	last_code = 0;
	last_msg[0] = '\0';
}
