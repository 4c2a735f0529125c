#!/bin/sh
# awm diff: the migrations between two commits and the schema diff.
. "$(dirname "$0")/test-lib.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-awm.sh"

test_expect_success 'setup: main and a topic branch' '
	new_repo . &&
	write_migration 1_users "CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT);" &&
	awm commit >/dev/null &&
	awm branch topic &&
	write_migration 2_email "ALTER TABLE users ADD COLUMN email TEXT;" &&
	write_migration 3_index "CREATE INDEX users_email ON users(email);" &&
	awm commit >/dev/null &&
	awm switch topic >/dev/null &&
	mkdir keep && mv migrations/2_email.sql migrations/3_index.sql keep/ &&
	write_migration 2_posts "CREATE TABLE posts(id INTEGER PRIMARY KEY);" &&
	awm commit >/dev/null &&
	awm switch main >/dev/null
'

test_expect_success 'diff <from> lists the migrations up to HEAD and the schema diff' '
	awm diff HEAD~2 >out &&
	sed -n "/^Migrations:/,/^\$/p" out >list &&
	test_line_count = 4 list &&
	test_grep "^    $(awm rev-parse --short HEAD) index$" list &&
	test_grep "^    $(awm rev-parse --short HEAD~1) email$" list &&
	sed -n "/^Schema:/,/^\$/p" out >schema &&
	cat >expect <<-\EOF &&
	Schema:
	    ALTER TABLE users ADD COLUMN email TEXT;
	    CREATE INDEX users_email ON users(email);

	EOF
	test_cmp expect schema &&
	awm diff --schema-text HEAD~2 >out &&
	sed -n "/^Schema:/,/^\$/p" out | sed "/^\$/d" >schema &&
	cat >expect <<-\EOF &&
	Schema:
	--- a/schema.sql
	+++ b/schema.sql
	@@ -1 +1,2 @@
	-CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT);
	+CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT, email TEXT);
	+CREATE INDEX users_email ON users(email);
	EOF
	test_cmp expect schema
'

test_expect_success 'A..B and "A B" are the same' '
	awm diff HEAD~2..HEAD >a &&
	awm diff HEAD~2 HEAD >b &&
	awm diff HEAD~2 >c &&
	test_cmp a b &&
	test_cmp a c
'

test_expect_success 'between branches: only what <to> has' '
	awm diff main topic >out &&
	test_grep " posts$" out &&
	! grep -q " email$" out &&
	test_grep "^    CREATE TABLE posts(id INTEGER PRIMARY KEY);$" out &&
	test_grep "^    DROP INDEX users_email;$" out &&
	test_grep "^    ALTER TABLE users DROP COLUMN email;$" out &&
	awm diff --schema-text main topic >out &&
	test_grep "^+CREATE TABLE posts(id INTEGER PRIMARY KEY);$" out &&
	test_grep "^-CREATE INDEX users_email ON users(email);$" out
'

test_expect_success 'diff backwards lists nothing but reverses the schema' '
	awm diff HEAD HEAD~1 >out &&
	test_grep "^No migrations between them.$" out &&
	test_grep "^    DROP INDEX users_email;$" out &&
	awm diff --schema-text HEAD HEAD~1 >out &&
	test_grep "^-CREATE INDEX users_email ON users(email);$" out
'

test_expect_success 'the same commit: nothing' '
	awm diff HEAD HEAD >out &&
	test_grep "^No migrations between them.$" out &&
	test_grep "^Schema: unchanged$" out
'

test_expect_success '--stat lists the migrations only' '
	awm diff --stat HEAD~2 >out &&
	test_grep "Migrations:" out &&
	! grep -q "Schema" out
'

test_expect_success 'bad usage' '
	test_expect_code 2 awm diff 2>err &&
	test_grep "usage: awm diff" err &&
	test_expect_code 2 awm diff a b c 2>err &&
	test_expect_code 1 awm diff nonesuch 2>err &&
	test_grep "unknown revision" err
'

test_done
