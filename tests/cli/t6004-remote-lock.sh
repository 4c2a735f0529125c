#!/bin/sh
# awm lock --remote / awm unlock --remote: the advisory lease lock, on a
# folder (exclusive creation) and on the B2 stand-in (write, then list).
. "$(dirname "$0")/test-lib.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-remote.sh"

start_b2

for kind in folder b2; do
	if [ $kind = folder ]; then url="$TRASH/shared"; else url="b2://awm-test-bucket/locks-test"; fi

	test_expect_success "$kind: setup" '
		clone_of $kind-a "$url" && (cd $kind-a &&
		commit_sql 1_t "CREATE TABLE t (id INTEGER PRIMARY KEY);" && awm push -q) &&
		clone_of $kind-b "$url" && (cd $kind-b && awm pull -q)
	'

	test_expect_success "$kind: lock, and pushes from others are refused with exit 3" '
		(cd $kind-a && awm lock --remote origin --ttl 10m -m "release night" >out &&
		 test_grep "Locked remote .origin. until" out) &&
		cd $kind-b && commit_sql 2_b "INSERT INTO t DEFAULT VALUES;" &&
		test_expect_code 3 awm push 2>err &&
		test_grep "remote .origin. is locked by A U Thor <author@example.com>" err &&
		test_grep "release night" err &&
		test_grep "awm unlock --remote origin" err
	'

	test_expect_success "$kind: status says to wait; the holder sees its own lock" '
		(cd $kind-b && awm status >out && test_grep "The remote is locked.* wait before pushing" out) &&
		(cd $kind-a && awm status >out && test_grep "You hold the remote.s lock" out)
	'

	test_expect_success "$kind: the holder pushes; a second lock is refused" '
		(cd $kind-a && commit_sql 3_a "INSERT INTO t DEFAULT VALUES;" && awm push -q) &&
		cd $kind-b && test_expect_code 3 awm lock --remote origin 2>err &&
		test_grep "is locked by" err
	'

	test_expect_success "$kind: unlock, then others push again" '
		(cd $kind-a && awm unlock --remote origin >out && test_grep "Unlocked remote" out) &&
		cd $kind-b && awm pull -q --rebase && awm push -q &&
		test_expect_code 1 awm unlock --remote origin 2>err &&
		test_grep "holds no lock" err
	'

	test_expect_success "$kind: --force takes a lock over" '
		(cd $kind-a && awm lock --remote origin >/dev/null) &&
		cd $kind-b && awm lock --remote origin --force >/dev/null &&
		(cd ../$kind-a && commit_sql 4_a "INSERT INTO t DEFAULT VALUES;" &&
		 test_expect_code 3 awm push 2>err && test_grep "locked by" err) &&
		awm unlock --remote origin >/dev/null &&
		(cd ../$kind-a && awm unlock --remote origin >out &&
		 test_grep "was not locked any more" out)
	'

	test_expect_success "$kind: a lock lapses after its time to live" '
		(cd $kind-a && awm lock --remote origin --ttl 1s >/dev/null) && sleep 2 &&
		cd $kind-b && awm lock --remote origin --ttl 5m >/dev/null &&
		awm unlock --remote origin >/dev/null
	'

	test_expect_success "$kind: unlock --force clears anyone's lock" '
		(cd $kind-a && awm lock --remote origin >/dev/null) &&
		cd $kind-b && awm unlock --remote origin --force >out &&
		test_grep "it was held by A U Thor" out &&
		awm remote show origin >out && test_grep "Lock: none" out
	'
done

test_expect_success 'a bad --ttl, or a remote and an environment at once, are usage errors' '
	cd folder-a &&
	test_expect_code 2 awm lock --remote origin --ttl 5x 2>err && test_grep "duration" err &&
	test_expect_code 2 awm lock --remote origin --env dev 2>err && test_grep "not both" err &&
	test_expect_code 2 awm unlock --remote origin --env dev 2>err && test_grep "not both" err &&
	test_expect_code 2 awm lock -m "why" 2>err && test_grep "goes with --remote" err
'

test_done
