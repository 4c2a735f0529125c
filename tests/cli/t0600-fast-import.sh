#!/bin/sh
# awm fast-import: bulk history, marks, merges, refs; bad streams refused.
. "$(dirname "$0")/test-lib.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-awm.sh"

test_expect_success 'setup' '
	new_repo .
'

test_expect_success 'import commits with scripts, marks, a branch and a merge' '
	{
		printf "commit refs/heads/main\nmark :1\n" &&
		printf "author A U Thor <author@example.com> 1700000000 +0000\n" &&
		printf "committer C O Mitter <committer@example.com> 1700000050 +0100\n" &&
		printf "migration migrations/1_users.sql\n" &&
		fi_data_line up "CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT);" &&
		fi_data_line down "DROP TABLE users;" &&
		fi_data message "create users" &&
		echo &&
		fi_commit refs/heads/main 2 1700000100 second &&
		fi_commit refs/heads/topic 3 1700000200 topic :1 &&
		fi_commit refs/heads/main 4 1700000300 merge :2 :3
	} >stream &&
	awm fast-import <stream >out &&
	test_grep "^imported 4 commits (.* new objects), updated 2 refs$" out &&
	awm log --oneline --no-decorate >log &&
	test_line_count = 4 log &&
	test "$(awm rev-parse main^2)" = "$(awm rev-parse topic)" &&
	test "$(awm rev-parse topic^)" = "$(awm rev-parse main~2)"
'

test_expect_success 'the imported commit holds what the stream said' '
	awm cat-object -p main~2 >c &&
	test_grep "^migration migrations/1_users.sql$" c &&
	test_grep "^author A U Thor <author@example.com> 1700000000 +0000$" c &&
	test_grep "^committer C O Mitter <committer@example.com> 1700000050 +0100$" c &&
	awm show main~2 >show &&
	test_grep "^    CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT);$" show &&
	test_grep "^    DROP TABLE users;$" show &&
	awm show --format=json main~2 | python3 -m json.tool >/dev/null
'

test_expect_success 'refs get reflog entries; the commit-graph is written' '
	test_grep "fast-import" .awm/logs/refs/heads/main &&
	test -f .awm/objects/info/commit-graph &&
	fsck_clean
'

test_expect_success 'a commit without from continues the ref' '
	fi_commit refs/heads/main 1 1700000400 more >stream2 &&
	old=$(awm rev-parse main) &&
	awm fast-import -q <stream2 >out &&
	test_must_fail test -s out &&
	test "$(awm rev-parse main^)" = "$old"
'

test_expect_success 'from may name an existing revision' '
	fi_commit refs/heads/other 1 1700000500 other "main~1" >stream3 &&
	awm fast-import -q <stream3 &&
	test "$(awm rev-parse other^)" = "$(awm rev-parse main~1)"
'

test_expect_success 'recorded state replays: commit works on top of imported scripts' '
	write_migration 9_more "INSERT INTO users(name) VALUES ('\''ada'\'');" &&
	mkdir -p migrations &&
	printf -- "-- awm:up\nCREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT);\n-- awm:down\nDROP TABLE users;\n" >migrations/1_users.sql &&
	awm commit >out &&
	test_grep "(rows: 1 inserted" out
'

test_expect_success 'a malformed stream is refused with its line, and nothing is written' '
	store_state before &&
	{
		fi_commit refs/heads/main 1 1700000600 fine &&
		printf "commit refs/heads/main\nauthor A <a@b> 1 +0000\nbogus line\n\n"
	} >bad &&
	test_expect_code 1 awm fast-import <bad 2>err &&
	test_grep "fast-import stream, line 9: unknown command in a commit" err &&
	store_state after &&
	test_cmp before after &&
	no_temp_files
'

test_expect_success 'more malformed streams' '
	printf "commit refs/heads/main\nauthor\n\n" >bad &&
	test_expect_code 1 awm fast-import <bad 2>err &&
	test_grep "line 2: bad author" err &&
	printf "commit refs/heads/main\nmessage 3\nab" >bad &&
	test_expect_code 1 awm fast-import <bad 2>err &&
	test_grep "data runs past the end" err &&
	printf "commit refs/heads/main\nmessage x\n" >bad &&
	test_expect_code 1 awm fast-import <bad 2>err &&
	test_grep "expected a byte count" err &&
	printf "commit HEAD\nauthor A <a@b> 1 +0000\n\n" >bad &&
	test_expect_code 1 awm fast-import <bad 2>err &&
	test_grep "needs a full ref name" err &&
	printf "commit refs/heads/../x\n\n" >bad &&
	test_expect_code 1 awm fast-import <bad 2>err &&
	printf "commit refs/heads/main\nfrom :7\n\n" >bad &&
	test_expect_code 1 awm fast-import <bad 2>err &&
	test_grep "unknown mark" err &&
	printf "commit refs/heads/main\n\n" >bad &&
	test_expect_code 1 awm fast-import <bad 2>err &&
	test_grep "commit without an author" err &&
	printf "reset refs/heads/main\n" >bad &&
	test_expect_code 1 awm fast-import <bad 2>err &&
	test_grep "line 1: expected '\''commit'\''" err &&
	store_state after &&
	test_cmp before after
'

test_expect_success 'an empty stream does nothing' '
	awm fast-import </dev/null >out &&
	test_grep "imported 0 commits" out &&
	test_expect_code 2 awm fast-import extra 2>err
'

test_done
