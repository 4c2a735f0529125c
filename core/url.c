/* URLs as shown in messages (see url.h). */
#include "core/url.h"

#include <string.h>

void awm_url_redact(awm_buf *out, const char *url)
{
	const char *sep = strstr(url, "://"), *at = sep ? strrchr(sep + 3, '@') : NULL;

	if (!at) {
		awm_buf_puts(out, url);
		return;
	}
	awm_buf_put(out, url, (size_t)(sep + 3 - url));
	awm_buf_puts(out, "***");
	awm_buf_puts(out, at);
}

int awm_url_has_userinfo(const char *url)
{
	const char *sep = strstr(url, "://");
	size_t n;

	if (!sep)
		return 0;
	n = strcspn(sep + 3, "/?#");
	return memchr(sep + 3, '@', n) != NULL;
}
