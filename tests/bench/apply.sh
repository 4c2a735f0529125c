#!/bin/sh
# The apply figure: a changeset of 30,000 row changes (10,000 updates,
# deletes and inserts each) applied through `awm apply`, as a data commit,
# against the same changeset applied by a minimal C program that calls
# sqlite3changeset_apply (tests/bench/apply_ref.c).  Both are timed as whole
# processes (tests/bench/timeit.py), each from a fresh copy of the same
# database, interleaved, median of $RUNS runs (default 21); the two results
# are checked to be equal first.  Target: ratio <= 1.3.
#   tests/bench/apply.sh            (builds build/ first)
# The last line is: apply: awm <t> s, sqlite3changeset_apply <t> s, ratio <r>
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
RUNS=${RUNS:-21}
"$top/scripts/build.sh" build -DCMAKE_BUILD_TYPE=RelWithDebInfo
awm=$top/build/awm
work=$(mktemp -d "${TMPDIR:-/tmp}/awm-bench-apply.XXXXXX")
[ -n "${KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
cd "$work"
export AWM_AUTHOR_NAME="Bench" AWM_AUTHOR_EMAIL="bench@example.com" NO_COLOR=1

cc -O2 -o apply_ref "$top/tests/bench/apply_ref.c" $(pkg-config --cflags --libs sqlite3)

# The history: a table of 20,000 rows, then a data commit of 30,000 changes.
"$awm" init >/dev/null
cat >migrations/1_items.sql <<'SQL'
-- awm:up
CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, qty INTEGER, note TEXT);
WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM s WHERE x < 20000)
INSERT INTO items SELECT x, 'item ' || x, x % 97, hex(randomblob(16)) FROM s;
-- awm:down
DROP TABLE items;
SQL
"$awm" commit -q
"$awm" apply >/dev/null
cp db/dev.db start.db
cp start.db after.db
sqlite3 after.db "UPDATE items SET qty = qty + 1, name = name || ' v2' WHERE id <= 10000;
	DELETE FROM items WHERE id > 10000;
	WITH RECURSIVE s(x) AS (SELECT 20001 UNION ALL SELECT x + 1 FROM s WHERE x < 30000)
	INSERT INTO items SELECT x, 'new ' || x, x % 13, hex(randomblob(16)) FROM s;"
sqldiff --changeset cs.bin start.db after.db
changes=$(python3 - <<'PY'
import sqlite3
# Count the changes by applying them to a copy inside a session-free check:
# the rows that differ between the two databases.
a = sqlite3.connect("start.db"); b = sqlite3.connect("after.db")
A = {r[0]: r for r in a.execute("SELECT * FROM items")}
B = {r[0]: r for r in b.execute("SELECT * FROM items")}
print(sum(1 for k in A.keys() | B.keys() if A.get(k) != B.get(k)))
PY
)
[ "$changes" = 30000 ] || { echo "expected 30000 row changes, got $changes" >&2; exit 1; }
cs=$("$awm" hash-object -w -t changeset cs.bin)
schema=$("$awm" cat-object -p HEAD | sed -n 's/^schema //p')
{
	echo "parent $("$awm" rev-parse HEAD)"
	echo "changeset $cs"
	echo "schema $schema"
	echo "engine sqlite"
	echo "kind data"
	echo "author Bench <bench@example.com> 1700000000 +0000"
	echo "committer Bench <bench@example.com> 1700000000 +0000"
	echo
	echo "30,000 row changes"
} >commit.txt
data=$("$awm" hash-object -w -t commit commit.txt)
"$awm" env set dev "$data" >/dev/null

# Same work, same result: one run each, compared row for row.
cp start.db db/dev.db && "$awm" apply >/dev/null
cp start.db ref.db && ./apply_ref ref.db cs.bin
python3 "$top/tests/cli/dbdump.py" db/dev.db >awm.dump
python3 "$top/tests/cli/dbdump.py" ref.db >ref.dump
cmp -s awm.dump ref.dump || { echo "awm and the reference disagree" >&2; exit 1; }
[ "$(sqlite3 db/dev.db "SELECT status FROM awm_state ORDER BY id DESC LIMIT 1")" = applied ]

python3 "$top/tests/bench/timeit.py" "$RUNS" start.db \
	db/dev.db awm "$awm" apply -- ref.db ref ./apply_ref ref.db cs.bin >times
awk -v runs="$RUNS" '
	$1 == "awm" { aw = $2; ac = $3 }
	$1 == "ref" { rw = $2; rc = $3 }
	END {
		printf "medians of %d interleaved runs; cpu (user+sys): awm %.3f s, reference %.3f s, ratio %.2f\n", runs, ac, rc, ac / rc
		printf "apply: awm %.3f s, sqlite3changeset_apply %.3f s, ratio %.2f\n", aw, rw, aw / rw
	}' times
