#!/bin/sh
# A key that may see every bucket: awm looks the bucket up by name.
. "$(dirname "$0")/test-lib.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-remote.sh"

start_b2 --unrestricted

test_expect_success 'push and fetch with an unrestricted key' '
	clone_of a "b2://awm-test-bucket/p" && cd a &&
	commit_sql 1_t "CREATE TABLE t (id INTEGER PRIMARY KEY);" &&
	b2_control reset >/dev/null && awm push -q &&
	test "$(b2_requests b2_list_buckets)" = 1 &&
	clone_of ../b "b2://awm-test-bucket/p" && cd ../b && awm pull -q && awm fsck
'

test_expect_success 'a bucket the key cannot see is named' '
	cd a && awm remote add other b2://no-such-bucket/p &&
	test_expect_code 1 awm fetch other 2>err &&
	test_grep "B2 bucket .no-such-bucket. does not exist" err
'

test_done
