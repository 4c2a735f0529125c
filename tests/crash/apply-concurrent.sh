#!/bin/sh
# 8 applies started at once against one database, 50 times over: every
# migration is applied exactly once and none is lost.  In some rounds the
# runs share one identity and use --force, so they take the lock from each
# other mid-run: the loser of each takeover must stop before its next step.
. "$AWM_SOURCE_DIR/tests/cli/test-lib.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-env.sh"

N=6
RUNS=8
ROUNDS=${AWM_CRASH_ROUNDS:-50}

test_expect_success 'setup' '
	awm init >/dev/null &&
	i=1 && while [ $i -le $N ]; do
		write_migration "$i"_m "CREATE TABLE t$i (id INTEGER PRIMARY KEY, v INTEGER);
WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM s WHERE x < 20000)
INSERT INTO t$i (v) SELECT x FROM s;
UPDATE t1 SET v = v + 1 WHERE id = 1;" "DROP TABLE t$i;" || return 1
		i=$((i + 1))
	done &&
	awm commit -q &&
	build_direct direct.db migrations/*.sql && db_dump direct.db >direct
'

test_expect_success "$RUNS applies at once, $ROUNDS times" '
	r=1 && zero=0 && three=0 && lost=0 &&
	while [ $r -le $ROUNDS ]; do
		rm -f db/dev.db &&
		j=1 && pids= &&
		while [ $j -le $RUNS ]; do
			if [ $((r % 4)) = 0 ]; then
				{ rc=0; AWM_LOCK_OWNER=same@host awm apply --force >out.$j 2>err.$j || rc=$?; echo $rc >rc.$j; } &
			else
				{ rc=0; AWM_LOCK_OWNER=run$j@host awm apply >out.$j 2>err.$j || rc=$?; echo $rc >rc.$j; } &
			fi
			j=$((j + 1))
		done &&
		wait &&
		ok=0 && j=1 &&
		while [ $j -le $RUNS ]; do
			case $(cat rc.$j) in
			0) ok=$((ok + 1)) zero=$((zero + 1)) ;;
			3) three=$((three + 1)) && test_grep "locked by\|lost its lock\|stayed busy" err.$j &&
			   if grep -q "lost its lock" err.$j; then lost=$((lost + 1)); fi ;;
			*) cat err.$j && return 1 ;;
			esac || return 1
			j=$((j + 1))
		done &&
		test $ok -ge 1 &&
		test "$(state db/dev.db "SELECT count(*) FROM awm_state")" = $N &&
		test "$(state db/dev.db "SELECT count(DISTINCT record_id) FROM awm_state WHERE status = \"applied\"")" = $N &&
		test "$(cat out.* | grep -c "^up ")" = $N &&
		test "$(state db/dev.db "SELECT count(*) FROM awm_locks")" = 0 &&
		db_dump db/dev.db >now && test_cmp direct now || return 1
		r=$((r + 1))
	done &&
	echo "runs that applied or found it done: $zero; stopped by the lock: $three, of which lost it to a --force takeover mid-run: $lost" >"$TRASH/stats"
'

test -f "$TRASH/stats" && say "# $(cat "$TRASH/stats")"
test_done
