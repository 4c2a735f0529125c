#!/bin/sh
# Changes that lose data are refused without --allow-data-loss, before
# anything is sent: deleting a collection, an attribute or a relationship,
# and changes Appwrite can only make by deleting and creating again
# (appwrite/appwrite #5586).  The plan shows them; SQLite refuses the flag.
. "$(dirname "$0")/test-lib.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-appwrite.sh"

start_appwrite_standin --attribute-delay 0.01

check() {
	appwrite_schema app >live && commit_schema "$1" >want && test_cmp want live
}

test_expect_success 'setup: users with an integer age' '
	awm init >/dev/null && awm env remove dev >/dev/null &&
	awm env add prod "$(appwrite_url app)" &&
	write_appwrite 1_users "{\"collections\": [{\"\$id\": \"users\", \"name\": \"Users\",
	  \"attributes\": [{\"key\": \"name\", \"type\": \"string\", \"size\": 50},
	                   {\"key\": \"age\", \"type\": \"integer\"}]}]}" &&
	awm commit -q && awm apply >/dev/null && check HEAD
'

test_expect_success 'a type change is a delete and a create: refused without --allow-data-loss' '
	write_appwrite 2_age_text "{\"collections\": [{\"\$id\": \"users\", \"name\": \"Users\",
	  \"attributes\": [{\"key\": \"name\", \"type\": \"string\", \"size\": 50},
	                   {\"key\": \"age\", \"type\": \"string\", \"size\": 10}]}]}" &&
	awm commit -q &&
	test_expect_code 1 awm plan >plan 2>err &&
	test_grep "delete attribute users.age and its values" plan &&
	test_grep "create attribute users.age: string(10)" plan &&
	test_grep "would lose data (delete attribute users.age and its values, to create it again changed" err &&
	standin_control requests "" DELETE >/dev/null &&
	test_expect_code 1 awm apply 2>err && test_grep "nothing was changed" err &&
	test_grep "run again with --allow-data-loss" err &&
	standin_control requests "" GET >log && test_grep "\"path\": \"/v1/databases/app/collections" log &&
	! grep -q "\"method\": \"\\(POST\\|PATCH\\|PUT\\|DELETE\\)\", \"path\": \"/v1/databases/app/collections/users" log &&
	check HEAD~1 && awm status --env prod >st && test_grep "applied:  .* users" st
'

test_expect_success 'with --allow-data-loss it goes through, and its rollback needs it too' '
	awm plan --allow-data-loss >plan && awm apply --allow-data-loss >out && check HEAD &&
	test_expect_code 1 awm rollback 2>err && test_grep "would lose data" err && check HEAD &&
	awm rollback --allow-data-loss >/dev/null && check HEAD~1
'

test_expect_success 'deleting a collection or an attribute is refused too' '
	awm apply --allow-data-loss >/dev/null &&
	write_appwrite 3_no_users "{\"collections\": [{\"\$id\": \"teams\", \"name\": \"Teams\"}]}" &&
	awm commit -q &&
	test_expect_code 1 awm apply 2>err &&
	test_grep "delete relationship\\|delete attribute\\|delete collection users and its documents" err &&
	check HEAD~1 && awm apply --allow-data-loss >/dev/null && check HEAD
'

test_expect_success 'what does not lose data needs no flag: a new index, a bigger size' '
	write_appwrite 4_users_again "{\"collections\": [{\"\$id\": \"teams\", \"name\": \"Teams\",
	  \"attributes\": [{\"key\": \"title\", \"type\": \"string\", \"size\": 20}],
	  \"indexes\": [{\"key\": \"by_title\", \"type\": \"key\", \"attributes\": [\"title\"]}]}]}" &&
	write_appwrite 5_longer "{\"collections\": [{\"\$id\": \"teams\", \"name\": \"Teams\",
	  \"attributes\": [{\"key\": \"title\", \"type\": \"string\", \"size\": 200}],
	  \"indexes\": [{\"key\": \"by_title\", \"type\": \"unique\", \"attributes\": [\"title\"]}]}]}" &&
	awm commit -q && awm apply >out && test "$(grep -c "^up " out)" = 2 && check HEAD &&
	awm rollback >/dev/null && check HEAD~1
'

test_expect_success 'a sqlite environment refuses --allow-data-loss with a usage error' '
	awm env add local sqlite:db/local.db &&
	test_expect_code 2 awm apply --env local --allow-data-loss 2>err &&
	test_grep "allow-data-loss is for Appwrite environments" err
'

test_done
