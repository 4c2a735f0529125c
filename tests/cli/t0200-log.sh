#!/bin/sh
# awm log: default, --oneline, --graph, -n, ranges, --format=json.
. "$(dirname "$0")/test-lib.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-awm.sh"

# root - second - merge - tip   (main)
#    \          /
#     topic ---     (topic)
test_expect_success 'setup: a history with a merge' '
	new_repo . &&
	{
		fi_commit refs/heads/main 1 1700000000 root &&
		fi_commit refs/heads/main 2 1700000100 second &&
		fi_commit refs/heads/topic 3 1700000200 topic :1 &&
		fi_commit refs/heads/main 4 1700000300 merge :2 :3 &&
		fi_commit refs/heads/main 5 1700000400 tip
	} >stream &&
	awm fast-import <stream >out &&
	test_grep "imported 5 commits" out
'

test_expect_success 'log --oneline lists newest first' '
	awm log --oneline --no-decorate >out &&
	sed "s/^[0-9a-f]\{10\} //" out >subjects &&
	printf "%s\n" tip merge topic second root >expect &&
	test_cmp expect subjects &&
	test "$(head -c 10 out)" = "$(awm rev-parse --short HEAD)"
'

test_expect_success 'log shows git-style headers' '
	awm log --no-decorate >out &&
	test_grep "^commit $(awm rev-parse HEAD)$" out &&
	test_grep "^Merge: $(awm rev-parse --short HEAD~1^1) $(awm rev-parse --short HEAD~1^2)$" out &&
	test_grep "^Author: A U Thor <author@example.com>$" out &&
	test_grep "^Date:   Tue Nov 14 22:20:00 2023 +0000$" out &&
	test_grep "^    tip$" out &&
	test "$(grep -c "^commit " out)" = 5
'

test_expect_success 'decorations name the refs' '
	awm log --oneline --decorate >out &&
	test_grep "(HEAD -> main) tip" out &&
	test_grep "(topic) topic" out
'

test_expect_success '-n limits the count' '
	awm log --oneline -n 2 >out &&
	test_line_count = 2 out &&
	awm log --oneline --max-count=1 >out &&
	test_line_count = 1 out &&
	awm log --oneline -n 0 >out &&
	test_line_count = 0 out
'

test_expect_success 'ranges: A..B, ^A B, and a revision' '
	awm log --oneline --no-decorate topic..main >out &&
	sed "s/^[0-9a-f]\{10\} //" out >subjects &&
	printf "%s\n" tip merge second >expect &&
	test_cmp expect subjects &&
	awm log --oneline ^topic main >out2 &&
	test_cmp out out2 &&
	awm log --oneline main..topic >out &&
	test_line_count = 0 out &&
	awm log --oneline --no-decorate HEAD~2 >out &&
	test_line_count = 2 out &&
	awm log --oneline --no-decorate main~1^2 >out &&
	sed "s/^[0-9a-f]\{10\} //" out >subjects &&
	printf "%s\n" topic root >expect &&
	test_cmp expect subjects
'

test_expect_success '--first-parent skips the merged side' '
	awm log --oneline --no-decorate --first-parent >out &&
	sed "s/^[0-9a-f]\{10\} //" out >subjects &&
	printf "%s\n" tip merge second root >expect &&
	test_cmp expect subjects
'

test_expect_success '--graph draws the merge' '
	awm log --graph --oneline --no-decorate >out &&
	sed "s/[0-9a-f]\{10\} //" out >graph &&
	cat >expect <<-\EOF &&
	* tip
	* merge
	|\
	| * topic
	* | second
	|/
	* root
	EOF
	test_cmp expect graph
'

test_expect_success '--graph without --oneline indents every commit' '
	awm log --graph --no-decorate >out &&
	test_grep "^\* commit $(awm rev-parse HEAD)$" out &&
	test_grep "^| \* commit $(awm rev-parse topic)$" out &&
	test_grep "^  Author: " out &&
	! grep -q "^Author" out
'

test_expect_success '--format=json is valid JSON with the commit fields' '
	awm log --format=json >out.json &&
	python3 -m json.tool out.json >/dev/null &&
	python3 - out.json "$(awm rev-parse HEAD)" "$(awm rev-parse HEAD~1)" <<-\EOF
	import json, sys
	commits = json.load(open(sys.argv[1]))
	assert [c["subject"] for c in commits] == ["tip", "merge", "topic", "second", "root"], commits
	assert commits[0]["id"] == sys.argv[2]
	assert commits[0]["parents"] == [sys.argv[3]]
	assert len(commits[1]["parents"]) == 2
	assert commits[4]["parents"] == []
	assert commits[0]["author"]["name"] == "A U Thor"
	assert commits[0]["author"]["time"] == 1700000400
	assert commits[0]["engine"] == "sqlite"
	assert commits[0]["refs"] == ["HEAD -> main"], commits[0]["refs"]
	assert commits[2]["refs"] == ["topic"], commits[2]["refs"]
	EOF
'

test_expect_success '--format=json with -n and a range' '
	awm log --format=json -n 1 topic..main >one.json &&
	python3 -c "import json,sys; c=json.load(open(sys.argv[1])); assert len(c)==1 and c[0][\"subject\"]==\"tip\"" one.json &&
	awm log --format=json main..topic >none.json &&
	python3 -c "import json,sys; assert json.load(open(sys.argv[1]))==[]" none.json
'

test_expect_success 'log of recorded migrations names the migration' '
	mkdir proj && cd proj && awm init >/dev/null &&
	write_migration 1_users "CREATE TABLE users(id INTEGER PRIMARY KEY);" &&
	awm commit >/dev/null &&
	awm log >out &&
	test_grep "^Migration: migrations/1_users.sql$" out &&
	test_grep "^    users$" out &&
	awm log --format=json >out.json &&
	python3 -c "import json,sys; c=json.load(open(sys.argv[1])); assert c[0][\"migration\"]==\"migrations/1_users.sql\", c" out.json
'

test_expect_success 'errors: unborn HEAD, unknown revisions, bad options' '
	mkdir empty && cd empty && awm init >/dev/null &&
	test_expect_code 1 awm log 2>err &&
	test_grep "HEAD does not point at a commit yet" err &&
	cd .. &&
	test_expect_code 1 awm log nonesuch 2>err &&
	test_grep "unknown revision '\''nonesuch'\''" err &&
	test_expect_code 2 awm log --format=xml 2>err &&
	test_grep "unknown format" err &&
	test_expect_code 2 awm log -n many 2>err &&
	test_expect_code 2 awm log --bogus 2>err &&
	test_grep "usage: awm log" err
'

test_done
