#!/bin/sh
# Faults during apply and rollback: a failing migration, an injected
# failure before commit, a failing down section, an interrupted step.  The
# database is left at the last commit boundary, with a failed row.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-env.sh"

test_expect_success 'setup: four migrations' '
	awm init >/dev/null &&
	write_migration 1_t "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE);" "DROP TABLE t;" &&
	write_migration 2_a "INSERT INTO t VALUES (1, '"'a'"');" "DELETE FROM t WHERE id = 1;" &&
	write_migration 3_b "INSERT INTO t VALUES (2, '"'b'"');" "DELETE FROM t WHERE id = 2;" &&
	write_migration 4_c "ALTER TABLE t ADD COLUMN c TEXT;" "ALTER TABLE t DROP COLUMN c;" &&
	awm commit -q &&
	awm apply --to HEAD~3 >/dev/null &&
	state db/dev.db "INSERT INTO t VALUES (7, '"'b'"')"
'

test_expect_success 'a failing migration stops the run at the previous step' '
	test_expect_code 1 awm apply >out 2>err &&
	test_grep "^up   $(awm rev-parse --short HEAD~2)" out &&
	test_grep "stopped after 1 of 3 steps" out &&
	test_grep "migrations/3_b.sql:2: UNIQUE constraint failed: t.v" err &&
	test "$(state db/dev.db "SELECT group_concat(id) FROM t")" = "1,7" &&
	test "$(applied_count db/dev.db)" = 2 &&
	state db/dev.db "SELECT status, record_id = \"$(awm rev-parse HEAD~1)\",
		json_extract(payload, \"\$.op\"), json_extract(payload, \"\$.error\") LIKE \"%UNIQUE%\"
		FROM awm_state ORDER BY id DESC LIMIT 1" >row &&
	echo "failed|1|apply|1" >expect && test_cmp expect row &&
	test "$(state db/dev.db "SELECT count(*) FROM awm_locks")" = 0
'

test_expect_success 'history shows the failure; status still shows it pending' '
	awm history >out && test_grep "failed .*b" out && test_grep "error: .*UNIQUE" out &&
	awm status --env dev >out && test_grep "Pending.*(2)" out
'

test_expect_success 'once the data is fixed the same apply proceeds' '
	state db/dev.db "DELETE FROM t WHERE id = 7" &&
	awm apply >out &&
	test_grep "is now at $(awm rev-parse --short HEAD)" out &&
	test "$(applied_count db/dev.db)" = 4
'

test_expect_success 'a failure right before commit undoes the whole step' '
	awm rollback --steps 2 >/dev/null &&
	db_dump db/dev.db >before &&
	test_expect_code 1 env AWM_FAULT=step-commit awm apply >out 2>err &&
	test_grep "fault injected" err &&
	db_dump db/dev.db >after && test_cmp before after &&
	test "$(applied_count db/dev.db)" = 2 &&
	test_expect_code 1 env AWM_FAULT=step-commit@2 awm apply >out 2>err &&
	test "$(applied_count db/dev.db)" = 3 &&
	test "$(state db/dev.db "SELECT count(*) FROM awm_state WHERE status = \"failed\"")" = 3 &&
	test "$(state db/dev.db "SELECT count(*) FROM pragma_table_info(\"t\")")" = 2 &&
	awm apply >/dev/null && test "$(applied_count db/dev.db)" = 4
'

test_expect_success 'a failing down section is recorded and leaves the row applied' '
	state db/dev.db "CREATE VIEW tv AS SELECT c FROM t" &&
	awm rollback --accept-drift >out 2>err; test $? = 1 &&
	test_grep "error in view tv\|no such column" err &&
	state db/dev.db "SELECT status, json_extract(payload, \"\$.op\") FROM awm_state
		ORDER BY id DESC LIMIT 1" >row &&
	echo "failed|rollback" >expect && test_cmp expect row &&
	test "$(applied_count db/dev.db)" = 4 &&
	state db/dev.db "DROP VIEW tv"
'

test_expect_success 'an interrupted step is undone, the lock released, no failure recorded' '
	# Quick where it is recorded (max(id) is 2), slow here (100).
	write_migration 5_slow "CREATE TABLE big (x INTEGER PRIMARY KEY);
WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n
	WHERE x < (SELECT max(id) FROM t) * 100000)
INSERT INTO big SELECT x FROM n;" "DROP TABLE big;" &&
	awm commit -q &&
	state db/dev.db "INSERT INTO t (id, v) VALUES (100, '"'slow'"')" &&
	failed=$(state db/dev.db "SELECT count(*) FROM awm_state WHERE status = \"failed\"") &&
	{ awm apply >out 2>err & } &&
	pid=$! && i=0 &&
	while ! test -e db/dev.db-journal && test $i -lt 200; do sleep 0.05; i=$((i + 1)); done &&
	sleep 0.2 && kill -TERM $pid &&
	rc=0 && { wait $pid || rc=$?; } &&
	test $rc = 143 &&
	test_grep "interrupted" err &&
	test "$(state db/dev.db "SELECT count(*) FROM sqlite_schema WHERE name = \"big\"")" = 0 &&
	test "$(state db/dev.db "SELECT count(*) FROM awm_locks")" = 0 &&
	test "$(applied_count db/dev.db)" = 4 &&
	test "$(state db/dev.db "SELECT count(*) FROM awm_state WHERE status = \"failed\"")" = $failed
'

test_done
