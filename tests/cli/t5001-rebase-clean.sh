#!/bin/sh
# A clean rebase: non-overlapping migrations on both sides.  The rebased
# history applies to a fresh database and gives what applying upstream and
# then our migrations gives; the new commits keep author, message and
# scripts; the old ones stay in the reflog.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-env.sh"
. "$(dirname "$0")/lib-graph.sh"

test_expect_success 'setup: upstream and ours change other tables and rows' '
	two_sides &&
	on_side upstream 2_users "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);
UPDATE items SET price = 11 WHERE id = 1;" "DROP TABLE users;
UPDATE items SET price = 10 WHERE id = 1;" &&
	on_side upstream 3_more "INSERT INTO items (name, price) VALUES ('"'up'"', 1);" &&
	on_side main 4_orders "CREATE TABLE orders (id INTEGER PRIMARY KEY, item INTEGER);
UPDATE items SET name = '"'bb'"' WHERE id = 2;" "DROP TABLE orders;
UPDATE items SET name = '"'b'"' WHERE id = 2;" &&
	on_side main 5_ours "INSERT INTO items (name, price) VALUES ('"'ours'"', 2);
CREATE INDEX items_name ON items (name);" &&
	old=$(awm rev-parse main) && echo "$old" >old
'

test_expect_success 'rebase replays our two commits onto upstream' '
	awm rebase upstream >out &&
	test_grep "Successfully rebased main onto $(awm rev-parse --short upstream): 2 commits replayed" out &&
	test "$(awm rev-parse main~2)" = "$(awm rev-parse upstream)" &&
	awm log --oneline >log && test_line_count = 5 log &&
	test ! -e .awm/rebase
'

test_expect_success 'the new commits keep author, message, scripts and file' '
	old=$(cat old) &&
	awm cat-object -p main >new && awm cat-object -p "$old" >was &&
	for field in author migration up down; do
		{ grep "^$field " new >a || :; } && { grep "^$field " was >b || :; } &&
		test_cmp b a || return 1
	done &&
	awm cat-object -p main~1 >new1 && test_grep "^down " new1 &&
	test_grep "^parent $(awm rev-parse main~1)" new &&
	tail -n 1 new >a && tail -n 1 was >b && test_cmp b a &&
	test "$(awm rev-parse main)" != "$old"
'

test_expect_success 'their schema and changeset are what the new base gives' '
	awm show main~1 >show && test_grep "~ | 2  | .b. -> .bb." show &&
	# Our insert got the next key after upstream'"'"'s row.
	awm show main >show && test_grep "+ | 5  | .ours." show &&
	test_grep "CREATE INDEX items_name" show
'

test_expect_success 'the old commits stay reachable from the reflog' '
	awm reflog >log &&
	test_grep "rebase (finish): onto $(awm rev-parse --short upstream)" log &&
	test_grep "^$(cut -c1-10 old) " log &&
	awm cat-object -t "$(cat old)" >type && echo commit >expect && test_cmp expect type
'

test_expect_success 'the rebased history applies to a fresh database: upstream, then ours' '
	awm apply >out &&
	build_direct expect.db keep/1_base.sql keep/2_users.sql keep/3_more.sql \
		keep/4_orders.sql keep/5_ours.sql &&
	db_dump expect.db >expect && db_dump db/dev.db >actual && test_cmp expect actual &&
	db_of main scratch && test_cmp expect scratch
'

test_expect_success 'a second rebase onto the same upstream has nothing to do' '
	before=$(awm rev-parse main) &&
	awm rebase upstream >out && test_grep "Current branch main is up to date" out &&
	test "$(awm rev-parse main)" = "$before"
'

test_expect_success 'a branch behind upstream is fast-forwarded' '
	awm switch -c behind main~3 >/dev/null &&
	awm rebase upstream >out && test_grep "Fast-forwarded behind" out &&
	test "$(awm rev-parse behind)" = "$(awm rev-parse upstream)"
'

test_expect_success '--onto replays upstream..HEAD onto another base' '
	awm switch -c topic main >/dev/null &&
	on_side topic 6_topic "CREATE TABLE topic (id INTEGER PRIMARY KEY);" &&
	awm rebase --onto upstream main >out &&
	test_grep "1 commit replayed" out &&
	test "$(awm rev-parse topic~1)" = "$(awm rev-parse upstream)" &&
	awm show topic >show && test_grep "CREATE TABLE topic" show
'

test_expect_success 'usage: no upstream, too many, unknown strategy, --continue with none' '
	test_expect_code 2 awm rebase &&
	test_expect_code 2 awm rebase a b &&
	test_expect_code 2 awm rebase --strategy mine upstream &&
	test_expect_code 2 awm rebase --continue --abort &&
	test_expect_code 2 awm rebase --skip upstream &&
	test_expect_code 1 awm rebase --continue 2>err &&
	test_grep "no rebase is in progress" err &&
	test_expect_code 1 awm rebase nosuch
'

test_done
