#!/bin/sh
# awm apply, plan, history and status --env on a SQLite environment.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-env.sh"

test_expect_success 'setup: three migrations' '
	awm init >/dev/null &&
	write_migration 1_users "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);
INSERT INTO users (name) VALUES ('"'ada'"'), ('"'grace'"');" "DROP TABLE users;" &&
	write_migration 2_upper "UPDATE users SET name = upper(name);" &&
	write_migration 3_email "ALTER TABLE users ADD COLUMN email TEXT;
CREATE INDEX users_email ON users (email);" "DROP INDEX users_email;
ALTER TABLE users DROP COLUMN email;" &&
	awm commit -q
'

test_expect_success 'plan prints every step and changes nothing' '
	awm plan >out &&
	test_grep "Plan for .dev. (sqlite:db/dev.db): 3 steps" out &&
	test_grep "applied: nothing" out &&
	test_grep "^up   $(awm rev-parse --short HEAD~2) *users" out &&
	test_grep "^up   $(awm rev-parse --short HEAD) *email" out &&
	test_grep "ALTER TABLE users ADD COLUMN email TEXT;" out &&
	test ! -e db &&
	awm apply --dry-run >out2 && test_cmp out out2 && test ! -e db
'

test_expect_success 'apply runs every migration, one history row each' '
	awm apply >out &&
	test_grep "^up   $(awm rev-parse --short HEAD~2)" out &&
	test_grep "is now at $(awm rev-parse --short HEAD)" out &&
	test "$(applied_count db/dev.db)" = 3 &&
	state db/dev.db "SELECT name FROM users ORDER BY id" >names &&
	printf "ADA\nGRACE\n" >expect && test_cmp expect names &&
	state db/dev.db "SELECT record_id FROM awm_state ORDER BY id" >ids &&
	awm log --format=json | python3 -c "import json,sys; [print(c[\"id\"]) for c in reversed(json.load(sys.stdin))]" >want &&
	test_cmp want ids
'

test_expect_success 'the database equals one built directly from the scripts' '
	build_direct direct.db migrations/1_users.sql migrations/2_upper.sql migrations/3_email.sql &&
	db_dump direct.db >expect && db_dump db/dev.db >actual &&
	test_cmp expect actual && test -s actual
'

test_expect_success 'history rows carry the payload: op, commit, checksum, changes' '
	state db/dev.db "SELECT json_extract(payload, \"\$.op\"), json_extract(payload, \"\$.kind\"),
		json_extract(payload, \"\$.changes.tables[0].updates\") FROM awm_state WHERE id = 2" >row &&
	echo "apply|sql|2" >expect && test_cmp expect row &&
	state db/dev.db "SELECT count(*) FROM awm_state WHERE length(json_extract(payload, \"\$.checksum\")) = 32
		AND created_at LIKE \"____-__-__T__:__:__.___Z\"" >n &&
	echo 3 >expect && test_cmp expect n &&
	awm history >out &&
	test_grep "applied .*users" out && test_grep "by .*@.*:[0-9]" out &&
	awm history --format=json >h.json &&
	python3 -c "import json; h = json.load(open(\"h.json\")); assert [r[\"status\"] for r in h] == [\"applied\"] * 3; assert h[2][\"payload\"][\"checksum\"]"
'

test_expect_success 'a second apply has nothing to do' '
	awm apply >out &&
	test_grep "is up to date at $(awm rev-parse --short HEAD)" out &&
	test "$(state db/dev.db "SELECT count(*) FROM awm_state")" = 3
'

test_expect_success 'the lock is released after the run' '
	test "$(state db/dev.db "SELECT count(*) FROM awm_locks")" = 0
'

test_expect_success 'status --env shows heads, pending, drift and the lock' '
	awm env set dev HEAD~1 &&
	awm status --env dev >out &&
	test_grep "^On branch main" out &&
	test_grep "Environment .dev." out &&
	test_grep "applied:  $(awm rev-parse --short HEAD) email" out &&
	test_grep "env ref:  $(awm rev-parse --short HEAD~1) upper" out &&
	test_grep "HEAD:     $(awm rev-parse --short HEAD)" out &&
	test_grep "Extra.*(1)" out &&
	test_grep "down $(awm rev-parse --short HEAD) *email" out &&
	test_grep "drift: none" out &&
	test_grep "lock: free" out
'

test_expect_success 'apply goes to the environment ref, which may be behind' '
	awm apply >out &&
	test_grep "^down $(awm rev-parse --short HEAD)" out &&
	test "$(applied_count db/dev.db)" = 2 &&
	state db/dev.db "SELECT status FROM awm_state ORDER BY id" >st &&
	printf "applied\napplied\nrolled_back\n" >expect && test_cmp expect st
'

test_expect_success 'apply --to overrides the ref, and status says pending' '
	awm status --env dev >out &&
	test_grep "Up to date" out &&
	awm apply --to HEAD >out &&
	test_grep "^up   $(awm rev-parse --short HEAD)" out &&
	awm env set dev HEAD && awm status --env dev >out && test_grep "Up to date" out &&
	db_dump db/dev.db >actual && db_dump direct.db >expect && test_cmp expect actual
'

test_expect_success 'status --env on an environment never applied creates nothing' '
	awm env add qa sqlite:db/qa.db &&
	awm status --env qa >out &&
	test_grep "applied:  nothing" out &&
	test_grep "Pending (apply applies them) (3)" out &&
	test ! -e db/qa.db &&
	awm history --env qa >out && test_grep "no history" out && test ! -e db/qa.db
'

test_expect_success 'an unknown environment or revision is a clear error' '
	test_expect_code 1 awm apply --env nosuch 2>err &&
	test_grep "no environment .nosuch." err &&
	test_expect_code 1 awm apply --env dev --to nosuchrev 2>err &&
	test_grep "nosuchrev" err &&
	test_expect_code 2 awm apply extra 2>err &&
	test_expect_code 2 awm apply --bogus 2>err
'

test_expect_success 'every new command has --help' '
	for c in apply rollback plan env promote history lock unlock reset; do
		awm $c --help >out && test_grep "^usage: awm $c" out || return 1
	done
'

test_done
