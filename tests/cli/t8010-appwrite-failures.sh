#!/bin/sh
# Appwrite's asynchronous lifecycle going wrong: an attribute that ends
# "failed", a worker slower than the timeout, answers lost on the way.  A
# failing step is undone and recorded as failed; one that cannot be undone
# stays pending and the next run finishes it.
. "$(dirname "$0")/test-lib.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-appwrite.sh"

start_appwrite_standin --attribute-delay 0.01 --fail-key doomed

check() {
	appwrite_schema app >live && commit_schema "$1" >want && test_cmp want live
}

users() {
	printf '{"collections": [{"$id": "users", "name": "Users", "attributes": [%s]}]}' "$1"
}

test_expect_success 'setup' '
	awm init >/dev/null && awm env remove dev >/dev/null &&
	awm env add prod "$(appwrite_url app)" &&
	users "{\"key\": \"name\", \"type\": \"string\", \"size\": 20}" >migrations/1_users.json &&
	users "{\"key\": \"name\", \"type\": \"string\", \"size\": 20},
	       {\"key\": \"good\", \"type\": \"boolean\"}, {\"key\": \"doomed\", \"type\": \"boolean\"}" \
		>migrations/2_doomed.json &&
	awm commit -q && awm apply --to HEAD~1 >/dev/null && check HEAD~1
'

test_expect_success 'an attribute Appwrite fails: the step is undone and recorded as failed' '
	test_expect_code 1 awm apply 2>err &&
	test_grep "Appwrite failed to create attribute users.doomed on .*: Failed to create: stand-in fault knob" err &&
	check HEAD~1 &&
	awm history --format=json >h.json && test_grep "\"status\": \"failed\"" h.json &&
	test_grep "stand-in fault knob" h.json &&
	awm status --env prod >st && test_grep "drift: none" st && test_grep "lock: free" st
'

test_expect_success 'once Appwrite is well again, the same apply goes through' '
	standin_control config "{\"fail_keys\": []}" >/dev/null &&
	awm apply >/dev/null && check HEAD
'

test_expect_success 'a worker slower than appwrite.timeout: the step stays pending, then resumes' '
	awm rollback >/dev/null && check HEAD~1 &&
	git config -f awm.conf appwrite.timeout 1s &&
	standin_control config "{\"attribute_delay\": 2.5}" >/dev/null &&
	test_expect_code 1 awm apply 2>err &&
	test_grep "is still .processing. after 1 s" err && test_grep "stays pending" err &&
	awm status --env prod >st && test_grep "Pending\|resumed" st &&
	standin_control config "{\"attribute_delay\": 0.01}" >/dev/null && sleep 2.6 &&
	awm apply >out && test_grep "(resumed)" out && check HEAD &&
	git config -f awm.conf --unset appwrite.timeout
'

test_expect_success 'answers lost after the work was done: retried, taken as done, recorded once' '
	awm rollback >/dev/null && check HEAD~1 &&
	standin_control faults "{\"rules\": [{\"method\": \"POST\", \"path\": \"/attributes/\",
		\"when\": \"after\", \"action\": \"drop\", \"count\": 2}]}" >/dev/null &&
	awm apply >/dev/null && check HEAD &&
	standin_control requests "" GET >req.json && test_grep "\"fault\": true" req.json &&
	standin_control faults "" DELETE >/dev/null &&
	awm history --format=json >h.json && python3 -c "
import json
rows = [r for r in json.load(open(\"h.json\")) if r[\"status\"] == \"applied\"]
ops = [(o[\"op\"], o.get(\"key\")) for o in rows[-1][\"payload\"][\"ops\"]]
assert ops == [(\"createAttribute\", \"doomed\"), (\"createAttribute\", \"good\")], ops"
'

test_expect_success 'a server that keeps failing: the step is undone, the lock released' '
	awm rollback >/dev/null &&
	standin_control faults "{\"rules\": [{\"method\": \"POST\", \"path\": \"/attributes/boolean\",
		\"nth\": 2, \"count\": 50}]}" >/dev/null &&
	test_expect_code 1 awm apply 2>err && test_grep "503 general_server_error" err &&
	standin_control faults "" DELETE >/dev/null &&
	check HEAD~1 && awm status --env prod >st && test_grep "lock: free" st
'

test_expect_success 'a wrong project id is an error, not an empty database' '
	awm env add wrongproj "appwrite+http://127.0.0.1:$APPWRITE_PORT/nope/app" &&
	for cmd in "plan --env wrongproj" "status --env wrongproj" "apply --env wrongproj"
	do
		test_expect_code 1 awm $cmd >out 2>err &&
		test_grep "Appwrite has no project .nope.; check the project id" err &&
		! grep "applied: nothing" out || return 1
	done &&
	awm remote add wp "appwrite+http://127.0.0.1:$APPWRITE_PORT/nope/awm" &&
	test_expect_code 1 awm fetch wp 2>err &&
	test_grep "Appwrite has no project .nope." err
'

test_done
