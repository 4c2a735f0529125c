#!/bin/sh
# An interrupted push leaves the remote valid, and running it again
# completes it: the process is killed (SIGKILL, as kill -9 does) right after
# each upload in turn, or an upload or listing fails, on a folder and on the
# B2 stand-in.
. "$(dirname "$0")/test-lib.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-remote.sh"

start_b2

# check_remote <url> <commit>: a fresh clone fetches exactly one head,
# <commit>, and its store passes fsck.
check_remote() {
	rm -rf "$TRASH/check" && clone_of "$TRASH/check" "$1" &&
	(cd "$TRASH/check" && awm fetch -q 2>err && ! grep -q diverged err &&
	 test "$(awm rev-parse origin/main)" = "$2" && awm fsck >/dev/null)
}

n=0
for kind in folder b2; do
	for step in 1 2 3 4; do
		n=$((n + 1))
		if [ $kind = folder ]; then url="$TRASH/shared$n"; else url="b2://awm-test-bucket/kill$n"; fi
		test_expect_success "$kind: killed after upload $step of a first push, then run again" '
			clone_of k$n "$url" && cd k$n &&
			commit_sql 1_t "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);" &&
			commit_sql 2_u "INSERT INTO t (v) VALUES ('"'u'"');" &&
			test_expect_code 137 env AWM_FAULT=remote-put-kill@$step awm push -q &&
			awm push >out 2>err &&
			{ test_grep "main -> main" out || test_grep "Everything up to date" out; } &&
			check_remote "$url" "$(awm rev-parse main)"
		'
	done

	for step in 1 2 3; do
		test_expect_success "$kind: killed after upload $step of a later push, then run again" '
			cd k$n && commit_sql 3_v$step "INSERT INTO t (v) VALUES ('"'v'"');" &&
			test_expect_code 137 env AWM_FAULT=remote-put-kill@$step awm push -q &&
			awm push -v >out 2>err &&
			if [ $step = 1 ]; then test_grep "already uploaded by an interrupted push" out; fi &&
			if [ $step = 3 ]; then test_grep "finished an interrupted push" err &&
				test_grep "\[completed\]" out; fi &&
			check_remote "$url" "$(awm rev-parse main)"
		'
	done

	test_expect_success "$kind: a failed upload leaves nothing half done" '
		cd k$n && commit_sql 4_w "INSERT INTO t (v) VALUES ('"'w'"');" &&
		old=$(cd "$TRASH/check" && awm rev-parse origin/main) &&
		test_expect_code 1 env AWM_FAULT=remote-put@2 awm push 2>err &&
		test_grep "fault injected" err &&
		check_remote "$url" "$old" &&
		awm push -q && check_remote "$url" "$(awm rev-parse main)"
	'

	test_expect_success "$kind: a listing that fails after the entry is written" '
		cd k$n && commit_sql 5_x "INSERT INTO t (v) VALUES ('"'x'"');" &&
		test_expect_code 1 env AWM_FAULT=remote-list@3 awm push 2>err &&
		test -s .awm/remotes/origin/pending &&
		awm push >out 2>err && test_grep "finished an interrupted push" err &&
		check_remote "$url" "$(awm rev-parse main)"
	'
done

test_done
