#!/bin/sh
# awm import b2m: b2-manager's YYYYMMDDHHMMSS<ns>_<phrase>.py scripts become
# script migrations with captured changesets; the refusals; --applied.
. "$(dirname "$0")/test-lib.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-import.sh"

command -v python3 >/dev/null || { say "# python3 is missing (scripts/deps.sh test)"; exit 1; }

# The layout `b2m migrations create` makes: scripts/ with one script per
# change, each taking the database path as its argument, beside a helper
# module they import (b2m's changeset.py) and notes.  Two scripts share a
# second and differ in their nanoseconds.
make_folder() {
	mkdir -p "$1" && cd "$1" &&
	cat >b2mhelp.py <<-\PY &&
	import sqlite3, sys
	def connect():
	    return sqlite3.connect(sys.argv[1])
	PY
	cat >20260215103000123456789_create_users.py <<-\PY &&
	#!/usr/bin/env python3
	# Migration script
	import os, sys
	sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
	from b2mhelp import connect
	db = connect()
	db.executescript("""
	CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
	INSERT INTO users (name) VALUES ('ada lovelace'), ('grace hopper');
	""")
	db.commit()
	PY
	cat >20260215103000123456790_split_names.py <<-\PY &&
	import sqlite3, sys
	db = sqlite3.connect(sys.argv[1])
	db.execute("ALTER TABLE users ADD COLUMN last TEXT")
	for i, name in db.execute("SELECT id, name FROM users").fetchall():
	    first, _, last = name.partition(" ")
	    db.execute("UPDATE users SET name = ?, last = ? WHERE id = ?", (first, last, i))
	db.commit()
	PY
	printf "import sqlite3, sys\r\ndb = sqlite3.connect(sys.argv[1])\r\ndb.execute(\"CREATE TABLE tags (id INTEGER PRIMARY KEY, tag TEXT UNIQUE)\")\r\ndb.execute(\"INSERT INTO tags (tag) VALUES ('new')\")\r\ndb.commit()\r\n" \
		>20260301000000000000000_tags.py &&
	printf "scripts for b2m\n" >README.md &&
	cd - >/dev/null
}
ORDER="20260215103000123456789_create_users.py 20260215103000123456790_split_names.py
       20260301000000000000000_tags.py"

test_expect_success 'import makes one script commit per script, in time order' '
	new_repo p && cd p && make_folder changeset/scripts &&
	awm import b2m changeset/scripts >out &&
	test_grep "Imported 3 b2m migrations from changeset/scripts" out &&
	test_grep "migrations/20260215103000123456790_split_names.py <- changeset/scripts/20260215103000123456790_split_names.py" out &&
	awm log --oneline >log && test_line_count = 3 log &&
	head -n 1 log >top && test_grep "tags" top &&
	for rev in HEAD HEAD~1 HEAD~2; do
		awm cat-object -p $rev >c && test_grep "^kind script" c &&
		test_grep "^changeset " c || return 1
	done &&
	ls migrations >files && test_line_count = 3 files &&
	cmp changeset/scripts/20260215103000123456789_create_users.py \
		migrations/20260215103000123456789_create_users.py &&
	awm show HEAD~1 >show && test_grep "Imported from b2m: changeset/scripts/20260215103000123456790_split_names.py" show &&
	test_grep "0 inserted, 2 updated, 0 deleted" show &&
	awm status >st && test_grep "Migrations folder matches the history" st
'

test_expect_success 'awm apply of the history gives what the scripts give with python3' '
	cd p && (cd changeset/scripts && run_scripts ../../orig.db $ORDER) &&
	apply_history replay.db &&
	test "$(grep -c "^up " apply.out)" = 3 &&
	same_database orig.db replay.db && same_canonical_schema orig.db
'

test_expect_success 'the recorded changesets replay without Python' '
	cd p && mkdir -p fakebin &&
	printf "#!/bin/sh\ntouch \"%s/python-ran\"\nexit 1\n" "$PWD" >fakebin/python3 &&
	chmod +x fakebin/python3 &&
	(PATH="$PWD/fakebin:$PATH" && export PATH && apply_history again.db) &&
	test ! -e python-ran && same_database orig.db again.db
'

test_expect_success 'a script that fails is refused, naming its file and output' '
	new_repo q && cd q && make_folder s &&
	printf "import sys\nprint(\"no database for me\")\nsys.exit(2)\n" \
		>s/20260302000000000000000_broken.py &&
	test_must_fail awm import b2m s 2>err &&
	test_grep "nothing was imported" err &&
	test_grep "script .s/20260302000000000000000_broken.py. failed with exit status 2" err &&
	test_grep "no database for me" err &&
	nothing_imported
'

test_expect_success 'a script that runs too long is stopped and nothing is imported' '
	new_repo r && cd r && make_folder s &&
	git config -f .awm/config migrations.scriptTimeout 1 &&
	printf "import time\ntime.sleep(30)\n" >s/20260302000000000000000_slow.py &&
	test_must_fail awm import b2m s 2>err &&
	test_grep "script .s/20260302000000000000000_slow.py. did not finish within 1 s" err &&
	nothing_imported
'

test_expect_success 'a script writing a table without a primary key is refused' '
	new_repo t && cd t && make_folder s &&
	printf "import sqlite3, sys\ndb = sqlite3.connect(sys.argv[1])\ndb.execute(\"CREATE TABLE log (msg TEXT)\")\ndb.execute(\"INSERT INTO log VALUES (1)\")\ndb.commit()\n" \
		>s/20260302000000000000000_log.py &&
	test_must_fail awm import b2m s 2>err &&
	test_grep "s/20260302000000000000000_log.py" err &&
	test_grep "table .log. has no primary key" err &&
	nothing_imported
'

test_expect_success 'badly named scripts and a repeated version are refused' '
	new_repo u && cd u && make_folder s &&
	printf "pass\n" >s/2026_short.py &&
	test_must_fail awm import b2m s 2>err &&
	test_grep ".s/2026_short.py. is not named YYYYMMDDHHMMSS<nanoseconds>_<phrase>.py" err &&
	rm s/2026_short.py && printf "pass\n" >s/20261399000000000000000_month13.py &&
	test_must_fail awm import b2m s 2>err && test_grep "s/20261399000000000000000_month13.py" err &&
	rm s/20261399000000000000000_month13.py &&
	printf "pass\n" >s/20260301000000000000000_again.py &&
	test_must_fail awm import b2m s 2>err &&
	test_grep "20260301000000000000000_again.py. and .s/20260301000000000000000_tags.py. have one version" err &&
	nothing_imported
'

test_expect_success 'a b2m database needs --applied, which must name a script' '
	new_repo v && cd v && make_folder s &&
	(cd s && run_scripts ../dev.db 20260215103000123456789_create_users.py) &&
	test_expect_code 2 awm import --db dev.db b2m s 2>err &&
	test_grep "b2m keeps no record in the database of the migrations it ran" err &&
	test_must_fail awm import --db dev.db --applied 20260215103000123456788 b2m s 2>err &&
	test_grep "is at b2m version 20260215103000123456788, which .s. does not have" err &&
	test_expect_code 2 awm import --applied none b2m s 2>err &&
	test_grep "name it with --db or --env" err &&
	nothing_imported &&
	cp dev.db dev.before &&
	awm import --db dev.db --applied 20260215103000123456789 b2m s >out &&
	test_grep "has 1 of them applied, up to version 20260215103000123456789" out &&
	cmp dev.before dev.db
'

test_expect_success 'with --env the database is adopted; apply runs the other scripts' '
	new_repo v2 && cd v2 && make_folder s &&
	(cd s && run_scripts ../dev.db 20260215103000123456789_create_users.py) &&
	git config -f awm.conf env.dev.url sqlite:dev.db &&
	awm import --env dev --applied 20260215103000123456789 b2m s >out &&
	test_grep "Adopted .*dev.db.: 1 commit recorded as applied in its awm_state;" out &&
	awm apply --env dev --to HEAD >out &&
	grep "^up " out >ups && test_line_count = 2 ups &&
	(cd s && run_scripts ../orig.db $ORDER) && same_database orig.db dev.db
'

test_expect_success '--applied is refused for a tool that keeps its own record' '
	new_repo w && cd w && mkdir gm && printf "SELECT 1;\n" >gm/1_a.up.sql &&
	sqlite3 x.db "PRAGMA user_version = 1" &&
	test_expect_code 2 awm import --db x.db --applied 1 golang-migrate gm 2>err &&
	test_grep "golang-migrate.s schema_migrations table in .x.db. says what was applied" err &&
	nothing_imported
'

test_done
