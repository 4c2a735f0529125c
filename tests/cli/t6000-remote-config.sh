#!/bin/sh
# awm remote: adding, listing, showing and removing remotes; bad names and
# URLs; what push and fetch say without a remote.
. "$(dirname "$0")/test-lib.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-remote.sh"

test_expect_success 'remote add writes awm.conf' '
	new_repo p && cd p &&
	awm remote add origin ../shared &&
	awm remote add backup b2://my-bucket/team/project --endpoint https://api.example.com &&
	test_grep "\[remote \"origin\"\]" awm.conf &&
	test_grep "url = ../shared" awm.conf &&
	test_grep "url = b2://my-bucket/team/project" awm.conf &&
	test_grep "endpoint = https://api.example.com" awm.conf
'

test_expect_success 'remote list and list -v' '
	cd p &&
	awm remote >out && printf "backup\norigin\n" >want && test_cmp want out &&
	awm remote list -v >out &&
	test_grep "^origin	../shared$" out &&
	test_grep "^backup	b2://my-bucket/team/project$" out
'

test_expect_success 'adding a remote twice is refused' '
	cd p &&
	test_expect_code 1 awm remote add origin ../other 2>err &&
	test_grep "remote .origin. already exists" err &&
	test_grep "url = ../shared" awm.conf
'

test_expect_success 'bad remote names and URLs are refused and nothing is written' '
	cd p && cp awm.conf before &&
	test_expect_code 1 awm remote add "a b" ../x 2>err && test_grep "not a valid remote name" err &&
	test_expect_code 1 awm remote add s3 s3://bucket/x 2>err && test_grep "unsupported scheme" err &&
	test_expect_code 1 awm remote add rel file://relative/path 2>err && test_grep "absolute path" err &&
	test_expect_code 1 awm remote add bb b2://no 2>err && test_grep "does not name a B2 bucket" err &&
	test_expect_code 1 awm remote add bc "b2://bucket-ok/a//b" 2>err && test_grep "prefix" err &&
	test_cmp before awm.conf
'

test_expect_success 'remote with a missing argument is a usage error' '
	cd p &&
	test_expect_code 2 awm remote add origin2 2>err && test_grep "usage: awm remote" err &&
	test_expect_code 2 awm remote frobnicate 2>err && test_grep "not a remote subcommand" err
'

test_expect_success 'remote show on a remote nobody pushed to' '
	cd p &&
	awm remote show origin >out &&
	test_grep "URL: ../shared" out &&
	test_grep "Nothing pushed yet" out
'

test_expect_success 'remote remove drops the section and the tracking refs' '
	cd p &&
	write_migration 1_a "CREATE TABLE a (id INTEGER PRIMARY KEY);" && awm commit -q &&
	awm push -q origin && test -f .awm/refs/remotes/origin/main &&
	awm remote remove origin &&
	! grep -q "shared" awm.conf &&
	test ! -e .awm/refs/remotes/origin/main &&
	test ! -e .awm/remotes/origin &&
	test -f ../shared/awm-remote-v1 &&
	test_expect_code 1 awm remote remove origin 2>err && test_grep "no remote named" err
'

test_expect_success 'push and fetch name the missing remote' '
	new_repo q && cd q &&
	test_expect_code 1 awm push 2>err && test_grep "no remote is configured" err &&
	test_expect_code 1 awm fetch nowhere 2>err && test_grep "no remote named .nowhere." err
'

test_expect_success 'a branch without commits has nothing to push' '
	new_repo u && cd u && awm remote add origin ../u-remote &&
	test_expect_code 1 awm push 2>err && test_grep "has no commits yet" err &&
	test ! -e ../u-remote
'

test_expect_success 'with several remotes and no origin, push asks which' '
	cd q &&
	awm remote add one ../one && awm remote add two ../two &&
	test_expect_code 2 awm fetch 2>err && test_grep "none is called .origin." err
'

test_expect_success 'every remote command has --help' '
	for c in remote push fetch pull lock unlock; do
		awm $c --help >out && test_grep "usage: awm $c" out || exit 1
	done
'

test_done
