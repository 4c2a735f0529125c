# Helpers for the remote tests (t6xxx), sourced after test-lib.sh.
#
#   start_b2 [<server options>]   start the B2 stand-in (tests/servers/) on
#                                 127.0.0.1 with a free port, point awm at it
#                                 and give awm a key; it stops when the
#                                 script exits
#   b2_control <what> [<json>]    its test controls (rules, expire, ...)
#   b2_requests [<api>]           requests it served since the last reset
#   clone_of <dir> <url>          a new project in <dir> with remote 'origin'
#   commit_sql <name> <sql>       write migrations/<name>.sql and record it
#   on_tty <command>...           run a command on a pseudo-terminal, its
#                                 output (stdout and stderr) on stdout
#   apply_history <db>            run every up script of HEAD's history,
#                                 oldest first, on the SQLite file <db>
#
# Call start_b2 at the top level of a script, not inside a test body (those
# run in subshells).

B2_KEY_ID="awm-test-key-id"
# A key no test output may ever contain: t6008 greps for it.
B2_KEY="K005tEsTsEcReT-$$-do-not-print"
B2_PID=

start_b2() {
	B2_PORT_FILE="$TRASH/.b2-port"
	rm -f "$B2_PORT_FILE"
	B2_APPLICATION_KEY_ID=$B2_KEY_ID B2_APPLICATION_KEY=$B2_KEY \
		python3 "$AWM_SOURCE_DIR/tests/servers/b2_server.py" \
		--port-file "$B2_PORT_FILE" "$@" 2>"$TRASH/.b2-log" &
	B2_PID=$!
	trap stop_b2 EXIT
	n=0
	while [ ! -s "$B2_PORT_FILE" ]; do
		n=$((n + 1))
		if [ $n -gt 200 ] || ! kill -0 "$B2_PID" 2>/dev/null; then
			echo "the B2 stand-in did not start:" >&2
			cat "$TRASH/.b2-log" >&2
			exit 1
		fi
		sleep 0.05
	done
	B2_PORT=$(cat "$B2_PORT_FILE")
	export B2_PORT B2_APPLICATION_KEY_ID="$B2_KEY_ID" B2_APPLICATION_KEY="$B2_KEY"
	export AWM_B2_ENDPOINT="http://127.0.0.1:$B2_PORT"
}

stop_b2() {
	if [ -n "$B2_PID" ]; then
		kill "$B2_PID" 2>/dev/null
		wait "$B2_PID" 2>/dev/null
		B2_PID=
	fi
}

b2_control() {
	python3 "$AWM_SOURCE_DIR/tests/servers/b2_control.py" "$B2_PORT" "$@"
}

b2_requests() {
	b2_control stats | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(d["by_api"].get(sys.argv[1], 0) if len(sys.argv) > 1 else d["requests"])' "$@"
}

clone_of() {
	mkdir -p "$1" && (cd "$1" && awm init >/dev/null && awm remote add origin "$2")
}

commit_sql() {
	write_migration "$1" "$2" && awm commit -q
}

on_tty() {
	python3 -c '
import os, pty, sys
status = pty.spawn(sys.argv[1:])
sys.exit(os.waitstatus_to_exitcode(status))' "$@"
}

apply_history() {
	awm log --oneline --no-decorate | cut -d" " -f1 | tac >.ids &&
	while read -r id; do
		up=$(awm cat-object -p "$id" | sed -n "s/^up //p") &&
		awm cat-object -p "$up" | sqlite3 "$1" || return 1
	done <.ids
}
