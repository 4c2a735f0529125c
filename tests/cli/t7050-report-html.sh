#!/bin/sh
# awm report --html: one self-contained page, rendered in headless Chromium:
# the graph and a known commit's diff are on the page, text is escaped, and
# a screenshot is kept as a test artifact (<build dir>/artifacts/report.png).
. "$(dirname "$0")/test-lib.sh"

# Chromium, as Debian packages it (scripts/deps.sh test installs it).
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)

chromium_run() {
	test -n "$CHROMIUM" || { say "chromium is missing: run scripts/deps.sh test" >&2; return 1; }
	rm -rf "$TRASH/chromium-profile"
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking --disable-component-update \
		--disable-sync --user-data-dir="$TRASH/chromium-profile" "$@" 2>>"$TRASH/chromium.log"
}

test_expect_success 'setup: a history with a branch, env refs and hostile text' '
	new_repo . &&
	write_migration 1_users "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);
INSERT INTO users VALUES (1, '\''ada'\''), (2, '\''<b>bob</b>'\'');" "DROP TABLE users;" &&
	awm commit -q &&
	write_migration 2_email "ALTER TABLE users ADD COLUMN email TEXT;
UPDATE users SET email = '\''ada@example.com'\'' WHERE id = 1;" &&
	awm commit -q &&
	awm branch feature &&
	write_migration 3_checks "CREATE VIEW small AS SELECT * FROM users WHERE id < 10;" &&
	awm commit -q -m "checks </script><script>alert(1)</script> & more" &&
	awm switch feature >/dev/null && mkdir keep && mv migrations/3_checks.sql keep/ &&
	write_migration 3_posts "CREATE TABLE posts (id INTEGER PRIMARY KEY);" && awm commit -q &&
	awm switch main >/dev/null && mv keep/3_checks.sql migrations/ &&
	mkdir -p .awm/refs/remotes/origin &&
	awm rev-parse main~1 >.awm/refs/envs/dev &&
	awm rev-parse main >.awm/refs/envs/staging &&
	awm rev-parse main~1 >.awm/refs/remotes/origin/main
'

test_expect_success 'report --html writes one page with every commit' '
	awm report --html report.html 2>err &&
	test_grep "wrote report.html: 4 commits" err &&
	test_grep "^<!DOCTYPE html>" report.html &&
	for c in main main~1 main~2 feature; do
		test_grep "<article class=\"commit\" id=\"c-$(awm rev-parse $c)\">" report.html || return 1
	done
'

test_expect_success 'the page needs nothing from outside' '
	test_must_fail grep -qi "<link\|src=\|url(\|@import\|href=\"http" report.html &&
	test "$(grep -o "<script" report.html | wc -l)" -eq 1 &&
	test_grep "<script type=\"application/json\" id=\"awm-data\">" report.html
'

test_expect_success 'text is escaped, in the page and in the embedded JSON' '
	test_grep "checks &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" report.html &&
	test_must_fail grep -q "<script>alert" report.html &&
	test_grep "&#39;&lt;b&gt;bob&lt;/b&gt;&#39;" report.html &&
	sed -n "s/.*<script type=\"application\/json\" id=\"awm-data\">\(.*\)<\/script>.*/\1/p" \
		report.html >data.json &&
	awm log --format=json main feature >log.json &&
	python3 - <<-\EOF
	import json
	data, log = json.load(open("data.json")), json.load(open("log.json"))
	assert sorted(c["id"] for c in data) == sorted(c["id"] for c in log), (data, log)
	subj = [c["subject"] for c in data]
	assert "checks </script><script>alert(1)</script> & more" in subj, subj
	EOF
'

test_expect_success 'Chromium renders the graph and the known commit'\''s diff' '
	chromium_run --dump-dom "file://$TRASH/report.html" >dom.html &&
	test_grep "<svg class=\"graph\"" dom.html &&
	test "$(grep -o "<circle class=\"dot\"" dom.html | wc -l)" -eq 4 &&
	test "$(grep -o "<path class=\"edge\"" dom.html | wc -l)" -eq 3 &&
	python3 - "$(awm rev-parse main~1)" <<-\EOF
	import re, sys
	dom = open("dom.html").read()
	start = dom.index("<article class=\"commit\" id=\"c-%s\">" % sys.argv[1])
	art = dom[start:dom.index("</article>", start)]
	assert "ALTER TABLE users ADD COLUMN email TEXT;" in art, art
	assert re.search(r"<del>NULL</del> \u2192 <ins>\x27ada@example.com\x27</ins>", art), art
	assert "env/dev" in art and "origin/main" in art, art
	envs = dom[dom.index("<section id=\"envs\">"):dom.index("<section id=\"commits\">")]
	assert "refs/envs/dev" in envs and "refs/envs/staging" in envs, envs
	assert "<script>alert" not in dom
	EOF
'

test_expect_success 'a screenshot of the page is kept as a test artifact' '
	shot=${AWM_BUILD_DIR:-$TRASH}/artifacts/report.png &&
	mkdir -p "$(dirname "$shot")" && rm -f "$shot" &&
	chromium_run --window-size=1280,2000 --screenshot="$shot" "file://$TRASH/report.html" &&
	test -s "$shot" &&
	printf "\211PNG" >magic && head -c 4 "$shot" >got && cmp magic got
'

test_expect_success 'revisions and -n limit the page' '
	awm report --html one.html -n 1 feature 2>err &&
	test_grep "wrote one.html: 1 commit$" err &&
	test_grep "id=\"c-$(awm rev-parse feature)\"" one.html &&
	test_must_fail grep -q "id=\"c-$(awm rev-parse main)\"" one.html &&
	test_grep "class=\"edge more\"" one.html
'

test_expect_success 'rows written to a table without a primary key are named, not hidden' '
	new_repo keyless && cd keyless &&
	write_migration 1_log "CREATE TABLE log (at, msg);
INSERT INTO log VALUES (1, '"'a'"');
-- awm:down
DELETE FROM log;" && awm commit -q &&
	awm report --html page.html 2>err &&
	test_grep "<code>log</code>: rows not tracked (no primary key)" page.html &&
	test_must_fail grep -q "no rows changed" page.html
'

test_expect_success 'usage errors' '
	test_expect_code 2 awm report 2>err && test_grep "html <file>" err &&
	test_expect_code 1 awm report --html x.html nonesuch 2>err &&
	test_grep "unknown revision" err && test ! -e x.html
'

test_done
