#!/bin/sh
# awm env and awm promote: environments in awm.conf and their refs.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup: a project with two commits' '
	awm init >/dev/null &&
	write_migration 1_users "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);" \
		"DROP TABLE users;" &&
	write_migration 2_posts "CREATE TABLE posts (id INTEGER PRIMARY KEY);" \
		"DROP TABLE posts;" &&
	awm commit -q
'

test_expect_success 'env list shows the dev environment of awm init' '
	awm env list >out &&
	test_grep "^dev  *sqlite:db/dev.db  *(no commit set)" out &&
	awm env >out2 && test_cmp out out2
'

test_expect_success 'env add writes awm.conf' '
	awm env add staging sqlite:db/staging.db >out &&
	test_grep "added environment .staging." out &&
	test_grep "\[env \"staging\"\]" awm.conf &&
	test_grep "url = sqlite:db/staging.db" awm.conf &&
	awm env add prod sqlite:///tmp/never-created.db &&
	awm env list >out &&
	test_grep "^staging" out && test_grep "^prod" out
'

test_expect_success 'env add refuses a duplicate, a bad name and an unknown URL' '
	cp awm.conf before &&
	test_expect_code 1 awm env add staging sqlite:x.db 2>err &&
	test_grep "already exists" err &&
	test_expect_code 1 awm env add "bad name" sqlite:x.db 2>err &&
	test_grep "not a valid environment name" err &&
	test_expect_code 1 awm env add qa postgres://x/y 2>err &&
	test_grep "not a database URL awm knows" err &&
	test_expect_code 1 awm env add qa sqlite: 2>err &&
	test_grep "names no database" err &&
	test_expect_code 2 awm env add onlyname 2>err &&
	test_cmp before awm.conf
'

test_expect_success 'env set points refs/envs/<env> at a commit' '
	awm env set dev HEAD~1 >out &&
	test_grep "should now be at" out &&
	test "$(awm rev-parse envs/dev)" = "$(awm rev-parse HEAD~1)" &&
	awm reflog envs/dev >log && test_grep "env set: HEAD~1" log &&
	test_expect_code 1 awm env set nosuch HEAD 2>err &&
	test_grep "no environment .nosuch." err
'

test_expect_success 'promote fast-forwards and sets an unset ref' '
	awm promote dev staging >out &&
	test_grep "promoted .staging." out &&
	test "$(awm rev-parse envs/staging)" = "$(awm rev-parse HEAD~1)" &&
	awm env set dev HEAD &&
	awm promote dev staging &&
	test "$(awm rev-parse envs/staging)" = "$(awm rev-parse HEAD)" &&
	awm promote dev staging >out &&
	test_grep "already at" out
'

test_expect_success 'promote refuses anything but a fast-forward, with exit code 4' '
	awm env set dev HEAD~1 &&
	before=$(awm rev-parse envs/staging) &&
	test_expect_code 4 awm promote dev staging 2>err &&
	test_grep "only fast-forwards" err &&
	test "$(awm rev-parse envs/staging)" = "$before"
'

test_expect_success 'promote from an environment with no commit is refused' '
	test_expect_code 1 awm promote prod dev 2>err &&
	test_grep "at no commit yet" err
'

test_expect_success 'log decorates environment refs' '
	awm log --oneline --decorate >out &&
	test_grep "env/staging" out
'

test_expect_success 'env remove drops the section and the ref, not the database' '
	awm apply --env staging >/dev/null &&
	test -f db/staging.db &&
	awm env remove staging >out &&
	test_grep "left alone" out &&
	! grep -q "db/staging.db" awm.conf &&
	awm env list >out && ! grep -q "^staging" out &&
	test_must_fail awm rev-parse envs/staging 2>/dev/null &&
	test -f db/staging.db &&
	test_expect_code 1 awm env remove staging 2>err &&
	test_grep "no environment" err
'

test_expect_success 'commands pick the only environment, or ask' '
	awm env remove prod &&
	awm plan >out && test_grep "Plan for .dev." out &&
	awm env add qa sqlite:db/qa.db &&
	test_expect_code 2 awm plan 2>err &&
	test_grep "name one with --env" err &&
	AWM_ENV=qa awm plan >out && test_grep "Plan for .qa." out &&
	git config -f .awm/config core.defaultEnv qa 2>/dev/null ||
		printf "[core]\n\tdefaultEnv = qa\n" >>.awm/config &&
	awm plan >out && test_grep "Plan for .qa." out
'

test_done
