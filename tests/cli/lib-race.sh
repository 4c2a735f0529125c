# The concurrent-push race, shared by tests/crash/remote-race-folder.sh and
# remote-race-b2.sh.  Source test-lib.sh and lib-remote.sh first, then call
# race_run <url>.
#
# Eight clones record one migration each per round and push at once, while
# a third party fetches.  Then:
#   - every push that reported success must stay reachable from the remote;
#   - the round must end with one head, or with a divergence that a third
#     clone's fetch reports (exit 4, naming the heads);
#   - clones whose push failed run 'awm pull --rebase' and push again until
#     it succeeds, and the remote then holds one head with all eight commits.

CLONES=${AWM_RACE_CLONES:-8}
ROUNDS=${AWM_RACE_ROUNDS:-50}

# backoff <n>: sleep a random time below 20 ms * 2^min(n,4).
backoff() {
	sleep "$(awk -v n="$1" -v r="$(od -An -N2 -tu2 /dev/urandom)" \
		'BEGIN { m = 0.02 * 2 ^ (n < 4 ? n : 4); printf "%.3f", m * r / 65536 }')"
}

# observe <file>: a third clone's fetch: exit 0 with no divergence warning,
# or exit 4 with one.  Appends "ok" or "diverged" to <file>.
observe() {
	rc=0
	(cd "$TRASH/obs" && awm fetch -q 2>"$TRASH/obs/fetch.err") || rc=$?
	if [ $rc = 0 ] && ! grep -q "diverged" "$TRASH/obs/fetch.err"; then
		echo ok >>"$1"
	elif [ $rc = 4 ] && grep -q "has diverged: concurrent pushes left [2-9] heads" \
			"$TRASH/obs/fetch.err"; then
		echo diverged >>"$1"
	else
		echo "observer fetch exited $rc:" >&2
		cat "$TRASH/obs/fetch.err" >&2
		return 1
	fi
}

# settle <i>: pull --rebase and push until the push succeeds.
settle() {
	(cd "$TRASH/c$1" && n=0 &&
	 until awm pull -q --rebase 2>>settle.err && awm push -q 2>>push.err; do
		n=$((n + 1))
		if [ $n -ge 60 ]; then
			echo "clone $1 could not push in 60 tries:" >&2
			tail -5 settle.err push.err >&2
			exit 1
		fi
		backoff $n
	 done && awm rev-parse HEAD >>"$TRASH/succeeded")
}

race_setup() {
	clone_of "$TRASH/seed" "$1" && (cd "$TRASH/seed" &&
	commit_sql 0000_base "CREATE TABLE t (id INTEGER PRIMARY KEY, who TEXT);" &&
	awm push -q) || return 1
	for i in $(seq 1 "$CLONES"); do
		clone_of "$TRASH/c$i" "$1" && (cd "$TRASH/c$i" && awm pull -q) || return 1
	done
	clone_of "$TRASH/obs" "$1"
	: >"$TRASH/succeeded"
	: >"$TRASH/observed"
	: >"$TRASH/outcomes"
}

race_round() {
	r=$1
	for i in $(seq 1 "$CLONES"); do
		(cd "$TRASH/c$i" && rm -f result &&
		 commit_sql "$(printf %03d%02d "$r" "$i")_r${r}_c$i" \
			"INSERT INTO t (who) VALUES ('r${r}c$i');" && echo ok >committed) &
	done
	wait
	for i in $(seq 1 "$CLONES"); do
		test -f "$TRASH/c$i/committed" && rm "$TRASH/c$i/committed" || return 1
	done
	for i in $(seq 1 "$CLONES"); do
		(cd "$TRASH/c$i" && : >push.err &&
		 if awm push -q 2>push.err; then
			awm rev-parse HEAD >>"$TRASH/succeeded"; echo first >result
		 elif grep -q "raced with this one" push.err; then echo raced >result
		 elif grep -q "non-fast-forward\|is ahead of yours" push.err; then echo rejected >result
		 else echo "other: $(cat push.err)" >result
		 fi) &
	done
	observe "$TRASH/observed" &
	wait
	observe "$TRASH/observed" || return 1
	failed=
	for i in $(seq 1 "$CLONES"); do
		res=$(cat "$TRASH/c$i/result")
		echo "$res" >>"$TRASH/outcomes"
		case $res in
		first) ;;
		raced|rejected) failed="$failed $i" ;;
		*) echo "clone $i: $res" >&2; return 1 ;;
		esac
	done
	for i in $failed; do
		(settle "$i" && echo ok >"$TRASH/c$i/settled") &
	done
	wait
	for i in $failed; do
		test -f "$TRASH/c$i/settled" && rm "$TRASH/c$i/settled" || return 1
	done
	for i in $(seq 1 "$CLONES"); do
		(cd "$TRASH/c$i" && awm pull -q && echo ok >pulled) &
	done
	wait
	for i in $(seq 1 "$CLONES"); do
		test -f "$TRASH/c$i/pulled" && rm "$TRASH/c$i/pulled" || return 1
	done
	(cd "$TRASH/obs" && awm fetch -q 2>fetch.err && ! grep -q diverged fetch.err &&
	 awm log --format=json origin/main >log.json) || return 1
	for i in $(seq 1 "$CLONES"); do
		grep -q "\"migration\": \"migrations/$(printf %03d%02d "$r" "$i")_r${r}_c$i.sql\"" \
			"$TRASH/obs/log.json" || { echo "round $r: clone $i's commit is missing" >&2; return 1; }
	done
	sed -n 's/^    "id": "\([0-9a-f]*\)",$/\1/p' "$TRASH/obs/log.json" | sort -u >"$TRASH/reachable"
	sort -u "$TRASH/succeeded" >"$TRASH/claimed"
	if [ -n "$(comm -23 "$TRASH/claimed" "$TRASH/reachable")" ]; then
		echo "round $r: pushes that reported success are not reachable:" >&2
		comm -23 "$TRASH/claimed" "$TRASH/reachable" >&2
		return 1
	fi
}

race_report() {
	pushes=$(wc -l <"$TRASH/succeeded")
	echo "# $ROUNDS rounds x $CLONES clones: $pushes successful pushes," \
		"$(grep -c first "$TRASH/outcomes") first time," \
		"$(grep -c raced "$TRASH/outcomes") told of a race," \
		"$(grep -c rejected "$TRASH/outcomes") rejected as non-fast-forward;" \
		"observer saw one head $(grep -c ok "$TRASH/observed") times," \
		"a divergence $(grep -c diverged "$TRASH/observed") times"
}

race_run() {
	test_expect_success "setup: $CLONES clones of $1" "race_setup '$1'"
	r=1
	while [ $r -le "$ROUNDS" ]; do
		test_expect_success "round $r" "race_round $r"
		r=$((r + 1))
	done
	test_expect_success 'every commit is on the remote, once, and the store is sound' '
		(cd obs && awm log --oneline origin/main >all &&
		 test_line_count = $((ROUNDS * CLONES + 1)) all && awm fsck >/dev/null)
	'
	race_report 2>/dev/null || true
}
