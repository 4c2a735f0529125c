#!/bin/sh
# Data conflicts: both sides update the same row and column to different
# values.  The report names the table, the key and the column with the
# base value, upstream's and ours; --strategy theirs and ours each give the
# expected database, and say what they chose.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-env.sh"
. "$(dirname "$0")/lib-graph.sh"

row1() {
	rm -f "$TRASH/row.db" &&
	awm checkout --db "$TRASH/row.db" --force "$1" >/dev/null &&
	sqlite3 "$TRASH/row.db" "SELECT id, name, price FROM items WHERE id = 1"
}

test_expect_success 'setup: both change the price of item 1; ours also its name' '
	two_sides &&
	on_side upstream 2_up "UPDATE items SET price = 70 WHERE id = 1;" &&
	on_side main 3_ours "UPDATE items SET price = 50, name = '"'A'"' WHERE id = 1;
UPDATE items SET price = 21 WHERE id = 2;" &&
	cp keep/3_ours.sql migrations/ && cp keep/3_ours.sql ours.orig &&
	awm rev-parse main >old
'

test_expect_success 'rebase stops with the conflict: table, key, column and three values' '
	test_expect_code 4 awm rebase upstream >out 2>err &&
	ours=$(awm rev-parse --short main) &&
	echo "CONFLICT (data, DATA): table '"'items'"', row id=1, column '"'price'"': base 10, upstream 70, ours 50 in $ours (migrations/3_ours.sql)" >expect &&
	test_cmp expect out &&
	test_grep "settle the data conflicts with .awm rebase --continue --strategy ours. (or .theirs.)" err
'

test_expect_success '--continue --strategy theirs keeps upstream'"'"'s value and our other changes' '
	awm rebase --continue --strategy theirs >out 2>err &&
	test_grep "^resolved (data): table .items., row id=1, column .price.: base 10, upstream 70, ours 50 .*; kept upstream.s 70$" out &&
	test "$(row1 main)" = "1|A|70" &&
	rm -f r.db && awm checkout --db r.db main >/dev/null &&
	test "$(sqlite3 r.db "SELECT price FROM items WHERE id = 2")" = 21
'

test_expect_success 'the choice is in the migration file, which matches the new commit' '
	test_grep "^-- awm rebase: data conflicts settled with --strategy theirs$" migrations/3_ours.sql &&
	test_grep "^UPDATE \"items\" SET \"price\" = 70 WHERE \"id\" = 1;$" migrations/3_ours.sql &&
	test_grep "commit the file to git" err &&
	cp keep/2_up.sql migrations/ &&
	awm status --no-remote >st && test_grep "Migrations folder matches the history" st &&
	rm migrations/2_up.sql
'

test_expect_success 'the rebased history applied to a fresh database gives the same' '
	awm apply >/dev/null &&
	test "$(sqlite3 db/dev.db "SELECT id, name, price FROM items WHERE id = 1")" = "1|A|70"
'

test_expect_success '--strategy ours keeps our value' '
	cp ours.orig migrations/3_ours.sql &&
	awm branch try-ours "$(cat old)" && awm switch try-ours >/dev/null &&
	awm rebase --strategy ours upstream >out &&
	test_grep "^resolved (data): table .items., row id=1, column .price.: .*; kept ours: 50$" out &&
	test "$(row1 try-ours)" = "1|A|50" &&
	# The script sets 50 by itself: its file needs nothing added.
	test_cmp ours.orig migrations/3_ours.sql &&
	rm migrations/3_ours.sql
'

test_expect_success 'the same new value on both sides is no conflict' '
	awm branch same "$(cat old)~1" && awm switch same >/dev/null &&
	on_side same 4_same "UPDATE items SET price = 70 WHERE id = 1;" &&
	awm rebase upstream >out &&
	test_grep "1 commit replayed" out &&
	test "$(row1 same)" = "1|a|70"
'

test_expect_success 'an update that depends on the value: ours recorded, upstream moved it' '
	awm branch incr "$(cat old)~1" && awm switch incr >/dev/null &&
	on_side incr 5_incr "UPDATE items SET price = price + 1 WHERE id = 1;" &&
	cp keep/5_incr.sql migrations/ &&
	test_expect_code 4 awm rebase upstream >out 2>/dev/null &&
	test_grep "row id=1, column .price.: base 10, upstream 70, ours 11" out &&
	awm rebase --continue --strategy ours >out &&
	test "$(row1 incr)" = "1|a|11" &&
	test_grep "^UPDATE \"items\" SET \"price\" = 11 WHERE \"id\" = 1;$" migrations/5_incr.sql &&
	rm migrations/5_incr.sql
'

test_expect_success 'rows inserted under generated keys on both sides do not clash' '
	awm branch ins-up upstream && awm branch ins "$(cat old)~1" &&
	on_side ins-up 6_ins "INSERT INTO items (name, price) VALUES ('"'up'"', 1);" &&
	on_side ins 7_ins "INSERT INTO items (name, price) VALUES ('"'ours'"', 2);" &&
	awm rebase ins-up >out && test_grep "1 commit replayed" out &&
	rm -f i.db && awm checkout --db i.db ins >/dev/null &&
	test "$(sqlite3 i.db "SELECT id, name FROM items WHERE id > 3")" = "4|up
5|ours"
'

test_expect_success 'rows inserted with the same explicit key clash' '
	awm branch key-up upstream && awm branch key "$(cat old)~1" &&
	on_side key-up 8_key "INSERT OR REPLACE INTO items VALUES (9, '"'up'"', 1);" &&
	on_side key 9_key "INSERT OR REPLACE INTO items VALUES (9, '"'ours'"', 2);" &&
	test_expect_code 4 awm rebase key-up >out 2>/dev/null &&
	test_grep "CONFLICT (data, CONFLICT): table .items., row id=9, column .name.: base (no row), upstream .up., ours .ours." out &&
	awm rebase --continue --strategy theirs >/dev/null &&
	rm -f k.db && awm checkout --db k.db key >/dev/null &&
	test "$(sqlite3 k.db "SELECT name, price FROM items WHERE id = 9")" = "up|1"
'

test_expect_success 'a strategy beside rows inserted under generated keys' '
	awm branch gen-up upstream && awm branch gen "$(cat old)~1" &&
	on_side gen-up 10_gen "INSERT INTO items (name) VALUES ('"'up'"');" &&
	on_side gen 11_gen "INSERT INTO items (name) VALUES ('"'ours'"');
UPDATE items SET price = 50 WHERE id = 1;" &&
	awm rebase --strategy theirs gen-up >out &&
	test_grep "kept upstream.s 70" out &&
	rm -f g.db && awm checkout --db g.db gen >/dev/null &&
	test "$(sqlite3 g.db "SELECT id, name, price FROM items WHERE id = 1 OR id > 3" | tr "\n" " ")" = \
		"1|a|70 4|up| 5|ours| "
'

test_done
