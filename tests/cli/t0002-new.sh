#!/bin/sh
# awm new: file names, the template, ordering.
. "$(dirname "$0")/test-lib.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-awm.sh"

test_expect_success 'setup' '
	new_repo .
'

test_expect_success 'new creates a timestamped file and prints its path' '
	awm new Add users table >out &&
	path=$(cat out) &&
	test -f "$path" &&
	echo "$path" | grep -q "^migrations/[0-9]\{14\}_add_users_table\.sql$" &&
	test_grep "^-- awm:up$" "$path" &&
	test_grep "^-- awm:down$" "$path"
'

test_expect_success 'a second file sorts after the first, even within one second' '
	awm new second >out2 &&
	awm new third >out3 &&
	ls migrations >list &&
	test_line_count = 3 list &&
	test "$(sed -n 3p list)" = "$(basename "$(cat out3)")" &&
	test "$(sed -n 2p list)" = "$(basename "$(cat out2)")"
'

test_expect_success 'the template alone is not a migration yet' '
	test_must_fail awm commit 2>err &&
	test_grep "holds no SQL statement" err
'

test_expect_success 'new needs a phrase with letters or digits' '
	test_expect_code 2 awm new 2>err &&
	test_grep "usage: awm new" err &&
	test_expect_code 2 awm new "!!!" 2>err &&
	test_grep "no letters or digits" err
'

test_expect_success 'new honours the configured migrations folder' '
	awm init --migrations db/changes other >/dev/null &&
	(cd other && awm new x >../out) &&
	grep -q "^db/changes/[0-9]*_x\.sql$" out &&
	test -f "other/$(cat out)"
'

test_done
