#!/bin/sh
# docs/commands/: every command 'awm --help' lists has exactly one page,
# docs/commands/<verb>.md, whose Synopsis is the usage 'awm <verb> --help'
# prints and which names every long option that help names; and no page
# documents a command awm does not have; and every relative link in docs/
# and README.md leads to a file and heading that exist.
. "$(dirname "$0")/test-lib.sh"

pages="$AWM_SOURCE_DIR/docs/commands"
commands=$(awm --help | sed -n 's/^  \([a-z][a-z-]*\)  .*/\1/p')

test_expect_success 'awm --help lists the commands' '
	test "$(echo "$commands" | wc -l)" -ge 30 &&
	echo "$commands" | grep -qx init && echo "$commands" | grep -qx fast-import
'

# synopsis <page>: the first code block after "## Synopsis".
synopsis() {
	awk '/^## Synopsis/ { s = 1; next }
	     s && /^```/ { if (++f == 2) exit; next }
	     s && f == 1' "$1"
}

# usage <help file>: the usage lines, without "usage: " and the indent
# that lines them up under it.
usage() {
	sed -n '/^usage: /,/^$/p' "$1" | sed '/^$/d; s/^usage: //; s/^       //'
}

# long_options <help file>: every long option the help text names, with
# --[no-]x standing for --x and --no-x.
long_options() {
	sed 's/--\[no-\]\([a-z][a-z-]*\)/--\1 --no-\1/g' "$1" |
		grep -o -- '--[a-z][a-z-]*' | sort -u
}

for verb in $commands; do
	test_expect_success "$verb: one page, with the usage and every long option" '
		page="$pages/$verb.md" &&
		test -f "$page" &&
		awm $verb --help >help.$verb &&
		usage help.$verb >want.$verb && test -s want.$verb &&
		synopsis "$page" >got.$verb &&
		test_cmp want.$verb got.$verb &&
		missing= &&
		for opt in $(long_options help.$verb); do
			grep -q -- "$opt" "$page" || missing="$missing $opt"
		done &&
		if test -n "$missing"; then
			echo "$page does not name:$missing" && false
		fi
	'
done

test_expect_success 'every page documents a command awm has' '
	stray= &&
	for page in "$pages"/*.md; do
		verb=$(basename "$page" .md) &&
		echo "$commands" | grep -qx -- "$verb" || stray="$stray $verb.md"
	done &&
	if test -n "$stray"; then
		echo "pages for no command:$stray" && false
	fi
'

test_expect_success 'every relative link in the docs resolves' '
	python3 - "$AWM_SOURCE_DIR" <<-\EOF
	import glob, os, re, sys
	top = sys.argv[1]
	def anchors(path):
	    found = set()
	    for line in open(path, encoding="utf-8"):
	        m = re.match(r"^#+\s+(.*)", line)
	        if m:
	            t = re.sub(r"[^\w\- ]", "", m.group(1).strip().lower())
	            found.add(t.replace(" ", "-"))
	    return found
	bad = []
	for f in glob.glob(top + "/docs/**/*.md", recursive=True) + [top + "/README.md"]:
	    text = re.sub(r"```.*?```", "", open(f, encoding="utf-8").read(), flags=re.S)
	    for link in re.findall(r"\]\(([^)\s]+)\)", text):
	        if re.match(r"[a-z]+:", link):
	            continue
	        path, _, anchor = link.partition("#")
	        target = os.path.normpath(os.path.join(os.path.dirname(f), path)) if path else f
	        if not os.path.exists(target):
	            bad.append("%s: %s (no such file)" % (f, link))
	        elif anchor and target.endswith(".md") and anchor not in anchors(target):
	            bad.append("%s: %s (no such heading)" % (f, link))
	if bad:
	    sys.exit("\n".join(bad))
	EOF
'

test_done
