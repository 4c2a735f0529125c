# Start and stop the Appwrite stand-in (tests/servers/appwrite_standin.py) for a
# CLI test.  Source it after test-lib.sh, at the top level of the script (not
# inside a test body, whose subshell would lose the variables):
#
#   . "$AWM_SOURCE_DIR/tests/cli/lib-appwrite.sh"
#   start_appwrite_standin [--attribute-delay 0.2 ...]   # any stand-in options
#   ... tests using $APPWRITE_ENDPOINT, $APPWRITE_PROJECT, $APPWRITE_API_KEY ...
#   stop_appwrite_standin
#   test_done
#
# The server binds 127.0.0.1 on a port it picks, writes it to a file, logs to
# $TRASH/standin.log, and stops by itself after 10 minutes if a test dies
# without stopping it.  standin_control <what> [<json>] [<method>] talks to its
# /__standin/ controls (faults, config, requests, reset).

APPWRITE_PROJECT=${APPWRITE_PROJECT:-awm-test}
APPWRITE_API_KEY=${APPWRITE_API_KEY:-standin-secret-key}
STANDIN_PID=

start_appwrite_standin() {
	rm -f "$TRASH/standin.port"
	python3 "$AWM_SOURCE_DIR/tests/servers/appwrite_standin.py" --port 0 \
		--port-file "$TRASH/standin.port" --project "$APPWRITE_PROJECT" \
		--key "$APPWRITE_API_KEY" --max-seconds 600 "$@" \
		>"$TRASH/standin.log" 2>&1 &
	STANDIN_PID=$!
	trap stop_appwrite_standin EXIT
	trap 'stop_appwrite_standin; exit 1' HUP INT PIPE TERM
	tries=0
	while [ ! -s "$TRASH/standin.port" ]; do
		if ! kill -0 "$STANDIN_PID" 2>/dev/null || [ $tries -ge 100 ]; then
			say "error: the Appwrite stand-in did not start:"
			sed 's/^/|  /' "$TRASH/standin.log"
			STANDIN_PID=
			return 1
		fi
		sleep 0.1
		tries=$((tries + 1))
	done
	APPWRITE_PORT=$(cat "$TRASH/standin.port")
	APPWRITE_ENDPOINT="http://127.0.0.1:$APPWRITE_PORT/v1"
	export APPWRITE_PORT APPWRITE_ENDPOINT APPWRITE_PROJECT APPWRITE_API_KEY
}

stop_appwrite_standin() {
	if [ -n "$STANDIN_PID" ]; then
		kill "$STANDIN_PID" 2>/dev/null
		wait "$STANDIN_PID" 2>/dev/null
		STANDIN_PID=
	fi
}

standin_control() {
	python3 - "http://127.0.0.1:$APPWRITE_PORT/__standin/$1" "${2:-}" "${3:-POST}" <<-\EOF
	import sys, urllib.request
	url, body, method = sys.argv[1:4]
	req = urllib.request.Request(url, data=body.encode() or None, method=method,
	                             headers={"Content-Type": "application/json"})
	with urllib.request.urlopen(req) as res:
	    sys.stdout.write(res.read().decode())
	EOF
}

# The rest is for awm's own Appwrite tests (t8002 on).
#
#   appwrite_url <db>          the environment or remote URL of database <db>
#   appwrite_schema <db>       its live schema read through the API, in the
#                              lines of awm's schema objects (appwrite_dump.py)
#   commit_schema <rev>        the schema a commit recorded, in the same lines
#   appwrite_docs <db> <coll>  its documents, one JSON object a line
#   write_appwrite <name> <json>  write migrations/<name>.json
appwrite_url() {
	echo "appwrite+http://127.0.0.1:$APPWRITE_PORT/$APPWRITE_PROJECT/$1"
}

appwrite_schema() {
	python3 "$AWM_SOURCE_DIR/tests/cli/appwrite_dump.py" schema "$1"
}

appwrite_docs() {
	python3 "$AWM_SOURCE_DIR/tests/cli/appwrite_dump.py" docs "$1" "$2"
}

commit_schema() {
	awm cat-object -p "$(awm cat-object -p "$1" | sed -n 's/^schema //p')" | tail -n +3
}

write_appwrite() {
	mkdir -p migrations && printf '%s\n' "$2" >"migrations/$1.json"
}
