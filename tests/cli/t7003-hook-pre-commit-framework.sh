#!/bin/sh
# .pre-commit-hooks.yaml: awm's hooks for the pre-commit framework.  The
# framework is not run here; the test reads the file as it does and runs
# each hook's entry the way it would (from the top of the work tree, no
# file names, the pre-push range in PRE_COMMIT_* variables).
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'the file declares both hooks as the framework expects' '
	python3 - "$AWM_SOURCE_DIR/.pre-commit-hooks.yaml" >entries <<-\EOF
	import sys, yaml
	hooks = yaml.safe_load(open(sys.argv[1]))
	assert [h["id"] for h in hooks] == ["awm-pre-commit", "awm-pre-push"], hooks
	for h, stage in zip(hooks, ["pre-commit", "pre-push"]):
	    assert h["language"] == "system" and h["pass_filenames"] is False, h
	    assert h["always_run"] is True and h["stages"] == [stage], h
	    assert h["entry"] == "awm hook " + stage, h
	    assert h["name"] and h["description"], h
	    print(h["entry"])
	EOF
	printf "awm hook pre-commit\nawm hook pre-push\n" >want && test_cmp want entries
'

test_expect_success 'setup: a project, one migration recorded and pushed' '
	git init -q --bare remote.git && git init -q -b main repo && cd repo &&
	git remote add origin ../remote.git && awm init >/dev/null &&
	write_migration 1_a "CREATE TABLE a (id INTEGER PRIMARY KEY);" &&
	awm commit -q && git add -A && git commit -qm a && git push -q origin main
'

test_expect_success 'the pre-commit entry refuses an edit as the hook does' '
	cd repo && sed -i "s/id INTEGER/k INTEGER/" migrations/1_a.sql && git add migrations &&
	test_expect_code 1 $(sed -n 1p ../entries) 2>"$TRASH/err" &&
	test_grep ".migrations/1_a.sql. edits a migration" "$TRASH/err" &&
	git checkout -q HEAD -- migrations && $(sed -n 1p ../entries)
'

test_expect_success 'the pre-push entry takes the range from PRE_COMMIT_* variables' '
	cd repo && write_migration 2_b "CREATE TABLE b (id INTEGER PRIMARY KEY);" &&
	AWM_SKIP_HOOKS=1 git add -A && git commit -qm b &&
	PRE_COMMIT_FROM_REF=$(git rev-parse origin/main) PRE_COMMIT_TO_REF=$(git rev-parse HEAD) \
	PRE_COMMIT_REMOTE_NAME=origin PRE_COMMIT_REMOTE_URL=../remote.git \
	PRE_COMMIT_LOCAL_BRANCH=refs/heads/main PRE_COMMIT_REMOTE_BRANCH=refs/heads/main \
		test_expect_code 1 $(sed -n 2p ../entries) </dev/null 2>"$TRASH/err" &&
	test_grep ".migrations/2_b.sql. in git commit [0-9a-f]\{10\} is not recorded" "$TRASH/err" &&
	awm commit -q &&
	PRE_COMMIT_FROM_REF=$(git rev-parse origin/main) PRE_COMMIT_TO_REF=$(git rev-parse HEAD) \
		$(sed -n 2p ../entries) </dev/null
'

test_done
