#!/bin/sh
# awm diff --db: comparing two database files, with or without a repository.
. "$(dirname "$0")/test-lib.sh"

cat >"$TRASH/a.sql" <<\SQL
CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT, price REAL);
CREATE TABLE tags(item INTEGER, tag TEXT, note, PRIMARY KEY(tag, item)) WITHOUT ROWID;
INSERT INTO items VALUES(1, 'bolt', 0.1), (2, 'nut', NULL), (3, 'pin', 3);
INSERT INTO tags VALUES(1, 'metal', X'00ff'), (2, 'metal', NULL);
SQL
cat >"$TRASH/b.sql" <<\SQL
UPDATE items SET price = 0.30000000000000004 WHERE id = 1;
DELETE FROM items WHERE id = 2;
INSERT INTO items VALUES(4, 'it''s', -0.0);
UPDATE tags SET note = X'ff00' WHERE item = 1;
INSERT INTO tags VALUES(4, 'small', '');
SQL

test_expect_success 'setup: two databases, no repository' '
	sqlite3 a.db <a.sql &&
	cp a.db b.db &&
	sqlite3 b.db <b.sql
'

test_expect_success 'the summary counts and shows rows per table' '
	awm diff --db a.db b.db >out &&
	test_grep "items: 1 inserted, 1 updated, 1 deleted" out &&
	test_grep "tags: 1 inserted, 1 updated, 0 deleted" out &&
	test_grep "~ | 1 *| *| 0.10000000000000001 -> 0.30000000000" out
'

test_expect_success '--changeset writes what sqldiff --changeset writes' '
	awm diff --db a.db b.db --changeset awm.bin &&
	sqldiff --changeset sq.bin a.db b.db &&
	cmp awm.bin sq.bin
'

test_expect_success '--sql turns a copy of a.db into b.db' '
	awm diff --db a.db b.db --sql >change.sql &&
	test_grep "DELETE FROM \"items\" WHERE \"id\" = 2;" change.sql &&
	cp a.db c.db &&
	sqlite3 c.db <change.sql &&
	sqldiff --primarykey c.db b.db >left &&
	test_line_count = 0 left &&
	sqlite3 c.db "SELECT name FROM items WHERE id = 4" >name &&
	echo "it'\''s" >expect && test_cmp expect name
'

test_expect_success '--sql carries schema changes: tables added, dropped and altered' '
	cp b.db s.db &&
	sqlite3 s.db "DROP TABLE tags; ALTER TABLE items ADD COLUMN qty INTEGER DEFAULT 0;
		UPDATE items SET qty = 5 WHERE id = 1;
		CREATE TABLE notes(k TEXT PRIMARY KEY, v) WITHOUT ROWID;
		INSERT INTO notes VALUES('\''a'\'', 1);" &&
	awm diff --db b.db s.db >out &&
	test_grep "Schema:" out &&
	test_grep "DROP TABLE \"tags\"" out &&
	awm diff --db b.db s.db --sql >change.sql &&
	cp b.db t.db &&
	sqlite3 t.db <change.sql &&
	sqldiff --primarykey t.db s.db >left &&
	test_line_count = 0 left &&
	sqlite3 t.db "SELECT sql FROM sqlite_schema ORDER BY name" >x &&
	sqlite3 s.db "SELECT sql FROM sqlite_schema ORDER BY name" >y &&
	test_cmp y x
'

test_expect_success '--changeset warns about tables in one database only' '
	sqlite3 u.db "CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT, price REAL);
		CREATE TABLE extra(id INTEGER PRIMARY KEY); INSERT INTO extra VALUES(1)" &&
	sqlite3 v.db "CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT, price REAL)" &&
	awm diff --db v.db u.db --changeset x.bin 2>err &&
	test_grep "table .extra. exists only in .u.db.: the changeset inserts its rows" err &&
	test_must_fail awm diff --db b.db s.db --changeset y.bin 2>err &&
	test_grep "table .items. has different columns" err &&
	test_grep "use --sql\|with --sql" err
'

test_expect_success 'a table without a primary key is refused when its rows differ' '
	sqlite3 p.db "CREATE TABLE plain(x, y); INSERT INTO plain VALUES(1, 2)" &&
	cp p.db q.db &&
	awm diff --db p.db q.db >out &&
	test_grep "no rows differ" out &&
	sqlite3 q.db "INSERT INTO plain VALUES(3, 4)" &&
	test_expect_code 1 awm diff --db p.db q.db --changeset z.bin 2>err &&
	test_grep "table .plain. has no primary key" err &&
	test ! -e z.bin
'

test_expect_success 'files that are not databases are named' '
	echo "hello" >text.db &&
	test_expect_code 1 awm diff --db a.db text.db 2>err &&
	test_grep "text.db" err &&
	test_must_fail awm diff --db a.db missing.db 2>err &&
	test_grep "missing.db" err
'

test_expect_success 'usage errors' '
	test_expect_code 2 awm diff --db a.db 2>err &&
	test_expect_code 2 awm diff --db a.db b.db --sql --changeset x 2>err &&
	test_expect_code 2 awm diff --sql HEAD 2>err &&
	test_grep "go with --db" err &&
	for opt in --stat --rows=3 --schema-text --format=json; do
		test_expect_code 2 awm diff --db a.db b.db $opt 2>err &&
		test_grep "go with revisions, not --db" err || return 1
	done
'

test_done
