#!/bin/sh
# Push and fetch through the B2 stand-in: a round trip, the requests an
# incremental push makes, keys restricted to a bucket or not, missing and
# wrong credentials, and a key that never shows up anywhere.
. "$(dirname "$0")/test-lib.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-remote.sh"

start_b2

URL="b2://awm-test-bucket/team/project"

test_expect_success 'setup: two migrations pushed to B2' '
	clone_of a "$URL" && cd a &&
	commit_sql 1_users "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);
INSERT INTO users (name) VALUES ('"'ada'"');" &&
	commit_sql 2_email "ALTER TABLE users ADD COLUMN email TEXT;" &&
	b2_control reset >/dev/null &&
	awm push -v >out &&
	test_grep "\[new ref\] *main -> main" out &&
	b2_control files >files &&
	test_grep "\"fileName\": \"team/project/awm-remote-v1\"" files &&
	test_grep "\"fileName\": \"team/project/store/[0-9a-f]\{32\}\.pack\"" files &&
	test_grep "\"fileName\": \"team/project/refs/heads/main/000000000002-" files
'

test_expect_success 'awm counts the requests the server saw' '
	cd a && test_grep "requests: $(b2_requests)," out
'

test_expect_success 'round trip: log, show and fsck agree in an empty clone' '
	clone_of b "$URL" && (cd b && awm pull -q) &&
	(cd a && awm log --no-decorate && awm show HEAD && awm show HEAD~1) >a.out &&
	(cd b && awm log --no-decorate && awm show HEAD && awm show HEAD~1) >b.out &&
	test_cmp a.out b.out &&
	test_fsck_agree a b
'

test_expect_success 'round trip: the history applies to a database with the same result' '
	(cd a && apply_history "$TRASH/a.db") && (cd b && apply_history "$TRASH/b.db") &&
	sqlite3 a.db .dump >dump.a && sqlite3 b.db .dump >dump.b &&
	test_cmp dump.a dump.b && test_grep "ada" dump.b
'

test_expect_success 'an incremental push: only the new commit objects, in few requests' '
	cd a && commit_sql 3_posts "CREATE TABLE posts (id INTEGER PRIMARY KEY);" &&
	b2_control reset >/dev/null &&
	awm push -v >out &&
	test_grep "objects: 3," out &&
	requests=$(b2_requests) && test "$requests" -le 12 &&
	test "$(b2_requests b2_upload_file)" = 3 &&
	test "$(b2_requests b2_list_file_names)" -le 3 &&
	sed -n "s/^requests: .*, sent: \([0-9]*\) bytes.*/\1/p" out >sent &&
	test "$(cat sent)" -lt 20000 &&
	echo "# incremental push: $requests requests, $(cat sent) bytes sent," \
		"$(sed -n "s/^objects: \([0-9]*\), pack: \(.*\)/\1 objects in a pack of \2/p" out)" \
		>"$TRASH/figures"
'
cat "$TRASH/figures" 2>/dev/null

test_expect_success 'an incremental fetch downloads one index and one pack' '
	cd b && b2_control reset >/dev/null && awm fetch -v >out &&
	test_grep "packs: 1, objects: 3," out &&
	test "$(b2_requests b2_download_file_by_id)" = 2 &&
	awm pull -q && test "$(awm rev-parse main)" = "$(cd ../a && awm rev-parse main)"
'

test_expect_success 'a fetch with nothing new is two requests' '
	cd b && b2_control reset >/dev/null && awm fetch -q && test "$(b2_requests)" = 2
'

test_expect_success 'missing credentials are named, and nothing is sent' '
	cd a && b2_control reset >/dev/null &&
	test_expect_code 1 env -u B2_APPLICATION_KEY awm fetch 2>err &&
	test_grep "set B2_APPLICATION_KEY_ID and B2_APPLICATION_KEY" err &&
	test "$(b2_requests)" = 0
'

test_expect_success 'a wrong key gives B2 own code and message' '
	cd a && test_expect_code 1 env B2_APPLICATION_KEY=wrong-key awm fetch 2>err &&
	test_grep "B2 refused the key" err && test_grep "401 unauthorized" err
'

test_expect_success 'plain http is only accepted towards this machine' '
	cd a && test_expect_code 1 env AWM_B2_ENDPOINT=http://example.com awm fetch 2>err &&
	test_grep "must use https" err
'

test_expect_success 'the endpoint can be set per remote in awm.conf' '
	cd a && awm remote add viaconf "$URL" --endpoint "$AWM_B2_ENDPOINT" &&
	env -u AWM_B2_ENDPOINT awm fetch -q viaconf &&
	test "$(awm rev-parse viaconf/main)" = "$(awm rev-parse main)"
'

test_expect_success 'status against B2' '
	cd a && awm status >out && test_grep "Up to date with origin/main" out
'

test_done
