#!/bin/sh
# awm rollback: down sections, inverted changesets, refusals, history rows.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-env.sh"

test_expect_success 'setup: five migrations, two without a down section' '
	awm init >/dev/null &&
	write_migration 1_users "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);
INSERT INTO users (name) VALUES ('"'ada'"');" "DROP TABLE users;" &&
	write_migration 2_upper "UPDATE users SET name = upper(name);" &&
	write_migration 3_tags "CREATE TABLE tags (id INTEGER PRIMARY KEY, tag TEXT);" &&
	write_migration 4_seed "INSERT INTO tags (tag) VALUES ('"'x'"'), ('"'y'"');
DELETE FROM users WHERE name = '"'GRACE'"';" &&
	write_migration 5_email "ALTER TABLE users ADD COLUMN email TEXT;" \
		"ALTER TABLE users DROP COLUMN email;" &&
	awm commit -q &&
	awm apply --to HEAD~4 >/dev/null &&
	state db/dev.db "INSERT INTO users (name) VALUES ('"'grace'"'), ('"'linus'"')" &&
	awm apply >/dev/null &&
	db_dump db/dev.db >at5
'

test_expect_success 'rollback runs the down section of the head' '
	awm rollback >out &&
	test_grep "^down $(awm rev-parse --short HEAD) *email" out &&
	test_grep "is now at $(awm rev-parse --short HEAD~1)" out &&
	state db/dev.db "SELECT status FROM awm_state ORDER BY id DESC LIMIT 1" >st &&
	echo rolled_back >expect && test_cmp expect st &&
	state db/dev.db "SELECT json_extract(payload, \"\$.rollback.method\") FROM awm_state
		ORDER BY id DESC LIMIT 1" >m && echo down >expect && test_cmp expect m
'

test_expect_success 'rollback inverts what a migration did to this database' '
	state db/dev.db "SELECT name FROM users ORDER BY id" >before &&
	printf "ADA\nLINUS\n" >expect && test_cmp expect before &&
	awm rollback >out &&
	test_grep "^down $(awm rev-parse --short HEAD~1) *seed" out &&
	state db/dev.db "SELECT name FROM users ORDER BY id" >names &&
	printf "ADA\nGRACE\nLINUS\n" >expect && test_cmp expect names &&
	test "$(state db/dev.db "SELECT count(*) FROM tags")" = 0
'

test_expect_success 'a migration without down that changed the schema is refused untouched' '
	db_dump db/dev.db >before &&
	cp db/dev.db saved.db &&
	test_expect_code 1 awm rollback 2>err &&
	test_grep "has no down section and changes the schema" err &&
	test_grep "nothing was changed" err &&
	db_dump db/dev.db >after && test_cmp before after &&
	test "$(state db/dev.db "SELECT count(*) FROM awm_state WHERE status = \"failed\"")" = 0
'

test_expect_success 'plan and dry-run show the refusal too' '
	test_expect_code 1 awm rollback --dry-run >out 2>err &&
	test_grep "cannot be rolled back" out &&
	test_grep "has no down section" err
'

test_expect_success 'a refusal further down refuses the whole rollback' '
	awm apply >/dev/null &&
	db_dump db/dev.db >before &&
	test_expect_code 1 awm rollback --steps 3 2>err &&
	test_grep "$(awm rev-parse --short HEAD~2)" err &&
	db_dump db/dev.db >after && test_cmp before after && test_cmp at5 after
'

test_expect_success 'rollback --to must name an applied commit' '
	test_expect_code 1 awm rollback --to HEAD~10 2>err &&
	test_grep "HEAD~10" err &&
	awm env add other sqlite:db/other.db &&
	awm apply --env other --to HEAD~3 >/dev/null &&
	test_expect_code 1 awm rollback --env other --to HEAD 2>err &&
	test_grep "is not applied to this database" err
'

test_expect_success 'rollback --to, --steps and --all' '
	awm rollback --env dev --to HEAD~3 --dry-run >out 2>&1 || true &&
	test_grep "cannot be rolled back" out &&
	awm rollback --env other --to HEAD~4 >out &&
	test_grep "is now at $(awm rev-parse --short HEAD~4)" out &&
	awm apply --env other --to HEAD~3 >/dev/null &&
	awm rollback --env other --steps 2 >out &&
	test_grep "now empty" out &&
	test "$(state db/other.db "SELECT count(*) FROM sqlite_schema WHERE name = \"users\"")" = 0 &&
	awm apply --env other --to HEAD~3 >/dev/null &&
	awm rollback --env other --all >out && test_grep "now empty" out &&
	awm rollback --env other >out && test_grep "up to date" out
'

test_expect_success 'rows are never deleted: re-applying adds new ones' '
	state db/other.db "SELECT status, count(*) FROM awm_state GROUP BY status ORDER BY status" >st &&
	printf "rolled_back|5\n" >expect && test_cmp expect st &&
	awm apply --env other --to HEAD~3 >/dev/null &&
	test "$(state db/other.db "SELECT count(*) FROM awm_state")" = 7
'

test_expect_success 'bad rollback usage' '
	test_expect_code 2 awm rollback --env dev --steps 0 2>err &&
	test_expect_code 2 awm rollback --env dev --steps x 2>err &&
	test_expect_code 2 awm rollback --env dev --all --steps 2 2>err &&
	test_grep "do not go together" err
'

test_done
