#!/bin/sh
# docs/exit-codes.md: 0 success, 1 error, 2 bad usage, 3 locked by someone
# else, 4 a conflict, each from a real situation; and every command has a
# row in the page's table.
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

test_expect_success 'every command awm --help lists has a row in docs/exit-codes.md' '
	awm --help | sed -n "s/^  \([a-z][a-z-]*\)  .*/\1/p" >commands &&
	test_line_count -ge 30 commands &&
	sed -n "/^## Per command/,\$p" "$AWM_SOURCE_DIR/docs/exit-codes.md" | grep "^| " >rows &&
	missing= &&
	while read -r cmd; do
		grep -q "^| [^|]*\`$cmd\`" rows || missing="$missing $cmd"
	done <commands &&
	if test -n "$missing"; then echo "no row for:$missing" && false; fi
'

test_expect_success '2: usage errors of environments, diff --db and --color' '
	new_repo envs && cd envs &&
	write_migration 1_t "CREATE TABLE t (id INTEGER PRIMARY KEY);" && awm commit -q &&
	awm env add prod sqlite:db/prod.db >/dev/null &&
	test_expect_code 2 awm plan 2>err && test_grep "name one with --env" err &&
	test_expect_code 2 awm reset --env dev 2>err && test_grep "with --yes" err &&
	test_expect_code 2 awm rollback --env dev --to HEAD --steps 1 2>err &&
	test_expect_code 2 awm diff --db a.db b.db --format=json 2>err &&
	test_expect_code 2 awm --color=sometimes log 2>err
'

test_expect_success '1: refused checkout, missing table, unknown revision' '
	cd envs &&
	echo not-a-database >foreign.db &&
	test_expect_code 1 awm checkout --db foreign.db 2>err && test_grep "not checked out by awm" err &&
	test_expect_code 1 awm blame nosuchtable 2>err && test_grep "awm log -- nosuchtable" err &&
	test_expect_code 1 awm report --html page.html nosuchbranch 2>err && test ! -e page.html &&
	test_expect_code 1 awm promote prod dev 2>err && test_grep "no commit" err
'

test_expect_success '3: an environment locked by another identity' '
	cd envs &&
	awm env set dev HEAD >/dev/null && awm apply --env dev >/dev/null &&
	AWM_LOCK_OWNER=bob awm lock --env dev >/dev/null &&
	test_expect_code 3 awm apply --env dev 2>err && test_grep "locked by bob" err &&
	test_expect_code 3 awm rollback --env dev 2>err &&
	test_expect_code 3 awm reset --env dev --yes 2>err &&
	test_expect_code 3 awm lock --env dev 2>err &&
	test_expect_code 3 awm unlock --env dev 2>err && test_grep "not by you" err &&
	awm unlock --env dev --force >/dev/null && awm lock --env dev >/dev/null && awm unlock --env dev >/dev/null
'

test_expect_success '4: promote that is not a fast-forward' '
	cd envs &&
	write_migration 2_u "CREATE TABLE u (id INTEGER PRIMARY KEY);" && awm commit -q &&
	awm env set prod HEAD >/dev/null && awm env set dev HEAD~1 >/dev/null &&
	test_expect_code 4 awm promote dev prod 2>err && test_grep "only fast-forwards" err &&
	test "$(awm rev-parse env/prod)" = "$(awm rev-parse HEAD)"
'

test_expect_success '3 and 4: a locked remote, a rejected push, a pull that needs --rebase' '
	new_repo one && (cd one &&
		write_migration 1_t "CREATE TABLE t (id INTEGER PRIMARY KEY);" && awm commit -q &&
		awm remote add origin "$TRASH/shared" && awm push -q) &&
	new_repo two && (cd two && awm remote add origin "$TRASH/shared" && awm pull -q) &&
	(cd one && write_migration 2_a "INSERT INTO t VALUES (1);" && awm commit -q && awm push -q) &&
	cd two && write_migration 3_b "INSERT INTO t VALUES (2);" && awm commit -q &&
	test_expect_code 4 awm push 2>err && test_grep "non-fast-forward\|lacks" err &&
	test_expect_code 4 awm pull 2>err && test_grep "pull --rebase" err &&
	(cd ../one && awm lock --remote origin -m "release" >/dev/null) &&
	test_expect_code 3 awm push 2>err && test_grep "is locked by" err &&
	(cd ../one && awm unlock --remote origin >/dev/null)

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
