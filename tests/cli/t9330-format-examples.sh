#!/bin/sh
# docs/format.md against the code: its worked examples give the ids it
# says, and packs, indexes, the commit-graph, refs and reflogs have the
# layout it specifies, checked with xxhsum as an independent XXH3-128.
. "$(dirname "$0")/test-lib.sh"

# xxh <file>: the canonical XXH3-128 of a file, as xxhsum -H2 prints it.
xxh() {
	xxhsum -H2 "$1" | cut -d" " -f1
}

# bytes <file> <offset> <count>: hex of a byte range.
bytes() {
	od -A n -t x1 -j "$2" -N "$3" "$1" | tr -d " \n"
}

test_expect_success 'the blob example: hashed bytes, id, CRLF and --no-filters' '
	printf "blob 6\0hello\n" >hashed &&
	test "$(bytes hashed 0 13)" = 626c6f6220360068656c6c6f0a &&
	test "$(xxh hashed)" = 8ea94845c052ea1c80321d83b8208662 &&
	test "$(printf "hello\n" | awm hash-object --stdin)" = 8ea94845c052ea1c80321d83b8208662 &&
	test "$(printf "hello\r\n" | awm hash-object --stdin)" = 8ea94845c052ea1c80321d83b8208662 &&
	test "$(printf "hello\r\n" | awm hash-object --stdin --no-filters)" = e6e95a18fcfc4530bd60cfa75248e8e6 &&
	printf "blob 7\0hello\r\n" >crlf && test "$(xxh crlf)" = e6e95a18fcfc4530bd60cfa75248e8e6
'

test_expect_success 'the empty schema and the normalised CREATE TABLE' '
	test "$(printf "awm-schema 1\nengine sqlite\n" | awm hash-object -t schema --stdin)" = \
		6e3c5a123def28030bc52022420ccdb0 &&
	printf "schema 27\0awm-schema 1\nengine sqlite\n" >s && test "$(xxh s)" = 6e3c5a123def28030bc52022420ccdb0
'

test_expect_success 'the loose object example' '
	new_repo loose && cd loose &&
	test "$(printf "hello\n" | awm hash-object -w --stdin)" = 8ea94845c052ea1c80321d83b8208662 &&
	f=.awm/objects/8e/a94845c052ea1c80321d83b8208662 &&
	test "$(bytes $f 0 14)" = 41574d4f01010000000000000006 &&
	test "$(bytes $f 14 4)" = 28b52ffd &&
	test -z "$(find .awm/objects/8e -type f -perm /0222)" &&
	awm cat-object -p 8ea9 >out && printf "hello\n" >want && test_cmp want out
'

test_expect_success 'the commit example' '
	new_repo ex && cd ex &&
	printf -- "-- awm:up\nCREATE TABLE t (id INTEGER PRIMARY KEY);\n-- awm:down\nDROP TABLE t;\n" \
		>migrations/1_create_t.sql &&
	awm commit -q &&
	test "$(awm rev-parse HEAD)" = 4bf904d895fc37a714c1502763368e0e &&
	cat >want <<-EOF &&
	up 46e4ce873f8f69a12759e3d26b36965f
	down 078c5f18ea3c0cda8452743509cd1d79
	schema 6931ba4318a01ffac031e6d9cc544fbd
	engine sqlite
	migration migrations/1_create_t.sql
	author A U Thor <author@example.com> 1700000000 +0000
	committer A U Thor <author@example.com> 1700000000 +0000

	create t
	EOF
	awm cat-object -p 4bf904d8 >c.txt && test_cmp want c.txt &&
	test "$(wc -c <c.txt)" -eq 285 &&
	{ printf "commit %d\0" "$(wc -c <c.txt)" && cat c.txt; } >hashed &&
	test "$(xxh hashed)" = 4bf904d895fc37a714c1502763368e0e &&
	printf "CREATE TABLE t (id INTEGER PRIMARY KEY);\n" >up &&
	test "$(wc -c <up)" -eq 41 &&
	test "$(awm hash-object up)" = 46e4ce873f8f69a12759e3d26b36965f &&
	test "$(printf "DROP TABLE t;\n" | awm hash-object --stdin)" = 078c5f18ea3c0cda8452743509cd1d79 &&
	printf "awm-schema 1\nengine sqlite\ntable\tt\tt\tCREATE TABLE t(id INTEGER PRIMARY KEY)\n" >schema &&
	awm cat-object -p 6931ba43 >got && test_cmp schema got &&
	test "$(awm hash-object -t schema schema)" = 6931ba4318a01ffac031e6d9cc544fbd
'

test_expect_success 'refs and reflogs have the documented lines' '
	cd ex &&
	echo 4bf904d895fc37a714c1502763368e0e >want && test_cmp want .awm/refs/heads/main &&
	echo "ref: refs/heads/main" >want && test_cmp want .awm/HEAD &&
	printf "00000000000000000000000000000000 4bf904d895fc37a714c1502763368e0e A U Thor <author@example.com> 1700000000 +0000\tcommit: create t\n" >want &&
	test_cmp want .awm/logs/HEAD && test_cmp want .awm/logs/refs/heads/main &&
	awm gc -q &&
	printf "# awm packed-refs 1\n4bf904d895fc37a714c1502763368e0e refs/heads/main\n" >want &&
	test_cmp want .awm/packed-refs && test ! -e .awm/refs/heads/main &&
	test "$(awm rev-parse main)" = 4bf904d895fc37a714c1502763368e0e
'

test_expect_success 'a ref does not move when its reflog entry is not durable' '
	cd ex &&
	test_must_fail env AWM_FAULT=fsync-reflog awm branch other 2>err &&
	test_grep "cannot fsync reflog" err &&
	test_must_fail awm rev-parse other 2>/dev/null &&
	test ! -e .awm/refs/heads/other &&
	awm branch other && test "$(awm rev-parse other)" = 4bf904d895fc37a714c1502763368e0e
'

test_expect_success 'a pack and its index are laid out as documented' '
	new_repo pack && cd pack &&
	i=0 && while [ $i -lt 70 ]; do i=$((i + 1)) && echo "SELECT $i;" >f$i || return 1; done &&
	ls f* | awm hash-object -w --stdin-paths | sort >ids &&
	test "$(ls .awm/objects/pack | wc -l)" -eq 2 &&
	idx=$(ls .awm/objects/pack/*.idx) && pack=${idx%.idx}.pack &&
	test -z "$(find .awm/objects/pack -type f -perm /0222)" &&
	test "$(bytes $idx 0 12)" = 41574d490000000100000046 &&
	test "$(bytes $pack 0 12)" = 41574d500000000100000046 &&
	test "$(wc -c <$idx)" -eq $((1068 + 24 * 70)) &&
	test "$(bytes $idx $((12 + 255 * 4)) 4)" = 00000046 &&
	test "$(bytes $idx 1036 $((16 * 70)) | fold -w 32)" = "$(cat ids)" &&
	test "$(bytes $idx $((1036 + 24 * 70)) 16)" = "$(bytes $pack $(($(wc -c <$pack) - 16)) 16)" &&
	head -c $(($(wc -c <$pack) - 16)) $pack >body && test "$(xxh body)" = "$(bytes $pack $(($(wc -c <$pack) - 16)) 16)" &&
	head -c $((1052 + 24 * 70)) $idx >body && test "$(xxh body)" = "$(bytes $idx $((1052 + 24 * 70)) 16)" &&
	head -c $((1036 + 16 * 70)) $idx | tail -c $((16 * 70)) >sorted &&
	test "$idx" = ".awm/objects/pack/pack-$(xxh sorted).idx" &&
	python3 - $idx $pack <<-EOF
	import sys, struct
	idx = open(sys.argv[1], "rb").read(); pack = open(sys.argv[2], "rb").read()
	n = struct.unpack(">I", idx[8:12])[0]
	fan = struct.unpack(">256I", idx[12:1036])
	ids = [idx[1036 + 16 * i:1052 + 16 * i] for i in range(n)]
	assert all(fan[b] == sum(1 for x in ids if x[0] <= b) for b in range(256))
	offs = struct.unpack(">%dQ" % n, idx[1036 + 16 * n:1036 + 24 * n])
	end = len(pack) - 16
	for o in offs:
	    t, size, flen = pack[o], struct.unpack(">Q", pack[o + 1:o + 9])[0], struct.unpack(">I", pack[o + 9:o + 13])[0]
	    assert t == 1 and o + 13 + flen <= end and pack[o + 13:o + 17] == b"\x28\xb5\x2f\xfd"
	# entries are back to back from offset 12
	assert sorted(offs)[0] == 12
	EOF
'

test_expect_success 'the commit-graph has the documented size, fan-out and checksum' '
	cd ex && g=.awm/objects/info/commit-graph &&
	test "$(bytes $g 0 8)" = 41574d4700000001 &&
	test -z "$(find .awm/objects/info -type f -perm /0222)" &&
	python3 - $g <<-EOF &&
	import sys, struct
	g = open(sys.argv[1], "rb").read()
	n, e, s, r = struct.unpack(">4I", g[8:24])
	assert r == 0 and len(g) == 1064 + 40 * n + 4 * e + s, (n, e, s, len(g))
	rec = g[1048 + 16 * n:1048 + 40 * n]
	p1, p2, gen, t, so = struct.unpack(">IIIqI", rec[0:24])
	assert (n, p1, p2, gen, t) == (1, 0xffffffff, 0xffffffff, 1, 1700000000)
	subj = g[1048 + 40 * n + 4 * e:][so:]
	assert subj.split(b"\0")[0] == b"create t"
	EOF
	head -c $(($(wc -c <$g) - 16)) $g >body &&
	test "$(xxh body)" = "$(bytes $g $(($(wc -c <$g) - 16)) 16)"
'

test_expect_success 'quoted names a CREATE statement makes are unquoted, keywords are not' '
	new_repo quoted && cd quoted &&
	printf -- "-- awm:up\nCREATE TABLE \"t\" (id INTEGER PRIMARY KEY);\nCREATE TABLE \"order\"(x);\n" \
		>migrations/1_q.sql &&
	awm commit -q &&
	awm cat-object -p $(awm cat-object -p HEAD | sed -n "s/^schema //p") >got &&
	printf "awm-schema 1\nengine sqlite\ntable\torder\torder\tCREATE TABLE \"order\"(x)\ntable\tt\tt\tCREATE TABLE t(id INTEGER PRIMARY KEY)\n" >want &&
	test_cmp want got
'

test_expect_success 'a schema with an unknown escape or out of order is refused' '
	test_must_fail awm hash-object -t schema --stdin 2>err <<-EOF &&
	awm-schema 1
	engine sqlite
	table	t	t	CREATE TABLE t(x) -- \q
	EOF
	test_grep "bad escape" err &&
	printf "awm-schema 1\nengine sqlite\ntable\tu\tu\tCREATE TABLE u(x)\ntable\tt\tt\tCREATE TABLE t(x)\n" >s &&
	test_must_fail awm hash-object -t schema s 2>err && test_grep "out of order" err
'

test_expect_success 'a snapshot object, its pages and its .awm/snapshots entry' '
	cd ex &&
	awm snapshot >out &&
	c=$(awm rev-parse HEAD) && snap=$(cat .awm/snapshots/$c) &&
	test "$(awm cat-object -t $snap)" = snapshot &&
	awm cat-object -p $snap >s.txt &&
	n=$(sed -n "s/^pages //p" s.txt) && ps=$(sed -n "s/^page-size //p" s.txt) &&
	printf "awm-snapshot 1\ncommit %s\nengine sqlite\npage-size %s\npages %s\n" $c $ps $n >want &&
	head -n 5 s.txt >got && test_cmp want got &&
	test "$(tail -n +6 s.txt | wc -l)" -eq $n &&
	test "$(awm cat-object -s $snap)" -eq $(wc -c <s.txt) &&
	{ printf "snapshot %d\0" $(wc -c <s.txt) && cat s.txt; } >hashed && test "$(xxh hashed)" = $snap &&
	p1=$(sed -n 6p s.txt) && test "$(awm cat-object -t $p1)" = page &&
	test "$(awm cat-object -s $p1)" -eq $((ps + 1)) &&
	awm cat-object -p $p1 >page && test "$(bytes page 0 1)" = 00 &&
	tail -c +2 page | head -c 15 >hdr && test "$(cat hdr)" = "SQLite format 3" &&
	awm checkout -q --db "$TRASH/ex.db" &&
	test "$(wc -c <"$TRASH/ex.db")" -eq $((n * ps)) &&
	ls .awm/objects/pack/*.pack >/dev/null &&
	awm fsck -q
'

test_expect_success 'the fast-import example makes the commit example' '
	new_repo fi && cd fi &&
	awk "/^## Example/ { f = 1; next } f && /^\`\`\`\$/ { if (++c == 2) exit; next } f && c == 1" \
		"$AWM_SOURCE_DIR/docs/fast-import.md" >stream &&
	test_grep "^commit refs/heads/side" stream &&
	awm fast-import <stream >out &&
	test_grep "imported 3 commits (7 new objects), updated 2 refs" out &&
	test "$(awm rev-parse main~1)" = 4bf904d895fc37a714c1502763368e0e &&
	awm log --oneline --graph >log &&
	printf "* b85aa53e07 merge side\n|\\\\\n| * 94969bace8 side\n|/\n* 4bf904d895 create t\n" >want &&
	test_cmp want log
'

test_done
