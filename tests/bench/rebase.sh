#!/bin/sh
# The rebase figure: 1,000 local migrations replayed by `awm rebase` onto
# 1,000 upstream migrations, each changing about 30 rows of a 100,000-row
# table, against a minimal C program (tests/bench/rebase_ref.c) that applies
# the same 2,000 changesets in sequence with sqlite3changeset_apply, in one
# transaction, to the base database.
#
# Both start from the base state: the reference from the base database
# file, awm with only the base commit's state in its scratch cache (so it
# replays the 1,000 upstream migrations too, then the 1,000 local ones with
# their conflict checks, and writes the new commits and the branch).  A
# second "#" line gives awm with the upstream tip's state cached, as after
# a pull.  The results are checked to be equal first.  Target: ratio <= 2.
#   tests/bench/rebase.sh            (builds build/ first)
#   RUNS=11 COMMITS=1000 ROWS=100000 tests/bench/rebase.sh
# The last line is: rebase: awm <t> s, sqlite3changeset_apply <t> s, ratio <r>
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
RUNS=${RUNS:-11}
COMMITS=${COMMITS:-1000}
ROWS=${ROWS:-100000}
"$top/scripts/build.sh" build -DCMAKE_BUILD_TYPE=RelWithDebInfo
awm=$top/build/awm
work=$(mktemp -d "${TMPDIR:-/tmp}/awm-bench-rebase.XXXXXX")
[ -n "${KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
cd "$work"
export AWM_AUTHOR_NAME="Bench" AWM_AUTHOR_EMAIL="bench@example.com" NO_COLOR=1
export AWM_AUTHOR_DATE="1700000000 +0000" TZ=UTC LC_ALL=C

cc -O2 -o rebase_ref "$top/tests/bench/rebase_ref.c" $(pkg-config --cflags --libs sqlite3)

# migrations <dir> <side> <first id>: COMMITS files, each updating 30 rows
# from <first id> on (the two sides' rows do not overlap: a clean rebase).
migrations() {
	python3 - "$@" "$COMMITS" <<'PY'
import os, sys
d, side, first, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
os.makedirs(d, exist_ok=True)
for k in range(n):
    ids = ", ".join(str(first + 30 * k + j) for j in range(30))
    with open(os.path.join(d, "%d_%s_%04d.sql" % (1000000 + k, side, k)), "w") as f:
        f.write("-- awm:up\nUPDATE items SET qty = qty + 1, note = '%s %d' WHERE id IN (%s);\n"
                "-- awm:down\nUPDATE items SET qty = qty - 1, note = NULL WHERE id IN (%s);\n"
                % (side, k, ids, ids))
PY
}

# The history: the base table, then the two sides, each recorded on the base.
"$awm" init >/dev/null
cat >migrations/1_items.sql <<SQL
-- awm:up
CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, qty INTEGER, note TEXT);
WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM s WHERE x < $ROWS)
INSERT INTO items SELECT x, 'item ' || x, x % 97, NULL FROM s;
-- awm:down
DROP TABLE items;
SQL
"$awm" commit -q
base=$("$awm" rev-parse HEAD)
"$awm" checkout --db base.db HEAD >/dev/null
"$awm" switch -c upstream >/dev/null
migrations up.d up 1
cp up.d/*.sql migrations/
"$awm" commit -q
rm migrations/*_up_*.sql
"$awm" switch main >/dev/null
migrations ours.d ours $((ROWS / 2))
cp ours.d/*.sql migrations/
"$awm" commit -q
cp -a .awm start.awm

# The reference's changesets: each side recorded on the base, as awm did.
ls up.d/*.sql | sort >up.list
ls ours.d/*.sql | sort >ours.list
./rebase_ref record base.db up.cs up.list
./rebase_ref record base.db ours.cs ours.list

# fresh <what>: .awm as recorded; with "base", only the base state cached.
fresh() {
	rm -rf .awm && cp -a start.awm .awm
	if [ "$1" = base ]; then
		find .awm/cache/db -name '*.db' ! -name "$base.db" -delete
	fi
}

# Same work, same result: one run each, compared row for row.
fresh base
"$awm" rebase upstream >/dev/null
"$awm" checkout --db awm.db HEAD >/dev/null
cp base.db ref.db && ./rebase_ref apply ref.db up.cs ours.cs
python3 "$top/tests/cli/dbdump.py" awm.db >awm.dump
python3 "$top/tests/cli/dbdump.py" ref.db >ref.dump
cmp -s awm.dump ref.dump || { echo "awm and the reference disagree" >&2; exit 1; }
[ "$("$awm" log --oneline | wc -l)" = $((2 * COMMITS + 1)) ]

# timed <command>: "<wall>:<cpu>" seconds of one run (cpu: user + system).
timed() {
	python3 - "$@" <<'PY'
import os, subprocess, sys, time
t = time.perf_counter()
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_, status, ru = os.wait4(p.pid, 0)
if status:
    sys.exit("%s failed" % sys.argv[1])
print("%.4f:%.4f" % (time.perf_counter() - t, ru.ru_utime + ru.ru_stime))
PY
}

wall() { for x in "$@"; do echo "${x%%:*}"; done; }
cpu() { for x in "$@"; do echo "${x##*:}"; done; }

median() {
	printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

awm_t= ref_t= warm_t=
run=0
while [ $run -lt "$RUNS" ]; do
	fresh base
	awm_t="$awm_t $(timed "$awm" rebase upstream)"
	cp base.db ref.db
	ref_t="$ref_t $(timed ./rebase_ref apply ref.db up.cs ours.cs)"
	fresh warm
	warm_t="$warm_t $(timed "$awm" rebase upstream)"
	run=$((run + 1))
done
a=$(median $(wall $awm_t))
r=$(median $(wall $ref_t))
w=$(median $(wall $warm_t))
ac=$(median $(cpu $awm_t))
rc=$(median $(cpu $ref_t))
echo "# $COMMITS local over $COMMITS upstream migrations of 30 rows each, $ROWS rows; medians of $RUNS runs (wall:cpu)"
echo "# awm runs (s):$awm_t"
echo "# reference runs (s):$ref_t"
echo "# awm with the upstream tip's state cached (s):$warm_t; median wall $w"
awk -v a="$ac" -v r="$rc" 'BEGIN {
	printf "# cpu (user+sys): awm %.3f s, reference %.3f s, ratio %.2f\n", a, r, a / r }'
awk -v a="$a" -v r="$r" 'BEGIN {
	printf "rebase: awm %.3f s, sqlite3changeset_apply %.3f s, ratio %.2f\n", a, r, a / r }'
