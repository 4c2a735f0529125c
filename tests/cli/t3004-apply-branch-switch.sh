#!/bin/sh
# apply --to a commit on another branch: down to the merge base, up the
# other branch; the result equals that branch built directly.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-env.sh"

test_expect_success 'setup: a base, and two branches that both change users' '
	awm init >/dev/null &&
	write_migration 1_users "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);
INSERT INTO users (name) VALUES ('"'ada'"'), ('"'grace'"'), ('"'linus'"');" "DROP TABLE users;" &&
	write_migration 2_upper "UPDATE users SET name = upper(name);" &&
	awm commit -q &&
	awm switch -c feature >/dev/null &&
	write_migration 3_feature_age "ALTER TABLE users ADD COLUMN age INTEGER DEFAULT 0;
UPDATE users SET age = id * 10;" "ALTER TABLE users DROP COLUMN age;" &&
	write_migration 4_feature_rename "UPDATE users SET name = name || '"'-f'"';" &&
	awm commit -q &&
	mkdir feature && mv migrations/3_* migrations/4_* feature/ &&
	awm switch main >/dev/null &&
	write_migration 3_main_email "ALTER TABLE users ADD COLUMN email TEXT;
UPDATE users SET email = lower(name) || '"'@x'"';" "ALTER TABLE users DROP COLUMN email;" &&
	write_migration 4_main_drop "DELETE FROM users WHERE name = '"'GRACE'"';" &&
	write_migration 5_main_index "CREATE INDEX users_email ON users (email);" \
		"DROP INDEX users_email;" &&
	awm commit -q &&
	build_direct main.db migrations/*.sql && db_dump main.db >main.dump &&
	build_direct feature.db migrations/1_* migrations/2_* feature/*.sql &&
	db_dump feature.db >feature.dump &&
	! test_cmp main.dump feature.dump >/dev/null
'

test_expect_success 'apply main' '
	awm apply --to main >/dev/null &&
	db_dump db/dev.db >actual && test_cmp main.dump actual
'

test_expect_success 'plan to the other branch goes down to the merge base, then up' '
	awm plan --to feature >out &&
	test_grep "down to $(awm rev-parse --short main~3) upper, then up 2" out &&
	grep "^\(up\|down\)" out | cut -c1-15 >steps &&
	{
		echo "down $(awm rev-parse --short main)" &&
		echo "down $(awm rev-parse --short main~1)" &&
		echo "down $(awm rev-parse --short main~2)" &&
		echo "up   $(awm rev-parse --short feature~1)" &&
		echo "up   $(awm rev-parse --short feature)"
	} >expect &&
	test_cmp expect steps
'

test_expect_success 'apply --to feature equals the feature branch built directly' '
	awm apply --to feature >out &&
	test_grep "is now at $(awm rev-parse --short feature)" out &&
	db_dump db/dev.db >actual && test_cmp feature.dump actual
'

test_expect_success 'and back to main' '
	awm apply --to main >/dev/null &&
	db_dump db/dev.db >actual && test_cmp main.dump actual &&
	state db/dev.db "SELECT status, count(*) FROM awm_state GROUP BY 1 ORDER BY 1" >st &&
	printf "applied|5\nrolled_back|5\n" >expect && test_cmp expect st
'

test_expect_success 'an environment ref moved to another branch is followed the same way' '
	awm env set dev feature &&
	awm status --env dev >out &&
	test_grep "Extra.*(3)" out && test_grep "Pending.*(2)" out &&
	awm apply >/dev/null &&
	db_dump db/dev.db >actual && test_cmp feature.dump actual
'

test_done
