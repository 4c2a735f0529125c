#!/bin/sh
# docs/exit-codes.md: 0 success, 1 error, 2 bad usage, 3 locked by someone
# else, 4 a conflict, each from a real situation.
. "$(dirname "$0")/test-lib.sh"

# hold <lock file>: take its flock in a background process ($holder, which
# is the process holding it: killing it releases the lock), and return once
# it is held.
hold() {
	( exec 9>"$1" && flock 9 && exec sleep 30 ) &
	holder=$!
	while flock -n "$1" true; do sleep 0.1; done
}

test_expect_success 'a repository with one migration' '
	new_repo repo && cd repo &&
	write_migration 1_create_t "CREATE TABLE t (id INTEGER PRIMARY KEY);" &&
	awm commit -q
'

test_expect_success '2: bad usage' '
	cd repo &&
	test_expect_code 2 awm 2>err &&
	test_expect_code 2 awm frobnicate 2>err && test_grep "not an awm command" err &&
	test_expect_code 2 awm help frobnicate 2>err && test_grep "not an awm command" err &&
	test_expect_code 2 awm --bogus 2>err && test_grep "unknown option" err &&
	test_expect_code 2 awm -C "$TRASH/nowhere" log 2>err && test_grep "cannot change to" err &&
	test_expect_code 2 awm log --bogus 2>err && test_grep "usage: awm log" err &&
	test_expect_code 2 awm log --format=xml 2>err &&
	test_expect_code 2 awm log -n many 2>err &&
	test_expect_code 2 awm cat-object HEAD 2>err &&
	test_expect_code 2 awm new "!!!" 2>err && test_grep "no letters or digits" err
'

test_expect_success '0: success, --help included' '
	cd repo &&
	awm --version >out && test_grep "^awm version" out &&
	awm help >out && awm help log >out && test_grep "usage: awm log" out &&
	awm log --help >out && test_grep "usage: awm log" out &&
	awm log >/dev/null && awm fsck -q
'

test_expect_success '1: errors' '
	cd repo &&
	test_expect_code 1 awm log nosuchbranch 2>err && test_grep "unknown revision" err &&
	test_expect_code 1 awm cat-object -e 0123456789abcdef0123456789abcdef 2>err &&
	test ! -s err &&
	test_expect_code 1 awm branch main 2>err && test_grep "already exists" err &&
	(cd "$TRASH" && test_expect_code 1 awm status 2>err && test_grep "awm init" err)
'

test_expect_success '1: fsck found a fault' '
	cd repo &&
	f=$(find .awm/objects -type f -path "*/[0-9a-f][0-9a-f]/*" | head -n 1) &&
	chmod u+w "$f" && printf "junk" >>"$f" &&
	test_expect_code 1 awm fsck 2>err && test_grep "^error: object" err
'

test_expect_success '3: gc while another gc holds the lock' '
	new_repo locked && cd locked &&
	hold .awm/gc.lock &&
	if test_expect_code 3 awm gc 2>err; then rc=0; else rc=1; fi &&
	kill $holder && { wait $holder 2>/dev/null || :; } &&
	test $rc -eq 0 && test_grep "another .awm gc. is running" err
'

test_expect_success '3: a ref lock held past the wait' '
	cd repo &&
	hold .awm/refs/heads/held.lock &&
	if test_expect_code 3 awm branch held 2>err; then rc=0; else rc=1; fi &&
	kill $holder && { wait $holder 2>/dev/null || :; } &&
	test $rc -eq 0 && test_grep "held by another awm process" err &&
	test_must_fail awm rev-parse held 2>/dev/null
'

test_expect_success '4: the branch moved while commit was recording' '
	new_repo race && cd race &&
	write_migration 1_create_t "CREATE TABLE t (id INTEGER PRIMARY KEY);" &&
	awm commit -q && before=$(awm rev-parse HEAD) &&
	mkfifo migrations/2_add_u.sql &&
	{ awm commit 2>err & committer=$!; } &&
	# Opening the FIFO waits until commit reads it, after it read HEAD.
	exec 3>migrations/2_add_u.sql &&
	printf "commit refs/heads/main\nauthor A <a@b> 1700000100 +0000\nmessage 6\nmoved\n" |
		awm fast-import -q &&
	moved=$(awm rev-parse HEAD) &&
	printf -- "-- awm:up\nCREATE TABLE u (id INTEGER PRIMARY KEY);\n" >&3 && exec 3>&- &&
	rc=0 && wait $committer || rc=$? &&
	test $rc -eq 4 &&
	test_grep "the branch moved while recording; nothing was recorded" err &&
	test "$(awm rev-parse HEAD)" = "$moved" && test "$moved" != "$before"
'

test_expect_success '4: a rebase stopped on a conflict, a merge refused; 3: a rebase running' '
	new_repo graph && cd graph &&
	write_migration 1_t "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);
INSERT INTO t VALUES (1, '"'x'"');" && awm commit -q && rm migrations/1_t.sql &&
	awm branch other &&
	write_migration 2_a "UPDATE t SET v = '"'a'"' WHERE id = 1;" && awm commit -q &&
	rm migrations/2_a.sql && awm switch other >/dev/null &&
	write_migration 2_b "UPDATE t SET v = '"'b'"' WHERE id = 1;" && awm commit -q &&
	test_expect_code 4 awm merge main >/dev/null 2>&1 &&
	hold .awm/rebase.lock &&
	test_expect_code 3 awm rebase main 2>err && kill $holder &&
	test_grep "another rebase or cherry-pick is running" err &&
	test_expect_code 4 awm rebase main >/dev/null 2>&1 &&
	test_expect_code 1 awm rebase main 2>err && test_grep "stopped already" err &&
	awm rebase --abort >/dev/null
'

test_done
