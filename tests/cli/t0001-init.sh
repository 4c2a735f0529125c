#!/bin/sh
# awm init: the layout it creates, and running it twice.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'init creates the store, awm.conf and migrations' '
	awm init >out &&
	test_grep "Initialized empty awm repository" out &&
	test -f .awm/HEAD && test -d .awm/objects/pack && test -d .awm/refs/heads &&
	test -f awm.conf && test -d migrations &&
	test_grep "ref: refs/heads/main" .awm/HEAD
'

test_expect_success 'awm.conf names the migrations folder and a dev environment' '
	test_grep "dir = migrations" awm.conf &&
	test_grep "sqlite:db/dev.db" awm.conf
'

test_expect_success 'init again changes nothing' '
	cp awm.conf conf.before &&
	awm init >out &&
	test_grep "Reinitialized existing" out &&
	test_cmp conf.before awm.conf
'

test_expect_success 'init -b and --migrations' '
	awm init -b trunk --migrations db/migrations other &&
	test_grep "refs/heads/trunk" other/.awm/HEAD &&
	test -d other/db/migrations &&
	test_grep "dir = db/migrations" other/awm.conf
'

test_expect_success 'init refuses a bad branch name' '
	test_must_fail awm init -b "bad..name" bad 2>err &&
	test_grep "not a valid ref name" err &&
	test ! -e bad/.awm
'

test_expect_success 'commands outside a repository say so' '
	outside=$(mktemp -d) && cd "$outside" &&
	test_expect_code 1 awm log 2>"$TRASH/err" &&
	rmdir "$outside" &&
	test_grep "run .awm init" "$TRASH/err"
'

test_expect_success 'AWM_DIR names the repository' '
	mkdir -p elsewhere &&
	(cd elsewhere && AWM_DIR="$TRASH/.awm" awm status >out) &&
	test_grep "On branch main" elsewhere/out
'

test_expect_success 'the repository is found from a subfolder' '
	mkdir -p deep/er && (cd deep/er && awm status >out) &&
	test_grep "On branch main" deep/er/out
'

test_done
