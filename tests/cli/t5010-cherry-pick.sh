#!/bin/sh
# awm cherry-pick: one commit replayed onto HEAD with the rebase's checks.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-env.sh"
. "$(dirname "$0")/lib-graph.sh"

test_expect_success 'setup: a fix on another branch' '
	two_sides &&
	on_side upstream 2_up "CREATE TABLE users (id INTEGER PRIMARY KEY);" &&
	on_side upstream 3_fix "UPDATE items SET price = 31 WHERE id = 3;
CREATE INDEX items_price ON items (price);" "DROP INDEX items_price;" &&
	on_side main 4_ours "UPDATE items SET name = '"'A'"' WHERE id = 1;"
'

test_expect_success 'cherry-pick replays the one commit on top of HEAD' '
	old=$(awm rev-parse main) &&
	awm cherry-pick upstream >out &&
	test_grep "Cherry-picked onto main: $(awm rev-parse --short main)" out &&
	test "$(awm rev-parse main~1)" = "$old" &&
	awm cat-object -p main >c &&
	test_grep "^migration migrations/3_fix.sql$" c && test_grep "^fix$" c &&
	awm show main >show && test_grep "CREATE INDEX items_price" show &&
	awm reflog >log && test_grep "cherry-pick (finish)" log
'

test_expect_success 'a commit already in HEAD'"'"'s history is refused' '
	test_expect_code 1 awm cherry-pick main~1 2>err &&
	test_grep "already in HEAD.s history" err
'

test_expect_success 'a commit whose migration HEAD has is dropped' '
	before=$(awm rev-parse main) &&
	awm cherry-pick upstream >out 2>err &&
	test_grep "already has migration .migrations/3_fix.sql." err &&
	test "$(awm rev-parse main)" = "$before"
'

test_expect_success 'a conflict stops it; --continue --strategy settles it' '
	awm branch other upstream~1 &&
	on_side other 5_price "UPDATE items SET price = 99 WHERE id = 3;" &&
	awm switch main >/dev/null &&
	test_expect_code 4 awm cherry-pick other >out 2>err &&
	test_grep "^CONFLICT (data, DATA): table .items., row id=3, column .price.: base 30, HEAD 31, picked 99" out &&
	test_grep "awm cherry-pick --continue" err &&
	test_expect_code 1 awm rebase --continue 2>err &&
	test_grep "a cherry-pick is stopped, not a rebase" err &&
	awm cherry-pick --continue --strategy theirs >out &&
	test_grep "kept HEAD.s 31" out && rm -f migrations/5_price.sql
'

test_expect_success 'cherry-pick --abort goes back' '
	awm branch other2 upstream~1 &&
	on_side other2 6_price "UPDATE items SET price = 98 WHERE id = 3;" &&
	awm switch main >/dev/null && before=$(awm rev-parse main) &&
	test_expect_code 4 awm cherry-pick other2 >/dev/null 2>&1 &&
	awm cherry-pick --abort >out && test_grep "Cherry-pick aborted" out &&
	test "$(awm rev-parse main)" = "$before" && test ! -e .awm/rebase
'

test_expect_success 'merges cannot be cherry-picked; usage errors' '
	test_expect_code 2 awm cherry-pick &&
	test_expect_code 2 awm cherry-pick a b &&
	test_expect_code 2 awm cherry-pick --abort main &&
	test_expect_code 1 awm cherry-pick nosuch
'

test_done
