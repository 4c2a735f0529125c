#!/bin/sh
# B2 failures end in success or a clear error, never in a wrong ref or a
# damaged object: 503 storms (honouring Retry-After), 500/429/408, failed
# uploads, expired tokens, truncated and slow responses, tampered packs.
. "$(dirname "$0")/test-lib.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-remote.sh"

start_b2

URL="b2://awm-test-bucket/faults"
rules() { b2_control rules "{\"clear\": true, \"rules\": [$1]}" >/dev/null; }
entries() { b2_control files | grep -c "\"fileName\": \"faults/refs/heads/main/"; }

test_expect_success 'setup' '
	clone_of a "$URL" && cd a &&
	commit_sql 1_t "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);" && awm push -q
'

test_expect_success 'a 503 storm is waited out, honouring Retry-After' '
	cd a && commit_sql 2_a "INSERT INTO t (v) VALUES ('"'a'"');" &&
	rules "{\"fail\": 503, \"count\": 2, \"retry_after\": 1}" &&
	start=$(date +%s) && awm push -q && end=$(date +%s) &&
	test $((end - start)) -ge 2 &&
	test "$(cd ../a && awm rev-parse origin/main)" = "$(awm rev-parse main)"
'

test_expect_success '500, 429 and 408 are retried too' '
	cd a && commit_sql 3_a "INSERT INTO t (v) VALUES ('"'b'"');" &&
	rules "{\"api\": \"b2_list_file_names\", \"fail\": 500, \"count\": 1, \"retry_after\": 0},
	       {\"api\": \"b2_upload_file\", \"fail\": 429, \"count\": 1, \"retry_after\": 0},
	       {\"api\": \"b2_get_upload_url\", \"fail\": 408, \"count\": 1, \"retry_after\": 0}" &&
	awm push -q && rules "" &&
	test "$(awm rev-parse origin/main)" = "$(awm rev-parse main)"
'

test_expect_success 'a failed upload takes a fresh upload URL' '
	cd a && commit_sql 4_a "INSERT INTO t (v) VALUES ('"'c'"');" &&
	rules "{\"api\": \"b2_upload_file\", \"skip\": 1, \"fail\": 500, \"count\": 1, \"retry_after\": 0}" &&
	b2_control reset >/dev/null && awm push -q &&
	test "$(b2_requests b2_get_upload_url)" = 2 && rules ""
'

test_expect_success 'a storm that does not end is a clear error, and no ref moves' '
	cd a && commit_sql 5_a "INSERT INTO t (v) VALUES ('"'d'"');" &&
	before=$(entries) && tracked=$(awm rev-parse origin/main) &&
	rules "{\"api\": \"b2_upload_file\", \"fail\": 503, \"count\": 1000, \"retry_after\": 0}" &&
	test_expect_code 1 awm push 2>err &&
	test_grep "b2_upload_file of .store/.* failed: 503 service_unavailable: fault injected" err &&
	test "$(entries)" = "$before" && test "$(awm rev-parse origin/main)" = "$tracked" &&
	rules "" && awm push -q && test "$(awm rev-parse origin/main)" = "$(awm rev-parse main)"
'

test_expect_success 'other errors are not retried and show B2 code and message' '
	cd a && b2_control reset >/dev/null &&
	rules "{\"api\": \"b2_list_file_names\", \"fail\": 400, \"code\": \"bad_request\", \"count\": 1}" &&
	test_expect_code 1 awm fetch 2>err &&
	test_grep "b2_list_file_names on .$URL. failed: 400 bad_request: fault injected" err &&
	test "$(b2_requests b2_list_file_names)" = 1 && rules ""
'

test_expect_success 'an expired token is renewed' '
	cd a && commit_sql 6_a "INSERT INTO t (v) VALUES ('"'e'"');" &&
	rules "{\"api\": \"b2_list_file_names\", \"skip\": 1, \"expire\": true, \"count\": 1}" &&
	b2_control reset >/dev/null && awm push -q &&
	test "$(b2_requests b2_authorize_account)" = 2 &&
	test "$(awm rev-parse origin/main)" = "$(awm rev-parse main)" && rules ""
'

test_expect_success 'an upload token that expires takes a new upload URL' '
	cd a && commit_sql 7_a "INSERT INTO t (v) VALUES ('"'f'"');" &&
	rules "{\"api\": \"b2_upload_file\", \"skip\": 1, \"expire\": true, \"count\": 1}" &&
	awm push -q && test "$(awm rev-parse origin/main)" = "$(awm rev-parse main)" && rules ""
'

test_expect_success 'a truncated download is fetched again' '
	clone_of b "$URL" && cd b &&
	rules "{\"api\": \"b2_download_file_by_id\", \"keep\": 10, \"count\": 2}" &&
	awm fetch -q && rules "" && awm pull -q && awm fsck
'

test_expect_success 'downloads that keep being truncated are a clear error' '
	clone_of c "$URL" && cd c &&
	rules "{\"api\": \"b2_download_file_by_id\", \"keep\": 10, \"count\": 1000}" &&
	test_expect_code 1 awm fetch 2>err &&
	test_grep "GET request to .127.0.0.1. failed" err &&
	test ! -e .awm/refs/remotes/origin/main && rules ""
'

test_expect_success 'slow responses are waited for' '
	cd c && rules "{\"delay\": 1, \"count\": 2}" && awm fetch -q && rules "" &&
	test "$(awm rev-parse origin/main)" = "$(cd ../a && awm rev-parse main)"
'

test_expect_success 'a pack changed on the remote is refused on fetch, by object id' '
	pack=$(b2_control files | sed -n "s/.*\"fileName\": \"\(faults\/store\/[0-9a-f]*\.pack\)\".*/\1/p" | head -1) &&
	b2_control tamper "{\"name\": \"$pack\", \"offset\": 200}" >/dev/null &&
	clone_of d "$URL" && cd d &&
	test_expect_code 1 awm fetch 2>err &&
	test_grep "refusing .store/[0-9a-f]*\.pack. from remote .origin." err &&
	test_grep "object [0-9a-f]\{32\} in .$URL/store/" err &&
	test ! -e .awm/refs/remotes/origin/main &&
	b2_control tamper "{\"name\": \"$pack\", \"offset\": 200}" >/dev/null
'

test_expect_success 'a download that does not match its stored SHA-1 is refused' '
	pack=$(b2_control files | sed -n "s/.*\"fileName\": \"\(faults\/store\/[0-9a-f]*\.pack\)\".*/\1/p" | head -1) &&
	b2_control tamper "{\"name\": \"$pack\", \"offset\": 100, \"keep_sha1\": true}" >/dev/null &&
	rm -rf e && clone_of e "$URL" && cd e &&
	test_expect_code 1 awm fetch 2>err &&
	test_grep "does not match the SHA-1 B2 stored for it" err &&
	test ! -e .awm/refs/remotes/origin/main
'

test_done
