#!/bin/sh
# Locks inside the database: lock and unlock by hand, exit code 3 for a
# lock held by someone else, --force for your own, expiry, takeover races,
# reset, and two applies started at once.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-env.sh"

export AWM_LOCK_OWNER=me@here

test_expect_success 'setup' '
	awm init >/dev/null &&
	write_migration 1_t "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);" "DROP TABLE t;" &&
	write_migration 2_u "INSERT INTO t (v) VALUES ('"'a'"');" "DELETE FROM t;" &&
	awm commit -q && awm apply --to HEAD~1 >/dev/null
'

test_expect_success 'awm lock takes the lock; status shows the holder and expiry' '
	awm lock --ttl 10m >out &&
	test_grep "locked .dev. as me@here:[0-9]* until 20..-..-..T" out &&
	awm status --env dev >out &&
	test_grep "lock: held by me@here:[0-9]* until " out &&
	state db/dev.db "SELECT id, round((julianday(expires_at) - julianday(acquired_at)) * 86400)
		FROM awm_locks" >row &&
	echo "schema-migrate|600.0" >expect && test_cmp expect row
'

test_expect_success 'another identity gets exit code 3 and changes nothing' '
	db_dump db/dev.db >before &&
	rows=$(state db/dev.db "SELECT count(*) FROM awm_state") &&
	test_expect_code 3 env AWM_LOCK_OWNER=you@there awm apply >out 2>err &&
	test_grep "locked by me@here:[0-9]* until 20" err &&
	test_expect_code 3 env AWM_LOCK_OWNER=you@there awm apply --force 2>err &&
	test_expect_code 3 env AWM_LOCK_OWNER=you@there awm rollback 2>err &&
	test_expect_code 3 env AWM_LOCK_OWNER=you@there awm reset --yes 2>err &&
	test_expect_code 3 env AWM_LOCK_OWNER=you@there awm lock 2>err &&
	test_expect_code 3 env AWM_LOCK_OWNER=you@there awm unlock 2>err &&
	test_grep "not by you" err &&
	db_dump db/dev.db >after && test_cmp before after &&
	test "$(state db/dev.db "SELECT count(*) FROM awm_state")" = $rows &&
	state db/dev.db "SELECT owner FROM awm_locks" >owner && test_grep "^me@here:" owner
'

test_expect_success 'plan and status still work under the lock' '
	AWM_LOCK_OWNER=you@there awm plan >out && test_grep "1 step" out
'

test_expect_success 'a run of the same identity needs --force, which takes it over' '
	test_expect_code 3 awm apply 2>err &&
	test_grep "take the lock over with --force" err &&
	awm apply --force >out &&
	test_grep "is now at" out &&
	test "$(state db/dev.db "SELECT count(*) FROM awm_locks")" = 0
'

test_expect_success 'unlock drops your lock; --force drops anybody'"'"'s' '
	awm lock >/dev/null && awm unlock >out &&
	test_grep "unlocked .dev. (it was held by me@here:" out &&
	awm unlock >out && test_grep "was not locked" out &&
	awm lock >/dev/null &&
	AWM_LOCK_OWNER=you@there awm unlock --force >out &&
	test_grep "unlocked" out
'

test_expect_success 'an expired lock is taken over by anyone' '
	awm lock --ttl 1 >/dev/null &&
	test_expect_code 3 env AWM_LOCK_OWNER=you@there awm rollback 2>err &&
	sleep 1.2 &&
	awm status --env dev >out && test_grep "(expired)" out &&
	AWM_LOCK_OWNER=you@there awm rollback >out &&
	test_grep "^down" out &&
	state db/dev.db "SELECT json_extract(payload, \"\$.rollback.by\") FROM awm_state
		WHERE status = \"rolled_back\"" >by && test_grep "^you@there:" by
'

test_expect_success 'the TTL comes from env.<env>.lockTTL, then lock.ttl' '
	printf "[lock]\n\tttl = 90s\n" >>.awm/config &&
	awm lock >/dev/null &&
	test "$(state db/dev.db "SELECT round((julianday(expires_at) - julianday(acquired_at)) * 86400) FROM awm_locks")" = 90.0 &&
	printf "[env \"dev\"]\n\tlockTTL = 2m\n" >>.awm/config &&
	awm lock >/dev/null &&
	test "$(state db/dev.db "SELECT round((julianday(expires_at) - julianday(acquired_at)) * 86400) FROM awm_locks")" = 120.0 &&
	awm unlock >/dev/null &&
	test_expect_code 2 awm lock --ttl forever 2>err && test_grep "not a duration" err &&
	printf "[lock]\n\tttl = soon\n" >>.awm/config &&
	sed -i "/lockTTL/d" .awm/config &&
	test_expect_code 1 awm apply 2>err && test_grep "lock.ttl" err &&
	sed -i "/ttl = soon/d" .awm/config
'

test_expect_success 'reset wipes the history rows and keeps the tables' '
	test_expect_code 2 awm reset 2>err && test_grep "with --yes" err &&
	awm reset --yes >out &&
	test_grep "removed [0-9]* history rows from .dev." out &&
	test "$(state db/dev.db "SELECT count(*) FROM awm_state")" = 0 &&
	state db/dev.db "SELECT count(*) FROM t" &&
	state db/dev.db "SELECT name FROM sqlite_schema WHERE name LIKE \"awm_%\" AND type = \"table\"
		ORDER BY 1" >tables &&
	printf "awm_locks\nawm_state\n" >expect && test_cmp expect tables &&
	test "$(state db/dev.db "SELECT count(*) FROM awm_locks")" = 0
'

test_expect_success 'two applies started at once: one applies, the other reports the lock' '
	rm -f db/dev.db &&
	write_migration 3_slow "CREATE TABLE big (x INTEGER PRIMARY KEY);
WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n
	WHERE x < (SELECT count(*) FROM t) * 1500000)
INSERT INTO big SELECT x FROM n;" "DROP TABLE big;" &&
	awm commit -q &&
	# Whoever wins holds the lock for 2 s, so the other is sure to meet it.
	{ AWM_TEST_HOLD_LOCK_MS=2000 AWM_LOCK_OWNER=a@x awm apply >a.out 2>a.err & } && pa=$! &&
	{ AWM_TEST_HOLD_LOCK_MS=2000 AWM_LOCK_OWNER=b@x awm apply >b.out 2>b.err & } && pb=$! &&
	ra=0 && { wait $pa || ra=$?; } && rb=0 && { wait $pb || rb=$?; } &&
	echo "$ra $rb" | grep -qx "0 3\|3 0" &&
	cat a.err b.err | test_grep "locked by [ab]@x:[0-9]* until" /dev/stdin &&
	state db/dev.db "SELECT record_id, count(*) FROM awm_state GROUP BY 1 HAVING count(*) > 1" >twice &&
	test_line_count = 0 twice &&
	test "$(applied_count db/dev.db)" = 3
'

test_done
