#!/bin/sh
# awm hash-object: ids as xxhsum computes them, CRLF, types, writing.
. "$(dirname "$0")/test-lib.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-awm.sh"

# The id computed outside awm: XXH3-128 of "<type> <len>\0<payload>".
xxh_id() {
	{ printf '%s %s\0' "$1" "$(file_size "$2")"; cat "$2"; } | xxhsum -H2 | cut -d" " -f1
}

test_expect_success 'the id of hello is the one in the design' '
	printf "hello\n" | awm hash-object --stdin >out &&
	test "$(cat out)" = 8ea94845c052ea1c80321d83b8208662
'

test_expect_success 'ids match xxhsum over header and payload, for every type' '
	printf "a\nb\n" >text &&
	: >empty &&
	printf "awm-schema 1\nengine sqlite\n" >schema &&
	test "$(awm hash-object text)" = "$(xxh_id blob text)" &&
	test "$(awm hash-object empty)" = "$(xxh_id blob empty)" &&
	test "$(awm hash-object empty)" = 7e9c4f181d45558edaae8a6e7184d9e0 &&
	test "$(awm hash-object -t schema schema)" = "$(xxh_id schema schema)" &&
	test "$(awm hash-object -t changeset empty)" = "$(xxh_id changeset empty)"
'

test_expect_success 'text is hashed with CRLF as LF; --no-filters keeps the bytes' '
	printf "a\r\nb\r\n" >crlf &&
	test "$(awm hash-object crlf)" = "$(awm hash-object text)" &&
	test "$(awm hash-object --no-filters crlf)" = "$(xxh_id blob crlf)" &&
	test "$(awm hash-object --no-filters crlf)" != "$(awm hash-object text)" &&
	printf "a\r\n" | awm hash-object --stdin >out &&
	test "$(cat out)" = "$(printf "a\n" | awm hash-object --stdin)" &&
	printf "lone\rcr\n" >cr &&
	test "$(awm hash-object cr)" = "$(xxh_id blob cr)"
'

test_expect_success 'binary content (a NUL byte) is hashed as it is' '
	printf "a\r\n\000b\r\n" >bin &&
	test "$(awm hash-object bin)" = "$(xxh_id blob bin)"
'

test_expect_success 'several files, and --stdin-paths, one id per line' '
	awm hash-object text crlf empty >out &&
	test_line_count = 3 out &&
	printf "text\ncrlf\nempty\n" | awm hash-object --stdin-paths >out2 &&
	test_cmp out out2
'

test_expect_success 'no repository is needed without -w' '
	test ! -d .awm &&
	awm hash-object text
'

test_expect_success '-w writes the objects; few go loose' '
	new_repo . &&
	awm hash-object -w text crlf bin >ids &&
	test "$(count_loose)" = 2 &&
	test "$(count_packs)" = 0 &&
	test "$(awm cat-object -t "$(head -1 ids)")" = blob &&
	awm cat-object -p "$(head -1 ids)" >back &&
	test_cmp text back &&
	awm cat-object -p "$(sed -n 3p ids)" >back &&
	test_cmp bin back
'

test_expect_success 'writing many objects makes one pack' '
	mkdir many &&
	i=0 &&
	while [ $i -lt 300 ]; do
		echo "object $i" >many/$i && echo many/$i >>paths && i=$((i + 1)) || return 1
	done &&
	awm hash-object -w --stdin-paths <paths >ids &&
	test_line_count = 300 ids &&
	test "$(count_packs)" = 1 &&
	test "$(count_loose)" = 2 &&
	for n in 0 150 299; do
		id=$(sed -n "$((n + 1))p" ids) &&
		awm cat-object -p "$id" >back &&
		test_cmp "many/$n" back || return 1
	done &&
	fsck_clean
'

test_expect_success 'objects already stored are not written again' '
	awm hash-object -w --stdin-paths <paths >ids2 &&
	test_cmp ids ids2 &&
	test "$(count_packs)" = 1
'

test_expect_success 'typed objects are validated' '
	test_expect_code 1 awm hash-object -t schema text 2>err &&
	test_grep "does not start with '\''awm-schema 1'\''" err &&
	test_expect_code 1 awm hash-object -t commit text 2>err &&
	test_grep "malformed" err &&
	printf "not a changeset" >junk &&
	test_expect_code 1 awm hash-object -t changeset junk 2>err &&
	test_grep "is not a valid changeset" err &&
	test_expect_code 1 awm hash-object -w -t commit text 2>err &&
	test "$(count_loose)" = 2
'

test_expect_success 'a real changeset from sqldiff is accepted' '
	sqlite3 a.db "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);" &&
	cp a.db b.db &&
	sqlite3 b.db "INSERT INTO t VALUES (1, '\''x'\''), (2, '\''y'\'');" &&
	sqldiff --changeset cs.bin a.db b.db &&
	id=$(awm hash-object -w -t changeset cs.bin) &&
	test "$(awm cat-object -t "$id")" = changeset &&
	awm cat-object -p "$id" >out &&
	test_grep "t: 2 inserted" out
'

test_expect_success 'usage errors' '
	test_expect_code 2 awm hash-object 2>err &&
	test_grep "give files, or one of --stdin and --stdin-paths" err &&
	test_expect_code 2 awm hash-object --stdin text 2>err &&
	test_expect_code 2 awm hash-object -t tree text 2>err &&
	test_grep "unknown object type" err &&
	test_expect_code 1 awm hash-object nonesuch 2>err &&
	test_grep "does not exist" err
'

test_expect_success '-w outside a repository says so' '
	outside=$(mktemp -d) && cd "$outside" &&
	echo x >f &&
	test_expect_code 1 awm hash-object -w f 2>"$TRASH/err" &&
	cd / && rm -rf "$outside" &&
	test_grep "awm init" "$TRASH/err"
'

test_done
