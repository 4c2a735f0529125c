#!/bin/sh
# awm log -- <table>[.<column>]: the migrations that touched a table or a
# column, through their schema and their rows; with --graph, lanes joined
# across the commits left out.
. "$(dirname "$0")/test-lib.sh"

subjects() {
	awm log --oneline --no-decorate "$@" | sed "s/^[0-9a-f]\{10\} //"
}

test_expect_success 'setup' '
	new_repo . &&
	write_migration 1_users "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);" &&
	write_migration 2_posts "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INT, body TEXT);" &&
	write_migration 3_email "ALTER TABLE users ADD COLUMN email TEXT;" &&
	write_migration 4_seed "INSERT INTO users (id, name) VALUES (1, '\''ada'\'');" &&
	write_migration 5_email_index "CREATE INDEX users_email ON users (email);" &&
	write_migration 6_fill "UPDATE users SET email = '\''ada@example.com'\'';" &&
	write_migration 7_post "INSERT INTO posts (user_id, body) VALUES (1, '\''hi'\'');" &&
	write_migration 8_rename "ALTER TABLE users RENAME COLUMN name TO full_name;" &&
	write_migration 9_trigger "CREATE TRIGGER posts_clean AFTER DELETE ON users
BEGIN DELETE FROM posts WHERE user_id = old.id; END;" &&
	awm commit -q
'

test_expect_success 'a table: its definition, indexes, triggers and rows' '
	subjects -- users >got && cat >want <<-\EOF && test_cmp want got
	trigger
	rename
	fill
	email index
	seed
	email
	users
	EOF
	subjects -- posts >got && printf "%s\n" post posts >want && test_cmp want got
'

test_expect_success 'a column: its definition, indexes naming it, rows with a value in it' '
	subjects -- users.email >got && printf "%s\n" fill "email index" email >want &&
	test_cmp want got &&
	subjects -- users.name >got && printf "%s\n" rename seed users >want && test_cmp want got &&
	subjects -- users.full_name >got && printf "%s\n" rename >want && test_cmp want got &&
	subjects -- posts.user_id >got && printf "%s\n" post posts >want &&
	test_cmp want got
'

test_expect_success 'names compare as SQLite compares them; several filters add up' '
	subjects -- USERS.EMAIL >got && printf "%s\n" fill "email index" email >want &&
	test_cmp want got &&
	subjects -- users.email posts.body >got &&
	printf "%s\n" post fill "email index" email posts >want && test_cmp want got
'

test_expect_success 'with a revision range, -n and --format=json' '
	subjects HEAD~5..HEAD -- users >got && printf "%s\n" trigger rename fill "email index" >want &&
	test_cmp want got &&
	subjects -n 1 -- users >got && echo trigger >want && test_cmp want got &&
	awm log --format=json -- posts >p.json &&
	python3 -c "import json; print(\" \".join(c[\"subject\"] for c in json.load(open(\"p.json\"))))" >got &&
	echo "post posts" >want && test_cmp want got
'

test_expect_success 'a table nobody touched shows nothing' '
	awm log --oneline -- nosuch >got && test_line_count = 0 got
'

test_expect_success 'bad filters are usage errors' '
	test_expect_code 2 awm log -- users. 2>err && test_grep "is not <table> or <table>.<column>" err &&
	test_expect_code 2 awm log -- .x
'

test_expect_success '--graph joins the lanes across the commits left out' '
	awm branch side HEAD~3 && awm switch side >/dev/null &&
	mkdir -p ../keep && mv migrations/8_rename.sql migrations/9_trigger.sql ../keep/ &&
	write_migration 10_side "INSERT INTO users (id, name) VALUES (2, '\''bob'\'');" &&
	awm commit -q &&
	write_migration 11_other "CREATE TABLE other (id INTEGER PRIMARY KEY);" && awm commit -q &&
	awm switch main >/dev/null &&
	awm log --graph --oneline --no-decorate main side -- users >out &&
	sed "s/[0-9a-f]\{10\} //" out >got && cat >want <<-\EOF && test_cmp want got
	* side
	| * trigger
	| * rename
	|/
	* fill
	* email index
	* seed
	* email
	* users
	EOF
	awm log --graph --oneline --no-decorate main side -- other >out &&
	sed "s/[0-9a-f]\{10\} //" out >got && echo "* other" >want && test_cmp want got
'

test_done
