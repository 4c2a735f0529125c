#!/bin/sh
# awm import, whatever the kind: usage, the folders it refuses, --dry-run,
# and all or nothing.
. "$(dirname "$0")/test-lib.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-import.sh"

make_folder() {
	mkdir -p "$1" &&
	printf "CREATE TABLE a (id INTEGER PRIMARY KEY);\n" >"$1/1_a.up.sql" &&
	printf "CREATE TABLE b (id INTEGER PRIMARY KEY);\n" >"$1/2_b.up.sql" &&
	printf "CREATE TABLE c (id INTEGER PRIMARY KEY);\n" >"$1/3_c.up.sql"
}

test_expect_success 'usage errors' '
	new_repo p && cd p &&
	test_expect_code 2 awm import 2>err && test_grep "needs a kind" err &&
	test_expect_code 2 awm import flyway db 2>err &&
	test_grep "unknown kind .flyway.; awm imports sqlx, golang-migrate, dbmate, b2m" err &&
	test_expect_code 2 awm import sqlx 2>err
'

test_expect_success 'a missing or empty folder is refused' '
	cd p && test_must_fail awm import sqlx nosuch 2>err &&
	test_grep ".nosuch. is not a folder" err &&
	mkdir empty && test_must_fail awm import dbmate empty 2>err &&
	test_grep ".empty. holds no dbmate migrations" err && nothing_imported
'

test_expect_success '--dry-run checks everything and writes nothing' '
	cd p && make_folder gm && awm import -n golang-migrate gm >out &&
	test_grep "Would import 3 golang-migrate migrations" out && nothing_imported &&
	printf "SELECT * FROM nosuch;\n" >gm/4_d.up.sql &&
	test_must_fail awm import --dry-run golang-migrate gm 2>err &&
	test_grep "gm/4_d.up.sql:1: no such table: nosuch" err && rm gm/4_d.up.sql
'

test_expect_success 'a failed write leaves no file and no commit behind' '
	cd p && test_must_fail env AWM_FAULT=write@2 awm import golang-migrate gm 2>err &&
	test_grep "cannot write" err && nothing_imported &&
	awm status >st && test_grep "Migrations folder matches the history" st
'

test_expect_success 'unrecorded files in awm'\''s migrations folder block an import' '
	cd p && write_migration 5_mine "CREATE TABLE mine (id INTEGER PRIMARY KEY);" &&
	test_must_fail awm import golang-migrate gm 2>err &&
	test_grep "awm.s migrations folder holds .migrations/5_mine.sql., which is not recorded" err &&
	rm migrations/5_mine.sql
'

test_expect_success 'the tool'\''s folder cannot be awm'\''s own' '
	cd p && test_must_fail awm import golang-migrate migrations 2>err &&
	test_grep "is awm.s migrations folder too" err
'

test_expect_success 'an import goes on top of the history, once' '
	cd p && write_migration 0_first "CREATE TABLE z (id INTEGER PRIMARY KEY);" &&
	awm commit -q && awm import golang-migrate gm >out &&
	awm log --oneline >log && test_line_count = 4 log &&
	test_must_fail awm import golang-migrate gm 2>err &&
	test_grep "migrations/1_a.sql. (for .gm/1_a.up.sql.) exists already" err
'

# A database golang-migrate took to version 1, for the adoption tests.
make_db() {
	sqlite3 "$1" "CREATE TABLE a (id INTEGER PRIMARY KEY);
		CREATE TABLE schema_migrations (version uint64, dirty bool);
		INSERT INTO schema_migrations VALUES (1, 0);"
}

test_expect_success 'an adoption that fails leaves everything as it was' '
	new_repo f && cd f && make_folder gm && make_db dev.db &&
	git config -f awm.conf env.dev.url sqlite:dev.db &&
	test_must_fail env AWM_FAULT=adopt-commit awm import --env dev golang-migrate gm 2>err &&
	test_grep "fault injected: adopt-commit; nothing was imported" err &&
	nothing_imported && test_must_fail awm rev-parse envs/dev 2>/dev/null &&
	test "$(sqlite3 dev.db "SELECT count(*) FROM awm_state")" = 0 &&
	test "$(sqlite3 dev.db "SELECT count(*) FROM awm_locks")" = 0 &&
	test "$(sqlite3 dev.db "SELECT version FROM schema_migrations")" = 1 &&
	awm status >st && test_grep "Migrations folder matches the history" st
'

test_expect_success 'a failed adoption on top of history puts the branch and env ref back' '
	cd f && write_migration 0_first "CREATE TABLE z (id INTEGER PRIMARY KEY);" &&
	awm commit -q && head=$(awm rev-parse HEAD) && awm env set dev HEAD &&
	sqlite3 dev.db "CREATE TABLE z (id INTEGER PRIMARY KEY)" &&
	test_must_fail env AWM_FAULT=adopt-commit awm import --env dev golang-migrate gm 2>err &&
	test_grep "nothing was imported" err &&
	test "$(awm rev-parse HEAD)" = "$head" && test "$(awm rev-parse envs/dev)" = "$head" &&
	test "$(ls migrations)" = 0_first.sql &&
	test "$(sqlite3 dev.db "SELECT count(*) FROM awm_state")" = 0
'

test_expect_success 'then it works, and the earlier history is adopted too' '
	cd f && awm import --env dev golang-migrate gm >out &&
	test_grep "Adopted .*dev.db.: 2 commits recorded as applied" out &&
	awm apply --env dev --to HEAD >out && grep "^up " out >ups && test_line_count = 2 ups &&
	apply_history direct.db && same_database direct.db dev.db
'

test_expect_success 'a database locked by someone else is not adopted (exit 3)' '
	new_repo g && cd g && make_folder gm && make_db dev.db &&
	git config -f awm.conf env.dev.url sqlite:dev.db &&
	AWM_LOCK_OWNER=bob@ci awm lock --env dev >/dev/null &&
	test_expect_code 3 awm import --env dev golang-migrate gm 2>err &&
	test_grep "locked by bob@ci" err && test_grep "nothing was imported" err &&
	nothing_imported && test "$(sqlite3 dev.db "SELECT version FROM schema_migrations")" = 1
'

test_expect_success '--env needs a SQLite environment in awm.conf' '
	new_repo q && cd q && make_folder gm &&
	test_must_fail awm import --env nosuch golang-migrate gm 2>err &&
	test_grep "no environment .nosuch. in awm.conf" err &&
	git config -f awm.conf env.remote.url appwrite://x &&
	test_must_fail awm import --env remote golang-migrate gm 2>err &&
	test_grep "environment .remote. is not a SQLite database" err &&
	sqlite3 x.db "PRAGMA user_version = 1" &&
	test_expect_code 2 awm import --env remote --db x.db golang-migrate gm 2>err &&
	test_grep ".x.db. is not the database of environment .remote. (appwrite://x)" err &&
	test_must_fail awm import --env "bad..name" --db x.db golang-migrate gm 2>err &&
	test_must_fail awm import --env dev golang-migrate gm 2>err &&
	test_grep "the database .*db/dev.db. does not exist" err &&
	nothing_imported
'

test_done
