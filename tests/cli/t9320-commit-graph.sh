#!/bin/sh
# The commit-graph index: walks give the same answers with it and without
# it, fsck finds an entry that disagrees with its commit, and a damaged
# file is ignored by walks (never read outside its bounds) and rebuilt by gc.
. "$(dirname "$0")/test-lib.sh"

graph=.awm/objects/info/commit-graph

# commit <ref> <n> [<from> [<merge>]]: a fast-import commit.
commit() {
	echo "commit $1" &&
	echo "author A U Thor <author@example.com> $((1700000000 + $2 * 60)) +0000" &&
	if [ $# -ge 3 ]; then echo "from $3"; fi &&
	if [ $# -ge 4 ]; then echo "merge $4"; fi &&
	printf "message %d\nsubject number %d\n\n" $((16 + ${#2})) "$2"
}

# patch_graph <python statement on bytearray g>: edit the graph, then give
# it a correct trailer (XXH3-128 of the rest, as xxhsum -H2 prints it).
patch_graph() {
	chmod u+w $graph &&
	python3 -c "
import sys
g = bytearray(open('$graph', 'rb').read())
$1
open('$graph', 'wb').write(g[:-16])
" &&
	sum=$(xxhsum -H2 $graph | cut -d" " -f1) &&
	python3 -c "
import sys
open('$graph', 'ab').write(bytes.fromhex('$sum'))
"
}

# Every way of walking, into <file>.
walks() {
	{
		awm log --oneline &&
		awm log --oneline --graph &&
		awm log --oneline --first-parent &&
		awm log --oneline -n 3 &&
		awm log --oneline main~2..main &&
		awm log --oneline ^side main &&
		awm log --format=json >/dev/null &&
		awm status | head -n 2
	} >"$1"
}

test_expect_success 'a history with branches and merges, and its graph' '
	new_repo repo && cd repo &&
	{
		commit refs/heads/main 1 &&
		commit refs/heads/main 2 &&
		commit refs/heads/side 3 refs/heads/main &&
		commit refs/heads/main 4 &&
		commit refs/heads/main 5 refs/heads/main refs/heads/side &&
		commit refs/heads/side 6 refs/heads/side &&
		commit refs/heads/main 7
	} >stream &&
	awm fast-import -q <stream &&
	test -f $graph &&
	awm fsck
'

test_expect_success 'walks answer the same with and without the graph' '
	cd repo &&
	walks with &&
	mv $graph saved && walks without && mv saved $graph &&
	test_cmp with without &&
	test_grep "subject number 7" with
'

test_expect_success 'fsck reports a graph entry that disagrees with its commit' '
	cd repo && cp $graph good &&
	patch_graph "i = g.find(b\"subject number 4\"); g[i] = ord(\"S\")" &&
	test_expect_code 1 awm fsck 2>err &&
	test_grep "disagrees with the commit; run .awm gc. to rebuild it" err &&
	awm gc -q && awm fsck &&
	cmp good $graph
'

test_expect_success 'a graph pointing outside itself is ignored, reported, rebuilt' '
	cd repo &&
	walks before &&
	count=$(python3 -c "import struct; print(struct.unpack(\">I\", open(\"$graph\", \"rb\").read()[8:12])[0])") &&
	data=$((24 + 1024 + count * 16)) &&
	patch_graph "g[$data:$data + 4] = (0x7fffffff).to_bytes(4, \"big\")" &&
	walks after && test_cmp before after &&
	test_expect_code 1 awm fsck 2>err &&
	test_grep "commit-graph. is damaged; run .awm gc. to rebuild it" err &&
	awm gc -q && awm fsck
'

test_expect_success 'fsck reports a graph whose checksum is wrong' '
	cd repo &&
	chmod u+w $graph &&
	python3 -c "
g = bytearray(open(\"$graph\", \"rb\").read()); g[-1] ^= 1
open(\"$graph\", \"wb\").write(g)" &&
	test_expect_code 1 awm fsck 2>err &&
	test_grep "commit-graph. is damaged; run .awm gc. to rebuild it" err &&
	awm gc -q && awm fsck
'

test_done
