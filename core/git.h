/*
 * libgit2: library lifetime, error translation, and what awm asks of git
 * (identity, the current git commit, unified diffs).  This is the only file
 * that reads git_error_last().
 */
#ifndef AWM_GIT_H
#define AWM_GIT_H

#include <stdint.h>

#include "core/buf.h"

/* Reference-counted libgit2 initialisation; pair every init with shutdown. */
void awm_git_init(void);
void awm_git_shutdown(void);

/* Turn a negative libgit2 return into an awm error with context. */
int awm_git_error(int git_rc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

typedef struct awm_signature {
	char *name;
	char *email;
	int64_t time;      /* seconds since the epoch */
	int tz;            /* offset from UTC in minutes */
} awm_signature;

void awm_signature_release(awm_signature *sig);
void awm_signature_copy(awm_signature *dst, const awm_signature *src);

/*
 * Who is acting: AWM_AUTHOR_NAME / AWM_AUTHOR_EMAIL when set, else git's
 * user.name / user.email as git would find them from `workdir` (repository,
 * global and system config).  The time is now, or AWM_AUTHOR_DATE
 * ("<seconds> <+hhmm>") for reproducible tests.
 */
int awm_git_identity(awm_signature *out, const char *workdir);

/*
 * The id of git's HEAD commit when `workdir` is inside a git work tree with
 * at least one commit; `out` is left empty otherwise.
 */
int awm_git_head(awm_buf *out, const char *workdir);

/*
 * A unified diff of two texts, as `diff -u` prints it, with the given file
 * labels.  Empty when the texts are equal.
 */
int awm_git_diff_text(awm_buf *out, const char *old_text, const char *old_label,
		      const char *new_text, const char *new_label);

#endif
