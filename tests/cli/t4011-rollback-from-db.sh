#!/bin/sh
# needs: awm rollback (issue 3)
#
# The round trip through the CLI: checkout, edit with the sqlite3 CLI,
# commit --from-db, apply, rollback: the database equals the base again.
# It skips itself until `awm apply` and `awm rollback` exist; the same
# round trip is tested at the library level now (tests/unit/test_data_commit.c).
. "$(dirname "$0")/test-lib.sh"

if ! awm rollback --help >/dev/null 2>&1 || ! awm apply --help >/dev/null 2>&1; then
	say "# skipped: needs 'awm apply' and 'awm rollback' (issue 3)"
	test_done
fi

# content <db>: the schema and every row of the user tables, in key order.
content() {
	sqlite3 "$1" "SELECT type, name, sql FROM sqlite_schema
		WHERE name NOT LIKE 'sqlite_%' AND name NOT LIKE 'awm_%' ORDER BY type, name"
	for t in $(sqlite3 "$1" "SELECT name FROM sqlite_schema WHERE type = 'table'
		AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'awm_%' ORDER BY name"); do
		echo "== $t"
		sqlite3 "$1" "SELECT * FROM \"$t\" ORDER BY 1"
	done
}

test_expect_success 'setup: the dev environment at the base' '
	new_repo . &&
	write_migration 1_users "CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT NOT NULL);
INSERT INTO users VALUES(1, '\''ada'\''), (2, '\''bob'\''), (3, '\''cy'\'');" &&
	awm commit -q &&
	awm apply &&
	content db/dev.db >base
'

test_expect_success 'checkout, edit with sqlite3, commit --from-db, apply, rollback' '
	awm checkout -q --db edit.db &&
	sqlite3 edit.db "UPDATE users SET name = '\''Ada'\'' WHERE id = 1;
		DELETE FROM users WHERE id = 2;
		INSERT INTO users VALUES(4, '\''dee'\'');
		ALTER TABLE users ADD COLUMN email TEXT;
		UPDATE users SET email = '\''x@example.com'\'' WHERE id = 3;
		CREATE TABLE notes(id INTEGER PRIMARY KEY, body);
		INSERT INTO notes VALUES(1, '\''n'\'');" &&
	awm commit -q --from-db edit.db &&
	awm apply &&
	content edit.db >edited &&
	content db/dev.db >applied &&
	test_cmp edited applied &&
	awm rollback &&
	content db/dev.db >rolled_back &&
	test_cmp base rolled_back
'

test_done
