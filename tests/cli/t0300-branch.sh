#!/bin/sh
# awm branch: list, create, delete.
. "$(dirname "$0")/test-lib.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-awm.sh"

test_expect_success 'no branches before the first commit' '
	new_repo . &&
	awm branch >out &&
	test_must_fail test -s out &&
	test_expect_code 1 awm branch early 2>err &&
	test_grep "HEAD does not point at a commit yet" err
'

test_expect_success 'setup: two commits' '
	write_migration 1_a "CREATE TABLE a(id INTEGER PRIMARY KEY);" &&
	awm commit >/dev/null &&
	write_migration 2_b "CREATE TABLE b(id INTEGER PRIMARY KEY);" &&
	awm commit >/dev/null
'

test_expect_success 'create at HEAD and at a revision; list marks the current one' '
	awm branch topic &&
	awm branch old HEAD~1 &&
	test "$(awm rev-parse topic)" = "$(awm rev-parse HEAD)" &&
	test "$(awm rev-parse old)" = "$(awm rev-parse HEAD~1)" &&
	awm branch >out &&
	cat >expect <<-EOF &&
	* main $(awm rev-parse --short main) b
	  old $(awm rev-parse --short old) a
	  topic $(awm rev-parse --short topic) b
	EOF
	test_cmp expect out &&
	awm branch --list >out2 &&
	test_cmp out out2
'

test_expect_success 'creating writes a reflog entry' '
	awm reflog topic >out &&
	test_grep "topic@{0}: branch: created from HEAD" out
'

test_expect_success 'an existing name, a bad name or a bad start are refused' '
	test_expect_code 1 awm branch topic 2>err &&
	test_grep "a branch named '\''topic'\'' already exists" err &&
	test_expect_code 1 awm branch "a..b" 2>err &&
	test_grep "not a valid ref name" err &&
	test_expect_code 1 awm branch "x.lock" 2>err &&
	test_expect_code 1 awm branch "../../../escape" 2>err &&
	test ! -e .awm/refs/escape && test ! -e escape &&
	test_expect_code 1 awm branch new nonesuch 2>err &&
	test_grep "unknown revision" err &&
	test_expect_code 2 awm branch a b c 2>err
'

test_expect_success 'nested names' '
	awm branch feature/x &&
	awm branch >out &&
	test_grep "feature/x" out &&
	awm branch -d feature/x >out &&
	test_grep "Deleted branch feature/x" out &&
	test ! -d .awm/refs/heads/feature
'

test_expect_success '-d deletes a merged branch, refuses an unmerged one' '
	awm switch -c side >/dev/null &&
	write_migration 3_c "CREATE TABLE c(id INTEGER PRIMARY KEY);" &&
	awm commit >/dev/null &&
	awm switch main >/dev/null &&
	awm branch -d old >out &&
	test_grep "Deleted branch old (was $(awm rev-parse --short HEAD~1))." out &&
	test_must_fail awm rev-parse old &&
	test_expect_code 1 awm branch -d side 2>err &&
	test_grep "has commits that are not in HEAD; use -D" err &&
	awm rev-parse side &&
	awm branch -D side >out &&
	test_must_fail awm rev-parse side
'

test_expect_success 'the current branch cannot be deleted' '
	test_expect_code 1 awm branch -D main 2>err &&
	test_grep "it is the current branch" err &&
	test_expect_code 1 awm branch -d nonesuch 2>err &&
	test_grep "branch '\''nonesuch'\'' not found" err &&
	test_expect_code 2 awm branch -d 2>err
'

test_expect_success 'packed branches are listed and deleted too' '
	awm gc -q &&
	test ! -e .awm/refs/heads/topic &&
	awm branch >out &&
	test_grep "topic" out &&
	awm branch -d topic &&
	awm branch >out &&
	! grep -q topic out &&
	test_must_fail awm rev-parse topic
'

test_done
