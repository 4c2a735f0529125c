#!/bin/sh
# Push and fetch over a shared folder: a round trip into an empty clone gives
# the same log, show and fsck, and the same database when its history is
# applied; a second push sends only the new commit's objects.
. "$(dirname "$0")/test-lib.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-remote.sh"

REMOTE="$TRASH/shared"

test_expect_success 'setup: a history of three migrations' '
	clone_of a "$REMOTE" && cd a &&
	commit_sql 1_users "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);
INSERT INTO users (name) VALUES ('"'ada'"'), ('"'grace'"');" &&
	commit_sql 2_email "ALTER TABLE users ADD COLUMN email TEXT;
UPDATE users SET email = name || '"'@example.com'"';" &&
	write_migration 3_posts "CREATE TABLE posts (id INTEGER PRIMARY KEY, user INTEGER);" \
		"DROP TABLE posts;" && awm commit -q
'

test_expect_success 'push to an empty folder creates the remote' '
	cd a && awm push >out 2>err &&
	test_grep "To $REMOTE" out && test_grep "\[new ref\] *main -> main" out &&
	test -f "$REMOTE/awm-remote-v1" &&
	ls "$REMOTE"/store/*.pack "$REMOTE"/store/*.idx >/dev/null &&
	ls "$REMOTE"/refs/heads/main/ >entries && test_line_count = 1 entries &&
	test "$(awm rev-parse origin/main)" = "$(awm rev-parse main)"
'

test_expect_success 'the progress bar stays off the output when it is not a terminal' '
	cd a && ! grep -q "Writing objects" err
'

test_expect_success 'a second push has nothing to do' '
	cd a && ls -R "$REMOTE" >before &&
	awm push >out && test_grep "Everything up to date" out &&
	ls -R "$REMOTE" >after && test_cmp before after
'

test_expect_success 'fetch into an empty clone' '
	clone_of b "$REMOTE" && cd b &&
	awm fetch >out && test_grep "\[new ref\] *main -> origin/main" out &&
	awm pull >out && test_grep "Fast-forward main to" out
'

test_expect_success 'log, show and fsck agree between the clones' '
	(cd a && awm log --no-decorate && awm log --format=json --no-decorate) >log.a &&
	(cd b && awm log --no-decorate && awm log --format=json --no-decorate) >log.b &&
	test_cmp log.a log.b &&
	for rev in HEAD HEAD~1 HEAD~2; do
		(cd a && awm show $rev) >show.a &&
		(cd b && awm show $rev) >show.b &&
		test_cmp show.a show.b || exit 1
	done &&
	test_fsck_agree a b
'

test_expect_success 'the fetched history applies to a database with the same result' '
	(cd a && apply_history "$TRASH/a.db") && (cd b && apply_history "$TRASH/b.db") &&
	sqlite3 a.db .dump >dump.a && sqlite3 b.db .dump >dump.b &&
	test_cmp dump.a dump.b && test_grep "grace@example.com" dump.b
'

test_expect_success 'the second clone builds on the fetched history' '
	cd b && commit_sql 4_tags "CREATE TABLE tags (id INTEGER PRIMARY KEY, user INTEGER);
INSERT INTO tags (user) SELECT id FROM users;" &&
	awm log --oneline >log && test_line_count = 4 log &&
	awm fsck
'

test_expect_success 'an incremental push sends only the new commit objects' '
	cd b && awm push -v >out &&
	test_grep "objects: 4," out &&
	ls "$REMOTE"/store/*.pack >packs && test_line_count = 2 packs &&
	test_grep "requests: [0-9]" out
'

test_expect_success 'an incremental fetch downloads only the new pack' '
	cd a && awm fetch -v >out &&
	test_grep "packs: 1, objects: 4," out &&
	awm pull >out && test_grep "Fast-forward main" out &&
	test "$(awm rev-parse main)" = "$(cd ../b && awm rev-parse main)"
'

test_expect_success 'entries that are ancestors of the value are pruned' '
	ls "$REMOTE"/refs/heads/main/ >entries && test_line_count = 1 entries &&
	test_grep "^000000000004-$(cd b && awm rev-parse main)-" entries
'

test_expect_success 'a tampered object is refused on fetch by its id, and no ref moves' '
	clone_of c "$REMOTE" && cd c &&
	pack=$(ls "$REMOTE"/store/*.pack | head -1) &&
	cp "$pack" "$TRASH/pack.orig" &&
	size=$(wc -c <"$pack") &&
	chmod u+w "$pack" &&
	printf "\\377" | dd of="$pack" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null &&
	test_expect_code 1 awm fetch 2>err &&
	test_grep "refusing .store/.*\.pack. from remote .origin." err &&
	test_grep "object [0-9a-f]\{32\}" err &&
	test ! -e .awm/refs/remotes/origin/main &&
	cp "$TRASH/pack.orig" "$pack" &&
	awm fetch >/dev/null && awm fsck
'

test_expect_success 'a clone pushing a commit another clone pushed writes its own entry, once' '
	clone_of d "$REMOTE" && cd d && awm pull -q &&
	awm push >out && test_grep "Everything up to date" out &&
	ls "$REMOTE"/refs/heads/main/ >entries && test_line_count = 2 entries &&
	test_grep "$(cat .awm/remotes/origin/pushed | sed "s|.*/||")" entries &&
	awm push >out && test_grep "Everything up to date" out &&
	ls "$REMOTE"/refs/heads/main/ >entries && test_line_count = 2 entries
'

test_expect_success 'a push to refs/remotes is refused' '
	cd a && test_expect_code 2 awm push origin main:refs/remotes/x/y 2>err &&
	test_grep "only branches" err
'

test_done
