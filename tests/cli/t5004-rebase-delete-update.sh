#!/bin/sh
# One side deletes a row that the other side updates: NOTFOUND when ours
# updates a row upstream deleted, DATA when ours deletes a row upstream
# changed; each with what the strategies make of it.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-env.sh"
. "$(dirname "$0")/lib-graph.sh"

rows() {
	rm -f "$TRASH/rows.db" &&
	awm checkout --db "$TRASH/rows.db" --force "$1" >/dev/null &&
	sqlite3 "$TRASH/rows.db" "SELECT id, name, price FROM items ORDER BY id" | tr '\n' ' '
}

test_expect_success 'setup: upstream deletes item 2 and renames item 3' '
	two_sides &&
	on_side upstream 2_up "DELETE FROM items WHERE id = 2;
UPDATE items SET name = '"'cc'"' WHERE id = 3;"
'

test_expect_success 'ours updates the deleted row: NOTFOUND, with base and our value' '
	awm branch upd main && on_side upd 3_upd "UPDATE items SET price = 25 WHERE id = 2;" &&
	test_expect_code 4 awm rebase upstream >out 2>/dev/null &&
	echo "CONFLICT (data, NOTFOUND): table '"'items'"', row id=2, column '"'price'"': base 20, upstream (no row), ours 25 in $(awm rev-parse --short upd) (migrations/3_upd.sql)" >expect &&
	test_cmp expect out
'

test_expect_success 'either strategy leaves the row deleted, and says why' '
	awm rebase --continue --strategy ours >out &&
	test_grep "^resolved (data): .*row id=2.*; the row stays deleted: an update cannot bring back its other values$" out &&
	test "$(rows upd)" = "1|a|10 3|cc|30 "
'

test_expect_success 'ours deletes a row upstream changed: DATA, with upstream'"'"'s value' '
	awm branch del main && on_side del 4_del "DELETE FROM items WHERE id = 3;" &&
	cp keep/4_del.sql migrations/ &&
	test_expect_code 4 awm rebase upstream >out 2>/dev/null &&
	echo "CONFLICT (data, DATA): table '"'items'"', row id=3, column '"'name'"': base '"'c'"', upstream '"'cc'"', ours (no row) in $(awm rev-parse --short del) (migrations/4_del.sql)" >expect &&
	test_cmp expect out
'

test_expect_success '--strategy theirs keeps the row as upstream has it' '
	awm rebase --continue --strategy theirs >out &&
	test_grep "kept upstream.s row, not deleted" out &&
	test "$(rows del)" = "1|a|10 3|cc|30 " &&
	test_grep "^INSERT INTO \"items\" (\"id\", \"name\", \"price\") VALUES (3, .cc., 30);$" \
		migrations/4_del.sql &&
	rm migrations/4_del.sql
'

test_expect_success '--strategy ours deletes it' '
	awm branch del2 main && on_side del2 5_del "DELETE FROM items WHERE id = 3;" &&
	awm rebase --strategy ours upstream >out &&
	test_grep "deleted the row (ours)" out &&
	test "$(rows del2)" = "1|a|10 "
'

test_expect_success 'both deleting the same row is no conflict' '
	awm branch del3 main && on_side del3 6_del "DELETE FROM items WHERE id = 2;" &&
	awm rebase upstream >out && test_grep "1 commit replayed" out &&
	test "$(rows del3)" = "1|a|10 3|cc|30 "
'

test_done
