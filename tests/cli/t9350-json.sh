#!/bin/sh
# docs/json.md: log, show, diff and blame --format=json carry every
# documented field, in order, with its type, and text that is not UTF-8
# does not drop a field.
. "$(dirname "$0")/test-lib.sh"

# check <json file> <python expression on the parsed value `v`>
check() {
	python3 - "$1" "$2" <<-\EOF
	import json, sys
	v = json.load(open(sys.argv[1]), object_pairs_hook=lambda p: dict(p, _order=[k for k, _ in p]))
	if not eval(sys.argv[2]):
	    sys.exit("check failed: " + sys.argv[2] + "\n" + json.dumps(v, indent=1)[:2000])
	EOF
}

commit_fields='["id", "parents", "subject", "message", "migration", "engine", "author", "committer", "up", "down", "script", "changeset", "kind", "schema", "git_commit", "refs"]'

test_expect_success 'two migrations, the second changing rows' '
	new_repo repo && cd repo &&
	write_migration 1_create_users "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
INSERT INTO users (name) VALUES ('"'"'ada'"'"'), ('"'"'grace'"'"');" "DROP TABLE users;" &&
	awm commit -q &&
	write_migration 2_add_email "ALTER TABLE users ADD COLUMN email TEXT;
UPDATE users SET email = name || '"'"'@example.com'"'"';" &&
	awm commit -q
'

test_expect_success 'log --format=json: an array of commits with every field' '
	cd repo &&
	awm log --format=json >log.json &&
	check log.json "len(v) == 2" &&
	check log.json "all(c[\"_order\"] == $commit_fields for c in v)" &&
	check log.json "v[0][\"subject\"] == \"add email\" and v[0][\"message\"] == \"add email\\n\"" &&
	check log.json "v[0][\"parents\"] == [v[1][\"id\"]] and v[1][\"parents\"] == []" &&
	check log.json "v[0][\"down\"] is None and v[0][\"script\"] is None and v[0][\"git_commit\"] is None" &&
	check log.json "v[1][\"down\"] is not None and v[0][\"kind\"] == \"sql\" and v[0][\"engine\"] == \"sqlite\"" &&
	check log.json "v[0][\"refs\"] == [\"HEAD -> main\"] and v[1][\"refs\"] == []" &&
	check log.json "v[0][\"author\"][\"_order\"] == [\"name\", \"email\", \"time\", \"tz_minutes\"]" &&
	check log.json "v[0][\"author\"][\"time\"] == 1700000000 and v[0][\"author\"][\"tz_minutes\"] == 0" &&
	check log.json "v[0][\"migration\"] == \"migrations/2_add_email.sql\"" &&
	test "$(awm rev-parse HEAD)" = "$(python3 -c "import json; print(json.load(open(\"log.json\"))[0][\"id\"])")" &&
	awm log --format=json -n 0 >none.json && check none.json "v == []"
'

test_expect_success 'show --format=json: the commit, its SQL, schema diff and data' '
	cd repo &&
	awm show --format=json --rows 1 >show.json &&
	check show.json "v[\"_order\"] == $commit_fields + [\"up_sql\", \"down_sql\", \"script_text\", \"schema_diff\", \"schema_changes\", \"data\", \"untracked\"]" &&
	check show.json "v[\"script_text\"] is None and v[\"untracked\"] == []" &&
	check show.json "[c[\"_order\"] for c in v[\"schema_changes\"]] == [[\"op\", \"type\", \"name\", \"table\", \"sql\", \"old_sql\", \"note\"]]" &&
	check show.json "v[\"schema_changes\"][0][\"op\"] == \"alter\" and v[\"schema_changes\"][0][\"sql\"] == \"ALTER TABLE users ADD COLUMN email TEXT\"" &&
	check show.json "v[\"data\"][0][\"changes\"][0][\"_order\"] == [\"op\", \"before\", \"after\"]" &&
	check show.json "v[\"data\"][0][\"changes\"][0][\"op\"] == \"update\" and v[\"data\"][0][\"changes\"][0][\"after\"][\"email\"] == \"ada@example.com\"" &&
	check show.json "v[\"data\"][0][\"columns\"] == [\"id\", \"name\", \"email\"] and v[\"data\"][0][\"primary_key\"] == [\"id\"] and v[\"data\"][0][\"note\"] is None" &&
	check show.json "v[\"up_sql\"].startswith(\"ALTER TABLE users\") and v[\"down_sql\"] is None" &&
	check show.json "\"+CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT);\" in v[\"schema_diff\"]" &&
	check show.json "v[\"data\"][0][\"_order\"] == [\"table\", \"inserts\", \"updates\", \"deletes\", \"rows\", \"columns\", \"primary_key\", \"changes\", \"note\"]" &&
	check show.json "(v[\"data\"][0][\"table\"], v[\"data\"][0][\"updates\"], len(v[\"data\"][0][\"rows\"])) == (\"users\", 2, 1)" &&
	check show.json "v[\"data\"][0][\"rows\"][0] == \"~ id=1 email: NULL -> '"'"'ada@example.com'"'"'\"" &&
	awm show --format=json HEAD~1 >root.json &&
	check root.json "v[\"down_sql\"] == \"DROP TABLE users;\\n\" and v[\"data\"][0][\"inserts\"] == 2" &&
	check root.json "v[\"schema_diff\"].startswith(\"--- a/schema.sql\")"
'

test_expect_success 'the show example in docs/json.md is what show prints' '
	cd repo &&
	awm show --format=json --rows 1 HEAD >show.json &&
	python3 - "$AWM_SOURCE_DIR/docs/json.md" show.json <<-\EOF
	import sys
	doc = open(sys.argv[1]).read()
	start = doc.index("```json\n  \"up_sql\"") + len("```json\n")
	want = doc[start:doc.index("```", start)]
	got = open(sys.argv[2]).read()
	got = got[got.index("  \"up_sql\""):got.rindex("}")].rstrip() + "\n"
	if got != want:
	    sys.exit("docs/json.md shows:\n" + want + "\nshow prints:\n" + got)
	EOF
'

test_expect_success 'show --format=json of a script migration carries its text' '
	cd repo &&
	printf "import sqlite3, sys\nsqlite3.connect(sys.argv[1]).execute(\"DELETE FROM users WHERE id = 2\").connection.commit()\n" \
		>migrations/3_drop_grace.py &&
	awm commit -q &&
	awm show --format=json >script.json &&
	check script.json "v[\"kind\"] == \"script\" and v[\"script_text\"].startswith(\"import sqlite3\")" &&
	check script.json "v[\"up_sql\"] is None and v[\"data\"][0][\"changes\"][0][\"after\"] is None" &&
	check script.json "v[\"data\"][0][\"changes\"][0][\"before\"][\"name\"] == \"grace\""
'

test_expect_success 'diff --format=json: every field, also with --stat' '
	cd repo &&
	awm diff --format=json HEAD~2 >diff.json &&
	check diff.json "v[\"_order\"] == [\"from\", \"to\", \"migrations\", \"schema_diff\", \"schema_changes\", \"data\"]" &&
	check diff.json "[m[\"_order\"] for m in v[\"migrations\"]] == [[\"id\", \"subject\"]] * 2" &&
	check diff.json "[m[\"subject\"] for m in v[\"migrations\"]] == [\"drop grace\", \"add email\"]" &&
	check diff.json "v[\"schema_changes\"][0][\"op\"] == \"alter\" and v[\"data\"][0][\"deletes\"] == 1" &&
	awm diff --format=json --stat HEAD~2 >stat.json &&
	check stat.json "v[\"_order\"] == [\"from\", \"to\", \"migrations\", \"schema_diff\", \"schema_changes\", \"data\"]" &&
	check stat.json "v[\"schema_diff\"] is None and v[\"schema_changes\"] is None and v[\"data\"] is None"
'

test_expect_success 'blame --format=json: one object per line, the author a signature' '
	cd repo &&
	awm blame --format=json users >blame.json &&
	check blame.json "[b[\"_order\"] for b in v] == [[\"kind\", \"name\", \"definition\", \"commit\", \"subject\", \"author\"]] * 3" &&
	check blame.json "[(b[\"kind\"], b[\"name\"]) for b in v] == [(\"column\", \"id\"), (\"column\", \"name\"), (\"column\", \"email\")]" &&
	check blame.json "v[2][\"subject\"] == \"add email\" and v[2][\"definition\"] == \"TEXT\"" &&
	check blame.json "v[0][\"author\"][\"_order\"] == [\"name\", \"email\", \"time\", \"tz_minutes\"]"
'

test_expect_success 'text that is not UTF-8 keeps its field' '
	new_repo latin && cd latin &&
	printf "commit refs/heads/main\nauthor Ren\351 <r@example.com> 1 +0130\nmessage 5\ncaf\351\n\n" >stream &&
	awm fast-import -q <stream &&
	awm log --format=json >log.json &&
	check log.json "v[0][\"subject\"] == \"caf\\ufffd\" and v[0][\"author\"][\"name\"] == \"Ren\\ufffd\"" &&
	check log.json "v[0][\"author\"][\"tz_minutes\"] == 90" &&
	awm show --format=json >show.json && check show.json "v[\"message\"] == \"caf\\ufffd\\n\""
'

test_done
