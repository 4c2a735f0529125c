#!/bin/sh
# awm checkout --db: writing a commit's database, and what it refuses to overwrite.
. "$(dirname "$0")/test-lib.sh"

# rows <db> <table>: the table's rows, one per line, in key order.
rows() {
	sqlite3 "$1" "SELECT * FROM $2 ORDER BY 1"
}

test_expect_success 'an empty branch checks out an empty database' '
	new_repo . &&
	awm checkout --db db/dev.db >out &&
	test_grep "an empty database" out &&
	test -f db/dev.db &&
	sqlite3 db/dev.db "SELECT count(*) FROM sqlite_schema" >n &&
	echo 0 >expect && test_cmp expect n &&
	test_grep "db/dev.db" .awm/checkouts.json
'

test_expect_success 'the first commit can come from a database' '
	sqlite3 db/dev.db "CREATE TABLE seed(id INTEGER PRIMARY KEY, v); INSERT INTO seed VALUES(1, 2)" &&
	awm commit --from-db db/dev.db -m "seed" >out &&
	test_grep "\[main (root-commit)\|\[main [0-9a-f]*\] seed" out &&
	awm cat-object -p HEAD >commit &&
	! grep "^parent" commit &&
	awm status >out &&
	awm commit >out &&
	test_grep "nothing to commit: no new migration files" out &&
	awm log --oneline >log &&
	test_line_count = 1 log
'

test_expect_success 'setup: two migrations' '
	write_migration 1_users "CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT);
INSERT INTO users VALUES(1, '\''ada'\''), (2, '\''bob'\'');" &&
	awm commit -q &&
	write_migration 2_more "INSERT INTO users VALUES(3, '\''cy'\'');" &&
	awm commit -q
'

test_expect_success 'an unchanged checkout is overwritten with HEAD' '
	awm checkout --db db/dev.db >out &&
	test_grep "Checked out .db/dev.db. at" out &&
	rows db/dev.db users >actual &&
	printf "1|ada\n2|bob\n3|cy\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'an older revision checks out its own state' '
	awm checkout -q --db old.db HEAD~1 &&
	rows old.db users >actual &&
	printf "1|ada\n2|bob\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'edits are not overwritten without --force' '
	sqlite3 db/dev.db "DELETE FROM users WHERE id = 3" &&
	test_expect_code 1 awm checkout --db db/dev.db 2>err &&
	test_grep "has changes since it was checked out" err &&
	test_grep "commit --from-db" err &&
	rows db/dev.db users >actual &&
	printf "1|ada\n2|bob\n" >expect &&
	test_cmp expect actual &&
	awm checkout -q --force --db db/dev.db &&
	rows db/dev.db users >actual &&
	printf "1|ada\n2|bob\n3|cy\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'a file awm did not write is not overwritten without --force' '
	sqlite3 foreign.db "CREATE TABLE keep(x)" &&
	test_expect_code 1 awm checkout --db foreign.db 2>err &&
	test_grep "was not checked out by awm" err &&
	sqlite3 foreign.db "SELECT name FROM sqlite_schema" >actual &&
	echo keep >expect && test_cmp expect actual &&
	awm checkout -q --force --db foreign.db &&
	rows foreign.db users >actual &&
	test_line_count = 3 actual
'

test_expect_success 'a stale journal is removed, not replayed onto the new file' '
	echo "not a journal" >db/dev.db-journal &&
	awm checkout -q --db db/dev.db HEAD~1 &&
	test ! -e db/dev.db-journal &&
	rows db/dev.db users >actual &&
	test_line_count = 2 actual
'

test_expect_success 'the same path spelled differently is the same checkout' '
	mkdir -p sub && (cd sub && awm checkout -q --db ../db/dev.db) &&
	rows db/dev.db users >actual &&
	test_line_count = 3 actual
'

test_expect_success 'a checkout record of another version is refused, not misread' '
	python3 -c "import json; d = json.load(open(\".awm/checkouts.json\")); assert d[\"version\"] == 1" &&
	cp .awm/checkouts.json saved.json &&
	sed "s/\"version\": 1/\"version\": 2/" saved.json >.awm/checkouts.json &&
	test_must_fail awm checkout -q --db db/dev.db 2>err &&
	test_grep "not a version 1 checkout record" err &&
	cp saved.json .awm/checkouts.json && awm checkout -q --db db/dev.db
'

test_expect_success 'usage errors' '
	test_expect_code 2 awm checkout 2>err &&
	test_grep "name one with --db" err &&
	test_expect_code 2 awm checkout --db x.db HEAD HEAD~1 2>err &&
	test_must_fail awm checkout --db x.db no-such-rev 2>err &&
	test ! -e x.db &&
	awm checkout --help >out && test_grep "usage: awm checkout --db" out
'

test_done
