#!/bin/sh
# awm commit refuses edited migrations and bad file names; CRLF-only
# changes are not edits.
. "$(dirname "$0")/test-lib.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-awm.sh"

test_expect_success 'setup' '
	new_repo . &&
	write_migration 1_users "CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT);" \
		"DROP TABLE users;" &&
	awm commit >/dev/null &&
	cp migrations/1_users.sql orig.sql &&
	recorded=$(awm rev-parse --short HEAD) &&
	echo "$recorded" >recorded
'

test_expect_success 'an edited up section is refused, naming the file and what to do' '
	sed "s/name TEXT/name TEXT, age INT/" orig.sql >migrations/1_users.sql &&
	write_migration 2_more "INSERT INTO users(name) VALUES ('\''x'\'');" &&
	store_state before &&
	test_expect_code 1 awm commit 2>err &&
	test_grep "migration '\''migrations/1_users.sql'\'' was edited after it was recorded in $(cat recorded)" err &&
	test_grep "its up section changed" err &&
	test_grep "revert the file (awm show $(cat recorded)) or add a new migration" err &&
	store_state after &&
	test_cmp before after
'

test_expect_success 'status shows the edit' '
	awm status >st &&
	test_grep "Edited after they were recorded" st &&
	test_grep "migrations/1_users.sql (recorded in $(cat recorded); its up section changed)" st
'

test_expect_success 'an edited down section is refused too' '
	sed "s/DROP TABLE users;/DROP TABLE IF EXISTS users;/" orig.sql >migrations/1_users.sql &&
	test_expect_code 1 awm commit 2>err &&
	test_grep "its down section changed" err
'

test_expect_success 'removing the down section is an edit' '
	sed "/awm:down/,\$d" orig.sql >migrations/1_users.sql &&
	test_expect_code 1 awm commit 2>err &&
	test_grep "its down section changed" err
'

test_expect_success 'a file that no longer parses is reported as such' '
	echo "CREATE TABLE users(id);" >migrations/1_users.sql &&
	test_expect_code 1 awm commit 2>err &&
	test_grep "it no longer parses" err
'

test_expect_success 'CRLF line endings alone are not an edit' '
	sed "s/\$/\r/" orig.sql >migrations/1_users.sql &&
	grep -q "$(printf "\r")" migrations/1_users.sql &&
	awm status >st &&
	! grep -q "Edited" st &&
	awm commit >out &&
	test_grep "2_more" out
'

test_expect_success 'a CRLF file records the same blobs as its LF twin' '
	printf -- "-- awm:up\r\nINSERT INTO users(name) VALUES (1);\r\n" >migrations/3_crlf.sql &&
	awm commit >/dev/null &&
	up=$(awm cat-object -p HEAD | sed -n "s/^up //p") &&
	test "$up" = "$(printf "INSERT INTO users(name) VALUES (1);\n" | awm hash-object --stdin)"
'

test_expect_success 'reverting the edit makes commit work again' '
	cp orig.sql migrations/1_users.sql &&
	awm status >st &&
	test_grep "matches the history" st
'

test_expect_success 'a badly named file is refused, with how to fix it' '
	echo "-- awm:up" >migrations/add-stuff.sql &&
	echo "SELECT 1;" >>migrations/add-stuff.sql &&
	store_state before &&
	test_expect_code 1 awm commit 2>err &&
	test_grep "migration file name '\''add-stuff.sql'\'' is not <version>_<phrase>.sql" err &&
	test_grep "rename it, or create files with '\''awm new'\''" err &&
	store_state after &&
	test_cmp before after &&
	awm status >st &&
	test_grep "Not named <version>_<phrase>.sql" st &&
	rm migrations/add-stuff.sql
'

test_expect_success 'every problem is listed at once' '
	sed "s/name TEXT/name BLOB/" orig.sql >migrations/1_users.sql &&
	echo "-- awm:up" >migrations/x.sql &&
	test_expect_code 1 awm commit 2>err &&
	test_grep "1_users.sql" err &&
	test_grep "x.sql" err &&
	cp orig.sql migrations/1_users.sql &&
	rm migrations/x.sql
'

test_expect_success 'a deleted migration is shown by status, and does not block commit' '
	mv migrations/1_users.sql gone.sql &&
	awm status >st &&
	test_grep "Recorded, but the file is gone" st &&
	test_grep "migrations/1_users.sql (recorded in $(cat recorded))" st &&
	write_migration 4_after "SELECT 1;" &&
	awm commit >out &&
	test_grep "4_after" out &&
	mv gone.sql migrations/1_users.sql
'

test_done
