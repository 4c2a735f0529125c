#!/bin/sh
# kill -9 in the middle of a push, at random moments, on a folder and on the
# B2 stand-in (slowed down so that kills land inside uploads): each time the
# remote stays valid, with one head, and running the push again completes
# it.  The last line counts where the kills landed.
. "$AWM_SOURCE_DIR/tests/cli/test-lib.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-remote.sh"

start_b2
KILLS=${AWM_KILLS:-15}
: >"$TRASH/landed"

# A history big enough for a push to take a while: 2000 commits.
make_history() {
	python3 - <<'PY'
import sys
out = sys.stdout
for i in range(1, 2001):
    up = "INSERT INTO t (v) VALUES ('row %d');\n" % i
    if i == 1:
        up = "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);\n" + up
    msg = "row %d\n" % i
    out.write("commit refs/heads/main\nmark :%d\nauthor A U Thor <a@example.com> %d +0000\n"
              % (i, 1700000000 + i))
    out.write("migration migrations/%06d_row.sql\n" % i)
    out.write("up %d\n%s\nmessage %d\n%s\n\n" % (len(up), up, len(msg), msg))
PY
}

# push_killed <delay>: start a push, kill -9 it after <delay> seconds.
push_killed() {
	awm push -q 2>/dev/null &
	pid=$!
	sleep "$1"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

# push_again: the re-run must succeed; note what it found.
push_again() {
	awm push -v >again.out 2>again.err || { cat again.err >&2; return 1; }
	if grep -q "finished an interrupted push" again.err; then echo "entry written, then killed"
	elif grep -q "already uploaded" again.out; then echo "pack written, then killed"
	elif grep -q "Everything up to date" again.out; then echo "killed after it finished"
	elif grep -q "^objects: 0," again.out; then echo "objects written, then killed"
	else echo "killed before the pack was written"
	fi >>"$TRASH/landed"
}

# check_remote <url>: a watcher sees one head, our main.
check_remote() {
	(cd "$TRASH/watch" && awm fetch -q 2>err && ! grep -q diverged err &&
	 test "$(awm rev-parse origin/main)" = "$(cd "$TRASH/$kind" && awm rev-parse main)") ||
		{ echo "the remote is not at the pushed commit, or has diverged" >&2; return 1; }
}

for kind in folder b2; do
	if [ $kind = folder ]; then url="$TRASH/shared"; else url="b2://awm-test-bucket/kill"; fi

	test_expect_success "$kind: setup: 2000 commits" '
		rm -rf watch && clone_of watch "$url" &&
		clone_of $kind "$url" && cd $kind &&
		make_history | awm fast-import -q &&
		if [ $kind = b2 ]; then
			b2_control rules "{\"clear\": true, \"rules\": [{\"api\": \"b2_upload_file\",
				\"delay\": 0.3, \"count\": 100000}]}" >/dev/null
		fi
	'

	test_expect_success "$kind: the first, large push killed midway, then completed" '
		cd $kind && push_killed 0.4 && push_again && check_remote
	'

	i=1
	while [ $i -le "$KILLS" ]; do
		delay=$(awk -v r="$(od -An -N2 -tu2 /dev/urandom)" -v k=$kind \
			'BEGIN { printf "%.3f", (k == "b2" ? 1.2 : 0.15) * r / 65536 }')
		test_expect_success "$kind: kill $i at ${delay}s, then push again" "
			cd $kind && commit_sql 9$(printf %03d $i)_k \"INSERT INTO t (v) VALUES ('k');\" &&
			push_killed $delay && push_again && check_remote
		"
		i=$((i + 1))
	done

	test_expect_success "$kind: a fresh clone fetches a sound history" '
		clone_of fresh-$kind "$url" && cd fresh-$kind && awm pull -q && awm fsck >/dev/null &&
		test "$(awm rev-parse main)" = "$(cd ../$kind && awm rev-parse main)"
	'
done

echo "# where the kills landed:"
sort "$TRASH/landed" | uniq -c | sed 's/^/# /'
test_done
