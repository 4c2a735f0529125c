#!/bin/sh
# awm merge-base: best common ancestors, --all, --is-ancestor.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-env.sh"
. "$(dirname "$0")/lib-graph.sh"

test_expect_success 'setup: two branches off one base' '
	two_sides &&
	on_side upstream 2_up "CREATE TABLE up (id INTEGER PRIMARY KEY);" &&
	on_side main 2_ours "CREATE TABLE ours (id INTEGER PRIMARY KEY);" &&
	on_side main 3_ours "CREATE TABLE ours2 (id INTEGER PRIMARY KEY);"
'

test_expect_success 'the merge base of two branches is where they parted' '
	awm merge-base main upstream >out &&
	echo "$(awm rev-parse main~2)" >expect && test_cmp expect out &&
	awm merge-base upstream main >out && test_cmp expect out &&
	awm merge-base --all main upstream >out && test_cmp expect out
'

test_expect_success 'of a commit and its ancestor: the ancestor' '
	awm merge-base main main~1 >out &&
	echo "$(awm rev-parse main~1)" >expect && test_cmp expect out
'

test_expect_success '--is-ancestor answers with the exit code only' '
	awm merge-base --is-ancestor main~2 main >out && test_must_fail test -s out &&
	test_expect_code 1 awm merge-base --is-ancestor upstream main &&
	awm merge-base --is-ancestor main main
'

test_expect_success 'criss-cross merges have two best common ancestors' '
	a=$(awm rev-parse main) && b=$(awm rev-parse upstream) &&
	schema=$(awm cat-object -p main | sed -n "s/^schema //p") &&
	for pair in "$a $b" "$b $a"; do
		set -- $pair &&
		{
			echo "parent $1"; echo "parent $2"; echo "schema $schema"
			echo "engine sqlite"
			echo "author A U Thor <author@example.com> 1700000000 +0000"
			echo "committer A U Thor <author@example.com> 1700000000 +0000"
			echo; echo "merge"
		} >m.txt &&
		awm hash-object -w -t commit m.txt >>merges || return 1
	done &&
	awm merge-base --all $(cat merges) | sort >out &&
	{ echo "$a"; echo "$b"; } | sort >expect && test_cmp expect out &&
	awm merge-base $(cat merges) >one && test_line_count = 1 one
'

test_expect_success 'unrelated histories have none (exit 1)' '
	root=$(awm hash-object -w -t commit m.txt) &&
	printf "schema %s\nengine sqlite\nauthor A <a@b> 1 +0000\ncommitter A <a@b> 1 +0000\n\nroot\n" \
		"$(awm cat-object -p main | sed -n "s/^schema //p")" >r.txt &&
	other=$(awm hash-object -w -t commit r.txt) &&
	test_expect_code 1 awm merge-base main "$other" 2>err &&
	test_grep "have no common ancestor" err
'

test_expect_success 'usage errors (exit 2); an unknown revision (exit 1)' '
	test_expect_code 2 awm merge-base main &&
	test_expect_code 2 awm merge-base --all --is-ancestor main upstream &&
	test_expect_code 1 awm merge-base main nosuch 2>err && test_grep "nosuch" err
'

test_done
