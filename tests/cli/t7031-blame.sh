#!/bin/sh
# awm blame <table>: for each column, constraint, index and trigger, the
# commit that last defined it.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup' '
	new_repo . &&
	write_migration 1_users "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, org INT,
  UNIQUE (name, org));" &&
	write_migration 2_email "ALTER TABLE users ADD COLUMN email TEXT;
CREATE INDEX users_email ON users (email);" &&
	write_migration 3_rows "INSERT INTO users (name) VALUES ('\''ada'\'');" &&
	write_migration 4_rename "ALTER TABLE users RENAME COLUMN name TO full_name;" &&
	write_migration 5_index "DROP INDEX users_email;
CREATE UNIQUE INDEX users_email ON users (email);
CREATE TRIGGER users_audit AFTER DELETE ON users BEGIN SELECT 1; END;" &&
	awm commit -q
'

test_expect_success 'each part names the commit that last defined it' '
	awm blame users >out &&
	sed "s/ (A U Thor 2023-11-14)//" out >got &&
	cat >want <<-EOF &&
	$(awm rev-parse --short HEAD~4) column     id                     INTEGER PRIMARY KEY
	$(awm rev-parse --short HEAD~1) column     full_name              TEXT
	$(awm rev-parse --short HEAD~4) column     org                    INT
	$(awm rev-parse --short HEAD~3) column     email                  TEXT
	$(awm rev-parse --short HEAD~1) constraint UNIQUE(full_name, org)
	$(awm rev-parse --short HEAD) index      users_email            CREATE UNIQUE INDEX users_email ON users(email)
	$(awm rev-parse --short HEAD) trigger    users_audit            CREATE TRIGGER users_audit AFTER DELETE ON users BEGIN SELECT 1; END
	EOF
	test_cmp want got
'

test_expect_success 'blame at an older revision' '
	awm blame HEAD~2 users >out &&
	test_grep "^$(awm rev-parse --short HEAD~3) (A U Thor 2023-11-14) index .*users_email .*CREATE INDEX users_email ON users(email)$" out &&
	test_grep "column .*name .*TEXT" out && test_must_fail test_grep trigger out
'

test_expect_success 'a merge: blame follows the parent that already had it' '
	awm branch side HEAD~1 && awm switch side >/dev/null &&
	write_migration 6_side "ALTER TABLE users ADD COLUMN nick TEXT;" && awm commit -q &&
	side=$(awm rev-parse HEAD) && awm switch main >/dev/null &&
	mkdir -p keep && mv migrations/6_side.sql keep/ &&
	write_migration 6_main "CREATE TABLE t (id INTEGER PRIMARY KEY);" && awm commit -q &&
	awm blame side users >out &&
	test_grep "^$(awm rev-parse --short $side) .* column .*nick .*TEXT$" out
'

test_expect_success '--format=json' '
	awm blame --format=json users >b.json &&
	python3 - "$(awm rev-parse HEAD~2)" <<-\EOF
	import json, sys
	b = json.load(open("b.json"))
	assert [(l["kind"], l["name"]) for l in b][:2] == [("column", "id"), ("column", "full_name")], b
	fn = b[1]
	assert fn["definition"] == "TEXT" and fn["commit"] == sys.argv[1] and fn["subject"] == "rename", fn
	assert fn["author"]["name"] == "A U Thor"
	EOF
'

test_expect_success 'a table that does not exist, and bad usage' '
	test_must_fail awm blame nosuch 2>err &&
	test_grep "there is no table .nosuch. at [0-9a-f]\{10\}; .awm log -- nosuch. shows" err &&
	test_expect_code 2 awm blame &&
	test_expect_code 2 awm blame a b c &&
	test_expect_code 1 awm blame nonesuch users
'

test_done
