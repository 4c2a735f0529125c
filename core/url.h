/*
 * URLs in messages: whatever a user pasted between "://" and "@" (a user
 * name, a key, a password) is hidden before a URL is shown, so that a
 * secret put in the wrong place is not echoed into a terminal or a log.
 */
#ifndef AWM_URL_H
#define AWM_URL_H

#include "core/buf.h"

/*
 * `url` with everything between "://" and its last '@' replaced by "***"
 * (appended to `out`).  The last '@' and not the first '/' ends the part
 * hidden, so that a key holding '/' is hidden whole; a URL without "://"
 * or '@' after it is appended unchanged.
 */
void awm_url_redact(awm_buf *out, const char *url);

/* 1 when the authority of `url` ("://" up to '/', '?' or '#') holds an '@'. */
int awm_url_has_userinfo(const char *url);

#endif
