#!/bin/sh
# Locks on an Appwrite environment: documents of awm_locks whose id is
# schema-<task>.  Creating one is atomic (a second create is 409), so of two
# concurrent applies one gets the lock and the other reports it.
. "$(dirname "$0")/test-lib.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-appwrite.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-appwrite-history.sh"

start_appwrite_standin --attribute-delay 0.01

# wait_lock <owner>: until the lock document names that owner.
wait_lock() {
	n=0
	until appwrite_docs app awm_locks 2>/dev/null | grep -q "\"owner\": \"$1"; do
		n=$((n + 1))
		[ $n -lt 300 ] || { echo "nobody took the lock" >&2; return 1; }
		sleep 0.02
	done
}

test_expect_success 'setup' '
	awm init >/dev/null && awm env remove dev >/dev/null &&
	awm env add prod "$(appwrite_url app)" && write_history && awm commit -q
'

test_expect_success 'two applies at once: one gets the lock, the other reports it (exit 3)' '
	{ rc=0; AWM_TEST_HOLD_LOCK_MS=3000 AWM_LOCK_OWNER=alice@ci awm apply --to HEAD~7 \
		>a.out 2>a.err || rc=$?; echo $rc >a.rc; } &
	wait_lock alice@ci &&
	appwrite_docs app awm_locks >locks && test_grep "\"schema-migrate\"" locks &&
	test_expect_code 3 env AWM_LOCK_OWNER=bob@ci awm apply --to HEAD~7 >b.out 2>b.err &&
	test_grep "is locked by alice@ci:[0-9]* until .*; wait for it to finish or expire" b.err &&
	wait && test "$(cat a.rc)" = 0 && test "$(grep -c "^up " a.out)" = 3 &&
	awm history --format=json >h.json &&
	test "$(grep -c "\"status\": \"applied\"" h.json)" = 3 &&
	appwrite_docs app awm_locks >locks && test ! -s locks
'

test_expect_success 'a lock of your own identity is taken over only with --force' '
	AWM_LOCK_OWNER=carol@ci awm lock >out && test_grep "locked .prod. as carol@ci" out &&
	test_expect_code 3 env AWM_LOCK_OWNER=carol@ci awm apply --to HEAD~6 2>err &&
	test_grep "take the lock over with --force" err &&
	AWM_LOCK_OWNER=carol@ci awm apply --force --to HEAD~6 >out &&
	test_grep "^up " out && appwrite_docs app awm_locks >locks && test ! -s locks
'

test_expect_success 'somebody else'"'"'s lock: refused, until it expires' '
	git config -f awm.conf env.prod.lockTTL 1s &&
	AWM_LOCK_OWNER=dave@ci awm lock >/dev/null &&
	test_expect_code 3 env AWM_LOCK_OWNER=erin@ci awm apply --to HEAD~5 2>err &&
	test_grep "locked by dave@ci" err &&
	sleep 1.2 &&
	AWM_LOCK_OWNER=erin@ci awm apply --to HEAD~5 >out && test_grep "^up " out &&
	git config -f awm.conf --unset env.prod.lockTTL
'

test_expect_success 'unlock: refused for somebody else'"'"'s lock, done with --force' '
	AWM_LOCK_OWNER=frank@ci awm lock >/dev/null &&
	test_expect_code 3 env AWM_LOCK_OWNER=gina@ci awm unlock 2>err &&
	test_grep "not by you" err &&
	AWM_LOCK_OWNER=gina@ci awm unlock --force &&
	appwrite_docs app awm_locks >locks && test ! -s locks
'

test_expect_success 'four applies at once: each migration is applied exactly once' '
	for i in 1 2 3 4; do
		{ rc=0; AWM_LOCK_OWNER=run$i@ci awm apply --allow-data-loss --to HEAD~2 \
			>o.$i 2>e.$i || rc=$?; echo $rc >rc.$i; } &
	done &&
	wait && ok=0 &&
	for i in 1 2 3 4; do
		case $(cat rc.$i) in
		0) ok=$((ok + 1)) ;;
		3) test_grep "locked by" e.$i ;;
		*) cat e.$i && return 1 ;;
		esac || return 1
	done &&
	test $ok -ge 1 &&
	awm history --format=json >h.json &&
	test "$(grep -c "\"status\": \"applied\"" h.json)" = 8 &&
	test "$(cat o.* | grep -c "^up ")" = 3 &&
	appwrite_schema app >live && commit_schema HEAD~2 >want && test_cmp want live
'

test_expect_success 'awm reset wipes the history documents and keeps the collections' '
	appwrite_schema app >before && n=$(appwrite_docs app awm_state | wc -l) && test $n -ge 8 &&
	awm reset --yes >out && test_grep "removed $n history rows" out &&
	appwrite_docs app awm_state >docs && test ! -s docs &&
	appwrite_schema app >after && test_cmp before after &&
	awm status --env prod >st && test_grep "applied:  nothing" st
'

test_done
