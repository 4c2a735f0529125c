#!/bin/sh
# awm cat-object: type, size, existence, content.
. "$(dirname "$0")/test-lib.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-awm.sh"

test_expect_success 'setup' '
	new_repo . &&
	write_migration 1_users "CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT);
INSERT INTO users(name) VALUES ('\''ada'\'');" "DROP TABLE users;" &&
	awm commit >/dev/null &&
	awm cat-object -p HEAD >commit &&
	up=$(sed -n "s/^up //p" commit) && echo "$up" >up &&
	sed -n "s/^changeset //p" commit >cs &&
	sed -n "s/^schema //p" commit >schema
'

test_expect_success '-t names the type of each kind of object' '
	test "$(awm cat-object -t HEAD)" = commit &&
	test "$(awm cat-object -t "$(cat up)")" = blob &&
	test "$(awm cat-object -t "$(cat cs)")" = changeset &&
	test "$(awm cat-object -t "$(cat schema)")" = schema
'

test_expect_success '-s is the payload size, -p the payload' '
	awm cat-object -p "$(cat up)" >up.sql &&
	test "$(awm cat-object -s "$(cat up)")" = "$(file_size up.sql)" &&
	test "$(awm cat-object -s HEAD)" = "$(file_size commit)" &&
	printf "CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT);\nINSERT INTO users(name) VALUES ('\''ada'\'');\n" >expect &&
	test_cmp expect up.sql
'

test_expect_success 'the id of the content is the id asked for' '
	test "$(awm hash-object up.sql)" = "$(cat up)" &&
	test "$(awm hash-object -t commit commit)" = "$(awm rev-parse HEAD)" &&
	awm cat-object -p "$(cat schema)" >schema.txt &&
	test "$(awm hash-object -t schema schema.txt)" = "$(cat schema)"
'

test_expect_success '-p of a changeset summarises its rows' '
	awm cat-object -p "$(cat cs)" >out &&
	test_grep "users: 1 inserted, 0 updated, 0 deleted" out
'

test_expect_success '-e: 0 for an intact object, 1 otherwise, silently' '
	awm cat-object -e HEAD >out 2>&1 &&
	test_must_fail test -s out &&
	test_expect_code 1 awm cat-object -e 00000000000000000000000000000000 >out 2>&1 &&
	test_must_fail test -s out
'

test_expect_success 'prefixes and revisions work' '
	test "$(awm cat-object -t "$(cut -c1-8 up)")" = blob &&
	test "$(awm cat-object -t main)" = commit
'

test_expect_success 'a damaged object is reported by -p and -e' '
	f=$(loose_path "$(cat up)") &&
	flip_byte "$f" 20 &&
	test_expect_code 1 awm cat-object -e "$(cat up)" &&
	test_expect_code 1 awm cat-object -p "$(cat up)" 2>err &&
	test_grep "$(cat up)" err &&
	test_grep "$f" err
'

test_expect_success 'usage' '
	test_expect_code 2 awm cat-object HEAD 2>err &&
	test_grep "give one of -t, -s, -e or -p" err &&
	test_expect_code 2 awm cat-object -t -p HEAD 2>err &&
	test_expect_code 2 awm cat-object -t 2>err &&
	test_expect_code 2 awm cat-object -x HEAD 2>err &&
	test_expect_code 1 awm cat-object -t nonesuch 2>err
'

test_done
