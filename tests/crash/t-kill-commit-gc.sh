#!/bin/sh
# kill -9 at random moments during `awm commit` and `awm gc`, at least 100
# times.  After every kill, `awm fsck` is clean and every migration that a
# successful `awm commit` (exit 0) recorded is still in `awm log`.
#
# The delays are random (awk's rand, seeded by CRASH_SEED or the clock; the
# seed is printed), uniform over a window that adapts so that about half the
# runs are killed: it shrinks after a run finished first and grows after a
# kill.  Kills so land in every phase: running scripts, writing objects, the
# ref update, repacking, removing old files, packing refs, the graph.
. "$(dirname "$0")/../cli/test-lib.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-awm.sh"

SEED=${CRASH_SEED:-$(date +%s)}
WANT_KILLS=${CRASH_KILLS:-100}
say "# seed $SEED (CRASH_SEED=$SEED reproduces the delays)"

# now_us: the clock in microseconds.
now_us() {
	echo $(( $(date +%s%N) / 1000 ))
}

# A migration that changes enough rows to take a few milliseconds.
add_migration() {
	cat >"migrations/$(printf %05d "$1")_round_$1.sql" <<-SQL
	-- awm:up
	WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1500)
	INSERT INTO t(round, v) SELECT $1, 'row ' || x FROM c;
	UPDATE t SET v = v || '.' WHERE round = $1 - 1 AND id % 7 = 0;
	SQL
}

# check_store: fsck is clean and every migration in `expected` is in the log.
check_store() {
	if ! awm fsck >fsck.out 2>&1; then
		say "fsck failed after $1:" >&2
		cat fsck.out >&2
		return 1
	fi
	awm log 2>/dev/null | sed -n "s/^Migration: //p" | LC_ALL=C sort >recorded
	LC_ALL=C sort expected >expected.sorted
	missing=$(LC_ALL=C comm -23 expected.sorted recorded)
	if [ -n "$missing" ]; then
		say "after $1, recorded migrations are missing from the log: $missing" >&2
		return 1
	fi
}

# run_killed <window-µs> <awm arguments>: start awm, SIGKILL it after a
# random part of the window; sets `rc` (137 when the kill landed while it
# ran) and moves the window towards half the runs killed, in `window`.
run_killed() {
	window=$1
	shift
	x=$(sed -n "${r}p" random) && r=$((r + 1))
	awm "$@" >/dev/null 2>&1 &
	pid=$!
	sleep "$(awk -v x="$x" -v us="$window" 'BEGIN { printf "%.6f", x * us / 1e6 }')"
	kill -9 "$pid" 2>/dev/null
	wait "$pid"
	rc=$?
	if [ $rc -eq 137 ]; then
		window=$((window * 11 / 10))
	else
		window=$((window * 85 / 100 + 100))
	fi
}

test_expect_success 'setup: a repository with many objects for gc to move' '
	new_repo . &&
	write_migration 00000_init "CREATE TABLE t(id INTEGER PRIMARY KEY, round INT, v TEXT);" &&
	awm commit -q &&
	i=0 && while [ $i -lt 3000 ]; do echo "filler $i"; i=$((i + 1)); done >filler &&
	split -l 1 -a 4 filler f. && ls f.* | awm hash-object -w --stdin-paths >/dev/null && rm f.* &&
	echo migrations/00000_init.sql >expected &&
	add_migration 1 &&
	t0=$(now_us) && awm commit -q && t1=$(now_us) &&
	echo migrations/00001_round_1.sql >>expected &&
	add_migration 2 && awm commit -q && echo migrations/00002_round_2.sql >>expected &&
	t2=$(now_us) && awm gc -q && t3=$(now_us) &&
	echo $((t1 - t0)) >commit.us && echo $((t3 - t2)) >gc.us &&
	check_store setup
'

test_expect_success "kill -9 during commit and gc, $WANT_KILLS times or more" '
	commit_us=$(( $(cat commit.us) * 2 )) &&
	gc_us=$(( $(cat gc.us) * 2 )) &&
	awk -v seed="$SEED" "BEGIN { srand(seed); for (i = 0; i < 4000; i++) print rand() }" >random &&
	kills=0 commit_kills=0 gc_kills=0 commits_ok=0 gcs_ok=0 round=3 r=1 &&
	while [ $kills -lt $WANT_KILLS ] && [ $round -lt 1000 ]; do
		add_migration $round &&
		run_killed $commit_us commit -q
		commit_us=$window
		case $rc in
		0)
			ls migrations/*.sql >expected &&
			commits_ok=$((commits_ok + 1)) ;;
		137)
			kills=$((kills + 1)) commit_kills=$((commit_kills + 1)) ;;
		*)
			say "awm commit exited $rc in round $round" >&2
			awm commit -q
			return 1 ;;
		esac
		check_store "commit (round $round, exit $rc)" || return 1
		run_killed $gc_us gc -q
		gc_us=$window
		case $rc in
		0) gcs_ok=$((gcs_ok + 1)) ;;
		137) kills=$((kills + 1)) gc_kills=$((gc_kills + 1)) ;;
		*) say "awm gc exited $rc in round $round" >&2; return 1 ;;
		esac
		check_store "gc (round $round, exit $rc)" || return 1
		round=$((round + 1))
	done &&
	echo "$kills kills ($commit_kills in commit, $gc_kills in gc) in $((round - 3)) rounds;" \
		"$commits_ok commits and $gcs_ok gc runs completed" >"$TRASH/summary" &&
	test $kills -ge $WANT_KILLS &&
	test $commit_kills -ge 10 && test $gc_kills -ge 10 &&
	test $commits_ok -ge 5 && test $gcs_ok -ge 5
'

test_expect_success 'finally: everything records and packs cleanly' '
	awm commit -q &&
	ls migrations/*.sql >expected &&
	awm gc -q &&
	check_store "the final gc" &&
	test "$(count_loose)" = 0 &&
	test "$(count_packs)" = 1 &&
	awm status >st &&
	test_grep "matches the history" st
'

test -f "$TRASH/summary" && say "# $(cat "$TRASH/summary")"
test_done
