#!/bin/sh
# awm fsck: a clean store, and one flipped byte in a loose object, in a
# pack, in a pack's header and in the commit-graph, each reported with the
# id and the file (exit 1).
. "$(dirname "$0")/test-lib.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-awm.sh"

test_expect_success 'setup: a packed history and a loose commit on top' '
	new_repo . &&
	write_migration 1_users "CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT);
INSERT INTO users(name) VALUES ('\''ada'\'');" "DROP TABLE users;" &&
	write_migration 2_email "ALTER TABLE users ADD COLUMN email TEXT;" &&
	awm commit >/dev/null &&
	awm gc -q &&
	write_migration 3_more "INSERT INTO users(name) VALUES ('\''grace'\'');" &&
	awm commit >/dev/null &&
	cp -R .awm pristine
'

restore() {
	rm -rf .awm && cp -R pristine .awm
}

test_expect_success 'a clean store: exit 0 and a summary' '
	awm fsck >out 2>err &&
	test_grep "^checked [0-9]* objects (1 packs), 2 refs: 0 faults$" out &&
	test_must_fail test -s err &&
	awm fsck -q >out &&
	test_must_fail test -s out
'

test_expect_success 'a flipped byte in a loose object: its id and file' '
	up=$(awm cat-object -p HEAD | sed -n "s/^up //p") &&
	f=$(loose_path "$up") &&
	test -f "$f" &&
	flip_byte "$f" $(( $(file_size "$f") / 2 )) &&
	test_expect_code 1 awm fsck >out 2>err &&
	test_grep "^error: object $up in '\''.*/$f'\'': " err &&
	test_grep "names up script $up, which is missing or damaged" err &&
	test_grep ": [1-9][0-9]* faults\?$" out &&
	restore
'

test_expect_success 'a flipped byte in a loose header (the type) is caught too' '
	c=$(awm rev-parse HEAD) &&
	flip_byte "$(loose_path "$c")" 5 &&
	test_expect_code 1 awm fsck 2>err &&
	test_grep "$c" err &&
	restore
'

test_expect_success 'a flipped byte inside a packed object: its id and the pack' '
	pack=$(ls .awm/objects/pack/pack-*.pack) &&
	flip_byte "$pack" $(( $(file_size "$pack") / 2 )) &&
	test_expect_code 1 awm fsck 2>err &&
	test_grep "pack checksum mismatch" err &&
	test_grep "^error: object [0-9a-f]\{32\} in '\''.*$(basename "$pack")'\'': " err &&
	restore
'

test_expect_success 'a flipped byte in a pack header: the pack is named' '
	pack=$(ls .awm/objects/pack/pack-*.pack) &&
	flip_byte "$pack" 1 &&
	test_expect_code 1 awm fsck 2>err &&
	test_grep "$(basename "$pack")'\'' is not a version 1 pack" err &&
	restore
'

test_expect_success 'a flipped byte in a pack index' '
	idx=$(ls .awm/objects/pack/pack-*.idx) &&
	flip_byte "$idx" $(( $(file_size "$idx") - 35 )) &&
	test_expect_code 1 awm fsck 2>err &&
	test_grep "$(basename "$idx")'\'': index checksum mismatch" err &&
	restore
'

# The graph holds 2 commits: header 24 + fan-out 1024 + ids 32 bytes, then
# the first entry's first parent position at 1080..1083.
test_expect_success 'a damaged commit-graph is reported, and reads still work' '
	flip_byte .awm/objects/info/commit-graph 1083 &&
	test_expect_code 1 awm fsck 2>err &&
	test_grep "commit-graph" err &&
	test_grep "run '\''awm gc'\'' to rebuild it" err &&
	awm log --oneline >log &&
	test_line_count = 3 log &&
	restore
'

test_expect_success 'a ref to a missing object' '
	echo 0123456789abcdef0123456789abcdef >.awm/refs/heads/ghost &&
	test_expect_code 1 awm fsck 2>err &&
	test_grep "ref '\''refs/heads/ghost'\'' points at 0123456789abcdef0123456789abcdef, which is missing" err &&
	restore
'

test_expect_success 'a ref file that holds no id, and a damaged HEAD' '
	echo garbage >.awm/refs/heads/broken &&
	echo "ref: refs/heads/../../x" >.awm/refs/heads/sym &&
	test_expect_code 1 awm fsck 2>err &&
	test_grep "ref '\''refs/heads/broken'\'' does not hold an object id" err &&
	test_grep "ref '\''refs/heads/sym'\'': .* is not a valid ref name" err &&
	restore &&
	echo garbage >.awm/HEAD &&
	test_expect_code 1 awm fsck 2>err &&
	test_grep "ref '\''HEAD'\'' does not hold an object id" err &&
	restore
'

test_expect_success 'an unborn branch is not a fault' '
	printf "ref: refs/heads/unborn\n" >.awm/HEAD &&
	fsck_clean &&
	restore
'

test_expect_success 'an object stored under the wrong name' '
	c=$(awm rev-parse HEAD) &&
	other=$(awm cat-object -p HEAD | sed -n "s/^up //p") &&
	chmod u+w "$(loose_path "$c")" &&
	cp "$(loose_path "$other")" "$(loose_path "$c")" &&
	test_expect_code 1 awm fsck 2>err &&
	test_grep "object $c in .*content hashes to $other" err &&
	restore
'

test_expect_success 'fsck takes no arguments' '
	test_expect_code 2 awm fsck extra 2>err
'

test_done
