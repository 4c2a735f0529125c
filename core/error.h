/*
 * Error codes and the last-error message.
 *
 * Library functions return 0 on success and one of the negative codes below
 * on failure.  The function that detects a failure sets a message once, with
 * context, through awm_error_set(); callers propagate the code unchanged and
 * only commands/ prints the message.  The message lives in thread-local
 * storage, as libgit2's git_error_last() does.
 */
#ifndef AWM_ERROR_H
#define AWM_ERROR_H

#include <stdarg.h>

enum {
	AWM_OK = 0,
	AWM_ERROR = -1,       /* generic failure */
	AWM_ENOTFOUND = -3,   /* object, ref, file or config key is missing */
	AWM_EEXISTS = -4,     /* something to be created already exists */
	AWM_EAMBIGUOUS = -5,  /* a prefix or name matches more than one thing */
	AWM_EINVALID = -6,    /* malformed input: a name, a file, an object */
	AWM_ECORRUPT = -7,    /* stored data fails its checksum or its format */
	AWM_ECONFLICT = -8,   /* a compare-and-swap lost, or two changes clash */
	AWM_ELOCKED = -9,     /* a lock is held by somebody else */
	AWM_EUSAGE = -10,     /* the caller asked for something meaningless */
	AWM_ENONFASTFORWARD = -11, /* an update would drop commits */
};

/* Set the message for the current thread; printf-style. Returns `code`. */
int awm_error_set(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int awm_error_vset(int code, const char *fmt, va_list ap);

/* Set the message from errno: "<context>: <strerror(errno)>". Returns code. */
int awm_error_os(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Prepend context to the current message: "<context>: <old message>". */
void awm_error_prefix(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The last message set on this thread, or "unknown error". Never NULL. */
const char *awm_error_last(void);

/* The code passed with the last message; AWM_ERROR when none was set. */
int awm_error_code(void);

void awm_error_clear(void);

#endif
