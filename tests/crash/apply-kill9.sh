#!/bin/sh
# kill -9 during apply and rollback, until 50 runs were really killed
# (exit status 137; runs that finished first do not count).  After every kill the
# database is at a commit boundary: it equals the direct build of the
# commit its history says is applied.  A killed run's lock blocks the next
# run (exit code 3) until it expires, or until --force.
. "$AWM_SOURCE_DIR/tests/cli/test-lib.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-env.sh"

N=10
ROUNDS=${AWM_CRASH_ROUNDS:-50}

# Migration i: a table with rows, and a statement that takes a while, so
# kills land inside steps, between them and during commits.
gen() {
	prev=$(( $1 > 1 ? $1 - 1 : 0 ))
	touch_prev= untouch_prev=
	if [ $prev -gt 0 ]; then
		touch_prev="UPDATE t$prev SET n = n + $1 WHERE id % 7 = 0;"
		untouch_prev="UPDATE t$prev SET n = n - $1 WHERE id % 7 = 0;"
	fi
	write_migration "$(printf %02d "$1")_step" \
"CREATE TABLE t$1 (id INTEGER PRIMARY KEY, v TEXT, n INTEGER);
WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM s WHERE x < 3000)
INSERT INTO t$1 (v, n) SELECT 'row' || x, x FROM s;
UPDATE t$1 SET v = (SELECT count(*) FROM (WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL
	SELECT x + 1 FROM s WHERE x < 400000) SELECT x FROM s)) WHERE id = 1;
$touch_prev" \
"DROP TABLE t$1;
$untouch_prev"
}

# Which commit the history says is applied: its position 0..N.
position() {
	head=$(state db/dev.db "SELECT record_id FROM awm_state WHERE status = 'applied'
		ORDER BY id DESC LIMIT 1" 2>/dev/null || true)
	if [ -z "$head" ]; then echo 0; return; fi
	grep -n "^$head\$" order | cut -d: -f1
}

test_expect_success 'setup: migrations, and the state after each built directly' '
	awm init >/dev/null &&
	printf "[lock]\n\tttl = 2s\n" >>.awm/config &&
	i=1 && while [ $i -le $N ]; do gen $i; i=$((i + 1)); done &&
	awm commit -q &&
	awm log --format=json | python3 -c "import json, sys; [print(c[\"id\"]) for c in reversed(json.load(sys.stdin))]" >order &&
	test_line_count = $N order &&
	awm apply >/dev/null &&
	k=$N && while [ $k -ge 0 ]; do
		db_dump db/dev.db >direct.$k || return 1
		test $k = 0 || awm rollback >/dev/null || return 1
		k=$((k - 1))
	done &&
	build_direct direct.db migrations/*.sql && db_dump direct.db >full &&
	test_cmp full direct.$N
'

test_expect_success "kill -9 during apply and rollback, $ROUNDS real kills" '
	forced=0 waited=0 blocked=0 killed=0 && r=1 &&
	while [ $killed -lt $ROUNDS ] && [ $r -le $((3 * ROUNDS)) ]; do
		p=$(position) &&
		if [ "$p" = $N ] || { [ "$p" != 0 ] && [ $((r % 3)) = 0 ]; }; then
			cmd="rollback --all"
		else
			cmd=apply
		fi &&
		# A lock left by the last victim: refused now, taken with --force or once expired.
		if [ "$(state db/dev.db "SELECT count(*) FROM awm_locks WHERE expires_at > strftime(\"%Y-%m-%dT%H:%M:%fZ\", \"now\", \"+0.7 seconds\")" 2>/dev/null || echo 0)" = 1 ]; then
			test_expect_code 3 awm $cmd >/dev/null 2>err || { cat err; return 1; }
			blocked=$((blocked + 1))
			if [ $((r % 2)) = 0 ]; then
				flag=--force && forced=$((forced + 1))
			else
				sleep 2.1 && flag= && waited=$((waited + 1))
			fi
		else
			flag=
		fi &&
		delay=$(awk "BEGIN { srand($r); printf \"%.3f\", rand() * 0.5 }") &&
		{ awm $cmd $flag >run.out 2>run.err & } && pid=$! &&
		sleep $delay && kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
		test $? = 137 && killed=$((killed + 1))
		if grep -q "^error" run.err && ! grep -q "^up\|^down\|now" run.out; then
			cat run.err && return 1
		fi &&
		p=$(position) && test -n "$p" && printf "%s " "$p" >>positions &&
		db_dump db/dev.db >now && test_cmp direct.$p now || return 1
		test "$(state db/dev.db "SELECT count(*) FROM awm_state WHERE status NOT IN (\"applied\", \"rolled_back\")")" = 0 || return 1
		r=$((r + 1))
	done &&
	echo "runs: $((r - 1)), killed: $killed; blocked by a dead run'"'"'s lock: $blocked (then --force: $forced, waited: $waited); positions after each kill: $(cat positions)" >stats &&
	test $killed -ge $ROUNDS && test $blocked -gt 0 && test $forced -gt 0 && test $waited -gt 0
'

test_expect_success 'afterwards a plain apply completes' '
	sleep 2.1 &&
	awm apply >/dev/null &&
	db_dump db/dev.db >now && test_cmp direct.$N now
'

test -f "$TRASH/stats" && say "# $(cat "$TRASH/stats")"
test_done
