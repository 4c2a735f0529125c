#!/bin/sh
# Benchmark: awm diff --db --changeset against sqldiff --changeset.
#
# Two databases with two tables of $ROWS rows each (default 1,000,000 a
# table, about 150 MB); b differs from a by 1% of the rows updated, 1%
# deleted and 10,000 inserted.  Both tools run once each on a warm page
# cache; their changesets are applied to copies of a.db and the results
# compared with sqldiff, so "same meaning" is checked, not assumed.
# Target: awm's wall time <= 0.25 x sqldiff's; peak memory is reported.
#
#   tests/bench/diff.sh            (AWM=<binary> skips the build;
#                                   SHAPE=without-rowid for WITHOUT ROWID tables)
#
# Last lines:
#   diff: peak memory awm <m> MiB, sqldiff <m> MiB
#   diff: awm <t> s, sqldiff <t> s, ratio <r>
set -eu
. "$(dirname "$0")/lib-db.sh"

cd "$work"
cc -O2 -o apply-changeset "$top/tests/bench/apply-changeset.c" -lsqlite3
echo "generating a.db ($ROWS rows in each of two ${SHAPE:-rowid} tables)..."
gen_db a.db
cp a.db b.db
sqlite3 b.db >/dev/null <<SQL
PRAGMA journal_mode = OFF;
UPDATE items SET price = price + 1, note = 'changed' WHERE id % 100 = 17;
UPDATE events SET kind = 'changed' WHERE abs(random()) % 100 = 0;
DELETE FROM items WHERE abs(random()) % 100 = 0;
DELETE FROM events WHERE id % 100 = 42;
INSERT INTO items SELECT $ROWS + value, 'new-' || value, value / 3.0, value, 'fresh'
  FROM generate_series(1, 5000);
INSERT INTO events SELECT $ROWS + value, value, 'new', value, randomblob(16)
  FROM generate_series(1, 5000);
SQL
size=$(wc -c <a.db)
cat a.db b.db >/dev/null   # the same warm cache for both

measure sqldiff sqldiff --changeset sqldiff.bin a.db b.db
sq_secs=$secs sq_kb=$peak_kb
measure awm "$awm" diff --db a.db b.db --changeset awm.bin
awm_secs=$secs awm_kb=$peak_kb

cp a.db x1.db
cp a.db x2.db
./apply-changeset x1.db awm.bin
./apply-changeset x2.db sqldiff.bin
if [ -n "$(sqldiff x1.db x2.db)" ] || [ -n "$(sqldiff x1.db b.db)" ]; then
	echo "error: awm's changeset does not mean what sqldiff's does" >&2
	exit 1
fi
if cmp -s awm.bin sqldiff.bin; then
	same="byte-identical to sqldiff's"
else
	same="different bytes, same effect on a.db"
fi
echo "database: $(mb "$size") MB; changesets: awm $(wc -c <awm.bin) bytes," \
     "sqldiff $(wc -c <sqldiff.bin) bytes ($same)"
echo "diff: peak memory awm $(mib "$awm_kb") MiB, sqldiff $(mib "$sq_kb") MiB"
echo "diff: awm $awm_secs s, sqldiff $sq_secs s, ratio $(ratio "$awm_secs" "$sq_secs")"
