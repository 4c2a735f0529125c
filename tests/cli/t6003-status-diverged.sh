#!/bin/sh
# awm status against the remote (safe to push, the remote moved, a rebase is
# required, diverged), and a diverged remote ref: reported by a third
# clone's fetch, resolved by pull --rebase in the clone whose push raced.
. "$(dirname "$0")/test-lib.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-remote.sh"

REMOTE="$TRASH/shared"

test_expect_success 'setup' '
	clone_of a "$REMOTE" && (cd a &&
	commit_sql 1_t "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);" && awm push -q) &&
	clone_of b "$REMOTE" && (cd b && awm pull -q) &&
	clone_of c "$REMOTE"
'

test_expect_success 'status: up to date' '
	cd a && awm status >out &&
	test_grep "^Remote origin ($REMOTE), branch main:" out &&
	test_grep "Up to date with origin/main" out
'

test_expect_success 'status: local base = remote, so safe to push' '
	cd a && commit_sql 2_a "INSERT INTO t (v) VALUES ('"'a'"');" &&
	awm status >out && test_grep "Safe to push.*1 commit is not on origin" out
'

test_expect_success 'status: a branch the remote lacks is safe to push' '
	cd a && awm branch topic && awm switch topic >/dev/null &&
	awm status >out && test_grep "Safe to push.*.topic. is not on origin yet" out &&
	awm switch main >/dev/null
'

test_expect_success 'status: the remote moved, nothing local: pull fast-forwards' '
	(cd a && awm push -q) &&
	cd b && awm status >out &&
	test_grep "The remote moved: origin has commits you lack and you have none" out
'

test_expect_success 'status: the remote moved and so did we: rebase required' '
	cd b && commit_sql 3_b "INSERT INTO t (v) VALUES ('"'b'"');" &&
	awm status >out && test_grep "rebase required" out &&
	awm fetch -q && awm status >out && test_grep "rebase required" out
'

test_expect_success 'status --no-remote does not contact it; an unreachable one is reported' '
	cd b && awm status --no-remote >out && ! grep -q "^Remote" out &&
	awm remote add gone "b2://some-bucket/x" &&
	B2_APPLICATION_KEY_ID= awm status --remote gone >out &&
	test_grep "cannot check the remote" out && test_grep "B2_APPLICATION_KEY_ID" out
'

# b's push of 3_b raced with a's push of 2_a and b was killed before it
# could see it: its entry sits beside a's, and b's journal names it.
test_expect_success 'setup: a push that raced and was interrupted' '
	cd b &&
	awm push -q origin main:side &&
	entry=$(ls "$REMOTE"/refs/heads/side/) &&
	mv "$REMOTE/refs/heads/side/$entry" "$REMOTE/refs/heads/main/$entry" &&
	echo "refs/heads/main/$entry" >.awm/remotes/origin/pending &&
	ls "$REMOTE"/refs/heads/main/ >entries && test_line_count = 2 entries
'

test_expect_success 'a third clone fetch reports the divergence and its heads' '
	cd c && test_expect_code 4 awm fetch 2>err &&
	test_grep "warning: .main. on remote .origin. has diverged: concurrent pushes left 2 heads" err &&
	test_grep "$(cd ../a && awm rev-parse --short main)" err &&
	test_grep "$(cd ../b && awm rev-parse --short main)" err &&
	test_grep "awm pull --rebase origin" err
'

test_expect_success 'status and remote show name the heads of the diverged ref' '
	cd c && awm status >out &&
	test_grep "Diverged.*2 heads" out &&
	awm remote show origin >out && test_grep "diverged: 2 heads" out
'

test_expect_success 'pushes are refused while the ref is diverged' '
	cd a && test_expect_code 4 awm push 2>err && test_grep "non-fast-forward" err
'

test_expect_success 'pull --rebase in the raced clone withdraws its entry and rebases' '
	cd b && awm pull --rebase >out 2>err &&
	test_grep "withdrew an interrupted push of .main." err &&
	test_grep "Rebased main onto origin/main" out &&
	test ! -s .awm/remotes/origin/pending &&
	awm push -q && ls "$REMOTE"/refs/heads/main/ >entries && test_line_count = 1 entries
'

test_expect_success 'the third clone now sees one head holding all the work' '
	cd c && awm fetch >out 2>err && ! grep -q diverged err &&
	awm log --format=json origin/main >log &&
	test_grep "migrations/2_a.sql" log && test_grep "migrations/3_b.sql" log
'

test_expect_success 'an interrupted push without a race is finished, not withdrawn' '
	cd a && awm pull -q && commit_sql 4_a "INSERT INTO t (v) VALUES ('"'4'"');" &&
	awm push -q origin main:side2 &&
	entry=$(ls "$REMOTE"/refs/heads/side2/) &&
	mv "$REMOTE/refs/heads/side2/$entry" "$REMOTE/refs/heads/main/$entry" &&
	echo "refs/heads/main/$entry" >.awm/remotes/origin/pending &&
	awm push >out 2>err &&
	test_grep "finished an interrupted push of .main." err &&
	test_grep "\[completed\] *main -> main" out &&
	test ! -e .awm/remotes/origin/pending
'

test_done
