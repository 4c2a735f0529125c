#!/bin/sh
# awm import sqlx: a sqlx folder (<VERSION>_<DESCRIPTION>.sql, .up.sql and
# .down.sql), the history it gives, _sqlx_migrations, and the refusals.
. "$(dirname "$0")/test-lib.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-import.sh"

# The layout `sqlx migrate add` makes: reversible pairs and one-way files,
# versions sorted as numbers (20230102 comes before 20230101120000).
make_folder() {
	mkdir -p "$1" && cd "$1" &&
	printf "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\r\nINSERT INTO users (name) VALUES ('ada'), ('grace');\r\n" \
		>20230101120000_create_users.up.sql &&
	printf "DROP TABLE users;\n" >20230101120000_create_users.down.sql &&
	printf "CREATE TABLE settings (k TEXT PRIMARY KEY, v TEXT);\n" >20230102_settings.sql &&
	printf -- "-- no-transaction\nALTER TABLE users ADD COLUMN email TEXT;\nUPDATE users SET email = lower(name) || '@example.com';\n" \
		>20230103000000_add_email.sql &&
	printf "CREATE UNIQUE INDEX users_email ON users (email);\n" >20230104000000_email_index.up.sql &&
	printf "DROP INDEX users_email;\n" >20230104000000_email_index.down.sql &&
	printf "notes\n" >README.md &&
	cd - >/dev/null
}
ORDER="20230102_settings.sql 20230101120000_create_users.up.sql
       20230103000000_add_email.sql 20230104000000_email_index.up.sql"

test_expect_success 'import makes one commit per migration, in sqlx order' '
	new_repo p && cd p && make_folder sqlx &&
	awm import sqlx sqlx >out &&
	test_grep "Imported 4 sqlx migrations from sqlx" out &&
	awm log --oneline >log && test_line_count = 4 log &&
	awm log --format=json >log.json &&
	python3 -c "import json,sys; print(\"\\n\".join(c[\"migration\"] for c in json.load(open(\"log.json\"))))" >got &&
	cat >want <<-\EOF2 &&
	migrations/20230104000000_email_index.sql
	migrations/20230103000000_add_email.sql
	migrations/20230101120000_create_users.sql
	migrations/00000020230102_settings.sql
	EOF2
	test_cmp want got &&
	awm status >st && test_grep "Migrations folder matches the history" st
'

test_expect_success 'awm apply of the history gives what the scripts give with the sqlite3 CLI' '
	cd p && (cd sqlx && run_scripts ../orig.db $ORDER) &&
	apply_history replay.db &&
	test "$(grep -c "^up " apply.out)" = 4 &&
	same_database orig.db replay.db &&
	same_canonical_schema orig.db
'

test_expect_success 'each commit names where it came from, with its down script' '
	cd p && awm show HEAD >show &&
	test_grep "Imported from sqlx: sqlx/20230104000000_email_index.up.sql" show &&
	test_grep "DROP INDEX users_email;" show &&
	awm show HEAD~3 >show && test_grep "Down: none" show &&
	test_grep "^-- awm:down$" migrations/20230101120000_create_users.sql
'

# A database sqlx migrated up to the second migration.
make_db() {
	(cd sqlx && run_scripts ../"$1" 20230102_settings.sql 20230101120000_create_users.up.sql) &&
	sqlite3 "$1" "CREATE TABLE _sqlx_migrations (version BIGINT PRIMARY KEY,
		description TEXT NOT NULL, installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
		success BOOLEAN NOT NULL, checksum BLOB NOT NULL, execution_time BIGINT NOT NULL);
		INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
		VALUES (20230102, 'settings', 1, x'00', 1),
		       (20230101120000, 'create users', 1, x'00', 1);"
}

test_expect_success '--db and --env: an applied database starts at its commit' '
	new_repo q && cd q && make_folder sqlx && make_db dev.db &&
	git config -f awm.conf env.dev.url sqlite:dev.db &&
	awm import --env dev sqlx sqlx >out &&
	test_grep "has 2 of them applied, up to version 20230101120000: it is at" out &&
	awm rev-parse HEAD~2 >want && awm rev-parse envs/dev >got && test_cmp want got &&
	awm reflog envs/dev >rl && test_grep "import: sqlx version 20230101120000" rl
'

test_expect_success 'the database is adopted: its history says it is at that commit' '
	cd q && test_grep "Adopted .*dev.db.: 2 commits recorded as applied in its awm_state, _sqlx_migrations dropped" out &&
	sqlite3 dev.db "SELECT status, record_id, json_extract(payload, '\''\$.op'\'') FROM awm_state ORDER BY id" >rows &&
	printf "applied|%s|adopt\napplied|%s|adopt\n" $(awm rev-parse HEAD~3) $(awm rev-parse HEAD~2) >want &&
	test_cmp want rows &&
	test -z "$(sqlite3 dev.db "SELECT name FROM sqlite_schema WHERE name = '\''_sqlx_migrations'\''")" &&
	test "$(sqlite3 dev.db "SELECT count(*) FROM awm_locks")" = 0 &&
	awm status --env dev >st && test_grep "applied:  $(awm rev-parse --short HEAD~2) create users" st &&
	test_grep "drift: none" st &&
	awm history --env dev >h && test_grep "adopted: awm import sqlx sqlx, at version 20230101120000" h &&
	cp dev.db adopted.db
'

test_expect_success 'awm apply then runs only the rest, and gives the database built directly' '
	cd q && awm apply --env dev --to HEAD >out &&
	grep "^up " out >ups && test_line_count = 2 ups &&
	test_grep "up   $(awm rev-parse --short HEAD~1) *add email" ups &&
	test_grep "up   $(awm rev-parse --short HEAD) *email index" ups &&
	apply_history direct.db && same_database direct.db dev.db &&
	(cd sqlx && run_scripts ../orig.db $ORDER) && same_database orig.db dev.db
'

test_expect_success 'rolling back an adopted migration goes by its down script, or is refused' '
	cd q && git config -f awm.conf env.adopted.url sqlite:adopted.db &&
	awm rollback --env adopted --steps 1 >out &&
	test_grep "down $(awm rev-parse --short HEAD~2) *create users" out &&
	test -z "$(sqlite3 adopted.db "SELECT name FROM sqlite_schema WHERE name = '\''users'\''")" &&
	test_must_fail awm rollback --env adopted --steps 1 2>err &&
	test_grep "(settings) has neither a down section nor a changeset" err
'

test_expect_success 'a database awm already moves cannot be adopted' '
	new_repo q2 && cd q2 && make_folder sqlx && make_db dev.db &&
	sqlite3 dev.db "CREATE TABLE awm_state (id INTEGER PRIMARY KEY AUTOINCREMENT,
		record_type TEXT NOT NULL, record_id TEXT NOT NULL, status TEXT NOT NULL,
		created_at TEXT NOT NULL, updated_at TEXT NOT NULL, payload TEXT NOT NULL,
		changeset BLOB);
		CREATE TABLE awm_locks (id TEXT PRIMARY KEY, owner TEXT NOT NULL,
		acquired_at TEXT NOT NULL, expires_at TEXT NOT NULL);
		INSERT INTO awm_state VALUES (1, '\''migration'\'', '\''x'\'', '\''failed'\'', '\''t'\'', '\''t'\'', '\''{}'\'', NULL);" &&
	cp dev.db dev.before &&
	test_must_fail awm import --db dev.db --env other sqlx sqlx 2>err &&
	test_grep ".dev.db. already has awm history (1 rows in awm_state)" err &&
	test_must_fail awm import -n --db dev.db --env other sqlx sqlx 2>err &&
	test_grep "already has awm history" err &&
	nothing_imported && cmp dev.before dev.db
'

test_expect_success '--db must be the database --env names in awm.conf' '
	cd q2 && test_expect_code 2 awm import --db dev.db --env dev sqlx sqlx 2>err &&
	test_grep ".dev.db. is not the database of environment .dev. (sqlite:db/dev.db)" err &&
	nothing_imported
'

test_expect_success 'a database whose schema drifted is refused' '
	new_repo r && cd r && make_folder sqlx && make_db dev.db &&
	sqlite3 dev.db "CREATE TABLE extra (id INTEGER PRIMARY KEY)" &&
	cp dev.db dev.before &&
	test_must_fail awm import --db dev.db --env other sqlx sqlx 2>err &&
	test_grep "the schema of .dev.db. is not what the imported history gives after version 20230101120000 (table .extra. is only in the database)" err &&
	nothing_imported && test_must_fail awm rev-parse envs/other 2>/dev/null &&
	cmp dev.before dev.db
'

test_expect_success 'a failed sqlx migration in the database is refused' '
	new_repo s && cd s && make_folder sqlx && make_db dev.db &&
	sqlite3 dev.db "UPDATE _sqlx_migrations SET success = 0 WHERE version = 20230102" &&
	test_must_fail awm import --db dev.db sqlx sqlx 2>err &&
	test_grep "sqlx recorded version 20230102 in .dev.db. as failed" err &&
	nothing_imported
'

test_expect_success 'a version applied out of order, or unknown, is refused' '
	new_repo t && cd t && make_folder sqlx && make_db dev.db &&
	sqlite3 dev.db "DELETE FROM _sqlx_migrations WHERE version = 20230102" &&
	test_must_fail awm import --db dev.db sqlx sqlx 2>err &&
	test_grep "has version 20230101120000 applied but not the earlier 20230102" err &&
	sqlite3 dev.db "INSERT INTO _sqlx_migrations VALUES (99, '\''x'\'', 0, 1, x'\''00'\'', 1)" &&
	test_must_fail awm import --db dev.db sqlx sqlx 2>err &&
	test_grep "has sqlx version 99 applied, which .sqlx. does not have" err &&
	nothing_imported
'

test_expect_success 'a database without _sqlx_migrations has nothing applied' '
	new_repo u && cd u && make_folder sqlx && sqlite3 empty.db "PRAGMA user_version = 1" &&
	cp empty.db empty.before &&
	awm import --db empty.db --env other sqlx sqlx >out &&
	test_grep ".empty.db. has none of them applied" out &&
	test_grep "refs/envs/other was not set" out &&
	! test_grep "Adopted" out && cmp empty.before empty.db
'

test_expect_success 'a file sqlx would skip is refused, naming it' '
	new_repo v && cd v && make_folder sqlx && printf "SELECT 1;\n" >sqlx/schema.sql &&
	test_must_fail awm import sqlx sqlx 2>err &&
	test_grep ".sqlx/schema.sql. is not named <VERSION>_<DESCRIPTION>.sql" err &&
	rm sqlx/schema.sql && printf "SELECT 1;\n" >sqlx/0_zero.sql &&
	test_must_fail awm import sqlx sqlx 2>err && test_grep "sqlx/0_zero.sql" err &&
	nothing_imported
'

test_expect_success 'a down script without its up, or two ups, are refused' '
	new_repo w && cd w && make_folder sqlx && printf "DROP TABLE x;\n" >sqlx/5_x.down.sql &&
	test_must_fail awm import sqlx sqlx 2>err &&
	test_grep ".sqlx/5_x.down.sql. is a down script without an up script for version 5" err &&
	printf "SELECT 1;\n" >sqlx/5_x.up.sql && printf "SELECT 2;\n" >sqlx/05_y.up.sql &&
	test_must_fail awm import sqlx sqlx 2>err &&
	test_grep "are both the up script of version" err &&
	nothing_imported
'

test_expect_success 'a script that fails is refused with its own file and line' '
	new_repo x && cd x && make_folder sqlx &&
	printf "CREATE TABLE t (id INTEGER PRIMARY KEY);\nINSERT INTO nosuch VALUES (1);\n" \
		>sqlx/20230105000000_broken.sql &&
	test_must_fail awm import sqlx sqlx 2>err &&
	test_grep "nothing was imported: sqlx/20230105000000_broken.sql:2: no such table: nosuch" err &&
	nothing_imported
'

test_done
