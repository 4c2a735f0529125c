#!/bin/sh
# awm validate, and awm commit, refuse Appwrite schemas that Appwrite would
# refuse, naming the file and the path of each problem.
. "$(dirname "$0")/test-lib.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-appwrite.sh"

# bad <name> <collections JSON>: a schema file with those collections.
bad() {
	printf '{"collections": [%s]}\n' "$2" >"$1.json"
}

test_expect_success 'setup: a valid schema validates' '
	awm init >/dev/null &&
	write_appwrite 1_ok "{\"collections\": [{\"\$id\": \"users\", \"name\": \"Users\",
	  \"attributes\": [{\"key\": \"name\", \"type\": \"string\", \"size\": 50, \"required\": true},
	                   {\"key\": \"kind\", \"type\": \"string\", \"format\": \"enum\",
	                    \"elements\": [\"a\", \"b\"], \"default\": \"a\"}],
	  \"indexes\": [{\"key\": \"by_name\", \"type\": \"key\", \"attributes\": [\"name\"]}]}]}" &&
	awm validate >out && test_grep "^ok: migrations/1_ok.json: 1 collection, 2 attributes, 0 relationships, 1 index$" out
'

test_expect_success 'duplicate collection ids' '
	bad dup "{\"\$id\": \"a\", \"name\": \"A\"}, {\"\$id\": \"a\", \"name\": \"B\"}" &&
	test_expect_code 1 awm validate dup.json 2>err &&
	test_grep "^error: dup.json: collections\[1\] ('"'"'a'"'"'): duplicate collection id '"'"'a'"'"' (also collections\[0\])$" err
'

test_expect_success 'duplicate attribute keys' '
	bad dupattr "{\"\$id\": \"a\", \"name\": \"A\", \"attributes\": [
	  {\"key\": \"x\", \"type\": \"boolean\"}, {\"key\": \"x\", \"type\": \"integer\"}]}" &&
	test_expect_code 1 awm validate dupattr.json 2>err &&
	test_grep "dupattr.json: collections\[0\] ('"'"'a'"'"').attributes\[1\] ('"'"'x'"'"'): duplicate attribute key '"'"'x'"'"'" err
'

test_expect_success 'a broken attribute still counts: its key, its duplicate, its indexes' '
	bad broken "{\"\$id\": \"a\", \"name\": \"A\", \"attributes\": [
	  {\"key\": \"a\", \"type\": \"string\", \"size\": 0}, {\"key\": \"a\", \"type\": \"integer\"}],
	  \"indexes\": [{\"key\": \"i\", \"type\": \"key\", \"attributes\": [\"a\"]}]}" &&
	test_expect_code 1 awm validate broken.json 2>err &&
	test_grep "attributes\[0\] ('"'"'a'"'"'): a string attribute needs a .size. from 1 to" err &&
	test_grep "attributes\[1\] ('"'"'a'"'"'): duplicate attribute key '"'"'a'"'"'" err &&
	! grep "which the collection does not have" err &&
	test "$(grep -c "^broken.json: \|^error: broken.json: " err)" = 2 &&
	bad brokenidx "{\"\$id\": \"a\", \"name\": \"A\", \"attributes\": [
	  {\"key\": \"b\", \"type\": \"integer\", \"min\": 2, \"max\": 1}],
	  \"indexes\": [{\"key\": \"i\", \"type\": \"key\", \"attributes\": [\"b\"]}]}" &&
	test_expect_code 1 awm validate brokenidx.json 2>err &&
	test_grep "attributes\[0\] ('"'"'b'"'"'): .min. is greater than .max." err &&
	! grep "which the collection does not have" err
'

test_expect_success 'an index on an attribute that does not exist' '
	bad idx "{\"\$id\": \"a\", \"name\": \"A\", \"attributes\": [{\"key\": \"x\", \"type\": \"boolean\"}],
	  \"indexes\": [{\"key\": \"i\", \"type\": \"key\", \"attributes\": [\"x\", \"y\"]}]}" &&
	test_expect_code 1 awm validate idx.json 2>err &&
	test_grep "idx.json: collections\[0\] ('"'"'a'"'"').indexes\[0\] ('"'"'i'"'"'): indexes attribute '"'"'y'"'"', which the collection does not have" err
'

test_expect_success 'sizes, min and max, enums: every problem of a file at once' '
	bad rules "{\"\$id\": \"a\", \"name\": \"A\", \"attributes\": [
	  {\"key\": \"s\", \"type\": \"string\"},
	  {\"key\": \"n\", \"type\": \"integer\", \"min\": 10, \"max\": 5},
	  {\"key\": \"e\", \"type\": \"string\", \"format\": \"enum\", \"elements\": [\"a\", \"a\"]},
	  {\"key\": \"f\", \"type\": \"string\", \"format\": \"enum\", \"elements\": [\"a\"], \"default\": \"z\"},
	  {\"key\": \"t\", \"type\": \"string\", \"size\": 3, \"default\": \"toolong\"},
	  {\"key\": \"m\", \"type\": \"double\", \"max\": 1.5, \"default\": 2}]}" &&
	test_expect_code 1 awm validate rules.json 2>err &&
	test_grep "attributes\[0\] ('"'"'s'"'"'): a string attribute needs a .size. from 1 to" err &&
	test_grep "attributes\[1\] ('"'"'n'"'"'): .min. is greater than .max." err &&
	test_grep "attributes\[2\] ('"'"'e'"'"'): enum element .a. is listed twice" err &&
	test_grep "attributes\[3\] ('"'"'f'"'"'): the default .z. is not one of the elements" err &&
	test_grep "attributes\[4\] ('"'"'t'"'"'): the default is longer than .size." err &&
	test_grep "attributes\[5\] ('"'"'m'"'"'): the default is outside .min. and .max." err &&
	test "$(grep -c "^rules.json: \|^error: rules.json: " err)" = 6
'

test_expect_success 'a relationship to a collection that does not exist' '
	bad rel "{\"\$id\": \"posts\", \"name\": \"P\", \"attributes\": [{\"key\": \"author\",
	  \"type\": \"relationship\", \"relatedCollection\": \"people\", \"relationType\": \"manyToOne\"}]}" &&
	test_expect_code 1 awm validate rel.json 2>err &&
	test_grep "rel.json: collections\[0\] ('"'"'posts'"'"').attributes\[0\] ('"'"'author'"'"'): relates to collection '"'"'people'"'"', which the schema does not have" err
'

test_expect_success 'a default on a required attribute' '
	bad req "{\"\$id\": \"a\", \"name\": \"A\", \"attributes\": [
	  {\"key\": \"x\", \"type\": \"string\", \"size\": 5, \"required\": true, \"default\": \"y\"}]}" &&
	test_expect_code 1 awm validate req.json 2>err &&
	test_grep "req.json: collections\[0\] ('"'"'a'"'"').attributes\[0\] ('"'"'x'"'"'): a required attribute cannot have a default" err
'

test_expect_success 'broken JSON, bad ids, awm'"'"'s own collections' '
	printf "{\"collections\": [\n  {\"\$id\": }\n]}\n" >broken.json &&
	test_expect_code 1 awm validate broken.json 2>err && test_grep "broken.json:2:[0-9]*: not valid JSON" err &&
	bad ids "{\"\$id\": \"_bad\", \"name\": \"A\"}, {\"\$id\": \"awm_state\", \"name\": \"S\"}" &&
	test_expect_code 1 awm validate ids.json 2>err &&
	test_grep "collections\[0\] ('"'"'_bad'"'"'): .\$id. must be an Appwrite id" err &&
	test_grep "collections\[1\] ('"'"'awm_state'"'"'): .awm_state. is awm'"'"'s own collection" err
'

test_expect_success 'awm commit runs the same checks, and records nothing' '
	awm commit -q && awm rev-parse HEAD >before &&
	cp rules.json migrations/2_rules.json &&
	test_expect_code 1 awm commit 2>err &&
	test_grep "migrations/2_rules.json: collections\[0\] ('"'"'a'"'"').attributes\[1\] ('"'"'n'"'"'): .min. is greater than .max." err &&
	awm rev-parse HEAD >after && test_cmp before after &&
	test_expect_code 1 awm validate 2>err && test_grep "migrations/2_rules.json" err
'

test_expect_success 'one history moves one kind of database' '
	rm migrations/2_rules.json && write_migration 3_sql "CREATE TABLE t (id INTEGER PRIMARY KEY);" &&
	test_expect_code 1 awm commit 2>err &&
	test_grep "is a SQLite migration, and this history holds appwrite migrations" err
'

test_done
