#!/bin/sh
# An Appwrite project as an awm remote: packs as files of the awm-objects
# bucket (uploaded in 5 MiB chunks, and split into parts when larger than
# the bucket allows), refs as documents of awm_refs updated by
# compare-and-swap.  Push, fetch and pull round trips.
. "$(dirname "$0")/test-lib.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-remote.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-appwrite.sh"

# A bucket limit of 6 MB, so a 12 MB pack goes up as parts of two chunks each.
start_appwrite_standin --storage-limit 6000000

URL=$(appwrite_url repo)

requests() {
	standin_control requests "" GET >req.json && python3 -c '
import json, sys
reqs = json.load(open("req.json"))["requests"]
print(len(reqs))
for r in reqs:
    if r["range"]:
        print(r["method"], r["path"], r["range"])' >req.txt
}

test_expect_success 'setup: two migrations pushed to Appwrite' '
	clone_of a "$URL" && cd a &&
	commit_sql 1_users "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);
INSERT INTO users (name) VALUES ('"'ada'"');" &&
	commit_sql 2_email "ALTER TABLE users ADD COLUMN email TEXT;" &&
	awm push -v >out && test_grep "\[new ref\] *main -> main" out &&
	appwrite_docs repo awm_refs >refs && test_grep "\"ref\": \"refs/heads/main\"" refs &&
	test_grep "\"entry\": \"000000000002-$(awm rev-parse HEAD)-" refs
'

test_expect_success 'round trip: log, show and fsck agree in an empty clone' '
	clone_of b "$URL" && (cd b && awm pull -q) &&
	(cd a && awm log --no-decorate && awm show HEAD) >a.out &&
	(cd b && awm log --no-decorate && awm show HEAD) >b.out &&
	test_cmp a.out b.out &&
	test_fsck_agree a b
'

test_expect_success 'a big push: chunks of 5 MiB, parts the bucket can hold' '
	cd a && commit_sql 3_blobs "CREATE TABLE blobs (id INTEGER PRIMARY KEY, b BLOB);
INSERT INTO blobs (b) WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM s
WHERE x < 12) SELECT randomblob(1000000) FROM s;" &&
	standin_control requests "" DELETE >/dev/null &&
	awm push -v >out && test_grep "main -> main" out && requests &&
	test_grep "^POST /v1/storage/buckets/awm-objects/files bytes 0-5242879/6000000$" req.txt &&
	test_grep "^POST /v1/storage/buckets/awm-objects/files bytes 5242880-5999999/6000000$" req.txt &&
	standin_control state "" GET >state.json && python3 -c "
import json, re
s = json.load(open(\"state.json\"))
def files(o):
    if isinstance(o, dict):
        if \"files\" in o and isinstance(o[\"files\"], dict):
            yield from o[\"files\"]
        for v in o.values():
            yield from files(v)
ids = set(files(s))
assert any(re.fullmatch(r\"[0-9a-f]{32}[.]m\", i) for i in ids), ids
assert any(re.fullmatch(r\"[0-9a-f]{32}[.]3\", i) for i in ids), ids"
'

test_expect_success 'the big pack comes back whole, and every object is re-hashed' '
	cs=$(cd a && awm cat-object -p HEAD | sed -n "s/^changeset //p") &&
	(cd b && awm pull -q && awm fsck >/dev/null && awm cat-object -e $cs &&
	 test $(awm cat-object -s $cs) -gt 12000000) &&
	(cd a && awm show HEAD) >a.out && (cd b && awm show HEAD) >b.out && test_cmp a.out b.out
'

test_expect_success 'a chunk lost on the way is sent again' '
	cd a && commit_sql 4_more "INSERT INTO blobs (b) WITH RECURSIVE s(x) AS (SELECT 1
UNION ALL SELECT x + 1 FROM s WHERE x < 6) SELECT randomblob(1000000) FROM s;" &&
	standin_control faults "{\"rules\": [{\"method\": \"POST\", \"path\": \"/files$\", \"nth\": 2, \"action\": \"drop\"}]}" >/dev/null &&
	awm push -q && standin_control faults "" DELETE >/dev/null &&
	standin_control requests "" GET >req.json && test_grep "\"fault\": true" req.json &&
	cd ../b && awm pull -q && awm fsck >/dev/null &&
	test "$(awm rev-parse HEAD)" = "$(cd ../a && awm rev-parse HEAD)"
'

test_expect_success 'a push that is behind is rejected, and pull --rebase fixes it' '
	(cd a && commit_sql 5_a "CREATE TABLE ta (id INTEGER PRIMARY KEY);" && awm push -q) &&
	cd b && commit_sql 5_b "CREATE TABLE tb (id INTEGER PRIMARY KEY);" &&
	test_expect_code 4 awm push 2>err && test_grep "rejected as non-fast-forward" err &&
	awm status >st && test_grep "rebase" st &&
	awm pull -q --rebase && awm push -q &&
	(cd ../a && awm pull -q && awm log --oneline >../a.log) && awm log --oneline >../b.log &&
	test_cmp ../a.log ../b.log
'

test_expect_success 'a ref is one document: it never diverges' '
	appwrite_docs repo awm_refs >refs && test "$(grep -c "refs/heads/main" refs)" = 1 &&
	clone_of obs "$URL" && (cd obs && awm fetch 2>err && ! grep -q diverged err)
'

test_expect_success 'the remote lock: create-exclusive lock records in the bucket' '
	cd a && awm lock --remote origin -m "deploy" >out && test_grep "Locked remote" out &&
	(cd ../b && commit_sql 6_b "CREATE TABLE tc (id INTEGER PRIMARY KEY);" &&
	 test_expect_code 3 awm push 2>err && test_grep "lock" err) &&
	awm unlock --remote origin && (cd ../b && awm push -q)
'

test_done
