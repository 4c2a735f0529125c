#!/bin/sh
# awm show / awm diff for reviewers: the schema change as CREATE, ALTER and
# DROP statements, the data change as a table of before and after values,
# colour on a terminal, and the same in JSON.
. "$(dirname "$0")/test-lib.sh"

# One migration per schema change a reviewer meets.
test_expect_success 'setup' '
	new_repo . &&
	write_migration 01_users "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, age INT);
CREATE INDEX users_name ON users (name);
CREATE VIEW adults AS SELECT name FROM users WHERE age >= 18;
INSERT INTO users VALUES (1, '\''ada'\'', 36), (2, '\''bob'\'', 12), (3, '\''cy'\'', 40);" &&
	write_migration 02_email "ALTER TABLE users ADD COLUMN email TEXT;
UPDATE users SET email = name || '\''@example.com'\'' WHERE id < 3;
DELETE FROM users WHERE id = 3;
INSERT INTO users (id, name, age) VALUES (4, '\''dan'\'', 1);" &&
	write_migration 03_rename "ALTER TABLE users RENAME COLUMN name TO full_name;" &&
	write_migration 04_drop "DROP VIEW adults;
ALTER TABLE users DROP COLUMN age;
CREATE TABLE posts (id INTEGER PRIMARY KEY, body TEXT NOT NULL, raw BLOB, score REAL);
INSERT INTO posts VALUES (1, '\''hi'\'', X'\''00ff'\'', 1.5), (2, '\''its'\'', NULL, NULL);" &&
	write_migration 05_retype "CREATE TABLE posts2 (id INTEGER PRIMARY KEY, body TEXT, raw BLOB, score REAL);
DROP TABLE posts;
ALTER TABLE posts2 RENAME TO posts;
CREATE INDEX posts_body ON posts (body);
CREATE TRIGGER users_touch AFTER UPDATE ON users BEGIN SELECT 1; END;" &&
	write_migration 06_tables "ALTER TABLE posts RENAME TO articles;
CREATE TABLE tags (id INTEGER PRIMARY KEY);
DROP TRIGGER users_touch;" &&
	write_migration 07_gone "DROP TABLE tags;
DROP INDEX users_name;
CREATE INDEX users_name ON users (full_name COLLATE NOCASE);" &&
	awm commit -q
'

schema_of() {
	awm show "$1" >show.out && sed -n "/^Schema:/,/^Data:/p" show.out | sed "1d;\$d" >"$2"
}

test_expect_success 'a new table, index and view are CREATE statements' '
	schema_of HEAD~6 got && cat >want <<-\EOF && test_cmp want got
	    CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT, age INT);
	    CREATE INDEX users_name ON users(name);
	    CREATE VIEW adults AS SELECT name FROM users WHERE age >= 18;

	EOF
'

test_expect_success 'an added column is ALTER TABLE ADD COLUMN' '
	schema_of HEAD~5 got && printf "    ALTER TABLE users ADD COLUMN email TEXT;\n\n" >want &&
	test_cmp want got
'

test_expect_success 'a renamed column is RENAME COLUMN; its index and view follow' '
	schema_of HEAD~4 got &&
	printf "    ALTER TABLE users RENAME COLUMN name TO full_name;\n\n" >want &&
	test_cmp want got
'

test_expect_success 'a dropped column and view, and a new table' '
	schema_of HEAD~3 got && cat >want <<-\EOF && test_cmp want got
	    DROP VIEW adults;
	    CREATE TABLE posts(id INTEGER PRIMARY KEY, body TEXT NOT NULL, raw BLOB, score REAL);
	    ALTER TABLE users DROP COLUMN age;

	EOF
'

test_expect_success 'what ALTER TABLE cannot say is a rebuild, with why and the old definition' '
	schema_of HEAD~2 got && cat >want <<-\EOF && test_cmp want got
	    -- table '\''posts'\'' is rebuilt: column '\''body'\'' changes from '\''TEXT NOT NULL'\'' to '\''TEXT'\''; it was:
	    -- CREATE TABLE posts(id INTEGER PRIMARY KEY, body TEXT NOT NULL, raw BLOB, score REAL);
	    CREATE TABLE posts(id INTEGER PRIMARY KEY, body TEXT, raw BLOB, score REAL);
	    CREATE INDEX posts_body ON posts(body);
	    CREATE TRIGGER users_touch AFTER UPDATE ON users BEGIN SELECT 1; END;

	EOF
'

test_expect_success 'a renamed table is RENAME TO; a dropped trigger DROP TRIGGER' '
	schema_of HEAD~1 got && cat >want <<-\EOF && test_cmp want got
	    DROP TRIGGER users_touch;
	    ALTER TABLE posts RENAME TO articles;
	    CREATE TABLE tags(id INTEGER PRIMARY KEY);

	EOF
'

test_expect_success 'a changed index is dropped and created; a dropped table is DROP TABLE' '
	schema_of HEAD got && cat >want <<-\EOF && test_cmp want got
	    DROP INDEX users_name;
	    DROP TABLE tags;
	    CREATE INDEX users_name ON users(full_name COLLATE NOCASE);

	EOF
'

test_expect_success 'the statements, run on the old schema, give the new one' '
	for n in 6 5 4 3 1 0; do
		rm -f a.db b.db &&
		awm cat-object -p $(awm cat-object -p HEAD~$((n + 1)) 2>/dev/null | sed -n "s/^schema //p") 2>/dev/null |
			sed 1,2d | cut -f4 | sed "s/\$/;/" >old.sql || true
		sqlite3 a.db <old.sql &&
		awm show --format=json HEAD~$n >s.json &&
		python3 -c "import json; [print(c[\"sql\"] + \";\") for c in json.load(open(\"s.json\"))[\"schema_changes\"]]" >stmts.sql &&
		sqlite3 -bail a.db <stmts.sql &&
		sqlite3 a.db "SELECT type, name FROM sqlite_schema WHERE name NOT LIKE \"sqlite_%\" ORDER BY 1, 2" >got &&
		awm cat-object -p $(awm cat-object -p HEAD~$n | sed -n "s/^schema //p") | sed 1,2d |
			cut -f1,2 | tr "\t" "|" | sort >want &&
		sort got >got.sorted && test_cmp want got.sorted || return 1
	done
'

test_expect_success 'the data change is a table of before and after values' '
	awm show HEAD~5 >out && sed -n "/^Data:/,\$p" out >got && cat >want <<-\EOF &&
	Data:
	    users: 1 inserted, 2 updated, 1 deleted
	        | id | name  | age | email
	      ~ | 1  |       |     | NULL -> '\''ada@example.com'\''
	      ~ | 2  |       |     | NULL -> '\''bob@example.com'\''
	      - | 3  | '\''cy'\''  | 40  | NULL
	      + | 4  | '\''dan'\'' | 1   | NULL
	EOF
	test_cmp want got
'

test_expect_success '--rows limits the rows per table' '
	awm show --rows 1 HEAD~5 >out &&
	test_grep "~ | 1" out && test_must_fail test_grep "| 2 " out &&
	test_grep "\.\.\. 3 more" out
'

test_expect_success 'show --format=json: schema_changes and typed row changes' '
	awm show --format=json HEAD~3 >s.json && awm show --format=json HEAD~2 >r.json &&
	python3 - <<-\EOF
	import json
	s = json.load(open("s.json"))
	assert [(c["op"], c["type"], c["name"]) for c in s["schema_changes"]] == [
	    ("drop", "view", "adults"), ("create", "table", "posts"),
	    ("alter", "table", "users")], s["schema_changes"]
	assert s["schema_changes"][2]["sql"] == "ALTER TABLE users DROP COLUMN age"
	assert s["schema_changes"][0]["old_sql"] is None
	posts = [t for t in s["data"] if t["table"] == "posts"][0]
	assert posts["columns"] == ["id", "body", "raw", "score"], posts
	assert posts["primary_key"] == ["id"]
	assert posts["changes"][0] == {"op": "insert", "before": None, "after":
	    {"id": 1, "body": "hi", "raw": {"blob": "00ff"}, "score": 1.5}}, posts["changes"][0]
	assert posts["changes"][1]["after"] == {"id": 2, "body": "its", "raw": None,
	    "score": None}, posts["changes"][1]
	assert posts["rows"][0] == "+ id=1 body='"'"'hi'"'"' raw=X'"'"'00ff'"'"' score=1.5", posts["rows"]
	r = json.load(open("r.json"))
	rb = r["schema_changes"][0]
	assert rb["op"] == "rebuild" and rb["name"] == "posts", rb
	assert rb["old_sql"].startswith("CREATE TABLE posts(") and "NOT NULL" in rb["note"], rb
	EOF
'

test_expect_success 'the update JSON holds the key and the changed columns' '
	awm show --format=json HEAD~5 >u.json &&
	python3 - <<-\EOF
	import json
	u = json.load(open("u.json"))["data"][0]
	assert u["changes"][0] == {"op": "update", "before": {"id": 1, "email": None},
	    "after": {"id": 1, "email": "ada@example.com"}}, u["changes"][0]
	assert u["changes"][2]["op"] == "delete" and u["changes"][2]["after"] is None
	EOF
'

test_expect_success 'diff compares the rows of two states by key' '
	awm diff HEAD~5 HEAD~4 >out && sed -n "/^Data:/,\$p" out >got && cat >want <<-\EOF &&
	Data:
	    users: 0 inserted, 0 updated, 0 deleted
	      (its columns change between the two; compared on "id", "age", "email")
	EOF
	test_cmp want got &&
	awm diff HEAD~6 HEAD~4 >out && sed -n "/^Data:/,\$p" out >got && cat >want <<-\EOF &&
	Data:
	    users: 1 inserted, 0 updated, 1 deleted
	      (its columns change between the two; compared on "id", "age")
	        | id | age
	      - | 3  | 40
	      + | 4  | 1
	EOF
	test_cmp want got
'

test_expect_success 'diff: a new table is all inserts, a dropped one all deletes' '
	awm diff HEAD~4 HEAD~3 >out &&
	test_grep "posts: 2 inserted, 0 updated, 0 deleted" out &&
	awm diff HEAD~3 HEAD~4 >out &&
	test_grep "posts: 0 inserted, 0 updated, 2 deleted" out &&
	test_grep "^      - | 1  | '\''hi'\''" out
'

test_expect_success 'diff: an unchanged state says so; --stat and --schema-text' '
	awm diff HEAD HEAD >out && test_grep "^Data: no rows differ$" out &&
	test_grep "^Schema: unchanged$" out &&
	awm diff --stat HEAD~1 >out && test_must_fail test_grep "Schema" out &&
	awm diff --schema-text HEAD~1 >out &&
	test_grep "^-CREATE TABLE tags(id INTEGER PRIMARY KEY);$" out
'

test_expect_success 'diff --format=json' '
	awm diff --format=json HEAD~2 HEAD >d.json &&
	awm diff --format=json HEAD~3 HEAD~2 >e.json &&
	python3 - "$(awm rev-parse HEAD~2)" <<-\EOF
	import json, sys
	d = json.load(open("d.json"))
	assert d["from"] == sys.argv[1]
	assert [m["subject"] for m in d["migrations"]] == ["gone", "tables"], d["migrations"]
	assert ("alter", "ALTER TABLE posts RENAME TO articles") in [(c["op"], c["sql"]) for c in d["schema_changes"]]
	assert d["data"] == [], d["data"]
	e = json.load(open("e.json"))
	assert [(t["table"], t["deletes"]) for t in e["data"]] == [("posts", 2)], e["data"]
	assert e["data"][0]["changes"][0]["before"]["raw"] == {"blob": "00ff"}
	EOF
'

test_expect_success 'show --schema-text is the unified diff of the canonical schema' '
	awm show --schema-text HEAD~5 >out &&
	test_grep "^+CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT, age INT, email TEXT);$" out
'

test_expect_success 'colour on a terminal (--color), none otherwise' '
	awm --color=always show HEAD~5 >out &&
	esc=$(printf "\033") &&
	test_grep "^    ${esc}\[33mALTER TABLE users ADD COLUMN email TEXT;${esc}\[m$" out &&
	test_grep "${esc}\[31m-" out &&
	awm show HEAD~5 >plain && test_must_fail test_grep "$esc" plain
'

test_done
