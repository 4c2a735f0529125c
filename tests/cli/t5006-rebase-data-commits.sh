#!/bin/sh
# Data commits (commit --from-db): their changeset is the change.  A clean
# rebase keeps the changeset as it is; conflicts are reported per column,
# and the strategies rebase the changeset itself (sqlite3rebaser), keeping
# our other columns of a row with 'theirs'.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-env.sh"
. "$(dirname "$0")/lib-graph.sh"

rows() {
	rm -f "$TRASH/rows.db" &&
	awm checkout --db "$TRASH/rows.db" --force "$1" >/dev/null &&
	sqlite3 "$TRASH/rows.db" "SELECT * FROM items ORDER BY id" | tr '\n' ' '
}

# data_commit <branch> <sql>: record what <sql> does to the branch's database.
data_commit() {
	awm switch "$1" >/dev/null && rm -f "$TRASH/edit.db" &&
	awm checkout -q --db "$TRASH/edit.db" &&
	sqlite3 "$TRASH/edit.db" "$2" &&
	awm commit -q --from-db "$TRASH/edit.db" -m "$3"
}

test_expect_success 'setup: upstream changes item 1, adds a column; ours is data' '
	two_sides &&
	on_side upstream 2_up "UPDATE items SET price = 70 WHERE id = 1;" &&
	on_side upstream 3_col "ALTER TABLE items ADD COLUMN note TEXT;" &&
	awm branch clean main && awm branch conflict main &&
	data_commit clean "UPDATE items SET name = '"'B'"' WHERE id = 2;
INSERT INTO items VALUES (4, '"'d'"', 40);" "clean edits" &&
	data_commit conflict "UPDATE items SET price = 50, name = '"'A'"' WHERE id = 1;" "conflicting edit"
'

test_expect_success 'a clean data commit keeps its changeset object' '
	awm switch clean >/dev/null &&
	old_cs=$(awm cat-object -p clean | sed -n "s/^changeset //p") &&
	awm rebase upstream >out && test_grep "1 commit replayed" out &&
	awm cat-object -p clean >new &&
	test_grep "^changeset $old_cs$" new && test_grep "^kind data$" new &&
	test "$(rows clean)" = "1|a|70| 2|B|20| 3|c|30| 4|d|40| "
'

test_expect_success 'a conflicting data commit stops, naming the column' '
	awm switch conflict >/dev/null &&
	test_expect_code 4 awm rebase upstream >out 2>err &&
	test_grep "^CONFLICT (data, DATA): table .items., row id=1, column .price.: base 10, upstream 70, ours 50 in $(awm rev-parse --short conflict)$" out &&
	test_grep "once it is settled" err
'

test_expect_success 'theirs: upstream'"'"'s price, our name, in a rebased changeset' '
	awm rebase --continue --strategy theirs >out &&
	test "$(rows conflict)" = "1|A|70| 2|b|20| 3|c|30| " &&
	awm show conflict >show && test_grep "~ | 1  | .a. -> .A. |" show &&
	! grep "50" show
'

test_expect_success 'ours: our price and name' '
	awm branch conflict2 main &&
	data_commit conflict2 "UPDATE items SET price = 50, name = '"'A'"' WHERE id = 1;" "again" &&
	awm rebase --strategy ours upstream >out &&
	test_grep "kept ours: 50" out &&
	test "$(rows conflict2)" = "1|A|50| 2|b|20| 3|c|30| "
'

test_expect_success 'the rebased data commits apply to a fresh database' '
	awm switch conflict >/dev/null && awm apply >/dev/null &&
	test "$(sqlite3 db/dev.db "SELECT * FROM items ORDER BY id" | tr "\n" " ")" = \
		"1|A|70| 2|b|20| 3|c|30| "
'

test_expect_success 'a data commit for columns upstream rebuilt cannot be replayed' '
	awm branch shape upstream~2 && awm branch reshaped upstream~2 &&
	on_side reshaped 4_swap "CREATE TABLE items2 (id INTEGER PRIMARY KEY, price INTEGER, name TEXT);
INSERT INTO items2 SELECT id, price, name FROM items;
DROP TABLE items;
ALTER TABLE items2 RENAME TO items;" &&
	data_commit shape "UPDATE items SET name = '"'Z'"' WHERE id = 3;" "edit" &&
	test_expect_code 4 awm rebase reshaped >out 2>/dev/null &&
	test_grep "CONFLICT (schema): table .items.: ours changes rows .*: its changeset was recorded for other columns than the table has here" out &&
	awm rebase --abort >/dev/null
'

test_done
