#!/bin/sh
# awm relationships: the relationship attributes of an Appwrite environment
# brought back to its applied head's, as a recorded run of their own.
. "$(dirname "$0")/test-lib.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-appwrite.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-appwrite-history.sh"

start_appwrite_standin --attribute-delay 0.01

check() {
	appwrite_schema app >live && commit_schema "$1" >want && test_cmp want live
}

test_expect_success 'setup: posts.author <-> users.posts applied' '
	awm init >/dev/null && awm env remove dev >/dev/null &&
	awm env add prod "$(appwrite_url app)" &&
	write_history && awm commit -q && awm apply --to HEAD~7 >/dev/null && check HEAD~7 &&
	appwrite_schema app >with
'

test_expect_success 'nothing to do when they match' '
	awm relationships >out && test_grep "relationships of .prod. are those of" out
'

test_expect_success 'a relationship deleted by hand is drift, and apply refuses' '
	python3 "$AWM_SOURCE_DIR/tests/cli/appwrite_dump.py" delete \
		/databases/app/collections/posts/attributes/author &&
	sleep 0.1 && appwrite_schema app >without && ! grep -q "users/posts\|posts/author" without &&
	awm status --env prod >st && test_grep "attribute .author. removed" st &&
	test_expect_code 1 awm apply --to HEAD~6 2>err && test_grep "drift" err
'

test_expect_success 'relationships --dry-run shows what it would make, and makes nothing' '
	awm relationships --dry-run >out &&
	test_grep "create relationship posts.author: manyToOne to users, two-way as posts" out &&
	appwrite_schema app >now && test_cmp without now
'

test_expect_success 'relationships makes them, as a history row of its own' '
	awm relationships >out && test_grep "are now those of" out && check HEAD~7 &&
	awm history --format=json >h.json &&
	test_grep "\"record_type\": \"relationships\"" h.json &&
	test_grep "\"op\": \"createRelationship\"" h.json
'

test_expect_success 'apply and rollback go on as before: the relationships row is no step' '
	awm apply --to HEAD~6 >out && test "$(grep -c "^up " out)" = 1 && check HEAD~6 &&
	awm rollback >out && test "$(grep -c "^down" out)" = 1 && check HEAD~7
'

test_expect_success 'deleting a relationship the head does not have needs --allow-data-loss' '
	python3 "$AWM_SOURCE_DIR/tests/cli/appwrite_dump.py" post \
		/databases/app/collections/users/attributes/relationship \
		"{\"relatedCollectionId\": \"posts\", \"type\": \"oneToOne\", \"key\": \"favourite\"}" &&
	sleep 0.1 && appwrite_schema app >extra && test_grep "users/favourite" extra &&
	test_expect_code 1 awm relationships 2>err && test_grep "would lose data (delete relationship users.favourite" err &&
	appwrite_schema app >now && test_cmp extra now &&
	awm relationships --allow-data-loss >out && check HEAD~7
'

test_expect_success 'a sqlite environment has no relationships command' '
	awm env add local sqlite:db/l.db &&
	test_expect_code 1 awm relationships --env local 2>err && test_grep "Appwrite" err
'

test_done
