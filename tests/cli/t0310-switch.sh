#!/bin/sh
# awm switch: to a branch, -c, --detach.
. "$(dirname "$0")/test-lib.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-awm.sh"

test_expect_success 'setup' '
	new_repo . &&
	write_migration 1_a "CREATE TABLE a(id INTEGER PRIMARY KEY);" &&
	awm commit >/dev/null &&
	write_migration 2_b "CREATE TABLE b(id INTEGER PRIMARY KEY);" &&
	awm commit >/dev/null
'

test_expect_success 'switch -c creates a branch and makes it current' '
	awm switch -c topic HEAD~1 >out &&
	test_grep "Switched to a new branch '\''topic'\''" out &&
	test_grep "ref: refs/heads/topic" .awm/HEAD &&
	test "$(awm rev-parse HEAD)" = "$(awm rev-parse main~1)" &&
	awm status >st &&
	test_grep "On branch topic" st
'

test_expect_success 'commits go to the current branch only' '
	mkdir aside && mv migrations/2_b.sql aside/ &&
	write_migration 2_c "CREATE TABLE c(id INTEGER PRIMARY KEY);" &&
	awm commit >out &&
	test_grep "^\[topic " out &&
	test "$(awm rev-parse topic~1)" = "$(awm rev-parse main~1)" &&
	awm log --oneline main >m &&
	! grep -q " c$" m
'

test_expect_success 'switch back' '
	awm switch main >out &&
	test_grep "Switched to branch '\''main'\''" out &&
	test "$(awm rev-parse HEAD)" = "$(awm rev-parse main)"
'

test_expect_success 'switch --detach points HEAD at a commit' '
	awm switch --detach topic~1 >out &&
	test_grep "HEAD is now at $(awm rev-parse --short topic~1) (detached)" out &&
	test "$(cat .awm/HEAD)" = "$(awm rev-parse topic~1)" &&
	awm branch >out &&
	! grep -q "^\*" out &&
	awm switch main >/dev/null
'

test_expect_success 'the moves are in the HEAD reflog' '
	awm reflog >out &&
	test_grep "HEAD@{0}: switch: moving to main" out &&
	test_grep "switch: detaching HEAD" out &&
	test_grep "switch: moving to topic" out
'

test_expect_success 'errors' '
	test_expect_code 1 awm switch nonesuch 2>err &&
	test_grep "branch '\''nonesuch'\'' not found; create it with '\''awm switch -c nonesuch'\''" err &&
	test_expect_code 1 awm switch -c topic 2>err &&
	test_grep "already exists" err &&
	test_expect_code 1 awm switch -c "bad..name" 2>err &&
	test_grep "not a valid ref name" err &&
	test_expect_code 2 awm switch 2>err &&
	test_expect_code 2 awm switch a b 2>err &&
	test_expect_code 2 awm switch --detach 2>err &&
	test_grep "ref: refs/heads/main" .awm/HEAD
'

test_done
