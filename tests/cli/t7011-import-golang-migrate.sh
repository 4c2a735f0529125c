#!/bin/sh
# awm import golang-migrate: <version>_<title>.up.sql / .down.sql, its
# one-row schema_migrations (version, dirty), and the refusals.
. "$(dirname "$0")/test-lib.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-import.sh"

# The layout `migrate create -ext sql -seq` makes (6-digit sequence numbers),
# with one migration lacking a down file and one written on Windows.
make_folder() {
	mkdir -p "$1" && cd "$1" &&
	printf "CREATE TABLE accounts (id INTEGER PRIMARY KEY, owner TEXT NOT NULL);\n" \
		>000001_create_accounts.up.sql &&
	printf "DROP TABLE IF EXISTS accounts;\n" >000001_create_accounts.down.sql &&
	printf "CREATE TABLE entries (id INTEGER PRIMARY KEY,\r\n  account_id INTEGER NOT NULL REFERENCES accounts (id),\r\n  amount INTEGER NOT NULL);\r\n" \
		>000002_add.entries.table.up.sql &&
	printf "DROP TABLE entries;\n" >000002_add.entries.table.down.sql &&
	printf "INSERT INTO accounts (owner) VALUES ('ada');\nINSERT INTO entries (account_id, amount) VALUES (1, 100);\n" \
		>000003_seed.up.sql &&
	printf "CREATE INDEX entries_account ON entries (account_id);\n" >000010_index.up.sql &&
	printf "DROP INDEX entries_account;\n" >000010_index.down.sql &&
	cd - >/dev/null
}
ORDER="000001_create_accounts.up.sql 000002_add.entries.table.up.sql 000003_seed.up.sql
       000010_index.up.sql"

test_expect_success 'import makes one commit per migration, in version order' '
	new_repo p && cd p && make_folder db/migrations &&
	awm import golang-migrate db/migrations >out &&
	test_grep "Imported 4 golang-migrate migrations" out &&
	test_grep "migrations/000002_add_entries_table.sql <- db/migrations/000002_add.entries.table.up.sql" out &&
	awm log --oneline >log && test_line_count = 4 log &&
	test_grep "add entries table" log &&
	ls migrations >files && test_line_count = 4 files
'

test_expect_success 'awm apply of the history gives what the scripts give with the sqlite3 CLI' '
	cd p && (cd db/migrations && run_scripts ../../orig.db $ORDER) &&
	apply_history replay.db &&
	test "$(grep -c "^up " apply.out)" = 4 && same_database orig.db replay.db &&
	same_canonical_schema orig.db
'

test_expect_success 'down scripts come along, and are checked' '
	cd p && awm show HEAD~3 >show && test_grep "DROP TABLE IF EXISTS accounts;" show &&
	awm show HEAD~1 >show && test_grep "Down: none" show
'

# A database golang-migrate took to version 2, as its sqlite3 driver records it.
make_db() {
	(cd db/migrations && run_scripts ../../"$1" 000001_create_accounts.up.sql \
		000002_add.entries.table.up.sql) &&
	sqlite3 "$1" "CREATE TABLE schema_migrations (version uint64, dirty bool);
		CREATE UNIQUE INDEX version_unique ON schema_migrations (version);
		INSERT INTO schema_migrations VALUES (2, 0);"
}

test_expect_success '--db --env: a database at version 2 starts at the second commit' '
	new_repo q && cd q && make_folder db/migrations && make_db prod.db &&
	awm import --db prod.db --env prod golang-migrate db/migrations >out &&
	test_grep "has 2 of them applied, up to version 000002" out &&
	awm rev-parse HEAD~2 >want && awm rev-parse envs/prod >got && test_cmp want got
'

test_expect_success 'adopted at version 3, apply runs only version 10' '
	new_repo q3 && cd q3 && make_folder db/migrations && make_db prod.db &&
	(cd db/migrations && sqlite3 ../../prod.db <000003_seed.up.sql) &&
	sqlite3 prod.db "UPDATE schema_migrations SET version = 3" &&
	git config -f awm.conf env.prod.url sqlite:prod.db &&
	awm import --env prod golang-migrate db/migrations >out &&
	test_grep "Adopted .*prod.db.: 3 commits recorded as applied in its awm_state, schema_migrations dropped" out &&
	awm plan --env prod --to HEAD >plan && test_grep "1 step" plan &&
	awm apply --env prod --to HEAD >out &&
	grep "^up " out >ups && test_line_count = 1 ups && test_grep "index" ups &&
	(cd db/migrations && run_scripts ../../orig.db $ORDER) && same_database orig.db prod.db
'

test_expect_success 'an adopted data migration without a down script cannot be rolled back' '
	cd q3 && awm rollback --env prod --steps 1 >out &&
	test_must_fail awm rollback --env prod --steps 1 2>err &&
	test_grep "(seed) has no down section, and awm did not see what it changed in this database (another tool applied it)" err &&
	test "$(sqlite3 prod.db "SELECT count(*) FROM entries")" = 1
'

test_expect_success 'a dirty database is refused, with the command to repair it' '
	new_repo r && cd r && make_folder db/migrations && make_db prod.db &&
	sqlite3 prod.db "UPDATE schema_migrations SET dirty = 1" &&
	test_must_fail awm import --db prod.db golang-migrate db/migrations 2>err &&
	test_grep "golang-migrate marked version 2 in .prod.db. dirty" err &&
	test_grep "migrate force 2" err && nothing_imported
'

test_expect_success 'a version the folder does not have is refused' '
	new_repo s && cd s && make_folder db/migrations && make_db prod.db &&
	sqlite3 prod.db "UPDATE schema_migrations SET version = 7" &&
	test_must_fail awm import --db prod.db golang-migrate db/migrations 2>err &&
	test_grep ".prod.db. is at golang-migrate version 7, which .db/migrations. does not have" err &&
	nothing_imported
'

test_expect_success 'a database behind its version table is refused as drifted' '
	new_repo t && cd t && make_folder db/migrations && make_db prod.db &&
	sqlite3 prod.db "UPDATE schema_migrations SET version = 10" &&
	test_must_fail awm import --db prod.db golang-migrate db/migrations 2>err &&
	test_grep "is not what the imported history gives after version 000010 (index .entries_account. is missing from the database)" err &&
	nothing_imported
'

test_expect_success 'files golang-migrate would not read are refused, naming them' '
	new_repo u && cd u && make_folder m && printf "SELECT 1;\n" >m/000004_x.sql &&
	test_must_fail awm import golang-migrate m 2>err &&
	test_grep ".m/000004_x.sql. is not named <version>_<title>.up.sql or .down.sql" err &&
	rm m/000004_x.sql && printf "{}\n" >m/000004_x.up.json &&
	test_must_fail awm import golang-migrate m 2>err &&
	test_grep ".m/000004_x.up.json. is not an SQL migration" err &&
	rm m/000004_x.up.json && printf "SELECT 1;\n" >m/3_again.up.sql &&
	test_must_fail awm import golang-migrate m 2>err &&
	test_grep "are both the up script of version" err &&
	nothing_imported
'

test_expect_success 'a down script that fails is refused, naming it' '
	new_repo v && cd v && make_folder m &&
	printf "DROP TABLE nosuch;\n" >m/000010_index.down.sql &&
	test_must_fail awm import golang-migrate m 2>err &&
	test_grep "the down section fails: m/000010_index.down.sql:1: no such table: nosuch" err &&
	nothing_imported
'

test_done
