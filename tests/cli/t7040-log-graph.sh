#!/bin/sh
# awm log --graph: lanes for branches, merges (octopus too), lanes that end
# or join across others, ref decorations (branches, env refs, remote refs),
# and colours on a terminal.
. "$(dirname "$0")/test-lib.sh"

# commit <ref> <mark> <subject> [<parent>...], as a fast-import stream; a
# parent is a mark (a number) or a revision.
t=1700000000
commit() {
	ref=$1 mark=$2 subject=$3
	shift 3
	t=$((t + 60))
	printf "commit %s\nmark :%s\nauthor A U Thor <author@example.com> %s +0000\n" "$ref" "$mark" "$t"
	first=1
	for p in "$@"; do
		case $p in [0-9]|[0-9][0-9]) p=":$p" ;; esac
		if [ $first = 1 ]; then printf "from %s\n" "$p"; else printf "merge %s\n" "$p"; fi
		first=0
	done
	printf "message %s\n%s\n\n" "$(printf %s "$subject" | wc -c)" "$subject"
}

test_expect_success 'setup: branches, merges, an octopus, a second root' '
	new_repo . && {
	commit refs/heads/main 1 root
	commit refs/heads/main 2 m2 1
	commit refs/heads/a 3 a1 2
	commit refs/heads/b 4 b1 2
	commit refs/heads/main 5 m3 2
	commit refs/heads/a 6 a2 3
	commit refs/heads/c 7 c1 1
	commit refs/heads/b 8 b2 4
	commit refs/heads/main 9 "merge a" 5 6
	commit refs/heads/main 10 "merge b" 9 8
	commit refs/heads/c 11 c2 7
	commit refs/heads/main 12 octopus 10 11 4
	commit refs/heads/d 13 d1 12
	commit refs/heads/main 14 m4 12
	commit refs/heads/other 15 "other root"
	commit refs/heads/other 16 o2 15
	} >stream && awm fast-import <stream >/dev/null
'

graph() {
	awm log --graph --oneline --no-decorate "$@" | sed "s/[0-9a-f]\{10\} //"
}

test_expect_success 'lanes open at merges, spread at an octopus, and join one column a row' '
	graph main d >got && cat >want <<-\EOF && test_cmp want got
	* m4
	| * d1
	|/
	*-. octopus
	|\ \
	| * | c2
	* | | merge b
	|\ \ \
	* | | | merge a
	|\ \ \ \
	| | * | | b2
	| | |_|/
	| | | * c1
	| * | | a2
	* | | | m3
	| | * | b1
	|_|/ /
	| * | a1
	|/ /
	* | m2
	|/
	* root
	EOF
'

test_expect_success 'an octopus with lanes to its right makes room first' '
	t=$((1700000000 + 12 * 60 + 30)) &&
	commit refs/heads/late 1 late "$(awm rev-parse main~1~1~1~1)" >stream2 &&
	awm fast-import <stream2 >/dev/null &&
	graph main late >got && sed -n "1,8p" got >top && cat >want <<-\EOF && test_cmp want top
	* m4
	| * late
	|  \
	*-. | octopus
	|\ \ \
	| * | | c2
	* | | | merge b
	|\ \ \ \
	EOF
'

test_expect_success 'a line of descent that ends lets the lanes right of it close up' '
	t=1800000000 &&
	{ commit refs/heads/x 1 "x root"
	  commit refs/heads/y 2 y1 1
	  commit refs/heads/z 3 z1 "$(awm rev-parse main~6)"
	  commit refs/heads/x 4 "x merge" 1 3
	} >stream3 && awm fast-import <stream3 >/dev/null &&
	graph x y >got && cat >want <<-\EOF && test_cmp want got
	* x merge
	|\
	| * z1
	| | * y1
	|_|/
	* | x root
	 /
	* root
	EOF
'

test_expect_success 'env refs and remote refs are named at their commits' '
	mkdir -p .awm/refs/remotes/origin &&
	awm rev-parse d >.awm/refs/envs/staging &&
	awm rev-parse main >.awm/refs/envs/prod &&
	awm rev-parse a >.awm/refs/remotes/origin/main &&
	awm log --graph --oneline --decorate main d a >out &&
	test_grep "^| \* [0-9a-f]\{10\} (env/staging, d) d1$" out &&
	test_grep "^\* [0-9a-f]\{10\} (HEAD -> main, env/prod) m4$" out &&
	test_grep "(a, origin/main) a2$" out &&
	awm log --format=json -n 1 d >d.json &&
	python3 -c "import json; r = json.load(open(\"d.json\"))[0][\"refs\"]; assert r == [\"env/staging\", \"d\"], r"
'

test_expect_success 'without --oneline, the lanes a merge opens come under its commit line' '
	awm log --graph --no-decorate -n 3 main >out &&
	sed -n "7,10p" out >got && cat >want <<-EOF && test_cmp want got
	*-. commit $(awm rev-parse main~1)
	|\\ \\
	| | | Merge: $(awm rev-parse --short main~1^1) $(awm rev-parse --short main~1^2) $(awm rev-parse --short main~1^3)
	| | | Author: A U Thor <author@example.com>
	EOF
'

test_expect_success 'on a terminal each lane keeps a colour; so do refs by kind' '
	awm --color=always log --graph --oneline --decorate main d >out &&
	esc=$(printf "\033") &&
	test_grep "^${esc}\[31m|${esc}\[m \* " out &&
	test_grep "${esc}\[35menv/staging${esc}\[m" out &&
	test_grep "${esc}\[1;36mHEAD -> main${esc}\[m" out &&
	awm log --graph --oneline main >plain && test_must_fail test_grep "$esc" plain
'

test_done
