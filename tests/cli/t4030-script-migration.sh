#!/bin/sh
# Script migrations: programs recorded by their effect, replayed without them.
. "$(dirname "$0")/test-lib.sh"

command -v python3 >/dev/null || { say "# python3 is missing (scripts/deps.sh test)"; exit 1; }

test_expect_success 'setup: a table to work on' '
	new_repo . &&
	write_migration 1_users "CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT);
INSERT INTO users VALUES(1, '\''ada lovelace'\''), (2, '\''bob'\'');" &&
	awm commit -q
'

test_expect_success 'status lists a new Python migration' '
	cat >migrations/2_split_names.py <<-\PY &&
	import sqlite3, sys
	db = sqlite3.connect(sys.argv[1])
	db.execute("ALTER TABLE users ADD COLUMN last TEXT")
	for rowid, name in db.execute("SELECT id, name FROM users").fetchall():
	    first, _, last = name.partition(" ")
	    db.execute("UPDATE users SET name = ?, last = ? WHERE id = ?",
	               (first, last or None, rowid))
	db.execute("INSERT INTO users(name) VALUES (?)", ("grace",))
	db.commit()
	print("split", flush=True)
	PY
	awm status >out &&
	test_grep "2_split_names.py" out
'

test_expect_success 'commit runs it once and records a script commit' '
	awm commit >out &&
	test_grep "split names" out &&
	test_grep "1 inserted, 1 updated, 0 deleted" out &&
	awm cat-object -p HEAD >commit &&
	test_grep "^kind script" commit &&
	test_grep "^migration migrations/2_split_names.py" commit &&
	test_grep "^script " commit &&
	test_grep "^up " commit &&
	awm show HEAD >show &&
	test_grep "Kind: script" show &&
	test_grep "Script:" show &&
	test_grep "name.partition" show &&
	test_grep "^    ALTER TABLE users ADD COLUMN last TEXT;" show &&
	test_grep "^    ALTER TABLE users DROP COLUMN last;" show
'

test_expect_success 'a fresh checkout replays it without running Python' '
	mkdir -p fakebin &&
	printf "#!/bin/sh\ntouch \"%s/python-ran\"\nexit 1\n" "$TRASH" >fakebin/python3 &&
	chmod +x fakebin/python3 &&
	rm -rf .awm/cache &&
	PATH="$TRASH/fakebin:$PATH" awm checkout -q --db fresh.db &&
	test ! -e python-ran &&
	sqlite3 fresh.db "SELECT id, name, last FROM users ORDER BY id" >actual &&
	printf "1|ada|lovelace\n2|bob|\n3|grace|\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'apply replays it without Python; --rerun-scripts runs it again' '
	PATH="$TRASH/fakebin:$PATH" awm apply --to HEAD >out &&
	test ! -e python-ran &&
	sqlite3 db/dev.db "SELECT id, name, last FROM users ORDER BY id" >actual &&
	printf "1|ada|lovelace\n2|bob|\n3|grace|\n" >expect &&
	test_cmp expect actual &&
	awm rollback --steps 1 >out &&
	test_expect_code 1 env PATH="$TRASH/fakebin:$PATH" awm apply --to HEAD --rerun-scripts \
		>out 2>err &&
	test -e python-ran &&
	rm python-ran &&
	awm apply --to HEAD --rerun-scripts >out &&
	sqlite3 db/dev.db "SELECT id, name, last FROM users ORDER BY id" >actual &&
	test_cmp expect actual &&
	awm history >hist &&
	test_grep "split names" hist
'

test_expect_success 'shell scripts and executables with a shebang run too' '
	cat >migrations/3_more.sh <<-\SH &&
	sqlite3 "$1" "INSERT INTO users(name) VALUES('\''from sh'\'')"
	SH
	cat >migrations/4_exec.tool <<-\SH &&
	#!/bin/sh
	sqlite3 "$AWM_DB" "DELETE FROM users WHERE name = '\''bob'\''"
	SH
	chmod +x migrations/4_exec.tool &&
	awm commit -q &&
	awm checkout -q --db after.db &&
	sqlite3 after.db "SELECT name FROM users ORDER BY id" >actual &&
	printf "ada\ngrace\nfrom sh\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'a script that fails records nothing and shows its output' '
	head=$(awm rev-parse HEAD) &&
	cat >migrations/5_broken.py <<-\PY &&
	import sys
	print("about to fail")
	sys.exit(3)
	PY
	test_expect_code 1 awm commit 2>err &&
	test_grep "nothing was recorded" err &&
	test_grep "failed with exit status 3" err &&
	test_grep "about to fail" err &&
	test "$(awm rev-parse HEAD)" = "$head" &&
	rm migrations/5_broken.py
'

test_expect_success 'a script that runs too long is stopped and records nothing' '
	head=$(awm rev-parse HEAD) &&
	git config -f .awm/config migrations.scriptTimeout 1 &&
	cat >migrations/5_slow.sh <<-\SH &&
	sleep 30 &
	sleep 30
	SH
	start=$(date +%s) &&
	test_expect_code 1 awm commit 2>err &&
	test $(($(date +%s) - start)) -lt 10 &&
	test_grep "did not finish within 1 s" err &&
	test "$(awm rev-parse HEAD)" = "$head" &&
	rm migrations/5_slow.sh &&
	git config -f .awm/config --unset migrations.scriptTimeout
'

test_expect_success 'a script whose rows have no primary key is refused by name' '
	cat >migrations/5_log.py <<-\PY &&
	import sqlite3, sys
	db = sqlite3.connect(sys.argv[1])
	db.execute("CREATE TABLE log(msg TEXT)")
	db.execute("INSERT INTO log VALUES (?)", ("hello",))
	db.commit()
	PY
	test_expect_code 1 awm commit 2>err &&
	test_grep "table .log. has no primary key" err &&
	rm migrations/5_log.py
'

test_expect_success 'an edited script is refused like an edited SQL file' '
	echo "# touched" >>migrations/2_split_names.py &&
	test_expect_code 1 awm commit 2>err &&
	test_grep "2_split_names.py. was edited after it was recorded" err &&
	test_grep "the program changed" err &&
	sed -i "\$d" migrations/2_split_names.py &&
	awm commit >out &&
	test_grep "nothing to commit" out
'

test_expect_success 'badly named scripts are refused; unversioned helpers are ignored' '
	echo "pass" >migrations/helpers.py &&
	echo "notes" >migrations/9_notes.txt &&
	awm commit >out &&
	test_grep "nothing to commit" out &&
	echo "pass" >migrations/9x.py &&
	test_expect_code 1 awm commit 2>err &&
	test_grep "script migration name .9x.py. is not" err &&
	rm migrations/9x.py
'

test_done
