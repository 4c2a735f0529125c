#!/bin/sh
# --abort restores everything exactly: refs, reflogs, HEAD and its commit,
# the scratch cache and every migration file the rebase touched (one a
# strategy added SQL to, one the user edited at the stop), byte for byte.
# The same after a stop in 'awm pull --rebase'; --skip drops one commit.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-env.sh"
. "$(dirname "$0")/lib-graph.sh"
. "$(dirname "$0")/lib-remote.sh"

test_expect_success 'setup: a data conflict, then a schema conflict' '
	two_sides &&
	on_side upstream 2_up "UPDATE items SET price = 70 WHERE id = 1;
CREATE TABLE users (id INTEGER PRIMARY KEY);" &&
	on_side main 3_price "UPDATE items SET price = 50 WHERE id = 1;" &&
	on_side main 4_users "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);" &&
	cp keep/3_price.sql keep/4_users.sql migrations/ &&
	awm checkout --db scratch.db main >/dev/null &&
	snapshot_state before && awm rev-parse HEAD >head.before
'

test_expect_success 'the rebase settles the first, rewrites its file, stops at the second' '
	test_expect_code 4 awm rebase --strategy theirs upstream >out 2>err &&
	test_grep "^resolved (data): .*kept upstream.s 70" out &&
	test_grep "^CONFLICT (schema): table .users.: ours creates" out &&
	test_grep "strategy theirs" migrations/3_price.sql &&
	test "$(awm rev-parse HEAD)" = "$(cat head.before)"
'

test_expect_success 'the user edits the stopped migration, then aborts' '
	write_migration 4_users "CREATE TABLE people (id INTEGER PRIMARY KEY);" &&
	awm rebase --abort >out &&
	test_grep "Rebase aborted; main is back at $(awm rev-parse --short main)" out
'

test_expect_success 'refs, reflogs, HEAD, cache and migration files are as they were' '
	snapshot_state after && test_cmp before after &&
	test "$(awm rev-parse HEAD)" = "$(cat head.before)" &&
	cmp keep/3_price.sql migrations/3_price.sql &&
	cmp keep/4_users.sql migrations/4_users.sql &&
	test ! -e .awm/rebase && test ! -e .awm/rebase.lock
'

test_expect_success 'abort and skip with nothing stopped are errors' '
	test_expect_code 1 awm rebase --abort 2>err && test_grep "no rebase is in progress" err &&
	test_expect_code 1 awm rebase --skip 2>err && test_grep "no rebase is in progress" err
'

test_expect_success '--skip drops the stopped commit and puts its file back' '
	test_expect_code 4 awm rebase --strategy theirs upstream >/dev/null 2>&1 &&
	write_migration 4_users "CREATE TABLE people (id INTEGER PRIMARY KEY);" &&
	awm rebase --skip >out 2>err &&
	test_grep "1 commit replayed, 1 dropped" out &&
	cmp keep/4_users.sql migrations/4_users.sql &&
	test_grep "migrations/4_users.sql. is no longer recorded on this branch" err &&
	awm log --oneline upstream..main >log && test_line_count = 1 log
'

test_expect_success 'pull --rebase: a stop, then --abort restores everything' '
	REMOTE="$TRASH/remote" &&
	clone_of a "$REMOTE" && (cd a &&
		commit_sql 1_t "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);
INSERT INTO t VALUES (1, '"'x'"');" && awm push -q) &&
	clone_of b "$REMOTE" && (cd b && awm pull -q) &&
	(cd a && commit_sql 2_a "UPDATE t SET v = '"'a'"' WHERE id = 1;" && awm push -q) &&
	cd b && commit_sql 2_b "UPDATE t SET v = '"'b'"' WHERE id = 1;" &&
	awm fetch -q && snapshot_state before && head=$(awm rev-parse HEAD) &&
	test_expect_code 4 awm pull --rebase >out 2>err &&
	test_grep "^CONFLICT (data, DATA): table .t., row id=1, column .v.: base .x., upstream .a., ours .b." out &&
	test_grep "awm rebase --continue" err &&
	test_expect_code 4 awm push 2>/dev/null &&
	awm rebase --abort >/dev/null &&
	snapshot_state after && test_cmp before after &&
	test "$(awm rev-parse HEAD)" = "$head"
'

test_expect_success 'pull --rebase: a stop, then --continue with a strategy, then push' '
	cd b && test_expect_code 4 awm pull --rebase >/dev/null 2>&1 &&
	awm rebase --continue --strategy theirs >out &&
	test_grep "kept upstream.s .a." out &&
	test "$(awm rev-parse main~1)" = "$(awm rev-parse origin/main)" &&
	awm push -q
'

test_done
