#!/bin/sh
# kill -9 in the middle of an Appwrite step.  Appwrite has no transactions:
# the step's history document records each operation as it completes, so
# the next run finishes it (or undoes it) exactly, and the finished row
# holds every operation once, the same list an uninterrupted run records.
. "$(dirname "$0")/test-lib.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-appwrite.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-appwrite-history.sh"

# Slow attributes, and runs that pause after each operation
# (AWM_TEST_OP_PAUSE_MS), so that a step is killed in the middle however
# slow the machine is.
start_appwrite_standin --attribute-delay 0.1

check() {
	appwrite_schema "$1" >live && commit_schema "$2" >want && test_cmp want live
}

# kill_when <pid> <min progress> [<signal>]: kill -9 (or with <signal>) once a
# pending row has done that many operations.
kill_when() {
	n=0
	until awm history --env prod --format=json 2>/dev/null >h.json &&
	      python3 -c '
import json, sys
rows = json.load(open("h.json"))
sys.exit(0 if any(r["status"] == "pending" and
                  r["payload"].get("progress", {}).get("at", 0) >= int(sys.argv[1])
                  for r in rows) else 1)' "$2"; do
		n=$((n + 1))
		if [ $n -gt 400 ] || ! kill -0 "$1" 2>/dev/null; then
			echo "the run ended before it could be killed" >&2
			return 1
		fi
		sleep 0.02
	done
	kill -"${3:-9}" "$1" && { wait "$1" || true; }
}

# ops <env>: per migration row, its commit and its recorded operations.
ops() {
	AWM_ENV=$1 awm history --format=json >h.json && python3 -c '
import json
for r in json.load(open("h.json")):
    if r["record_type"] == "migration" and r["status"] == "applied":
        ops = [(o["op"], o["collection"], o.get("key")) for o in r["payload"]["ops"]]
        assert len(ops) == len(set(ops)), "an operation is recorded twice: %r" % ops
        print(r["record_id"], json.dumps(r["payload"]["ops"], sort_keys=True))'
}

test_expect_success 'setup: the history, and a clean run to compare with' '
	awm init >/dev/null && awm env remove dev >/dev/null &&
	awm env add prod "$(appwrite_url app)" && awm env add clean "$(appwrite_url clean)" &&
	write_history && awm commit -q &&
	awm apply --env clean --to HEAD~7 >/dev/null && check clean HEAD~7 &&
	ops clean >clean.ops && test "$(wc -l <clean.ops)" = 3
'

test_expect_success 'kill -9 in the middle of a step leaves it pending, and its lock' '
	{ AWM_TEST_OP_PAUSE_MS=1000 awm apply --env prod --to HEAD~7 >apply.out 2>&1 & } &&
	pid=$! && kill_when $pid 2 &&
	awm history --env prod --format=json >h.json && test_grep "\"status\": \"pending\"" h.json &&
	awm status --env prod >st && test_grep "lock: held by" st &&
	test_expect_code 3 awm apply --env prod --to HEAD~7 2>err && test_grep "locked by" err
'

test_expect_success 'plan shows the pending step is finished first' '
	awm plan --env prod --to HEAD~7 >plan && test_grep "(resumed)" plan
'

test_expect_success 'a re-run takes the lock over and ends at the target' '
	awm apply --env prod --force --to HEAD~7 >out && test_grep "resumed" out &&
	check app HEAD~7 && awm status --env prod >st && test_grep "drift: none" st &&
	test_grep "lock: free" st
'

test_expect_success 'every operation is recorded once, as an uninterrupted run records it' '
	ops prod >prod.ops && test_cmp clean.ops prod.ops &&
	awm history --env prod --format=json >h.json &&
	test "$(grep -c "\"status\": \"applied\"" h.json)" = 3 &&
	! grep -q "\"status\": \"pending\"" h.json
'

test_expect_success 'kill -9 in a step, then roll back: the half-done step is undone exactly' '
	{ AWM_TEST_OP_PAUSE_MS=1000 awm apply --env prod --to HEAD~5 >apply.out 2>&1 & } &&
	pid=$! && kill_when $pid 2 &&
	awm rollback --env prod --force --to HEAD~7 >out && test_grep "^down.*(resumed)" out &&
	check app HEAD~7 && ops prod >prod.ops && test_cmp clean.ops prod.ops
'

test_expect_success 'kill -9 in a rollback, then run it again' '
	{ AWM_TEST_OP_PAUSE_MS=1000 awm rollback --env prod --to HEAD~9 >rb.out 2>&1 & } &&
	pid=$! && kill_when $pid 1 &&
	awm rollback --env prod --force --to HEAD~9 >out && check app HEAD~9 &&
	awm apply --env prod --to HEAD~7 >/dev/null && check app HEAD~7 &&
	ops prod >prod.ops && test_cmp clean.ops prod.ops
'

test_expect_success 'SIGTERM: the step stops between operations, pending, and the lock is released' '
	awm rollback --env prod --to HEAD~9 >/dev/null && check app HEAD~9 &&
	{ AWM_TEST_OP_PAUSE_MS=1000 awm apply --env prod --to HEAD~7 >term.out 2>term.err & } &&
	pid=$! && kill_when $pid 1 TERM &&
	test_grep "interrupted; applying .* was left half-done (pending in the history)" term.err &&
	awm status --env prod >st && test_grep "lock: free" st &&
	awm apply --env prod --to HEAD~7 >out && test_grep "(resumed)" out && check app HEAD~7 &&
	ops prod >prod.ops && test_cmp clean.ops prod.ops
'

test_done
