#!/bin/sh
# awm reflog: where HEAD and branches have been.
. "$(dirname "$0")/test-lib.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-awm.sh"

test_expect_success 'no reflog before the first update' '
	new_repo . &&
	test_expect_code 1 awm reflog 2>err &&
	test_grep "has no reflog" err
'

test_expect_success 'commits, branch creation and switches are logged' '
	write_migration 1_a "CREATE TABLE a(id INTEGER PRIMARY KEY);" &&
	awm commit >/dev/null &&
	write_migration 2_b "CREATE TABLE b(id INTEGER PRIMARY KEY);" &&
	write_migration 3_c "CREATE TABLE c(id INTEGER PRIMARY KEY);" &&
	awm commit >/dev/null &&
	awm switch -c topic HEAD~1 >/dev/null &&
	awm reflog >out &&
	cat >expect <<-EOF &&
	$(awm rev-parse --short topic) HEAD@{0}: switch: moving to topic
	$(awm rev-parse --short main) HEAD@{1}: commit: 2 migrations
	$(awm rev-parse --short main~2) HEAD@{2}: commit: a
	EOF
	test_cmp expect out
'

test_expect_success 'a branch has its own log' '
	awm reflog main >out &&
	test_line_count = 2 out &&
	test_grep "^$(awm rev-parse --short main) main@{0}: commit: 2 migrations$" out &&
	awm reflog refs/heads/topic >out &&
	test_grep "refs/heads/topic@{0}: branch: created from HEAD~1" out
'

test_expect_success 'the log file has old and new ids, identity and time' '
	first=$(head -1 .awm/logs/refs/heads/main) &&
	echo "$first" | grep -q "^00000000000000000000000000000000 $(awm rev-parse main~2) A U Thor <author@example.com> 1700000000 +0000	commit: a$"
'

test_expect_success 'a refused commit adds no entry' '
	cp .awm/logs/HEAD before &&
	write_migration 4_bad "DROP TABLE nope;" &&
	test_must_fail awm commit 2>/dev/null &&
	test_cmp before .awm/logs/HEAD &&
	rm migrations/4_bad.sql
'

test_expect_success 'errors' '
	test_expect_code 1 awm reflog refs/heads/nonesuch 2>err &&
	test_grep "has no reflog" err &&
	test_expect_code 2 awm reflog a b 2>err
'

test_done
