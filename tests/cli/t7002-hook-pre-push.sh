#!/bin/sh
# awm hook pre-push, through git push: the migration files of the pushed git
# commits must be recorded in awm.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup: a clone with hooks and a bare remote' '
	git init -q --bare remote.git &&
	git init -q -b main repo && cd repo &&
	git remote add origin ../remote.git &&
	awm init >/dev/null && awm hooks install >/dev/null &&
	write_migration 1_users "CREATE TABLE users (id INTEGER PRIMARY KEY);" &&
	awm commit -q && git add -A && git commit -qm users &&
	git push -q origin main 2>"$TRASH/err" && test_must_fail test_grep error "$TRASH/err"
'

test_expect_success 'a push of a commit with an unrecorded migration is refused' '
	cd repo && write_migration 2_posts "CREATE TABLE posts (id INTEGER PRIMARY KEY);" &&
	git add -A && git commit -qm posts 2>/dev/null &&
	test_must_fail git push -q origin main 2>"$TRASH/err" &&
	test_grep "error: .migrations/2_posts.sql. in git commit $(git rev-parse --short=10 HEAD) is not recorded in awm; run .awm commit. to record it, then push again" "$TRASH/err" &&
	test_grep "push refused (1 problem)" "$TRASH/err" &&
	git rev-parse main~1 >want && git --git-dir=../remote.git rev-parse main >got &&
	test_cmp want got
'

test_expect_success 'once recorded, the same push goes through' '
	cd repo && awm commit -q &&
	git push -q origin main 2>"$TRASH/err" && test_must_fail test_grep error "$TRASH/err" &&
	git rev-parse main >want && git --git-dir=../remote.git rev-parse main >got &&
	test_cmp want got
'

test_expect_success 'a pushed file that differs from what awm recorded is refused' '
	cd repo && write_migration 3_tags "CREATE TABLE tags (id INTEGER PRIMARY KEY);" &&
	awm commit -q &&
	write_migration 3_tags "CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT);" &&
	AWM_SKIP_HOOKS=1 git add -A && AWM_SKIP_HOOKS=1 git commit -qm tags 2>/dev/null &&
	test_must_fail git push -q origin main 2>"$TRASH/err" &&
	test_grep ".migrations/3_tags.sql. in git commit [0-9a-f]\{10\} differs from what awm recorded in [0-9a-f]\{10\} (its up section changed)" "$TRASH/err" &&
	test_grep "awm show [0-9a-f]\{10\}" "$TRASH/err" &&
	test_grep "git commit --amend" "$TRASH/err" &&
	write_migration 3_tags "CREATE TABLE tags (id INTEGER PRIMARY KEY);" &&
	git commit -q --amend -am "tags as recorded" &&
	git push -q origin main 2>"$TRASH/err" && test_must_fail test_grep error "$TRASH/err"
'

test_expect_success 'only commits the remote lacks are looked at' '
	cd repo && printf -- "-- awm:up\nSELECT 1;\n" >migrations/old-style.sql &&
	AWM_SKIP_HOOKS=1 git add -A && AWM_SKIP_HOOKS=1 git commit -qm old 2>/dev/null &&
	AWM_SKIP_HOOKS=1 git push -q origin main 2>"$TRASH/err" &&
	test_grep "awm.s pre-push checks were NOT run" "$TRASH/err" &&
	echo x >README && git add README && git commit -qm readme &&
	git push -q origin main 2>"$TRASH/err" && test_must_fail test_grep error "$TRASH/err" &&
	git rm -q migrations/old-style.sql && git commit -qm "no old style"
'

test_expect_success 'a new branch is compared with what the remote has' '
	cd repo && git checkout -q -b feature &&
	write_migration 4_likes "CREATE TABLE likes (id INTEGER PRIMARY KEY);" &&
	git add -A && git commit -qm likes 2>/dev/null &&
	test_must_fail git push -q origin feature 2>"$TRASH/err" &&
	test_grep ".migrations/4_likes.sql. in git commit" "$TRASH/err" &&
	test_grep "push refused (1 problem)" "$TRASH/err" &&
	awm commit -q && git push -q origin feature
'

test_expect_success 'a badly named migration file in a pushed commit is refused' '
	cd repo && printf -- "-- awm:up\nSELECT 1;\n" >migrations/oops.sql &&
	AWM_SKIP_HOOKS=1 git add -A && AWM_SKIP_HOOKS=1 git commit -qm oops 2>/dev/null &&
	test_must_fail git push -q origin feature 2>"$TRASH/err" &&
	test_grep "carries .migrations/oops.sql., which awm cannot record" "$TRASH/err" &&
	test_grep "git mv migrations/oops.sql <version>_<phrase>.sql" "$TRASH/err" &&
	git reset -q --hard HEAD~1
'

test_expect_success 'deleting a remote branch pushes no commit' '
	cd repo && git push -q origin :feature 2>"$TRASH/err" && test_must_fail test_grep error "$TRASH/err"
'

test_expect_success 'a merge is not blamed for files the remote already has' '
	cd repo && git checkout -q main && git checkout -q -b side &&
	write_migration 5_side "CREATE TABLE side (id INTEGER PRIMARY KEY);" &&
	AWM_SKIP_HOOKS=1 git add -A && AWM_SKIP_HOOKS=1 git commit -qm side 2>/dev/null &&
	AWM_SKIP_HOOKS=1 git push -q origin side 2>/dev/null &&
	git checkout -q main && echo y >>README && git commit -qam readme &&
	git merge -q --no-edit side 2>/dev/null &&
	git push -q origin main 2>"$TRASH/err" && test_must_fail test_grep error "$TRASH/err" &&
	awm commit -q
'

test_expect_success 'awm hook pre-push reads git'\''s input directly' '
	cd repo && write_migration 6_direct "CREATE TABLE direct (id INTEGER PRIMARY KEY);" &&
	AWM_SKIP_HOOKS=1 git add -A && AWM_SKIP_HOOKS=1 git commit -qm direct 2>/dev/null &&
	z=0000000000000000000000000000000000000000 &&
	echo "refs/heads/main $(git rev-parse HEAD) refs/heads/main $(git rev-parse HEAD~1)" |
	test_expect_code 1 awm hook pre-push origin ../remote.git 2>"$TRASH/err" &&
	test_grep "6_direct.sql. in git commit" "$TRASH/err" &&
	echo "refs/heads/main $z refs/heads/main $(git rev-parse HEAD~1)" |
	awm hook pre-push origin ../remote.git &&
	echo "refs/heads/main $(git rev-parse HEAD) refs/heads/main" |
	test_expect_code 1 awm hook pre-push origin ../remote.git 2>"$TRASH/err" &&
	test_grep "pre-push input, line 1: expected" "$TRASH/err"
'

test_expect_success 'the pre-commit framework'\''s variables stand in for the input' '
	cd repo &&
	PRE_COMMIT_FROM_REF=$(git rev-parse HEAD~1) PRE_COMMIT_TO_REF=$(git rev-parse HEAD) \
	PRE_COMMIT_REMOTE_NAME=origin test_expect_code 1 awm hook pre-push </dev/null 2>"$TRASH/err" &&
	test_grep "6_direct.sql. in git commit" "$TRASH/err" &&
	awm commit -q && PRE_COMMIT_FROM_REF=$(git rev-parse HEAD~1) \
	PRE_COMMIT_TO_REF=$(git rev-parse HEAD) awm hook pre-push </dev/null
'

test_done
