#!/bin/sh
# checkout --db and diff --db draw progress on a terminal, and only there.
. "$(dirname "$0")/test-lib.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-remote.sh"

test_expect_success 'setup: three commits, no cached states' '
	new_repo . &&
	commit_sql 1_t "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);" &&
	commit_sql 2_rows "INSERT INTO t VALUES (1, '\''a'\''), (2, '\''b'\'');" &&
	commit_sql 3_u "CREATE TABLE u(id INTEGER PRIMARY KEY); UPDATE t SET v = '\''c'\'';" &&
	rm -rf .awm/cache/db
'

test_expect_success 'checkout --db on a terminal shows the replay' '
	on_tty awm checkout --db tty.db >out &&
	test_grep "Replaying commits: 100% (3/3), done\." out &&
	test_grep "Checked out .tty.db." out
'

test_expect_success 'checkout --db not on a terminal draws no progress' '
	rm -rf .awm/cache/db &&
	awm checkout --db plain.db >out 2>err &&
	test_grep "Checked out .plain.db." out &&
	! grep "Replaying" err && ! grep "Replaying" out
'

test_expect_success 'diff --db on a terminal shows the tables compared' '
	awm checkout -q --db old.db HEAD~1 &&
	on_tty awm diff --db old.db tty.db >out &&
	test_grep "Comparing tables: 100% (2/2), done\." out &&
	test_grep "t: 0 inserted, 2 updated, 0 deleted" out &&
	on_tty awm diff --db --changeset cs.bin old.db tty.db >out &&
	test_grep "Comparing tables: 100% (2/2), done\." out &&
	test -s cs.bin
'

test_expect_success 'diff --db not on a terminal draws no progress' '
	awm diff --db old.db tty.db >out 2>err &&
	test_grep "t: 0 inserted, 2 updated, 0 deleted" out &&
	! grep "Comparing" err && ! grep "Comparing" out
'

test_done
