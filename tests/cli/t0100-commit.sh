#!/bin/sh
# awm commit: recording migrations, what each commit holds, messages.
. "$(dirname "$0")/test-lib.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-awm.sh"

test_expect_success 'setup' '
	new_repo . &&
	write_migration 1_create_users \
		"CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT);
INSERT INTO users(name) VALUES ('\''ada'\''), ('\''grace'\'');" \
		"DROP TABLE users;"
'

test_expect_success 'nothing to record in a fresh repository' '
	rm -f migrations/1_create_users.sql &&
	awm commit >out &&
	test_grep "nothing to commit" out &&
	test_must_fail awm rev-parse HEAD &&
	write_migration 1_create_users \
		"CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT);
INSERT INTO users(name) VALUES ('\''ada'\''), ('\''grace'\'');" \
		"DROP TABLE users;"
'

test_expect_success 'commit records a new migration on the branch' '
	awm commit >out &&
	test_grep "^\[main [0-9a-f]\{10\}\] create users$" out &&
	test_grep "migrations/1_create_users.sql (rows: 2 inserted, 0 updated, 0 deleted)" out &&
	awm rev-parse HEAD >head &&
	test "$(awm rev-parse main)" = "$(cat head)"
'

test_expect_success 'the commit holds up, down, schema, changeset and metadata' '
	id=$(awm rev-parse HEAD) &&
	awm cat-object -p "$id" >c &&
	test_grep "^up [0-9a-f]\{32\}$" c &&
	test_grep "^down [0-9a-f]\{32\}$" c &&
	test_grep "^changeset [0-9a-f]\{32\}$" c &&
	test_grep "^schema [0-9a-f]\{32\}$" c &&
	test_grep "^engine sqlite$" c &&
	test_grep "^migration migrations/1_create_users.sql$" c &&
	test_grep "^author A U Thor <author@example.com> 1700000000 +0000$" c &&
	! grep -q "^parent" c &&
	up=$(sed -n "s/^up //p" c) &&
	test "$(awm cat-object -t "$up")" = blob &&
	awm cat-object -p "$up" >up.sql &&
	printf "%s\n" "CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT);" \
		"INSERT INTO users(name) VALUES ('\''ada'\''), ('\''grace'\'');" >expect &&
	test_cmp expect up.sql &&
	schema=$(sed -n "s/^schema //p" c) &&
	awm cat-object -p "$schema" >s &&
	test_grep "CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT)" s
'

test_expect_success 'committing again records nothing' '
	before=$(awm rev-parse HEAD) &&
	awm commit >out &&
	test_grep "nothing to commit" out &&
	test "$(awm rev-parse HEAD)" = "$before"
'

test_expect_success 'several new files become one commit each, in name order' '
	write_migration 3_third "UPDATE users SET name = upper(name);" &&
	write_migration 2_second "ALTER TABLE users ADD COLUMN email TEXT;" &&
	awm commit >out &&
	test_line_count = 4 out &&
	awm log --oneline >log &&
	test_line_count = 3 log &&
	head -1 log | grep -q " third$" &&
	sed -n 2p log | grep -q " second$" &&
	test "$(awm rev-parse HEAD~2)" = "$(awm rev-parse HEAD~1~1)" &&
	awm cat-object -p HEAD | grep -q "^parent $(awm rev-parse HEAD~1)$"
'

test_expect_success 'each migration runs on its parent state (rows counted)' '
	awm show HEAD >show &&
	test_grep "users: 0 inserted, 2 updated, 0 deleted" show
'

test_expect_success '-m sets the message, -q prints nothing' '
	write_migration 4_fourth "INSERT INTO users(name) VALUES ('\''linus'\'');" &&
	awm commit -q -m "Add   linus  " >out &&
	test_must_fail test -s out &&
	test "$(awm log -n 1 --oneline | cut -d" " -f2-)" = "Add   linus"
'

test_expect_success 'a down section that fails is refused' '
	write_migration 5_bad_down "CREATE TABLE x(id INTEGER PRIMARY KEY);" "DROP TABLE nope;" &&
	store_state before &&
	test_expect_code 1 awm commit 2>err &&
	test_grep "the down section fails" err &&
	test_grep "migrations/5_bad_down.sql:4: no such table: nope" err &&
	store_state after &&
	test_cmp before after &&
	rm migrations/5_bad_down.sql
'

test_expect_success 'a down section that does not undo the schema earns a warning' '
	write_migration 5_half_down "CREATE TABLE y(id INTEGER PRIMARY KEY);" "SELECT 1;" &&
	awm commit 2>err >out &&
	test_grep "warning: migrations/5_half_down.sql: the down section does not restore" err
'

test_expect_success 'changing rows of a table without a primary key needs a down section' '
	write_migration 6_nopk "CREATE TABLE log(msg TEXT); INSERT INTO log VALUES ('\''x'\'');" &&
	test_expect_code 1 awm commit 2>err &&
	test_grep "table '\''log'\'', which has no primary key" err &&
	write_migration 6_nopk "CREATE TABLE log(msg TEXT); INSERT INTO log VALUES ('\''x'\'');" \
		"DROP TABLE log;" &&
	awm commit >out &&
	test_grep "nopk" out
'

test_expect_success 'transaction statements in a migration are refused' '
	write_migration 7_tx "BEGIN; CREATE TABLE z(a); COMMIT;" &&
	test_expect_code 1 awm commit 2>err &&
	test_grep "migrations/7_tx.sql:2: BEGIN, COMMIT" err &&
	rm migrations/7_tx.sql
'

test_expect_success 'the recorded state replays: a later migration sees earlier rows' '
	rm -rf .awm/cache &&
	write_migration 8_check "INSERT INTO users(name) SELECT name || '\''2'\'' FROM users;" &&
	awm commit >out &&
	test_grep "(rows: 3 inserted" out
'

test_expect_success 'commit takes no arguments' '
	test_expect_code 2 awm commit extra 2>err &&
	test_grep "unexpected argument" err
'

test_done
