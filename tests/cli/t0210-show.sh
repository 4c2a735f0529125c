#!/bin/sh
# awm show: header, up/down SQL, schema diff, data effect.
. "$(dirname "$0")/test-lib.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-awm.sh"

test_expect_success 'setup: two migrations' '
	new_repo . &&
	write_migration 1_users "CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT);
INSERT INTO users(name) VALUES ('\''ada'\''), ('\''grace'\''), ('\''x'\'');" \
		"DROP TABLE users;" &&
	awm commit >/dev/null &&
	write_migration 2_email "ALTER TABLE users ADD COLUMN email TEXT;
UPDATE users SET email = name || '\''@example.com'\'' WHERE id < 3;
DELETE FROM users WHERE id = 3;
CREATE INDEX users_email ON users(email);" &&
	awm commit >/dev/null
'

test_expect_success 'show prints the header and message' '
	awm show >out &&
	test_grep "^commit $(awm rev-parse HEAD) (HEAD -> main)$" out &&
	test_grep "^Migration: migrations/2_email.sql$" out &&
	test_grep "^Author: A U Thor <author@example.com>$" out &&
	test_grep "^    email$" out
'

test_expect_success 'show prints the up SQL, and says when there is no down' '
	sed -n "/^Up:/,/^Down:/p" out >up &&
	test_grep "^    ALTER TABLE users ADD COLUMN email TEXT;$" up &&
	test_grep "^    CREATE INDEX users_email ON users(email);$" up &&
	test_grep "^Down: none; it changes the schema, so a rollback is refused$" out
'

test_expect_success 'without a down, show says whether a rollback can undo it' '
	new_repo ../downless && (
		cd ../downless &&
		write_migration 1_t "CREATE TABLE t(id INTEGER PRIMARY KEY);" &&
		write_migration 2_rows "INSERT INTO t VALUES (1);" &&
		awm commit -q &&
		awm show HEAD >rows && awm show HEAD~1 >root &&
		test_grep "^Down: none; a rollback inverts the data changes$" rows &&
		test_grep "^Down: none; it changes the schema, so a rollback is refused$" root &&
		awm apply --env dev >/dev/null &&
		awm rollback --env dev >/dev/null &&
		test_must_fail awm rollback --env dev 2>err && test_grep "changes the schema" err
	)
'

test_expect_success 'show prints the down SQL when there is one' '
	awm show HEAD~1 >out1 &&
	sed -n "/^Down:/,/^Schema/p" out1 >down &&
	test_grep "^    DROP TABLE users;$" down
'

test_expect_success 'the schema change reads as the statements that make it' '
	sed -n "/^Schema:/,/^Data:/p" out >schema &&
	cat >expect <<-\EOF &&
	Schema:
	    ALTER TABLE users ADD COLUMN email TEXT;
	    CREATE INDEX users_email ON users(email);

	Data:
	EOF
	test_cmp expect schema
'

test_expect_success '--schema-text: a unified diff of the canonical schema' '
	awm show --schema-text >outt &&
	sed -n "/^Schema:/,/^Data:/p" outt >schema &&
	cat >expect <<-\EOF &&
	Schema:
	--- a/schema.sql
	+++ b/schema.sql
	@@ -1 +1,2 @@
	-CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT);
	+CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT, email TEXT);
	+CREATE INDEX users_email ON users(email);

	Data:
	EOF
	test_cmp expect schema
'

test_expect_success 'the first commit diffs against an empty schema' '
	awm show --schema-text HEAD~1 >outt1 &&
	sed -n "/^Schema:/,/^Data:/p" outt1 >schema1 &&
	test_grep "^@@ -0,0 +1 @@$" schema1 &&
	test_grep "^+CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT);$" schema1
'

test_expect_success 'the data effect: counts per table and the rows' '
	sed -n "/^Data:/,\$p" out >data &&
	cat >expect <<-\EOF &&
	Data:
	    users: 0 inserted, 2 updated, 1 deleted
	        | id | name | email
	      ~ | 1  |      | NULL -> '\''ada@example.com'\''
	      ~ | 2  |      | NULL -> '\''grace@example.com'\''
	      - | 3  | '\''x'\''  | NULL
	EOF
	test_cmp expect data &&
	sed -n "/^Data:/,\$p" out1 >data1 &&
	test_grep "users: 3 inserted, 0 updated, 0 deleted" data1 &&
	test_grep "+ | 1  | '\''ada'\''" data1
'

test_expect_success '--rows limits the rows shown per table' '
	awm show --rows 1 >out &&
	test_grep "~ | 1 " out &&
	! grep -q "~ | 2 " out &&
	test_grep "\.\.\. 2 more" out &&
	awm show --rows 0 >out &&
	test_grep "users: 0 inserted, 2 updated, 1 deleted" out &&
	! grep -q "| 1 " out
'

test_expect_success 'a migration that changes no rows says so' '
	write_migration 3_index "CREATE INDEX users_name ON users(name);" &&
	awm commit >/dev/null &&
	awm show >out &&
	test_grep "^Data: no rows changed$" out
'

test_expect_success 'an unchanged schema says so' '
	write_migration 4_rows "UPDATE users SET name = upper(name);" &&
	awm commit >/dev/null &&
	awm show >out &&
	test_grep "^Schema: unchanged$" out
'

test_expect_success 'show --format=json holds the same' '
	awm show --format=json HEAD~2 >show.json &&
	python3 - show.json "$(awm rev-parse HEAD~2)" <<-\EOF
	import json, sys
	j = json.load(open(sys.argv[1]))
	assert j["id"] == sys.argv[2]
	assert j["migration"] == "migrations/2_email.sql"
	assert j["up_sql"].startswith("ALTER TABLE users ADD COLUMN email TEXT;\n")
	assert j["down_sql"] is None and j["down"] is None
	assert "+CREATE INDEX users_email ON users(email);" in j["schema_diff"]
	d = j["data"]
	assert [(t["table"], t["inserts"], t["updates"], t["deletes"]) for t in d] == \
	       [("users", 0, 2, 1)], d
	assert d[0]["rows"] == ["~ id=1 email: NULL -> '"'"'ada@example.com'"'"'",
	                        "~ id=2 email: NULL -> '"'"'grace@example.com'"'"'",
	                        "- id=3 name='"'"'x'"'"' email=NULL"], d
	EOF
'

test_expect_success 'show takes any revision, and refuses junk' '
	awm show "$(awm rev-parse --short HEAD~3)" >out &&
	test_grep "^Migration: migrations/1_users.sql$" out &&
	test_expect_code 1 awm show nonesuch 2>err &&
	test_grep "unknown revision" err &&
	test_expect_code 2 awm show HEAD HEAD~1 2>err &&
	test_expect_code 2 awm show --rows=-1 2>err &&
	test_expect_code 2 awm show --format=yaml 2>err
'

test_expect_success 'show of a non-commit object is refused' '
	up=$(awm cat-object -p HEAD | sed -n "s/^up //p") &&
	test_expect_code 1 awm show "$up" 2>err &&
	test_grep "is a blob, not a commit" err
'

test_expect_success 'show names the tables without a primary key whose rows changed' '
	new_repo ../nopk && (
		cd ../nopk &&
		write_migration 1_nopk "CREATE TABLE nopk(a, b); INSERT INTO nopk VALUES (5, 6), (7, 8);" \
			"DROP TABLE nopk;" &&
		write_migration 2_keyed "CREATE TABLE k(id INTEGER PRIMARY KEY); INSERT INTO k VALUES (1);
INSERT INTO nopk VALUES (9, 10);" "DROP TABLE k; DELETE FROM nopk WHERE a = 9;" &&
		write_migration 3_quiet "CREATE TABLE other(x);" "DROP TABLE other;" &&
		awm commit -q &&
		awm show HEAD~2 >root &&
		sed -n "/^Data:/,\$p" root >data &&
		test_grep "^Data:$" data &&
		test_grep "^    nopk: rows not tracked (no primary key)$" data &&
		rm -rf .awm/cache &&
		awm show HEAD~1 >mid &&
		sed -n "/^Data:/,\$p" mid >data &&
		test_grep "^    k: 1 inserted, 0 updated, 0 deleted$" data &&
		test_grep "^    nopk: rows not tracked (no primary key)$" data &&
		awm show HEAD >quiet &&
		test_grep "^Data: no rows changed$" quiet &&
		! grep "not tracked" quiet &&
		awm show --format=json HEAD~1 >mid.json &&
		python3 -c "import json, sys; v = json.load(open(sys.argv[1])); sys.exit(v[\"untracked\"] != [\"nopk\"] or [t[\"table\"] for t in v[\"data\"]] != [\"k\"])" mid.json &&
		awm show --format=json HEAD >quiet.json &&
		python3 -c "import json, sys; sys.exit(json.load(open(sys.argv[1]))[\"untracked\"] != [])" quiet.json
	)
'

test_done
