#!/bin/sh
# awm fast-import: the stream format of docs/fast-import.md, the parents it
# sets, and malformed streams refused with their line number, writing nothing.
. "$(dirname "$0")/test-lib.sh"

# data <text>: a data section's "<count>\n<bytes>\n" for a one-line text.
data() {
	printf '%d\n%s\n' "$(printf '%s\n' "$1" | wc -c)" "$1"
}

# A store's objects and refs, to show that a refused stream wrote nothing.
snapshot() {
	(cd .awm && find objects refs packed-refs -type f 2>/dev/null | sort &&
		cat refs/heads/* 2>/dev/null) >"$1"
}

test_expect_success 'a stream with marks, a merge and every data section' '
	new_repo repo && cd repo &&
	sqlite3 a.db "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);" &&
	cp a.db b.db && sqlite3 b.db "INSERT INTO t VALUES (1, '"'"'x'"'"');" &&
	sqldiff --changeset cs a.db b.db &&
	schema="$(printf "awm-schema 1\nengine sqlite\ntable\tt\tt\tCREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)\n")" &&
	{
		echo "# a comment line, then a blank one" && echo &&
		echo "commit refs/heads/main" && echo "mark :1" &&
		echo "author A U Thor <author@example.com> 1700000000 +0100" &&
		echo "migration migrations/1_create_t.sql" &&
		printf "up " && data "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);" &&
		printf "down " && data "DROP TABLE t;" &&
		printf "schema %d\n%s\n\n" "$(printf "%s\n" "$schema" | wc -c)" "$schema" &&
		printf "message " && data "create t" && echo &&
		echo "commit refs/heads/side" && echo "mark :2" && echo "from :1" &&
		echo "author A U Thor <author@example.com> 1700000100 +0000" &&
		echo "committer C O Mitter <committer@example.com> 1700000200 -0230" &&
		printf "changeset %d\n" "$(wc -c <cs)" && cat cs && echo &&
		printf "message " && data "fill t" && echo &&
		echo "commit refs/heads/main" && echo "mark :3" &&
		echo "author A U Thor <author@example.com> 1700000300 +0000" &&
		echo "merge :2" && printf "message " && data "merge side" && echo
	} >stream &&
	awm fast-import <stream >out &&
	test_grep "imported 3 commits" out &&
	test_grep "updated 2 refs" out &&
	awm log --oneline --graph >log &&
	test_line_count = 5 log && test_grep "^|/$" log &&
	test_grep "merge side" log && test_grep "fill t" log && test_grep "create t" log &&
	test -f .awm/objects/info/commit-graph &&
	awm fsck
'

test_expect_success 'the commit text holds what the stream said' '
	cd repo &&
	awm cat-object -p main~1 >root &&
	test_grep "^up " root && test_grep "^down " root &&
	test_grep "^migration migrations/1_create_t.sql$" root &&
	test_grep "^author A U Thor <author@example.com> 1700000000 +0100$" root &&
	test_grep "^committer A U Thor <author@example.com> 1700000000 +0100$" root &&
	awm cat-object -p side >side &&
	test_grep "^parent $(awm rev-parse main~1)$" side &&
	test_grep "^changeset " side &&
	test_grep "^committer C O Mitter <committer@example.com> 1700000200 -0230$" side &&
	awm cat-object -p side | grep "^schema " >s1 &&
	awm cat-object -p main~1 | grep "^schema " >s0 &&
	test_cmp s0 s1 &&
	awm cat-object -p "$(sed -n "s/^changeset //p" side)" >rows &&
	test_grep "1 inserted" rows
'

test_expect_success 'a commit without from continues the ref, then adds its merges' '
	cd repo &&
	main=$(awm rev-parse main) && side=$(awm rev-parse side) &&
	awm cat-object -p main >merge &&
	printf "parent %s\nparent %s\n" "$(awm rev-parse main~1)" "$side" >want &&
	grep "^parent " merge >got && test_cmp want got &&
	{
		echo "commit refs/heads/main" &&
		echo "author A U Thor <author@example.com> 1700000400 +0000" &&
		echo "merge $side" && echo "merge $main" &&
		printf "message " && data "again" && echo
	} | awm fast-import -q &&
	printf "parent %s\nparent %s\n" "$main" "$side" >want &&
	awm cat-object -p main | grep "^parent " >got && test_cmp want got
'

test_expect_success 'a root commit without a schema names the empty schema' '
	new_repo empty && cd empty &&
	printf "commit refs/heads/main\nauthor A <a@b> 1 +0000\n\n" | awm fast-import -q &&
	awm cat-object -p "$(awm cat-object -p main | sed -n "s/^schema //p")" >schema &&
	printf "awm-schema 1\nengine sqlite\n" >want && test_cmp want schema
'

test_expect_success 'many objects go into one read-only pack' '
	new_repo big && cd big &&
	i=0 && while [ $i -lt 40 ]; do
		i=$((i + 1)) &&
		echo "commit refs/heads/main" &&
		echo "author A <a@b> $i +0000" &&
		printf "up " && data "CREATE TABLE t$i (id INTEGER PRIMARY KEY);" &&
		printf "message " && data "m$i" && echo || return 1
	done >stream &&
	awm fast-import <stream >out &&
	test_grep "imported 40 commits (81 new objects)" out &&
	test "$(ls .awm/objects/pack/*.pack | wc -l)" -eq 1 &&
	test -z "$(find .awm/objects -type f -name "??????????????????????????????")" &&
	test -z "$(find .awm/objects/pack -type f -perm /0222)" &&
	test "$(awm log --oneline | wc -l)" -eq 40
'

# refuse <line> <message> <stream text>: exit 1, the message with its line
# number, and the store as it was.
refuse() {
	snapshot before &&
	printf "$3" >bad &&
	test_expect_code 1 awm fast-import <bad 2>err &&
	test_grep "fast-import stream, line $1: $2" err &&
	snapshot after && test_cmp before after
}

test_expect_success 'malformed streams are refused with their line number' '
	cd repo &&
	refuse 1 "expected .commit." "blob\n" &&
	refuse 1 ".commit. needs a full ref name" "commit HEAD\n\n" &&
	refuse 1 ".commit. needs a full ref name" "commit main\n\n" &&
	refuse 2 "bad author" "commit refs/heads/main\nauthor\n\n" &&
	refuse 2 "bad author" "commit refs/heads/main\nauthor A <a@b> x +0000\n\n" &&
	refuse 3 "bad committer" "commit refs/heads/main\nauthor A <a@b> 1 +0000\ncommitter A\n\n" &&
	refuse 2 "bad mark" "commit refs/heads/main\nmark\n\n" &&
	refuse 2 "bad mark" "commit refs/heads/main\nmark :1x\n\n" &&
	refuse 3 "unknown mark" "commit refs/heads/main\nauthor A <a@b> 1 +0000\nfrom :7\n\n" &&
	refuse 3 "unknown revision" "commit refs/heads/main\nauthor A <a@b> 1 +0000\nfrom nosuch\n\n" &&
	refuse 4 ".from. must come once" "commit refs/heads/x\nauthor A <a@b> 1 +0000\nmerge main\nfrom main\n\n" &&
	refuse 2 "unknown command in a commit" "commit refs/heads/main\nfrobnicate\n\n" &&
	refuse 3 ".author. given twice in one commit" "commit refs/heads/main\nauthor A <a@b> 1 +0000\nauthor A <a@b> 1 +0000\n\n" &&
	refuse 4 ".up. given twice in one commit" "commit refs/heads/main\nup 1\nx\nup 1\ny\n\n" &&
	refuse 2 "expected a byte count" "commit refs/heads/main\nup -1\n\n" &&
	refuse 2 "data runs past the end" "commit refs/heads/main\nup 99\nabc\n" &&
	refuse 2 "empty migration path" "commit refs/heads/main\nmigration \n\n" &&
	refuse 4 "the data is not a valid changeset" "commit refs/heads/main\nauthor A <a@b> 1 +0000\nchangeset 3\nabc\n\n" &&
	refuse 4 "schema does not start" "commit refs/heads/main\nauthor A <a@b> 1 +0000\nschema 3\nabc\n\n" &&
	refuse 4 "commit without an author" "commit refs/heads/main\nmessage 2\nm\n\n" &&
	refuse 6 "unknown mark" "commit refs/heads/main\nauthor A <a@b> 1 +0000\nmessage 2\nm\ncommit refs/heads/main\nfrom :1\n\n"
'

test_expect_success 'a commit ends at a blank line or at the next commit' '
	new_repo terse && cd terse &&
	printf "commit refs/heads/main\nauthor A <a@b> 1 +0000\nmessage 2\nm\ncommit refs/heads/main\nauthor A <a@b> 2 +0000\nmessage 2\nn\n" |
		awm fast-import -q &&
	awm log --oneline >log && test_line_count = 2 log &&
	printf "commit refs/heads/main\nauthor A <a@b> 3 +0000\nmessage 2\no\n\n\ncommit refs/heads/main\nauthor A <a@b> 4 +0000\n\n" |
		awm fast-import -q &&
	awm log --oneline >log && test_line_count = 4 log
'

test_expect_success 'fast-import takes no arguments' '
	cd repo &&
	test_expect_code 2 awm fast-import stream 2>err &&
	test_grep "standard input" err
'

test_done
