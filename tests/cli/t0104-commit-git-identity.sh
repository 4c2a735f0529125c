#!/bin/sh
# awm commit takes the author from git's config when AWM_AUTHOR_NAME and
# AWM_AUTHOR_EMAIL are unset, and records git's HEAD in a `gitcommit` line.
. "$(dirname "$0")/test-lib.sh"

# test-lib.sh sets them for every other test; these are about their absence.
unset AWM_AUTHOR_NAME AWM_AUTHOR_EMAIL

test_expect_success 'setup: a project inside a git repository with one commit' '
	git init -q proj && (
		cd proj &&
		git config user.name "Repo Person" &&
		git config user.email "repo@example.com" &&
		echo "# project" >README && git add README &&
		git commit -q -m "first" &&
		awm init >/dev/null
	)
'

test_expect_success 'the author comes from the git repository config' '
	git config --global user.name "Global Person" &&
	git config --global user.email "global@example.com" &&
	cd proj &&
	write_migration 1_t "CREATE TABLE t(id INTEGER PRIMARY KEY);" &&
	awm commit -q &&
	awm cat-object -p HEAD >commit &&
	test_grep "^author Repo Person <repo@example.com> 1700000000 +0000$" commit &&
	test_grep "^committer Repo Person <repo@example.com> 1700000000 +0000$" commit &&
	awm log -n 1 >log &&
	test_grep "Repo Person <repo@example.com>" log
'

test_expect_success 'the commit records git HEAD, and a new git commit gives a new one' '
	cd proj &&
	awm cat-object -p HEAD >commit &&
	test_grep "^gitcommit $(git rev-parse HEAD)$" commit &&
	first=$(git rev-parse HEAD) &&
	git add migrations && git commit -q -m "the migration" &&
	test "$(git rev-parse HEAD)" != "$first" &&
	write_migration 2_u "CREATE TABLE u(id INTEGER PRIMARY KEY);" &&
	awm commit -q &&
	awm cat-object -p HEAD >commit &&
	test_grep "^gitcommit $(git rev-parse HEAD)$" commit
'

test_expect_success 'AWM_AUTHOR_NAME and AWM_AUTHOR_EMAIL win over git config' '
	cd proj &&
	write_migration 3_v "CREATE TABLE v(id INTEGER PRIMARY KEY);" &&
	AWM_AUTHOR_NAME="Env Person" AWM_AUTHOR_EMAIL="env@example.com" awm commit -q &&
	awm cat-object -p HEAD >commit &&
	test_grep "^author Env Person <env@example.com> " commit
'

test_expect_success 'outside a git repository: the global config, and no gitcommit' '
	new_repo plain && cd plain &&
	write_migration 1_t "CREATE TABLE t(id INTEGER PRIMARY KEY);" &&
	awm commit -q &&
	awm cat-object -p HEAD >commit &&
	test_grep "^author Global Person <global@example.com> 1700000000 +0000$" commit &&
	! grep "^gitcommit" commit
'

test_expect_success 'a git repository without commits records no gitcommit' '
	git init -q unborn && cd unborn &&
	awm init >/dev/null &&
	write_migration 1_t "CREATE TABLE t(id INTEGER PRIMARY KEY);" &&
	awm commit -q &&
	awm cat-object -p HEAD >commit &&
	test_grep "^author Global Person <global@example.com> " commit &&
	! grep "^gitcommit" commit
'

test_expect_success 'without any identity, commit asks who you are and records nothing' '
	git config --global --unset user.name &&
	git config --global --unset user.email &&
	new_repo nobody && cd nobody &&
	write_migration 1_t "CREATE TABLE t(id INTEGER PRIMARY KEY);" &&
	test_expect_code 1 awm commit 2>err &&
	test_grep "who are you?" err &&
	test_must_fail awm rev-parse HEAD 2>/dev/null
'

test_done
