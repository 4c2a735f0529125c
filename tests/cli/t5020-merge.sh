#!/bin/sh
# awm merge: a merge commit when two lines must both be kept.  It is
# refused, with the rebase's report, when the sides conflict; applying it
# to an environment runs the merged-in migrations in the order 'awm plan'
# shows: HEAD's side, then the merged-in side, then the merge.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-env.sh"
. "$(dirname "$0")/lib-graph.sh"
. "$(dirname "$0")/lib-awm.sh"

test_expect_success 'setup: a release branch and main, both moving' '
	two_sides && awm branch release &&
	on_side release 2_rel "CREATE TABLE users (id INTEGER PRIMARY KEY);
UPDATE items SET price = 11 WHERE id = 1;" "DROP TABLE users;
UPDATE items SET price = 10 WHERE id = 1;" &&
	on_side release 3_rel "INSERT INTO items (name, price) VALUES ('"'rel'"', 5);" &&
	on_side main 4_main "UPDATE items SET name = '"'B'"' WHERE id = 2;
INSERT INTO items (name, price) VALUES ('"'main'"', 6);"
'

test_expect_success 'merge makes a commit with both parents' '
	old=$(awm rev-parse main) &&
	awm merge release >out &&
	test_grep "Merged .release. into main (2 commits): $(awm rev-parse --short main)" out &&
	awm cat-object -p main >m &&
	test_grep "^parent $old$" m && test_grep "^parent $(awm rev-parse release)$" m &&
	test_grep "^Merge .release. into main$" m &&
	! grep -q "^up " m && ! grep -q "^changeset " m &&
	awm reflog >log && test_grep "merge release" log
'

test_expect_success 'plan shows the order: our side, the merged-in side, the merge' '
	awm plan >out &&
	grep "^up" out | cut -c1-15 >steps &&
	{
		echo "up   $(awm rev-parse --short main~1~1)" &&
		echo "up   $(awm rev-parse --short main^1)" &&
		echo "up   $(awm rev-parse --short release~1)" &&
		echo "up   $(awm rev-parse --short release)" &&
		echo "up   $(awm rev-parse --short main)"
	} >expect && test_cmp expect steps
'

test_expect_success 'applying the merge runs the migrations in that order' '
	awm apply >/dev/null &&
	build_direct expect.db keep/1_base.sql keep/4_main.sql keep/2_rel.sql keep/3_rel.sql &&
	db_dump expect.db >expect && db_dump db/dev.db >actual && test_cmp expect actual &&
	db_of main scratch && test_cmp expect scratch &&
	test "$(sqlite3 db/dev.db "SELECT name FROM items WHERE id = 5")" = rel
'

test_expect_success 'the merge records the schema of that order' '
	schema=$(awm cat-object -p main | sed -n "s/^schema //p") &&
	awm cat-object -p "$schema" >s && test_grep "users" s
'

test_expect_success 'already merged: nothing to do' '
	awm merge release >out && test_grep "Already up to date" out
'

test_expect_success 'a conflicting merge is refused with the report; nothing changes' '
	awm branch hotfix upstream &&
	on_side hotfix 5_fix "UPDATE items SET name = '"'b2'"' WHERE id = 2;" &&
	awm switch main >/dev/null &&
	store_state before &&
	test_expect_code 4 awm merge hotfix >out 2>err &&
	test_grep "^CONFLICT (data, DATA): table .items., row id=2, column .name.: base .b., main .B., hotfix .b2." out &&
	test_grep "cannot merge: .* conflicts with HEAD.s side; nothing was changed" err &&
	store_state after && test_cmp before after
'

test_expect_success 'the same migration file on both sides is refused' '
	awm branch dup upstream && awm switch dup >/dev/null &&
	cp keep/4_main.sql migrations/ && awm commit -q -m "the same file, another commit" &&
	rm migrations/4_main.sql && awm switch main >/dev/null &&
	test_expect_code 4 awm merge dup >out 2>/dev/null &&
	test_grep "CONFLICT (migration): migration .migrations/4_main.sql. was recorded on both sides with the same text" out
'

test_expect_success 'fast-forward, and --no-ff' '
	awm branch ahead main && awm branch behind main~1 &&
	on_side ahead 6_ahead "CREATE TABLE ahead (id INTEGER PRIMARY KEY);" &&
	awm switch behind >/dev/null &&
	awm merge ahead~1 >out && test_grep "Fast-forward behind" out &&
	test "$(awm rev-parse behind)" = "$(awm rev-parse main)" &&
	awm merge --no-ff -m "keep the line" ahead >out && test_grep "Merged" out &&
	awm cat-object -p behind >m && test_grep "^keep the line$" m &&
	test "$(grep -c "^parent" m)" = 2
'

test_expect_success 'usage errors' '
	test_expect_code 2 awm merge &&
	test_expect_code 2 awm merge a b &&
	test_expect_code 1 awm merge nosuch
'

test_done
