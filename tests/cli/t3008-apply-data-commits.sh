#!/bin/sh
# DATA commits (kind data): the changeset is the change.  apply runs the up
# SQL if any, then applies the changeset; rollback applies its inverse,
# then runs the down SQL.  Made here with hash-object, as issue-4 tools will.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-env.sh"

# data_commit <parent> <changeset file> <schema id> <message> [<up blob> <down blob>]
data_commit() {
	cs=$(awm hash-object -w -t changeset "$2") &&
	{
		echo "parent $1"
		if [ $# -ge 6 ]; then echo "up $5" && echo "down $6"; fi
		echo "changeset $cs"
		echo "schema $3"
		echo "engine sqlite"
		echo "kind data"
		echo "author A U Thor <author@example.com> 1700000000 +0000"
		echo "committer A U Thor <author@example.com> 1700000000 +0000"
		echo
		echo "$4"
	} >commit.txt &&
	awm hash-object -w -t commit commit.txt
}

schema_of() {
	awm cat-object -p "$1" | sed -n "s/^schema //p"
}

test_expect_success 'setup: a table, then two data commits' '
	awm init >/dev/null &&
	write_migration 1_items "CREATE TABLE items (id INTEGER PRIMARY KEY, v TEXT);
INSERT INTO items (v) VALUES ('"'one'"'), ('"'two'"'), ('"'three'"');" "DROP TABLE items;" &&
	awm commit -q &&
	build_direct A.db migrations/1_items.sql &&
	cp A.db B.db &&
	sqlite3 B.db "UPDATE items SET v = '"'TWO'"' WHERE id = 2; DELETE FROM items WHERE id = 3;
		INSERT INTO items VALUES (4, '"'four'"')" &&
	sqldiff --changeset cs1 A.db B.db &&
	d1=$(data_commit "$(awm rev-parse HEAD)" cs1 "$(schema_of HEAD)" "fix items") &&
	awm branch data "$d1" &&
	# The schema with a column c, taken from a project that records it.
	new_repo other && (
		cd other &&
		cp ../migrations/1_items.sql migrations/ &&
		write_migration 2_c "ALTER TABLE items ADD COLUMN c TEXT;" &&
		awm commit -q && awm cat-object -p "$(schema_of HEAD)"
	) >schema.txt &&
	sc=$(awm hash-object -w -t schema schema.txt) &&
	cp B.db B2.db && sqlite3 B2.db "ALTER TABLE items ADD COLUMN c TEXT" &&
	cp B2.db C.db && sqlite3 C.db "UPDATE items SET c = v || '"'!'"' WHERE id < 3" &&
	sqldiff --changeset cs2 B2.db C.db &&
	printf "ALTER TABLE items ADD COLUMN c TEXT;\n" >up.sql &&
	printf "ALTER TABLE items DROP COLUMN c;\n" >down.sql &&
	up=$(awm hash-object -w up.sql) && down=$(awm hash-object -w down.sql) &&
	d2=$(data_commit "$d1" cs2 "$sc" "fill c" "$up" "$down") &&
	awm branch data2 "$d2" &&
	db_dump A.db >A.dump && db_dump B.db >B.dump && db_dump C.db >C.dump
'

test_expect_success 'plan summarises the changeset of a data commit' '
	awm plan --to data >out &&
	test_grep "^up   $(awm rev-parse --short data) *fix items" out &&
	test_grep "changeset: items: 1 inserted, 1 updated, 1 deleted" out
'

test_expect_success 'apply applies the changeset' '
	awm apply --to data >out &&
	db_dump db/dev.db >actual && test_cmp B.dump actual &&
	state db/dev.db "SELECT json_extract(payload, \"\$.kind\"), json_extract(payload, \"\$.changes.method\"),
		changeset IS NULL FROM awm_state ORDER BY id DESC LIMIT 1" >row &&
	echo "data|changeset|1" >expect && test_cmp expect row
'

test_expect_success 'up SQL first, then the changeset' '
	awm apply --to data2 >out &&
	db_dump db/dev.db >actual && test_cmp C.dump actual
'

test_expect_success 'rollback: inverse changeset, then the down SQL' '
	awm rollback --dry-run >out &&
	test_grep "inverse changeset: items: 0 inserted, 2 updated, 0 deleted" out &&
	test_grep "ALTER TABLE items DROP COLUMN c;" out &&
	awm rollback >/dev/null &&
	db_dump db/dev.db >actual && test_cmp B.dump actual &&
	awm rollback >/dev/null &&
	db_dump db/dev.db >actual && test_cmp A.dump actual &&
	state db/dev.db "SELECT json_extract(payload, \"\$.rollback.method\") FROM awm_state
		WHERE status = \"rolled_back\" ORDER BY id" >m &&
	printf "inverse\ninverse+down\n" >expect && test_cmp expect m
'

test_expect_success 'a changeset that conflicts with the data fails cleanly' '
	state db/dev.db "DELETE FROM items WHERE id = 2" &&
	db_dump db/dev.db >before &&
	test_expect_code 1 awm apply --to data >out 2>err &&
	test_grep "conflicts with the data: table .items., row id=2" err &&
	db_dump db/dev.db >after && test_cmp before after &&
	state db/dev.db "SELECT status FROM awm_state ORDER BY id DESC LIMIT 1" >st &&
	echo failed >expect && test_cmp expect st
'

test_expect_success 'a commit for another engine is refused before anything runs' '
	sed "s/^engine sqlite/engine appwrite/" commit.txt >other.txt &&
	other=$(awm hash-object -w -t commit other.txt) &&
	db_dump db/dev.db >before &&
	test_expect_code 1 awm apply --to "$other" 2>err &&
	test_grep "is a migration for .appwrite." err &&
	db_dump db/dev.db >after && test_cmp before after
'

test_done
