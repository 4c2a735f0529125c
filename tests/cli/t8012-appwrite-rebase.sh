#!/bin/sh
# An Appwrite migration is the whole schema its author saw.  Rebased onto
# a parent with the same schema it moves as it is; onto one whose schema
# changed it would undo that change, so pull --rebase stops with a
# conflict (exit 4), the branch unchanged, until the file is written again
# on top of upstream's schema (--continue) or the rebase is aborted.
# Merge and revert, which need a database state, refuse such a history.
. "$(dirname "$0")/test-lib.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-remote.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-appwrite.sh"

users() {
	printf '{"collections": [{"$id": "users", "name": "Users", "attributes": [%s]}]}' "$1"
}

test_expect_success 'setup: one Appwrite migration on a folder remote, two clones' '
	mkdir remote && clone_of a "$TRASH/remote" && clone_of b "$TRASH/remote" &&
	(cd a && users "{\"key\": \"name\", \"type\": \"string\", \"size\": 20}" \
		>migrations/1_users.json && awm commit -q && awm push -q) &&
	(cd b && awm pull -q && awm log --oneline >log && test_line_count = 1 log)
'

test_expect_success 'both change the schema: the rebase stops on a conflict, the branch unchanged' '
	(cd a && users "{\"key\": \"name\", \"type\": \"string\", \"size\": 20},
		{\"key\": \"a\", \"type\": \"boolean\"}" >migrations/2_a.json && awm commit -q &&
	 awm push -q) &&
	cd b && users "{\"key\": \"name\", \"type\": \"string\", \"size\": 20},
		{\"key\": \"b\", \"type\": \"boolean\"}" >migrations/2_b.json && awm commit -q &&
	awm rev-parse HEAD >before &&
	test_expect_code 4 awm pull --rebase >out 2>&1 &&
	test_grep "migrations/2_b.json. is the whole schema as its author saw it" out &&
	test_grep "awm export $(awm rev-parse origin/main | cut -c1-10)" out &&
	awm rev-parse HEAD >after && test_cmp before after &&
	test_expect_code 4 awm rebase --continue >out 2>&1 &&
	test_grep "whole schema" out
'

test_expect_success '--abort goes back; --continue takes the file written on top of theirs' '
	cd b && awm rebase --abort >/dev/null && awm rev-parse HEAD >after && test_cmp before after &&
	test_expect_code 4 awm rebase origin/main >/dev/null 2>&1 &&
	users "{\"key\": \"name\", \"type\": \"string\", \"size\": 20},
		{\"key\": \"a\", \"type\": \"boolean\"}, {\"key\": \"b\", \"type\": \"boolean\"}" \
		>migrations/2_b.json &&
	awm rebase --continue >/dev/null &&
	test "$(awm rev-parse HEAD~1)" = "$(awm rev-parse origin/main)" &&
	awm export HEAD >schema.json && grep "\"a\"" schema.json && grep "\"b\"" schema.json &&
	test "$(awm cat-object -p HEAD | sed -n "s/^migration //p")" = migrations/2_b.json
'

test_expect_success 'merge and revert refuse a history of whole schemas, changing nothing' '
	cd b && awm rev-parse HEAD >before &&
	test_expect_code 1 awm revert HEAD 2>err && test_grep "awm export <rev>^" err &&
	awm branch side HEAD~1 && awm switch side >/dev/null && mv migrations/2_b.json 2_b.json &&
	users "{\"key\": \"name\", \"type\": \"string\", \"size\": 20},
		{\"key\": \"a\", \"type\": \"boolean\"}, {\"key\": \"c\", \"type\": \"boolean\"}" \
		>migrations/3_c.json && awm commit -q &&
	test_expect_code 1 awm merge main 2>err && test_grep "rebase one line onto the other" err &&
	awm switch main >/dev/null && awm rev-parse HEAD >after && test_cmp before after
'

test_expect_success 'a commit over an unchanged schema is rebased as it is' '
	clone_of c "$TRASH/remote" && clone_of d "$TRASH/remote" &&
	(cd c && awm pull -q && cp ../a/migrations/*.json migrations/ &&
	 cp migrations/2_a.json migrations/3_same.json &&
	 awm commit -q && awm push -q) &&
	cd d && awm pull -q && cp ../a/migrations/*.json migrations/ &&
	printf "%s" "$(cat migrations/2_a.json)" | sed "s/\"a\", \"type\": \"boolean\"}/&, {\"key\": \"d\", \"type\": \"boolean\"}/" \
		>migrations/3_d.json && awm commit -q &&
	schema=$(awm cat-object -p HEAD | sed -n "s/^schema //p") &&
	awm pull -q --rebase && awm log --oneline >log && test_line_count = 4 log &&
	test "$(awm cat-object -p HEAD | sed -n "s/^schema //p")" = "$schema" &&
	test "$(awm rev-parse HEAD~1)" = "$(cd ../c && awm rev-parse HEAD)"
'

test_done
