#!/bin/sh
# awm revert: a new commit that undoes one, by its down section or its
# inverted changeset, checked against what changed since.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-env.sh"
. "$(dirname "$0")/lib-graph.sh"
. "$(dirname "$0")/lib-awm.sh"

test_expect_success 'setup: migrations with and without down sections' '
	two_sides &&
	on_side main 2_users "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);
UPDATE items SET price = 11 WHERE id = 1;" "DROP TABLE users;
UPDATE items SET price = 10 WHERE id = 1;" &&
	on_side main 3_rows "UPDATE items SET name = '"'C'"' WHERE id = 3;
INSERT INTO items (name, price) VALUES ('"'d'"', 40);" &&
	on_side main 4_col "ALTER TABLE items ADD COLUMN note TEXT;" &&
	db_of main~2 before-users && db_of main~1 before-rows
'

test_expect_success 'a SQL migration with a down section: the down runs as the new up' '
	awm revert main~2 >out &&
	test_grep "Reverted $(awm rev-parse --short main~1~1~1) with its down section" out &&
	awm cat-object -p main >c &&
	test_grep "^parent $(awm rev-parse main~1)$" c && ! grep -q "^migration" c &&
	test_grep "^Revert \"users\"$" c &&
	test_grep "This reverts commit $(awm rev-parse main~3)" c &&
	awm show main >show && test_grep "DROP TABLE users;" show &&
	rm -f r.db && awm checkout --db r.db main >/dev/null &&
	test -z "$(sqlite3 r.db "SELECT name FROM sqlite_master WHERE name = '"'users'"'")" &&
	test "$(sqlite3 r.db "SELECT price FROM items WHERE id = 1")" = 10
'

test_expect_success 'a data-only migration without one: its inverted changeset' '
	awm revert -m "undo the rows" main~2 >out &&
	test_grep "with its inverted changeset" out &&
	awm cat-object -p main >c && test_grep "^kind data$" c && test_grep "^undo the rows$" c &&
	rm -f r.db && awm checkout --db r.db main >/dev/null &&
	test "$(sqlite3 r.db "SELECT id, name FROM items ORDER BY id" | tr "\n" " ")" = "1|a 2|b 3|c "
'

test_expect_success 'the reverts apply to a fresh database' '
	awm apply >/dev/null &&
	test "$(sqlite3 db/dev.db "SELECT count(*) FROM items")" = 3
'

test_expect_success 'a schema change without a down section cannot be reverted' '
	test_expect_code 1 awm revert main~2 2>err &&
	test_grep "has no down section and changes the schema" err
'

test_expect_success 'undoing rows that changed since is a conflict; nothing is written' '
	awm branch later main~2 &&
	on_side later 5_later "UPDATE items SET name = '"'CC'"' WHERE id = 3;" &&
	store_state before &&
	test_expect_code 4 awm revert later~2 >out 2>err &&
	test_grep "^CONFLICT (data, DATA): table .items., row id=3, column .name.: base .C., HEAD .CC., revert .c." out &&
	test_grep "cannot revert .*: undoing it conflicts with what HEAD changed since" err &&
	store_state after && test_cmp before after
'

test_expect_success 'a data commit with schema changes: rows back, then its down SQL' '
	awm switch main >/dev/null && rm -f e.db &&
	awm checkout -q --db e.db &&
	sqlite3 e.db "CREATE TABLE tags (id INTEGER PRIMARY KEY, t TEXT);
		INSERT INTO tags VALUES (1, '"'x'"');
		UPDATE items SET price = 99 WHERE id = 2;" &&
	awm commit -q --from-db e.db -m "tags" &&
	awm revert main >out && test_grep "its inverted changeset, then its down section" out &&
	awm show main >show && test_grep "DROP TABLE" show &&
	rm -f r.db && awm checkout --db r.db main >/dev/null &&
	test -z "$(sqlite3 r.db "SELECT name FROM sqlite_master WHERE name = '"'tags'"'")" &&
	test "$(sqlite3 r.db "SELECT price FROM items WHERE id = 2")" = 20
'

test_expect_success 'refused: a commit not in HEAD'"'"'s history; usage errors' '
	test_expect_code 1 awm revert later 2>err && test_grep "not in HEAD.s history" err &&
	test_expect_code 2 awm revert &&
	test_expect_code 2 awm revert a b &&
	test_expect_code 1 awm revert nosuch
'

test_done
