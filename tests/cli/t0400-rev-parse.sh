#!/bin/sh
# awm rev-parse: names, ancestry, prefixes, environments.
. "$(dirname "$0")/test-lib.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-awm.sh"

test_expect_success 'setup: three commits, a branch and an environment ref' '
	new_repo . &&
	for n in 1 2 3; do
		write_migration ${n}_m$n "CREATE TABLE t$n(id INTEGER PRIMARY KEY);" &&
		awm commit >/dev/null || return 1
	done &&
	awm branch side HEAD~1 &&
	{ fi_commit refs/envs/dev 1 1700000000 "dev env" "$(awm rev-parse HEAD~2)"; } >stream &&
	awm fast-import -q <stream
'

test_expect_success 'full ids, HEAD, @, branches' '
	head=$(awm rev-parse HEAD) &&
	echo "$head" | grep -q "^[0-9a-f]\{32\}$" &&
	test "$(awm rev-parse @)" = "$head" &&
	test "$(awm rev-parse main)" = "$head" &&
	test "$(awm rev-parse refs/heads/main)" = "$head" &&
	test "$(awm rev-parse heads/main)" = "$head" &&
	test "$(awm rev-parse "$head")" = "$head"
'

test_expect_success '~N, ^N and ^' '
	test "$(awm rev-parse HEAD~1)" = "$(awm rev-parse HEAD^)" &&
	test "$(awm rev-parse HEAD~2)" = "$(awm rev-parse HEAD^^)" &&
	test "$(awm rev-parse HEAD~2)" = "$(awm rev-parse HEAD^1~1)" &&
	test "$(awm rev-parse side)" = "$(awm rev-parse HEAD~1)" &&
	test "$(awm rev-parse HEAD~0)" = "$(awm rev-parse HEAD)" &&
	awm cat-object -p HEAD~1 | grep -q "^parent $(awm rev-parse HEAD~2)$" &&
	test_expect_code 1 awm rev-parse HEAD~3 2>err &&
	test_grep "goes back past the first commit" err &&
	test_expect_code 1 awm rev-parse HEAD^2 2>err &&
	test_grep "has no parent 2" err
'

test_expect_success 'environment refs: by name and as envs/<name>' '
	dev=$(awm rev-parse refs/envs/dev) &&
	test "$(awm rev-parse dev)" = "$dev" &&
	test "$(awm rev-parse envs/dev)" = "$dev" &&
	test "$(awm rev-parse dev~1)" = "$(awm rev-parse HEAD~2)" &&
	awm rev-parse --symbolic-full-name dev >out &&
	test "$(cat out)" = refs/envs/dev
'

test_expect_success 'a branch named like an environment wins; envs/ reaches the other' '
	awm branch dev HEAD &&
	test "$(awm rev-parse dev)" = "$(awm rev-parse HEAD)" &&
	test "$(awm rev-parse envs/dev)" != "$(awm rev-parse HEAD)" &&
	awm rev-parse --symbolic-full-name dev >out &&
	test "$(cat out)" = refs/heads/dev &&
	awm branch -D dev >/dev/null
'

test_expect_success 'unique prefixes of 4 or more digits' '
	head=$(awm rev-parse HEAD) &&
	test "$(awm rev-parse "$(echo "$head" | cut -c1-12)")" = "$head" &&
	test "$(awm rev-parse "$(echo "$head" | cut -c1-8)~1")" = "$(awm rev-parse HEAD~1)" &&
	test_expect_code 1 awm rev-parse "$(echo "$head" | cut -c1-3)" 2>err &&
	test_grep "unknown revision" err
'

test_expect_success 'an ambiguous prefix lists the candidates' '
	i=0 &&
	while [ $i -lt 1500 ]; do echo "blob $i" >b$i; i=$((i + 1)); done &&
	ls b* | awm hash-object -w --stdin-paths >ids &&
	prefix=$(cut -c1-4 ids | sort | uniq -d | head -1) &&
	test -n "$prefix" &&
	test_expect_code 1 awm rev-parse "$prefix" 2>err &&
	test_grep "short id '\''$prefix'\'' is ambiguous; candidates:" err &&
	grep "^$prefix" ids >want &&
	while read -r id; do test_grep "  $id" err || return 1; done <want &&
	rm b*
'

test_expect_success '--short' '
	head=$(awm rev-parse HEAD) &&
	test "$(awm rev-parse --short HEAD)" = "$(echo "$head" | cut -c1-10)" &&
	test "$(awm rev-parse --short=6 HEAD)" = "$(echo "$head" | cut -c1-6)" &&
	test "$(awm rev-parse --short=2 HEAD)" = "$(echo "$head" | cut -c1-4)"
'

test_expect_success 'several revisions, one per line' '
	awm rev-parse HEAD HEAD~1 main >out &&
	test_line_count = 3 out
'

test_expect_success 'errors' '
	test_expect_code 1 awm rev-parse nonesuch 2>err &&
	test_grep "unknown revision '\''nonesuch'\''" err &&
	test_expect_code 1 awm rev-parse "HEAD~x" 2>err &&
	test_grep "cannot parse revision" err &&
	test_expect_code 1 awm rev-parse 00000000000000000000000000000000 2>err &&
	test_grep "not found" err &&
	test_expect_code 1 awm rev-parse --symbolic-full-name nonesuch 2>err &&
	test_expect_code 2 awm rev-parse 2>err &&
	test_expect_code 2 awm rev-parse --short=x HEAD 2>err
'

test_done
