#!/bin/sh
# awm commit with an up script that fails: refused with SQLite's message,
# the file and the failing statement's line; nothing is recorded.
. "$(dirname "$0")/test-lib.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-awm.sh"

test_expect_success 'setup: one recorded migration' '
	new_repo . &&
	write_migration 1_users "CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT UNIQUE);
INSERT INTO users(name) VALUES ('\''ada'\'');" &&
	awm commit >/dev/null &&
	awm log >log.before &&
	awm reflog >reflog.before
'

test_expect_success 'a failing statement is reported at its file line' '
	cat >migrations/2_broken.sql <<-\SQL &&
	-- A header comment.
	-- awm:up
	INSERT INTO users(name) VALUES ('\''grace'\'');

	-- The next statement fails; its line is 6.
	UPDATE users
	   SET nickname = name;
	-- awm:down
	DELETE FROM users WHERE name = '\''grace'\'';
	SQL
	store_state state.before &&
	test_expect_code 1 awm commit >out 2>err &&
	test_grep "^error: nothing was recorded: migrations/2_broken.sql:6: no such column: nickname$" err &&
	test_must_fail test -s out
'

test_expect_success 'nothing was recorded: refs, objects and logs are unchanged' '
	store_state state.after &&
	test_cmp state.before state.after &&
	awm log >log.after &&
	test_cmp log.before log.after &&
	awm reflog >reflog.after &&
	test_cmp reflog.before reflog.after &&
	no_temp_files &&
	fsck_clean
'

test_expect_success 'status still lists the file as new' '
	awm status >st &&
	test_grep "migrations/2_broken.sql" st &&
	test_grep "New migrations" st
'

test_expect_success 'a constraint failure is reported the same way' '
	cat >migrations/2_broken.sql <<-\SQL &&
	-- awm:up
	INSERT INTO users(name) VALUES ('\''ada'\'');
	SQL
	test_expect_code 1 awm commit 2>err &&
	test_grep "migrations/2_broken.sql:2: UNIQUE constraint failed: users.name" err &&
	store_state state.after &&
	test_cmp state.before state.after
'

test_expect_success 'a syntax error too' '
	printf -- "-- awm:up\nSELECT 1;\nCREAT TABLE x(a);\n" >migrations/2_broken.sql &&
	test_expect_code 1 awm commit 2>err &&
	test_grep "migrations/2_broken.sql:3: near \"CREAT\": syntax error" err
'

test_expect_success 'all or nothing: a good file before a failing one is not recorded' '
	write_migration 2_good "INSERT INTO users(name) VALUES ('\''grace'\'');" &&
	printf -- "-- awm:up\nDROP TABLE nope;\n" >migrations/3_broken.sql &&
	rm migrations/2_broken.sql &&
	test_expect_code 1 awm commit 2>err &&
	test_grep "migrations/3_broken.sql:2: no such table: nope" err &&
	awm log >log.after &&
	test_cmp log.before log.after &&
	store_state state.mid &&
	rm migrations/3_broken.sql &&
	awm commit >out &&
	test_grep "2_good" out
'

test_expect_success 'a fixed file records fine afterwards' '
	printf -- "-- awm:up\nUPDATE users SET name = upper(name);\n" >migrations/3_fixed.sql &&
	awm commit >out &&
	test_grep "(rows: 0 inserted, 2 updated, 0 deleted)" out &&
	fsck_clean
'

test_done
