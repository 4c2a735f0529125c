#!/bin/sh
# The Appwrite key comes from APPWRITE_API_KEY only, and never reaches the
# store, awm.conf, the reflogs, the history documents in Appwrite, or any
# output, whether things work or fail.
. "$(dirname "$0")/test-lib.sh"
APPWRITE_API_KEY="aw-sEcReT-$$-do-not-print"
. "$AWM_SOURCE_DIR/tests/cli/lib-appwrite.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-appwrite-history.sh"

start_appwrite_standin --attribute-delay 0.01
mkdir -p "$TRASH/logs"

run() {
	name=$1
	shift
	"$@" >"$TRASH/logs/$name.out" 2>"$TRASH/logs/$name.err" || true
}

test_expect_success 'a working session: environment and remote' '
	awm init >/dev/null && awm env remove dev >/dev/null &&
	run env awm env add prod "$(appwrite_url app)" &&
	run remote awm remote add origin "$(appwrite_url repo)" &&
	write_history && run commit awm commit &&
	run plan awm plan --to HEAD~5 && run apply awm apply --to HEAD~5 &&
	run history awm history --format=json && run status awm status --env prod &&
	run rollback awm rollback && run lock awm lock && run unlock awm unlock &&
	run push awm push -v && run fetch awm fetch -v && run show awm remote show origin &&
	run export awm export --format shell HEAD~5 && run rel awm relationships &&
	test_grep "^up " "$TRASH/logs/apply.out" && test_grep "new ref" "$TRASH/logs/push.out"
'

test_expect_success 'failing sessions' '
	run wrongkey env APPWRITE_API_KEY=not-the-key awm apply &&
	test_grep "401 user_unauthorized" "$TRASH/logs/wrongkey.err" &&
	run nokey env -u APPWRITE_API_KEY awm apply &&
	test_grep "set APPWRITE_API_KEY" "$TRASH/logs/nokey.err" &&
	run nokeypush env -u APPWRITE_API_KEY awm push &&
	test_grep "set APPWRITE_API_KEY" "$TRASH/logs/nokeypush.err" &&
	standin_control faults "{\"rules\": [{\"path\": \"/documents\", \"count\": 100}]}" >/dev/null &&
	run storm awm apply && test_grep "503 general_server_error" "$TRASH/logs/storm.err" &&
	standin_control faults "" DELETE >/dev/null &&
	run badhost awm env add far "appwrite+http://example.com/p/d" &&
	test_grep "this machine only" "$TRASH/logs/badhost.err"
'

test_expect_success 'the key is nowhere: store, config, reflogs, output' '
	for f in "$TRASH/logs"/*; do test -f "$f" || exit 1; done &&
	! grep -r -F -l "$APPWRITE_API_KEY" .awm awm.conf "$TRASH/logs" &&
	test -s .awm/logs/refs/remotes/origin/main
'

test_expect_success 'nor in anything awm wrote into Appwrite' '
	for c in awm_state awm_locks; do appwrite_docs app $c; done >docs &&
	appwrite_docs repo awm_refs >>docs && test -s docs &&
	! grep -F -q "$APPWRITE_API_KEY" docs
'

test_done
