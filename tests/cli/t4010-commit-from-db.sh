#!/bin/sh
# awm commit --from-db: a database edited by hand, recorded as one commit.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup: a branch with users, and a checkout of it' '
	new_repo . &&
	write_migration 1_users "CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT NOT NULL);
INSERT INTO users VALUES(1, '\''ada'\''), (2, '\''bob'\''), (3, '\''cy'\'');" &&
	awm commit -q &&
	awm checkout -q --db dev.db &&
	awm rev-parse HEAD >base
'

test_expect_success 'an untouched checkout has nothing to commit' '
	awm commit --from-db dev.db >out &&
	test_grep "nothing to commit" out &&
	awm rev-parse HEAD >now && test_cmp base now
'

test_expect_success 'edits made with sqlite3 become one data commit' '
	sqlite3 dev.db "UPDATE users SET name = '\''Ada'\'' WHERE id = 1;
		DELETE FROM users WHERE id = 2;
		INSERT INTO users VALUES(4, '\''dee'\'');
		ALTER TABLE users ADD COLUMN email TEXT;
		UPDATE users SET email = '\''cy@example.com'\'' WHERE id = 3;
		CREATE TABLE notes(id INTEGER PRIMARY KEY, body BLOB);
		INSERT INTO notes VALUES(1, X'\''00ff'\'');" &&
	awm commit --from-db dev.db -m "hand edits" >out &&
	test_grep "\[main [0-9a-f]*\] hand edits" out &&
	test_grep "2 inserted, 2 updated, 1 deleted" out &&
	awm cat-object -p HEAD >commit &&
	test_grep "^kind data" commit &&
	test_grep "^parent $(cat base)" commit &&
	! grep "^migration" commit
'

test_expect_success 'show names the kind, the generated SQL and the rows' '
	awm show HEAD >out &&
	test_grep "Kind: data" out &&
	test_grep "Up (generated):" out &&
	test_grep "CREATE TABLE notes" out &&
	sed -n "/^Up (generated):/,/^Down/p" out >up &&
	test_grep "ALTER TABLE users ADD COLUMN email TEXT;" up &&
	! grep "awm_old_users" up &&
	sed -n "/^Down (generated):/,/^Schema/p" out >down &&
	test_grep "ALTER TABLE users DROP COLUMN email;" down && ! grep "awm_old_users" down &&
	test_grep "Down (generated):" out &&
	test_grep "DROP TABLE \"notes\"" out &&
	test_grep "~ | 1  | .ada. -> .Ada." out &&
	test_grep "\- | 2  | .bob. " out &&
	awm show --format=json HEAD >json &&
	test_grep "\"kind\": \"data\"" json
'

test_expect_success 'the commit replays to the edited database' '
	rm -rf .awm/cache &&
	awm checkout -q --db replay.db &&
	sqldiff --primarykey dev.db replay.db >diff &&
	test_line_count = 0 diff &&
	sqlite3 replay.db "SELECT sql FROM sqlite_schema ORDER BY name" >a &&
	sqlite3 dev.db "SELECT sql FROM sqlite_schema ORDER BY name" >b &&
	test_cmp a b
'

test_expect_success 'the file now rests on the new commit' '
	awm commit --from-db dev.db >out &&
	test_grep "nothing to commit" out &&
	sqlite3 dev.db "DELETE FROM notes" &&
	awm commit -q --from-db dev.db &&
	awm cat-object -p HEAD >commit &&
	test_grep "^parent $(awm rev-parse HEAD~1)" commit
'

test_expect_success 'a file that was not checked out is refused' '
	sqlite3 stray.db "CREATE TABLE t(id INTEGER PRIMARY KEY)" &&
	test_expect_code 1 awm commit --from-db stray.db 2>err &&
	test_grep "was not checked out by awm; run .awm checkout --db stray.db." err
'

test_expect_success 'a branch that moved since the checkout needs a new base' '
	awm checkout -q --db late.db &&
	write_migration 2_more "INSERT INTO users(id, name) VALUES(9, '\''zed'\'');" &&
	awm commit -q &&
	sqlite3 late.db "INSERT INTO users(id, name) VALUES(10, '\''x'\'')" &&
	head=$(awm rev-parse HEAD) &&
	test_expect_code 4 awm commit --from-db late.db 2>err &&
	test_grep "but the branch is at" err &&
	test_grep "awm switch -c" err &&
	test "$(awm rev-parse HEAD)" = "$head"
'

test_expect_success 'a table without a primary key is refused, by name' '
	awm checkout -q --force --db dev.db &&
	head=$(awm rev-parse HEAD) &&
	objects=$(find .awm/objects -type f | wc -l) &&
	sqlite3 dev.db "CREATE TABLE log(msg TEXT); INSERT INTO log VALUES('\''hi'\'')" &&
	test_expect_code 1 awm commit --from-db dev.db 2>err &&
	test_grep "table .log. has no primary key" err &&
	test_grep "nothing was recorded" err &&
	test "$(awm rev-parse HEAD)" = "$head" &&
	test "$(find .awm/objects -type f | wc -l)" = "$objects"
'

test_expect_success 'a dropped column comes back in the down SQL' '
	awm checkout -q --force --db dev.db &&
	sqlite3 dev.db "ALTER TABLE users DROP COLUMN email" &&
	awm commit -q --from-db dev.db -m "drop email" &&
	awm show HEAD >out &&
	test_grep "cy@example.com" out
'

test_done
