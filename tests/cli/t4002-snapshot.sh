#!/bin/sh
# awm snapshot: database images as shared page objects, and checkouts from them.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup: a database of a few hundred pages' '
	new_repo . &&
	write_migration 1_load "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
INSERT INTO t SELECT i, printf('\''value %08d'\'', i) FROM n;" &&
	awm commit -q &&
	write_migration 2_touch "UPDATE t SET v = '\''changed'\'' WHERE id % 1000 = 7;" &&
	awm commit -q
'

test_expect_success 'a snapshot stores every page' '
	awm snapshot HEAD~1 >out &&
	test_grep "Snapshot [0-9a-f]* of" out &&
	test_grep "pages" out &&
	awm snapshot --list >list &&
	test_line_count = 1 list &&
	snap=$(cut -d" " -f2 list) &&
	awm cat-object -t $snap >type &&
	echo snapshot >expect && test_cmp expect type &&
	awm cat-object -p $snap >body &&
	test_grep "^awm-snapshot 1" body &&
	test_grep "^commit $(awm rev-parse HEAD~1)" body
'

test_expect_success 'the next snapshot shares the pages that did not change' '
	awm snapshot >out &&
	test_grep "against [0-9a-f]*: [0-9]* pages shared" out &&
	shared=$(sed -n "s/.*: \([0-9]*\) pages shared.*/\1/p" out) &&
	test "$shared" -gt 50
'

test_expect_success 'snapshotting again keeps the snapshot' '
	awm snapshot >out &&
	test_grep "already has snapshot" out &&
	awm snapshot --list >list &&
	test_line_count = 2 list
'

test_expect_success 'a checkout reads the snapshot when nothing is cached' '
	awm checkout -q --db replayed.db &&
	rm -rf .awm/cache &&
	awm checkout -q --db snap.db &&
	sqlite3 replayed.db "SELECT * FROM t ORDER BY id" >expect &&
	sqlite3 snap.db "SELECT * FROM t ORDER BY id" >actual &&
	test_cmp expect actual &&
	test_grep "^7|changed" actual
'

test_expect_success 'fsck checks snapshots and their pages' '
	awm fsck >out &&
	test_grep " 0 faults" out
'

test_expect_success 'a snapshot recorded for the wrong commit is refused' '
	rm -rf .awm/cache &&
	first=$(awm rev-parse HEAD~1) && second=$(awm rev-parse HEAD) &&
	cp .awm/snapshots/$first .awm/snapshots/$second &&
	test_must_fail awm checkout -q --db wrong.db 2>err &&
	grep "belongs to commit $first" err &&
	awm fsck >out 2>&1 || true &&
	grep "the snapshot recorded for commit $second belongs to commit $first" out
'

test_expect_success 'usage' '
	test_expect_code 2 awm snapshot HEAD HEAD~1 2>err &&
	test_expect_code 2 awm snapshot --list HEAD 2>err &&
	awm snapshot --help >out && test_grep "usage: awm snapshot" out
'

test_done
