#!/bin/sh
# Merges: the target's history is applied parents first, the first
# parent's side before the merged-in side, then the merge; rolling back
# leaves the database exactly at a commit.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-env.sh"

test_expect_success 'setup: two sides of a merge, and the merge' '
	awm init >/dev/null &&
	write_migration 1_users "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);
INSERT INTO users (name) VALUES ('"'ada'"');" "DROP TABLE users;" &&
	awm commit -q &&
	mkdir keep &&
	awm switch -c a >/dev/null &&
	write_migration 2_a "CREATE TABLE a (id INTEGER PRIMARY KEY);
UPDATE users SET name = name || '"'+a'"';" "DROP TABLE a;
UPDATE users SET name = substr(name, 1, length(name) - 2);" &&
	awm commit -q && mv migrations/2_a.sql keep/ &&
	awm switch -c b main >/dev/null &&
	write_migration 2_b "CREATE TABLE b (id INTEGER PRIMARY KEY, x TEXT);
INSERT INTO b (x) VALUES ('"'bee'"');
INSERT INTO users (name) VALUES ('"'grace'"');" "DROP TABLE b;
DELETE FROM users WHERE name = '"'grace'"';" &&
	awm commit -q && mv migrations/2_b.sql keep/ &&
	# The schema with both sides, as a linear history records it.
	awm switch -c both a >/dev/null &&
	cp keep/2_b.sql migrations/3_b.sql && awm commit -q && rm migrations/3_b.sql &&
	schema=$(awm cat-object -p both | sed -n "s/^schema //p") &&
	{
		echo "parent $(awm rev-parse a)"
		echo "parent $(awm rev-parse b)"
		echo "schema $schema"
		echo "engine sqlite"
		echo "author A U Thor <author@example.com> 1700000000 +0000"
		echo "committer A U Thor <author@example.com> 1700000000 +0000"
		echo
		echo "merge b into a"
	} >merge.txt &&
	awm branch merged "$(awm hash-object -w -t commit merge.txt)" &&
	build_direct merged.db migrations/1_users.sql keep/2_a.sql keep/2_b.sql &&
	db_dump merged.db >merged.dump &&
	build_direct a.db migrations/1_users.sql keep/2_a.sql && db_dump a.db >a.dump &&
	build_direct b.db migrations/1_users.sql keep/2_b.sql && db_dump b.db >b.dump
'

test_expect_success 'the plan: first parent side, merged-in side, then the merge' '
	awm plan --to merged >out &&
	grep "^up" out | cut -c1-15 >steps &&
	{
		echo "up   $(awm rev-parse --short main)" &&
		echo "up   $(awm rev-parse --short a)" &&
		echo "up   $(awm rev-parse --short b)" &&
		echo "up   $(awm rev-parse --short merged)"
	} >expect && test_cmp expect steps
'

test_expect_success 'apply the merge: equal to both sides built directly' '
	awm apply --to merged >out &&
	test_grep "is now at $(awm rev-parse --short merged)" out &&
	db_dump db/dev.db >actual && test_cmp merged.dump actual
'

test_expect_success 'rollback --steps 1 goes back to exactly the commit before' '
	awm rollback --dry-run >out &&
	test_grep "target:  $(awm rev-parse --short b)" out &&
	awm rollback >out &&
	db_dump db/dev.db >actual && test_cmp b.dump actual &&
	test "$(applied_count db/dev.db)" = 2
'

test_expect_success 'apply the merge again, then roll back to the first side' '
	awm apply --to merged >/dev/null &&
	db_dump db/dev.db >actual && test_cmp merged.dump actual &&
	awm rollback --to a >out &&
	test "$(grep -c "^down" out)" = 2 &&
	db_dump db/dev.db >actual && test_cmp a.dump actual
'

test_expect_success 'a scratch database at the merge holds both sides, in the same order' '
	rm -rf .awm/cache &&
	awm checkout --db scratch.db merged >/dev/null &&
	db_dump scratch.db >actual && test_cmp merged.dump actual &&
	# Again, starting from a cached state of the first side.
	rm -rf .awm/cache && rm -f side.db scratch.db &&
	awm checkout --db side.db a >/dev/null &&
	awm checkout --db scratch.db merged >/dev/null &&
	db_dump scratch.db >actual && test_cmp merged.dump actual
'

test_expect_success 'a migration recorded on top of the merge sees both sides' '
	rm -rf .awm/cache &&
	awm switch -c on-merge merged >/dev/null &&
	write_migration 4_c "INSERT INTO b (x) SELECT name FROM users WHERE name = '"'"'grace'"'"';
INSERT INTO a DEFAULT VALUES;" &&
	awm commit -q && rm migrations/4_c.sql &&
	awm show on-merge >out && test_grep "grace" out &&
	awm switch main >/dev/null
'

test_expect_success 'switch to the other side: down to the merge base, up the other' '
	awm apply --to b >out &&
	grep "^\(up\|down\)" out | cut -c1-15 >steps &&
	{
		echo "down $(awm rev-parse --short a)" &&
		echo "up   $(awm rev-parse --short b)"
	} >expect && test_cmp expect steps &&
	db_dump db/dev.db >actual && test_cmp b.dump actual
'

test_done
