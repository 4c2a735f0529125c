#!/bin/sh
# Every command: --help exits 0 with its usage; bad usage exits 2.
. "$(dirname "$0")/test-lib.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-awm.sh"

test_expect_success 'the command list' '
	awm help >out &&
	sed -n "s/^  \([a-z][a-z-]*\) .*/\1/p" out >commands &&
	test_line_count -ge 16 commands &&
	test_grep "^commit$" commands &&
	test_grep "^fast-import$" commands
'

test_expect_success 'every command: --help, -h and help <command>, outside a repository' '
	while read -r cmd; do
		awm "$cmd" --help >out 2>err &&
		test_grep "^usage: awm $cmd" out &&
		test_must_fail test -s err &&
		awm "$cmd" -h >out2 &&
		test_cmp out out2 &&
		awm help "$cmd" >out3 &&
		test_cmp out out3 || return 1
	done <commands
'

test_expect_success 'every command: an unknown option is a usage error (exit 2)' '
	new_repo repo && cd repo &&
	while read -r cmd; do
		test_expect_code 2 awm "$cmd" --no-such-option </dev/null >out 2>err &&
		test_grep "^error: " err &&
		test_must_fail test -s out || { echo "command: $cmd"; return 1; }
	done <../commands
'

test_expect_success 'an option without its value is named as typed (exit 2)' '
	new_repo vals && cd vals &&
	for o in "commit -m" "commit --from-db" "apply --env" "rollback --to" "log -n" "checkout --db"; do
		test_expect_code 2 awm $o 2>err &&
		test_grep "option .${o#* }. needs a value" err || return 1
	done &&
	test_expect_code 2 awm log --oneline=3 2>err && test_grep "option .--oneline. takes no value" err &&
	test_expect_code 2 awm log --bogus=1 2>err && test_grep "option .--bogus. is not known" err
'

test_expect_success 'commands that take no arguments refuse them (exit 2)' '
	cd repo &&
	for cmd in commit status fsck gc fast-import; do
		test_expect_code 2 awm $cmd extra </dev/null 2>err || { echo "command: $cmd"; return 1; }
	done
'

test_expect_success 'commands that need arguments say so (exit 2)' '
	cd repo &&
	for cmd in new diff rev-parse cat-object hash-object switch; do
		test_expect_code 2 awm $cmd </dev/null 2>err &&
		test_grep "usage: awm $cmd" err || { echo "command: $cmd"; return 1; }
	done
'

test_expect_success 'the awm command itself' '
	awm --help >out && test_grep "^usage: awm" out &&
	awm -h >out && test_grep "^usage: awm" out &&
	awm --version >out && test_grep "^awm version [0-9]" out &&
	awm version >out && test_grep "^awm version [0-9]" out &&
	test_expect_code 2 awm 2>err && test_grep "^usage: awm" err &&
	test_expect_code 2 awm nonesuch 2>err &&
	test_grep "'\''nonesuch'\'' is not an awm command" err &&
	test_expect_code 2 awm --bogus status 2>err &&
	test_expect_code 2 awm help nonesuch >out &&
	test_expect_code 2 awm -C /nonexistent/dir status 2>err &&
	test_expect_code 2 awm --color=sometimes status 2>err &&
	test_grep "takes .always., .never. or .auto." err
'

test_expect_success '--color: always, never and auto' '
	cd repo &&
	write_migration 1_t "CREATE TABLE t(id INTEGER PRIMARY KEY);" && awm commit -q &&
	awm --color=always log --oneline >out && grep -q "$(printf "\033")" out &&
	awm --color log --oneline >out && grep -q "$(printf "\033")" out &&
	awm --color=never log --oneline >out && ! grep -q "$(printf "\033")" out &&
	awm --color=auto log --oneline >out && ! grep -q "$(printf "\033")" out &&
	awm --no-color log --oneline >out && ! grep -q "$(printf "\033")" out
'

test_expect_success '-C runs in another folder' '
	awm -C repo status >out &&
	test_grep "On branch main" out
'

test_expect_success 'a command that needs a repository says so outside one (exit 1)' '
	mkdir nowhere && cd nowhere &&
	for cmd in status log commit branch gc fsck; do
		test_expect_code 1 awm $cmd 2>err &&
		test_grep "run '\''awm init'\'' first" err || return 1
	done
'

test_done
