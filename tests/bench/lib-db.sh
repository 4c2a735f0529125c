# Shared by the database benchmarks (diff.sh, snapshot.sh): building awm,
# generating the test databases, timing commands.  Sourced, not run.

top=$(cd "$(dirname "$0")/../.." && pwd)
awm=${AWM:-$top/build/awm}
if [ -z "${AWM:-}" ]; then
	"$top/scripts/build.sh" build -DCMAKE_BUILD_TYPE=RelWithDebInfo
fi
for tool in sqlite3 sqldiff /usr/bin/time cc; do
	command -v "$tool" >/dev/null 2>&1 ||
		{ echo "error: $tool is missing (scripts/deps.sh test)" >&2; exit 1; }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/awm-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
ROWS=${ROWS:-1000000}
# SHAPE=without-rowid makes the tables WITHOUT ROWID (another road in the diff).
case "${SHAPE:-rowid}" in
rowid) shape= ;;
without-rowid) shape=" WITHOUT ROWID" ;;
*) echo "error: SHAPE is rowid or without-rowid" >&2; exit 2 ;;
esac

# gen_db <file>: two tables of $ROWS rows each, about 75 bytes a row
# (1,000,000 rows: about 150 MB), with random text and blobs.
gen_db() {
	sqlite3 "$1" >/dev/null <<SQL
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
CREATE TABLE IF NOT EXISTS items(id INTEGER PRIMARY KEY, name TEXT NOT NULL, price REAL,
                                 qty INTEGER, note TEXT)$shape;
CREATE TABLE IF NOT EXISTS events(id INTEGER PRIMARY KEY, item_id INTEGER, kind TEXT,
                                  at INTEGER, payload BLOB)$shape;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $ROWS)
INSERT INTO items SELECT i, 'item-' || i, (i % 1000) / 7.0, i % 97,
                         substr(hex(randomblob(32)), 1, 48 + (i % 17)) FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $ROWS)
INSERT INTO events SELECT i, (i * 7919) % $ROWS,
                          CASE i % 3 WHEN 0 THEN 'create' WHEN 1 THEN 'update' ELSE 'delete' END,
                          1700000000 + i, randomblob(28 + (i % 16)) FROM n;
SQL
}

# measure <label> <command...>: runs it once; sets secs and peak_kb.
measure() {
	label=$1
	shift
	/usr/bin/time -f '%e %M' -o "$work/time.$label" "$@"
	read -r secs peak_kb <"$work/time.$label"
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'
}

# mib <KiB>: MiB with one decimal (peak memory as /usr/bin/time reports it).
mib() {
	awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'
}

# mb <bytes>: MB (10^6 bytes) with one decimal.
mb() {
	awk -v b="$1" 'BEGIN { printf "%.1f", b / 1000000 }'
}
