#!/bin/sh
# awm status: branch, head commit, new/edited/missing/badly named files.
. "$(dirname "$0")/test-lib.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-awm.sh"

test_expect_success 'a fresh repository' '
	new_repo . &&
	awm status >out &&
	test_grep "^On branch main$" out &&
	test_grep "^No migrations recorded yet$" out &&
	test_grep "matches the history" out
'

test_expect_success 'new files are listed' '
	write_migration 1_users "CREATE TABLE users(id INTEGER PRIMARY KEY);" &&
	write_migration 2_posts "CREATE TABLE posts(id INTEGER PRIMARY KEY);" &&
	awm status >out &&
	test_grep "New migrations (record them with '\''awm commit'\''):" out &&
	test_grep "^	migrations/1_users.sql$" out &&
	test_grep "^	migrations/2_posts.sql$" out
'

test_expect_success 'after commit: the head commit and a clean folder' '
	awm commit >/dev/null &&
	awm status >out &&
	test_grep "^HEAD $(awm rev-parse --short HEAD) posts$" out &&
	test_grep "matches the history" out
'

test_expect_success 'edited, missing and badly named files, each in its section' '
	echo "-- change" >>migrations/1_users.sql &&
	echo "-- awm:up" >migrations/bad-name.sql &&
	rm migrations/2_posts.sql &&
	write_migration 3_new "SELECT 1;" &&
	awm status >out &&
	test_grep "^Edited after they were recorded" out &&
	test_grep "migrations/1_users.sql (recorded in $(awm rev-parse --short HEAD~1); its up section changed)" out &&
	test_grep "^Recorded, but the file is gone:$" out &&
	test_grep "migrations/2_posts.sql (recorded in $(awm rev-parse --short HEAD))" out &&
	test_grep "^Not named <version>_<phrase>.sql" out &&
	test_grep "migrations/bad-name.sql" out &&
	test_grep "migrations/3_new.sql" out &&
	! grep -q "matches the history" out
'

test_expect_success 'a detached HEAD' '
	awm switch --detach HEAD~1 >/dev/null &&
	awm status >out &&
	test_grep "^HEAD detached$" out
'

test_expect_success 'status takes no arguments' '
	test_expect_code 2 awm status extra 2>err &&
	test_grep "unexpected argument" err
'

test_done
