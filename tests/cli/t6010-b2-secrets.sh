#!/bin/sh
# The B2 key (and the tokens B2 hands out) never reach the store, the
# reflogs or any output, whether things work or fail.
. "$(dirname "$0")/test-lib.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-remote.sh"

start_b2

URL="b2://awm-test-bucket/secrets"
mkdir -p "$TRASH/logs"

# run <name> <command>...: keep all output, whatever the exit code.
run() {
	name=$1
	shift
	"$@" >"$TRASH/logs/$name.out" 2>"$TRASH/logs/$name.err" || true
}

test_expect_success 'a working session, on a terminal and off' '
	clone_of a "$URL" && cd a &&
	commit_sql 1_t "CREATE TABLE t (id INTEGER PRIMARY KEY);" &&
	run push on_tty awm push -v && run status awm status && run show awm remote show origin &&
	test_grep "Writing objects: 100% (3/3), .*done" "$TRASH/logs/push.out" &&
	run lock awm lock --remote origin -m "deploy" && run unlock awm unlock --remote origin &&
	clone_of ../b "$URL" && cd ../b && run fetch on_tty awm fetch -v && run pull awm pull -v &&
	test_grep "Receiving objects: .*done" "$TRASH/logs/fetch.out" &&
	! grep -q "Receiving objects" "$TRASH/logs/pull.err" &&
	commit_sql 2_t "INSERT INTO t DEFAULT VALUES;" && run push2 awm push -v &&
	test "$(awm rev-parse origin/main)" = "$(awm rev-parse main)"
'

test_expect_success 'failing sessions' '
	cd a &&
	run wrongkey env B2_APPLICATION_KEY="$B2_KEY-wrong" awm fetch &&
	run nokeyid env -u B2_APPLICATION_KEY_ID awm fetch &&
	b2_control rules "{\"clear\": true, \"rules\": [{\"fail\": 503, \"count\": 100, \"retry_after\": 0}]}" >/dev/null &&
	run storm awm push -v &&
	b2_control rules "{\"clear\": true, \"rules\": [{\"expire\": true, \"count\": 100}]}" >/dev/null &&
	run expired awm fetch -v &&
	b2_control rules "{\"clear\": true}" >/dev/null &&
	run badendpoint env AWM_B2_ENDPOINT=http://example.com awm fetch &&
	test_grep "401 unauthorized" "$TRASH/logs/wrongkey.err" &&
	test_grep "503 service_unavailable" "$TRASH/logs/storm.err"
'

test_expect_success 'the key is nowhere: store, reflogs, output' '
	for f in "$TRASH/logs"/*; do test -f "$f" || exit 1; done &&
	! grep -r -F -l "$B2_KEY" a/.awm b/.awm "$TRASH/logs" a/awm.conf b/awm.conf &&
	! grep -r -F -l "$B2_KEY_ID" a/.awm b/.awm "$TRASH/logs" &&
	test -s a/.awm/logs/refs/remotes/origin/main
'

test_expect_success 'no B2 token is anywhere either' '
	! grep -r -E -l "4_[0-9a-f]{48}" a/.awm b/.awm "$TRASH/logs"
'

test_expect_success 'nor on the remote' '
	b2_control files >files &&
	! grep -F "$B2_KEY" files
'

test_done
