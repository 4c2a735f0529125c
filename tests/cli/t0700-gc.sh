#!/bin/sh
# awm gc: everything reads the same afterwards, from one pack and packed refs.
. "$(dirname "$0")/test-lib.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-awm.sh"

# Every read-only view of the history, in one file.
views() {
	{
		awm log
		awm log --graph --oneline
		awm log --format=json
		awm log --oneline topic..main
		awm branch
		awm status
		awm reflog
		awm diff "$(awm rev-parse main~3)" main
		for rev in $(awm log --format=json | python3 -c "import json,sys; print(*[c['id'] for c in json.load(sys.stdin)])"); do
			awm show "$rev"
			awm show --format=json "$rev"
		done
	} >"$1" 2>&1
}

test_expect_success 'setup: recorded migrations on two branches, and a merge' '
	new_repo . &&
	write_migration 1_users "CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT);
INSERT INTO users(name) VALUES ('\''ada'\''), ('\''grace'\'');" "DROP TABLE users;" &&
	awm commit >/dev/null &&
	write_migration 2_email "ALTER TABLE users ADD COLUMN email TEXT;
UPDATE users SET email = name || '\''@example.com'\'';" &&
	awm commit >/dev/null &&
	awm branch topic HEAD~1 &&
	write_migration 3_index "CREATE INDEX users_email ON users(email);" &&
	write_migration 4_more "INSERT INTO users(name) VALUES ('\''linus'\'');" &&
	awm commit >/dev/null &&
	{
		fi_commit refs/heads/topic 1 1700000100 "topic work" &&
		fi_commit refs/heads/main 2 1700000200 "merge topic" main :1
	} >stream &&
	awm fast-import -q <stream &&
	test "$(count_packs)" = 0 &&
	test "$(count_loose)" -gt 10
'

test_expect_success 'gc packs every object and ref' '
	views before &&
	awm gc >out &&
	test_grep "^packed [0-9]* objects; removed [0-9]* loose objects and [0-9]* old packs; packed 2 refs; commit-graph holds 6 commits$" out &&
	test "$(count_loose)" = 0 &&
	test "$(count_packs)" = 1 &&
	test ! -e .awm/refs/heads/main &&
	test_grep "refs/heads/topic" .awm/packed-refs &&
	test -f .awm/objects/info/commit-graph
'

test_expect_success 'log, show, diff, status, branch and reflog read the same after gc' '
	views after &&
	test_cmp before after &&
	fsck_clean
'

test_expect_success 'new work after gc: loose objects and refs on top of packed ones' '
	write_migration 5_after "UPDATE users SET name = lower(name);" &&
	awm commit >out &&
	test_grep "5_after" out &&
	test "$(count_loose)" -gt 0 &&
	test -f .awm/refs/heads/main &&
	test "$(awm rev-parse main~1^2)" = "$(awm rev-parse topic)" &&
	awm log --oneline >log &&
	test_line_count = 7 log
'

test_expect_success 'gc again merges the new objects into one pack, same views' '
	views before &&
	awm gc -q >out &&
	test_must_fail test -s out &&
	test "$(count_loose)" = 0 &&
	test "$(count_packs)" = 1 &&
	views after &&
	test_cmp before after &&
	fsck_clean
'

test_expect_success 'gc with nothing to do changes nothing' '
	store_state before &&
	awm gc -q &&
	store_state after &&
	test_cmp before after
'

test_expect_success 'gc removes stale temporary files, not fresh ones' '
	touch .awm/objects/pack/tmp-pack.tmp-old .awm/objects/pack/tmp-pack.tmp-new &&
	touch -d "2 hours ago" .awm/objects/pack/tmp-pack.tmp-old &&
	awm gc -q &&
	test ! -e .awm/objects/pack/tmp-pack.tmp-old &&
	test -e .awm/objects/pack/tmp-pack.tmp-new &&
	rm .awm/objects/pack/tmp-pack.tmp-new
'

test_expect_success 'gc removes an old pack whose index never came, not a fresh one' '
	p=.awm/objects/pack &&
	echo junk >$p/pack-0123.pack && echo junk >$p/pack-4567.pack &&
	touch -d "2 hours ago" $p/pack-0123.pack &&
	awm gc -q &&
	test ! -e $p/pack-0123.pack && test -e $p/pack-4567.pack &&
	ls $p/*.idx >idx && test_line_count -ge 1 idx &&
	for i in $(cat idx); do test -e "${i%.idx}.pack" || return 1; done &&
	rm $p/pack-4567.pack && awm fsck -q
'

test_expect_success 'gc refuses to remove anything when an object is damaged' '
	write_migration 6_x "SELECT 1;" &&
	awm commit >/dev/null &&
	up=$(awm cat-object -p HEAD | sed -n "s/^up //p") &&
	flip_byte "$(loose_path "$up")" 20 &&
	store_state before &&
	test_expect_code 1 awm gc 2>err &&
	test_grep "gc stopped, nothing was removed" err &&
	test_grep "$up" err &&
	store_state after &&
	test_cmp before after
'

test_expect_success 'one gc at a time' '
	(flock 9 && test_expect_code 3 awm gc 2>err) 9>.awm/gc.lock &&
	test_grep "another '\''awm gc'\'' is running" err
'

test_done
