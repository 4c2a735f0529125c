#!/bin/sh
# awm commit --changeset: recording a changeset made by another tool.
. "$(dirname "$0")/test-lib.sh"

# state: HEAD and the list of object files, to show nothing was written.
state() {
	awm rev-parse HEAD
	find .awm/objects -type f | sort
}

test_expect_success 'setup: a branch and a sqldiff changeset against it' '
	new_repo . &&
	write_migration 1_items "CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT, qty INTEGER);
CREATE TABLE tags(item INTEGER, tag TEXT, PRIMARY KEY(item, tag)) WITHOUT ROWID;
INSERT INTO items VALUES(1, '\''bolt'\'', 10), (2, '\''nut'\'', 20);
INSERT INTO tags VALUES(1, '\''metal'\''), (2, '\''metal'\'');" &&
	awm commit -q &&
	awm checkout -q --db a.db &&
	cp a.db b.db &&
	sqlite3 b.db "UPDATE items SET qty = 11 WHERE id = 1;
		INSERT INTO items VALUES(3, '\''screw'\'', 30);
		DELETE FROM tags WHERE item = 2;
		INSERT INTO tags VALUES(3, '\''small'\'');" &&
	sqldiff --changeset change.bin a.db b.db &&
	test -s change.bin
'

test_expect_success 'a valid changeset becomes a data commit' '
	awm commit --changeset change.bin -m "restock" >out &&
	test_grep "\[main [0-9a-f]*\] restock" out &&
	test_grep "2 inserted, 1 updated, 1 deleted" out &&
	awm cat-object -p HEAD >commit &&
	test_grep "^kind data" commit &&
	! grep "^up " commit &&
	sed -n "s/^changeset //p" commit >stored &&
	awm hash-object -t changeset change.bin >given &&
	test_cmp given stored
'

test_expect_success 'the commit checks out as b.db' '
	rm -rf .awm/cache &&
	awm checkout -q --db c.db &&
	sqldiff --primarykey b.db c.db >diff &&
	test_line_count = 0 diff
'

test_expect_success 'a damaged changeset is refused before anything is written' '
	state >before &&
	head -c 20 change.bin >truncated.bin &&
	test_expect_code 1 awm commit --changeset truncated.bin 2>err &&
	test_grep "truncated.bin. is not a valid changeset" err &&
	test_grep "nothing was recorded" err &&
	printf "TGARBAGE\000\022\000\001" >garbage.bin &&
	test_must_fail awm commit --changeset garbage.bin 2>err &&
	test_grep "not a valid changeset" err &&
	: >empty.bin &&
	test_must_fail awm commit --changeset empty.bin 2>err &&
	test_grep "holds no changes" err &&
	state >after &&
	test_cmp before after
'

test_expect_success 'a changeset that does not apply at HEAD is refused' '
	state >before &&
	# The same changeset again: the rows it inserts are there already.
	test_expect_code 4 awm commit --changeset change.bin 2>err &&
	test_grep "conflicts with the data: table .items., row id=1" err &&
	test_grep "table .items." err &&
	state >after &&
	test_cmp before after
'

test_expect_success 'a changeset for a table that is not there is refused' '
	sqlite3 x.db "CREATE TABLE ghosts(id INTEGER PRIMARY KEY)" &&
	cp x.db y.db && sqlite3 y.db "INSERT INTO ghosts VALUES(1)" &&
	sqldiff --changeset ghost.bin x.db y.db &&
	state >before &&
	test_expect_code 1 awm commit --changeset ghost.bin 2>err &&
	test_grep "changes table .ghosts., which does not exist here" err &&
	state >after &&
	test_cmp before after
'

test_expect_success 'a missing file, and both options at once' '
	test_must_fail awm commit --changeset nope.bin 2>err &&
	test_grep "nope.bin" err &&
	test_expect_code 2 awm commit --changeset change.bin --from-db a.db 2>err
'

test_done
