#!/bin/sh
# The pre-push hook's remote checks: awm's branch must be on awm's remote,
# and no ref there may need a rebase; no awm remote, or one out of reach,
# refuses nothing.
. "$(dirname "$0")/test-lib.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-remote.sh"

REMOTE="$TRASH/shared"

# pre_push: run awm's pre-push check for a push of main to a bare git repo.
pre_push() {
	printf 'refs/heads/main %s refs/heads/main %s\n' "$(git rev-parse HEAD)" \
		0000000000000000000000000000000000000000 |
		awm hook pre-push origin ../remote.git
}

test_expect_success 'setup: a git clone with an awm project and no awm remote' '
	git init -q --bare remote.git &&
	git init -q a && cd a && git remote add origin ../remote.git &&
	awm init >/dev/null &&
	write_migration 1_t "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);" &&
	awm commit -q && git add -A && git commit -q -m one &&
	pre_push 2>err
'

test_expect_success 'unpushed awm history is refused, naming awm push' '
	cd a && awm remote add origin "$REMOTE" &&
	test_expect_code 1 pre_push 2>err &&
	test_grep "awm.s branch .main. has commits that remote .origin. lacks; run .awm push origin." err &&
	awm push -q && pre_push 2>err
'

test_expect_success 'a remote that moved on while we did too needs a rebase first' '
	clone_of b "$REMOTE" && (cd b && awm pull -q &&
	 commit_sql 2_b "INSERT INTO t (v) VALUES ('"'b'"');" && awm push -q) &&
	cd a && write_migration 3_a "INSERT INTO t (v) VALUES ('"'a'"');" &&
	awm commit -q && git add -A && git commit -q -m three &&
	test_expect_code 1 pre_push 2>err &&
	test_grep "have new commits; run .awm pull --rebase origin., then .awm push origin." err &&
	awm pull -q --rebase && awm push -q && pre_push 2>err
'

test_expect_success 'an env ref that moved on both sides needs a rebase first' '
	cd a && mkdir -p .awm/refs/envs && awm rev-parse main~1 >.awm/refs/envs/dev &&
	awm push -q origin envs/dev && pre_push 2>err &&
	(cd ../b && awm pull -q && mkdir -p .awm/refs/envs &&
	 commit_sql 4_b "INSERT INTO t (v) VALUES ('"'4'"');" &&
	 awm rev-parse main >.awm/refs/envs/dev && awm push -q origin main envs/dev) &&
	awm rev-parse main >.awm/refs/envs/dev && pre_push 2>err &&
	commit_sql 5_a "INSERT INTO t (v) VALUES ('"'5'"');" &&
	awm rev-parse main >.awm/refs/envs/dev &&
	test_expect_code 1 pre_push 2>err &&
	test_grep "environment ref .dev. and its copy on remote .origin. have new commits" err
'

test_expect_success 'setup: a diverged remote branch (a raced push left two heads)' '
	R2="$TRASH/shared2" &&
	git init -q d && (cd d && git remote add origin ../remote.git && awm init >/dev/null &&
	 awm remote add origin "$R2" && commit_sql 1_t "CREATE TABLE t (id INTEGER PRIMARY KEY);" &&
	 awm push -q) &&
	git init -q e && (cd e && git remote add origin ../remote.git && awm init >/dev/null &&
	 awm remote add origin "$R2" && awm pull -q) &&
	(cd d && commit_sql 2_d "INSERT INTO t VALUES (2);" && git add -A &&
	 git commit -q -m d && awm push -q) &&
	(cd e && commit_sql 3_e "INSERT INTO t VALUES (3);" && git add -A && git commit -q -m e &&
	 awm push -q origin main:side && entry=$(ls "$R2"/refs/heads/side/) &&
	 mv "$R2/refs/heads/side/$entry" "$R2/refs/heads/main/$entry" &&
	 echo "refs/heads/main/$entry" >.awm/remotes/origin/pending) &&
	ls "$R2"/refs/heads/main/ >entries && test_line_count = 2 entries
'

test_expect_success 'diverged: the clone whose push raced is told to pull --rebase and push' '
	cd e && test_expect_code 1 pre_push 2>err &&
	test_grep "has diverged into 2 heads; run .awm pull --rebase origin., then .awm push origin." err
'

test_expect_success 'diverged: a clone whose push finished is told where it is resolved' '
	cd d && test_expect_code 1 pre_push 2>err &&
	test_grep "has diverged into 2 heads, yours among them: another clone.s push did not finish; in that clone" err
'

test_expect_success 'diverged: following the advice ends the refusals in both clones' '
	(cd e && awm pull -q --rebase && awm push -q && pre_push 2>err) &&
	cd d && awm pull -q && pre_push 2>err
'

test_expect_success 'a remote out of reach is a note, not a refusal' '
	cd a && awm remote remove origin && awm remote add origin b2://some-bucket/p &&
	unset B2_APPLICATION_KEY_ID && pre_push 2>err &&
	test_grep "was not checked" err
'

test_done
