#!/bin/sh
# Ten Appwrite migrations applied one by one to the stand-in, rolled back
# one by one to the root, and applied again.  After every step the live
# schema, read through the API by a reader independent of awm
# (appwrite_dump.py), is the schema the commit recorded.
. "$(dirname "$0")/test-lib.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-appwrite.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-appwrite-history.sh"

start_appwrite_standin --attribute-delay 0.02

# check <rev>: the live schema is the one <rev> recorded.
check() {
	appwrite_schema app >live && commit_schema "$1" >want && test_cmp want live
}

test_expect_success 'setup: ten migrations recorded, an Appwrite environment' '
	awm init >/dev/null && awm env remove dev >/dev/null &&
	awm env add prod "$(appwrite_url app)" &&
	write_history && awm commit -q &&
	test "$(awm log --oneline | wc -l)" = 10 &&
	awm cat-object -p HEAD >c && test_grep "^engine appwrite$" c
'

test_expect_success 'apply one step at a time: after each, the live schema is the commit'"'"'s' '
	for i in 9 8 7 6 5 4 3 2 1 0; do
		awm apply --allow-data-loss --to HEAD~$i >out &&
		test_grep "^up  " out && check HEAD~$i || return 1
	done &&
	awm status --env prod >st && test_grep "drift: none" st &&
	test "$(awm history --format=json | grep -c "\"status\": \"applied\"")" = 10
'

test_expect_success 'the history documents have the seed'"'"'s shape, ops recorded' '
	appwrite_docs app awm_state >docs &&
	test "$(wc -l <docs)" = 10 &&
	for k in record_type record_id status payload created_at updated_at; do
		test_grep "\"$k\": " docs || return 1
	done &&
	test_grep "createRelationship" docs && test_grep "deleteCollection" docs
'

test_expect_success 'roll back one step at a time to the root' '
	for i in 1 2 3 4 5 6 7 8 9; do
		awm rollback --allow-data-loss >out &&
		test_grep "^down" out && check HEAD~$i || return 1
	done &&
	awm status --env prod >st && test_grep "applied:  .* users" st
'

test_expect_success 'a rollback that recreates what Appwrite cannot change back in place needs --allow-data-loss' '
	awm apply --allow-data-loss --to HEAD~1 >/dev/null &&
	test_expect_code 1 awm rollback 2>err &&
	test_grep "would lose data (delete attribute users.email" err &&
	check HEAD~1 && awm rollback --allow-data-loss >/dev/null && check HEAD~2 &&
	awm rollback --allow-data-loss --to HEAD~9 >/dev/null && check HEAD~9
'

test_expect_success 'apply again, one step at a time' '
	for i in 8 7 6 5 4 3 2 1 0; do
		awm apply --allow-data-loss --to HEAD~$i >/dev/null && check HEAD~$i || return 1
	done
'

test_expect_success 'rollback --all leaves the database empty of collections but awm'"'"'s' '
	awm rollback --all --allow-data-loss >out &&
	test_grep "now empty" out && appwrite_schema app >live && test ! -s live &&
	awm apply --allow-data-loss >/dev/null && check HEAD
'

test_done
