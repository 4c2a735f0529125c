#!/bin/sh
# awm export: the target schema as an Appwrite CLI config, and as a shell
# script of REST calls that deploys it.  The script, run against a fresh
# database of the stand-in, builds the same schema awm's apply builds.
. "$(dirname "$0")/test-lib.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-appwrite.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-appwrite-history.sh"

start_appwrite_standin --attribute-delay 0.01

test_expect_success 'setup: the history applied to database "app"' '
	awm init >/dev/null && awm env remove dev >/dev/null &&
	awm env add prod "$(appwrite_url app)" &&
	write_history && awm commit -q && awm apply --allow-data-loss --to HEAD~3 >/dev/null
'

test_expect_success 'appwrite-json: the CLI config, with project and database from the environment' '
	test_expect_code 2 awm export --format yaml 2>err &&
	test_grep "unknown format" err &&
	awm export HEAD~3 >appwrite.json &&
	test_grep "\"projectId\": \"$APPWRITE_PROJECT\"" appwrite.json &&
	test_grep "\"databaseId\": \"app\"" appwrite.json &&
	! grep -q "awm_state\|awm_locks" appwrite.json &&
	awm validate appwrite.json >out && test_grep "^ok: appwrite.json: 3 collections" out
'

test_expect_success 'appwrite-json: recorded again, it is the very same schema' '
	mkdir other && (cd other && awm init >/dev/null &&
		cp ../appwrite.json migrations/1_all.json && awm commit -q &&
		awm cat-object -p HEAD | sed -n "s/^schema //p") >other.id &&
	awm cat-object -p HEAD~3 | sed -n "s/^schema //p" >mine.id &&
	test_cmp mine.id other.id
'

test_expect_success 'shell: a script of REST calls that deploys the schema' '
	awm export --format shell --database fresh -o deploy.sh HEAD~3 &&
	test -x deploy.sh && head -1 deploy.sh >first && echo "#!/bin/sh" >want && test_cmp want first &&
	test_grep "^call POST .*/collections/users/attributes/email" deploy.sh &&
	test_grep "^wait_for .*/attributes/email. available" deploy.sh &&
	! grep -q "$APPWRITE_API_KEY" deploy.sh
'

test_expect_success 'shell: run against a fresh database, it builds the schema apply built' '
	./deploy.sh >out && test_grep "deployed the schema to database .fresh." out &&
	appwrite_schema app >app.schema && appwrite_schema fresh >fresh.schema &&
	test_cmp app.schema fresh.schema &&
	commit_schema HEAD~3 >want && test_cmp want fresh.schema
'

test_expect_success 'shell: running it again changes nothing and succeeds' '
	./deploy.sh >out && appwrite_schema fresh >again && test_cmp fresh.schema again
'

test_expect_success 'shell: it stops with the error Appwrite gives' '
	awm export --format shell --database fresh2 -o d2.sh HEAD &&
	test_expect_code 1 env APPWRITE_API_KEY=wrong ./d2.sh 2>err &&
	test_grep "error: POST /databases: 401" err
'

test_done
