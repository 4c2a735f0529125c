#!/bin/sh
# Benchmark: what a second snapshot of a large database adds to the store.
#
# A database of two tables with $ROWS rows each (default 1,000,000 a table,
# about 150 MB) is recorded with 'awm commit --from-db' and snapshotted;
# then 1% of its rows, picked at random, are updated, recorded again, and
# snapshotted again.  The second snapshot shares unchanged pages and
# stores changed ones as deltas; the reference is what a plain compressed
# copy of the database costs (zstd -3, the store's own level).
# Target: the second snapshot adds <= 5% of the database's size.
#
#   tests/bench/snapshot.sh        (AWM=<binary> skips the build)
#
# Last lines:
#   snapshot: new bytes <n> (<p>% of the database), zstd copy <n> bytes
#   snapshot: awm <t> s, zstd <t> s, ratio <r>
set -eu
. "$(dirname "$0")/lib-db.sh"
command -v zstd >/dev/null 2>&1 || { echo "error: zstd is missing" >&2; exit 1; }

cd "$work"
export AWM_AUTHOR_NAME="Bench" AWM_AUTHOR_EMAIL="bench@example.com"
"$awm" init -q >/dev/null 2>&1 || "$awm" init >/dev/null
"$awm" checkout -q --db big.db
echo "generating big.db ($ROWS rows in each of two tables)..."
gen_db big.db
measure load "$awm" commit -q --from-db big.db -m "load the data"
echo "commit --from-db of the whole database: $secs s"
measure first "$awm" snapshot
echo "first snapshot: $secs s"

store_bytes() {
	du -sb .awm/objects | cut -f1
}

sqlite3 big.db >/dev/null <<SQL
UPDATE items SET price = price * 1.1, qty = qty + 1 WHERE abs(random()) % 100 = 0;
UPDATE events SET kind = 'changed' WHERE abs(random()) % 100 = 0;
SQL
measure change "$awm" commit -q --from-db big.db -m "change 1% of the rows"
echo "commit --from-db of the change: $secs s"
size=$(wc -c <big.db)
before=$(store_bytes)
measure second "$awm" snapshot
snap_secs=$secs
echo "second snapshot: $secs s"
new=$(($(store_bytes) - before))

measure zstd zstd -q -3 -f big.db -o big.db.zst
zstd_secs=$secs
zstd_bytes=$(wc -c <big.db.zst)

"$awm" checkout -q --db check.db --force
if [ -n "$(sqldiff --primarykey check.db big.db)" ]; then
	echo "error: the snapshot does not check out as the database" >&2
	exit 1
fi
pct=$(awk -v n="$new" -v s="$size" 'BEGIN { printf "%.2f", 100 * n / s }')
echo "database: $(mb "$size") MB"
echo "snapshot: new bytes $new ($pct% of the database), zstd copy $zstd_bytes bytes"
echo "snapshot: awm $snap_secs s, zstd $zstd_secs s, ratio $(ratio "$snap_secs" "$zstd_secs")"
