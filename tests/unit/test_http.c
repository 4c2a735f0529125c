/*
 * The HTTP and crypto wrappers: which URLs may be spoken to, escaping,
 * header lookup, and SHA-1 known answers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/crypto.h"
#include "core/error.h"
#include "core/http.h"
#include "core/url.h"

#include <string.h>

static void test_http__only_https_or_loopback(void **state)
{
	(void)state;
	assert_int_equal(awm_http_check_url("https://api.backblazeb2.com", "x"), 0);
	assert_int_equal(awm_http_check_url("http://127.0.0.1:8080", "x"), 0);
	assert_int_equal(awm_http_check_url("http://localhost:1", "x"), 0);
	assert_int_equal(awm_http_check_url("http://[::1]:1", "x"), 0);
	assert_int_equal(awm_http_check_url("http://api.backblazeb2.com", "x"), AWM_EINVALID);
	assert_int_equal(awm_http_check_url("http://127.0.0.2", "x"), AWM_EINVALID);
	assert_int_equal(awm_http_check_url("ftp://127.0.0.1", "x"), AWM_EINVALID);
	assert_int_equal(awm_http_check_url("not a url", "x"), AWM_EINVALID);
}

static void redacts(const char *url, const char *want)
{
	awm_buf b = AWM_BUF_INIT;

	awm_url_redact(&b, url);
	assert_string_equal(b.ptr, want);
	awm_buf_release(&b);
}

static void test_http__urls_in_messages_hide_keys(void **state)
{
	(void)state;
	redacts("b2://id:KEY@bucket/p", "b2://***@bucket/p");
	redacts("b2://id:K/E@Y@bucket/p", "b2://***@bucket/p");
	redacts("appwrite://KEY@h/p/d", "appwrite://***@h/p/d");
	redacts("b2://bucket/p", "b2://bucket/p");
	redacts("/home/me@work/repo", "/home/me@work/repo");
	redacts("", "");
	assert_true(awm_url_has_userinfo("b2://id:KEY@bucket/p"));
	assert_true(awm_url_has_userinfo("https://u@h"));
	assert_false(awm_url_has_userinfo("b2://bucket/p@x"));
	assert_false(awm_url_has_userinfo("https://h/?a=b@c"));
	assert_false(awm_url_has_userinfo("me@host:/path"));
	/* The messages of awm_http_check_url hide it too. */
	assert_int_equal(awm_http_check_url("http://u:KEY@example.com", "x"), AWM_EINVALID);
	assert_null(strstr(awm_error_last(), "KEY"));
	assert_non_null(strstr(awm_error_last(), "http://***@example.com"));
}

static void test_http__escape(void **state)
{
	awm_buf out = AWM_BUF_INIT;

	(void)state;
	awm_http_escape(&out, "team/a b/caf\xc3\xa9+x", 1);
	assert_string_equal(out.ptr, "team/a%20b/caf%C3%A9%2Bx");
	awm_buf_clear(&out);
	awm_http_escape(&out, "4_z1/f2", 0);
	assert_string_equal(out.ptr, "4_z1%2Ff2");
	awm_buf_release(&out);
}

static void test_http__header_lookup(void **state)
{
	awm_http_response res;
	awm_buf v = AWM_BUF_INIT;

	(void)state;
	awm_http_response_init(&res);
	awm_buf_puts(&res.headers, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
		     "x-bz-content-sha1:  abc \r\nRetry-After: 3\r\n\r\n");
	assert_int_equal(awm_http_header(&v, &res, "X-Bz-Content-Sha1"), 0);
	assert_string_equal(v.ptr, "abc");
	assert_int_equal(awm_http_header(&v, &res, "retry-after"), 0);
	assert_string_equal(v.ptr, "3");
	assert_int_equal(awm_http_header(&v, &res, "Retry"), AWM_ENOTFOUND);
	awm_http_response_release(&res);
	awm_buf_release(&v);
}

static void test_http__sha1_known_answers(void **state)
{
	char hex[AWM_SHA1_HEXSZ + 1];

	(void)state;
	assert_int_equal(awm_sha1_hex(hex, "", 0), 0);
	assert_string_equal(hex, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
	assert_int_equal(awm_sha1_hex(hex, "abc", 3), 0);
	assert_string_equal(hex, "a9993e364706816aba3e25717850c26c9cd0d89d");
}

static void test_http__random_hex(void **state)
{
	char a[17], b[17];

	(void)state;
	assert_int_equal(awm_random_hex(a, 8), 0);
	assert_int_equal(awm_random_hex(b, 8), 0);
	assert_int_equal(strlen(a), 16);
	assert_string_not_equal(a, b);
	assert_int_equal(awm_random_hex(a, 100), AWM_EUSAGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_http__only_https_or_loopback),
		cmocka_unit_test(test_http__urls_in_messages_hide_keys),
		cmocka_unit_test(test_http__escape),
		cmocka_unit_test(test_http__header_lookup),
		cmocka_unit_test(test_http__sha1_known_answers),
		cmocka_unit_test(test_http__random_hex),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
