#!/bin/sh
# Drift: a schema changed behind awm's back is detected, named per table,
# and stops apply before it touches anything, unless --accept-drift.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-env.sh"

test_expect_success 'setup: two migrations applied, a third recorded' '
	awm init >/dev/null &&
	write_migration 1_users "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE INDEX users_name ON users (name);" "DROP TABLE users;" &&
	write_migration 2_posts "CREATE TABLE posts (id INTEGER PRIMARY KEY, body TEXT);" \
		"DROP TABLE posts;" &&
	awm commit -q && awm apply >/dev/null &&
	write_migration 3_tags "CREATE TABLE tags (id INTEGER PRIMARY KEY);" "DROP TABLE tags;" &&
	awm commit -q
'

test_expect_success 'status says there is no drift' '
	awm status --env dev >out && test_grep "drift: none" out
'

test_expect_success 'an out-of-band ALTER TABLE is detected and named' '
	state db/dev.db "ALTER TABLE users ADD COLUMN nickname TEXT DEFAULT '"'x'"'" &&
	awm status --env dev >out &&
	test_grep "drift: the schema is not the one the history has at $(awm rev-parse --short HEAD~1)" out &&
	test_grep "  table .users.:" out &&
	test_grep "column .nickname. added (TEXT DEFAULT .x.)" out
'

test_expect_success 'apply refuses before touching anything' '
	db_dump db/dev.db >before &&
	test_expect_code 1 awm apply >out 2>err &&
	test_grep "drift: the schema of .sqlite:db/dev.db." err &&
	test_grep "column .nickname. added" err &&
	test_grep "accept-drift" err &&
	db_dump db/dev.db >after && test_cmp before after &&
	test "$(applied_count db/dev.db)" = 2 &&
	test "$(state db/dev.db "SELECT count(*) FROM awm_state")" = 2
'

test_expect_success 'plan shows the drift and the refusal too' '
	test_expect_code 1 awm plan >out 2>err &&
	test_grep "column .nickname. added" out
'

test_expect_success 'indexes, triggers, changed and removed columns are named' '
	cp db/dev.db drift.db &&
	state db/dev.db "DROP INDEX users_name;
		CREATE TRIGGER posts_t AFTER INSERT ON posts BEGIN SELECT 1; END;
		ALTER TABLE posts DROP COLUMN body;
		CREATE TABLE extra (x);" &&
	awm status --env dev >out &&
	test_grep "index .users_name. removed" out &&
	test_grep "table .posts.:" out &&
	test_grep "column .body. removed" out &&
	test_grep "trigger .posts_t. added" out &&
	test_grep "table .extra.:" out &&
	cp drift.db db/dev.db
'

test_expect_success '--accept-drift goes on and records the drift it accepted' '
	awm apply --accept-drift >out &&
	test_grep "is now at $(awm rev-parse --short HEAD)" out &&
	state db/dev.db "SELECT json_extract(payload, \"\$.drift[0].name\") FROM awm_state
		ORDER BY id DESC LIMIT 1" >d &&
	echo nickname >expect && test_cmp expect d
'

test_expect_success 'with nothing to apply, apply warns about drift' '
	awm apply >out 2>err &&
	test_grep "up to date" out && test_grep "warning: drift" err
'

test_expect_success 'a step whose result is not the recorded schema is undone' '
	state db/dev.db "ALTER TABLE users DROP COLUMN nickname" &&
	awm status --env dev >out && test_grep "drift: none" out &&
	# fast-import trusts its input: this commit claims the schema of its parent.
	cat >stream <<-EOF &&
	commit refs/heads/main
	author A U Thor <author@example.com> 1700000000 +0000
	up 30
	CREATE TABLE sneaky (x TEXT);
	message 7
	sneaky
	EOF
	awm fast-import <stream >/dev/null &&
	db_dump db/dev.db >before &&
	test_expect_code 1 awm apply >out 2>err &&
	test_grep "drift: after applying $(awm rev-parse --short HEAD)" err &&
	test_grep "table .sneaky." err &&
	db_dump db/dev.db >after && test_cmp before after &&
	state db/dev.db "SELECT status FROM awm_state ORDER BY id DESC LIMIT 1" >st &&
	echo failed >expect && test_cmp expect st
'

test_done
