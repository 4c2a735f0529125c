#!/bin/sh
# Schema conflicts: both sides change the same column, index or table; the
# report names the object and both commits.  An up script that fails on the
# new base is reported with SQLite's message, file and line.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-env.sh"
. "$(dirname "$0")/lib-graph.sh"

test_expect_success 'setup: both sides add column email to items' '
	two_sides &&
	on_side upstream 2_email "ALTER TABLE items ADD COLUMN email TEXT;" &&
	on_side main 3_contact "ALTER TABLE items ADD COLUMN email VARCHAR(80);
CREATE TABLE contacts (id INTEGER PRIMARY KEY);" &&
	cp keep/3_contact.sql migrations/ &&
	awm rev-parse main >old
'

test_expect_success 'rebase stops (exit 4) naming the table, the column and both commits' '
	test_expect_code 4 awm rebase upstream >out 2>err &&
	ours=$(awm rev-parse --short main) && up=$(awm rev-parse --short upstream) &&
	test_grep "^CONFLICT (schema): table .items., column .email.: ours adds column in $ours (migrations/3_contact.sql), upstream adds column in $up (migrations/2_email.sql)$" out &&
	test_grep "error: rebase stopped at $ours (contact) with 1 conflict; edit .migrations/3_contact.sql. and run .awm rebase --continue." err &&
	test "$(awm rev-parse main)" = "$(cat old)" &&
	test -f .awm/rebase/state.json
'

test_expect_success 'status says a rebase is stopped, with the report' '
	awm status >out &&
	test_grep "A rebase is stopped on branch main, onto $(awm rev-parse --short upstream)" out &&
	test_grep "CONFLICT (schema): table .items., column .email." out
'

test_expect_success 'commit and a second rebase are refused meanwhile' '
	test_expect_code 1 awm commit 2>err && test_grep "a rebase or cherry-pick is stopped" err &&
	test_expect_code 1 awm rebase upstream 2>err && test_grep "stopped already" err &&
	test_expect_code 1 awm merge upstream 2>err && test_grep "is stopped" err
'

test_expect_success 'taken as seen, the script still fails: SQLite message, file and line' '
	test_expect_code 4 awm rebase --continue >out 2>err &&
	test_grep "CONFLICT (schema): migrations/3_contact.sql:2: duplicate column name: email (ours $(awm rev-parse --short main))" out
'

test_expect_success 'after editing the migration, --continue replays it from the file' '
	write_migration 3_contact "ALTER TABLE items ADD COLUMN contact VARCHAR(80);
CREATE TABLE contacts (id INTEGER PRIMARY KEY);" &&
	awm rebase --continue >out &&
	test_grep "1 commit replayed" out &&
	awm show main >show && test_grep "ADD COLUMN contact" show &&
	test "$(awm rev-parse main~1)" = "$(awm rev-parse upstream)" &&
	cp keep/2_email.sql migrations/ &&
	awm status --no-remote >st && test_grep "Migrations folder matches the history" st &&
	rm migrations/2_email.sql &&
	test ! -e .awm/rebase
'

test_expect_success 'different columns of one table are no conflict' '
	awm switch -c other main~1 >/dev/null && rm migrations/3_contact.sql &&
	on_side other 4_phone "ALTER TABLE items ADD COLUMN phone TEXT;" &&
	awm switch -c up2 upstream >/dev/null &&
	on_side up2 5_city "ALTER TABLE items ADD COLUMN city TEXT;" &&
	awm switch other >/dev/null &&
	awm rebase up2 >out && test_grep "1 commit replayed" out &&
	db_of other got && test_grep "email TEXT,city TEXT,phone TEXT)" got
'

test_expect_success 'the same index created on both sides' '
	awm switch -c idx-a main >/dev/null &&
	on_side idx-a 6_idx "CREATE INDEX items_name ON items (name);" &&
	awm switch -c idx-b main >/dev/null &&
	on_side idx-b 7_idx "CREATE INDEX items_name ON items (name, price);" &&
	test_expect_code 4 awm rebase idx-a >out 2>/dev/null &&
	test_grep "CONFLICT (schema): index .items_name.: ours creates in .* (migrations/7_idx.sql), upstream creates in .* (migrations/6_idx.sql)" out &&
	awm rebase --abort >/dev/null
'

test_expect_success 'a table dropped on one side and changed on the other' '
	awm switch -c drop-a main >/dev/null &&
	on_side drop-a 8_drop "DROP TABLE contacts;" &&
	awm switch -c drop-b main >/dev/null &&
	on_side drop-b 9_alter "ALTER TABLE contacts ADD COLUMN name TEXT;" &&
	test_expect_code 4 awm rebase drop-a >out 2>/dev/null &&
	test_grep "CONFLICT (schema): table .contacts., column .name.: ours adds column in .*, upstream drops in" out &&
	awm rebase --skip >out 2>err &&
	test "$(awm rev-parse drop-b)" = "$(awm rev-parse drop-a)" &&
	test_grep "no longer recorded" err
'

test_done
