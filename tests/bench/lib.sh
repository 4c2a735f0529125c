# Shared setup for the benchmarks in tests/bench/<name>.sh.
#
# A benchmark sources this file, makes its data under $BENCH_TMP (removed on
# exit), times awm and its git reference with bench_pair, and ends with
# bench_report, whose line is the last one it prints:
#
#   <name>: awm <t> s, <reference> <t> s, ratio <r>
#
# Lines before it start with "#": the single runs, instruction counts, what
# was built.  Environment:
#   AWM          the awm binary (default: build/awm, built when missing)
#   BENCH_RUNS   timed runs per tool; the median is reported (default 5)
#   BENCH_KEEP   1 keeps the temporary folder
#   TMPDIR       where the temporary folder goes
#
# Identity, dates and time zone are fixed, so both tools store the same
# history and every run stores the same ids.

set -eu
BENCH_SOURCE_DIR=$(cd "$(dirname "$0")/../.." && pwd)
BENCH_NAME=$(basename "$0" .sh)
BENCH_RUNS=${BENCH_RUNS:-5}

if [ -z "${AWM:-}" ]; then
	AWM=$BENCH_SOURCE_DIR/build/awm
	[ -x "$AWM" ] || "$BENCH_SOURCE_DIR/scripts/build.sh" build >&2
fi
for tool in git python3; do
	command -v $tool >/dev/null || { echo "error: the benchmarks need $tool" >&2; exit 1; }
done

BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/awm-bench-$BENCH_NAME.XXXXXX")
if [ "${BENCH_KEEP:-0}" = 1 ]; then
	echo "# data kept in $BENCH_TMP" >&2
else
	trap 'rm -rf "$BENCH_TMP"' EXIT
fi

export AWM_AUTHOR_NAME="A U Thor" AWM_AUTHOR_EMAIL="author@example.com"
export GIT_AUTHOR_NAME="A U Thor" GIT_AUTHOR_EMAIL="author@example.com"
export GIT_COMMITTER_NAME="A U Thor" GIT_COMMITTER_EMAIL="author@example.com"
export GIT_CONFIG_NOSYSTEM=1 HOME="$BENCH_TMP" NO_COLOR=1 LC_ALL=C TZ=UTC
unset AWM_DIR AWM_FAULT

say() { printf '# %s\n' "$*"; }

# bench_time <setup> <command>: wall seconds of one run of <command>, a
# shell string run with `sh -c`, after <setup> (eval'd here, not timed).
bench_time() {
	eval "$1"
	python3 - "$2" <<'EOF'
import subprocess, sys, time
t = time.perf_counter()
subprocess.run(["sh", "-c", sys.argv[1]], check=True)
print("%.4f" % (time.perf_counter() - t))
EOF
}

# median <number>...: the median.
median() {
	printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END {
		if (NR % 2) print v[(NR + 1) / 2]; else printf "%.4f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# bench_pair <awm setup> <awm command> <git setup> <git command>: BENCH_RUNS
# timed runs of each, alternating between the tools so that load from other
# processes falls on both.  The single times are printed as "#" lines; the
# medians go into $awm_median and $git_median.
bench_pair() {
	awm_times= git_times=
	run=0
	while [ $run -lt "$BENCH_RUNS" ]; do
		awm_times="$awm_times $(bench_time "$1" "$2")"
		git_times="$git_times $(bench_time "$3" "$4")"
		run=$((run + 1))
	done
	say "awm runs (s):$awm_times"
	say "git runs (s):$git_times"
	awm_median=$(median $awm_times)
	git_median=$(median $git_times)
}

# bench_instructions <label> <setup> <command>: user-space instructions of
# one run, counted by `perf stat`, which the load from other processes on
# the machine does not change.  Silent where perf is missing or not allowed.
bench_instructions() {
	command -v perf >/dev/null 2>&1 || return 0
	eval "$2"
	n=$(perf stat -x, -e instructions:u -- sh -c "$3" 2>&1 >/dev/null |
		awk -F, '/instructions/ { print $1 }') || return 0
	case $n in
	''|*[!0-9]*) return 0 ;;
	esac
	say "$1 instructions (user space): $n"
}

# bench_report <awm seconds> <reference name> <reference seconds>
bench_report() {
	ratio=$(awk -v a="$1" -v b="$3" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }')
	printf '%s: awm %s s, %s %s s, ratio %s\n' "$BENCH_NAME" "$1" "$2" "$3" "$ratio"
}

# gen_history <commits> <out prefix> [<chunks>] [<merge every>]
#
# One generator for both tools: a history of <commits> commits on
# refs/heads/main, in which every <merge every>-th migration (default 50;
# 0: none) merges a side commit.  Migration i replaces table t<i-1> with
# t<i>; its up and down SQL, the schema after it, author, times and message
# are the same for both tools (git gets the migration file and the schema
# as files).  Writes <prefix>.awm.<k> (awm fast-import streams) and
# <prefix>.git.<k> (git fast-import streams), k = 0 .. <chunks>-1, each
# chunk continuing refs/heads/main where the previous one left it.
gen_history() {
	python3 - "$@" <<'EOF'
import sys

n = int(sys.argv[1])
prefix = sys.argv[2]
chunks = int(sys.argv[3]) if len(sys.argv) > 3 else 1
merge_every = int(sys.argv[4]) if len(sys.argv) > 4 else 50
who = "A U Thor <author@example.com>"
t0 = 1700000000

def up_sql(i):
    s = ("CREATE TABLE t%d (id INTEGER PRIMARY KEY, name TEXT NOT NULL, v%d INTEGER);\n"
         "CREATE INDEX t%d_name ON t%d (name);\n" % (i, i, i, i))
    if i > 1:
        s += ("INSERT INTO t%d (id, name) SELECT id, name FROM t%d;\n"
              "DROP TABLE t%d;\n" % (i, i - 1, i - 1))
    return s

def down_sql(i):
    return "DROP TABLE t%d;\n" % i

def schema(i):
    return ("awm-schema 1\nengine sqlite\n"
            "table\tt%d\tt%d\tCREATE TABLE t%d (id INTEGER PRIMARY KEY, name TEXT NOT NULL, v%d INTEGER)\n"
            "index\tt%d_name\tt%d\tCREATE INDEX t%d_name ON t%d (name)\n"
            % (i, i, i, i, i, i, i, i))

def blob(b):
    return b"%d\n" % len(b) + b + b"\n"

def awm_commit(ref, mark, t, parents, path, up, down, sch, msg):
    out = [b"commit " + ref.encode() + b"\n", b"mark :%d\n" % mark,
           ("author %s %d +0000\n" % (who, t)).encode(),
           ("committer %s %d +0000\n" % (who, t)).encode()]
    for k, p in enumerate(parents):
        out.append((b"from " if k == 0 else b"merge ") + p.encode() + b"\n")
    out += [b"migration " + path.encode() + b"\n",
            b"up " + blob(up.encode()), b"down " + blob(down.encode()),
            b"schema " + blob(sch.encode()), b"message " + blob(msg.encode()), b"\n"]
    return b"".join(out)

def git_commit(ref, mark, t, parents, path, up, down, sch, msg):
    text = ("-- awm:up\n%s-- awm:down\n%s" % (up, down)).encode()
    out = [b"commit " + ref.encode() + b"\n", b"mark :%d\n" % mark,
           ("author %s %d +0000\n" % (who, t)).encode(),
           ("committer %s %d +0000\n" % (who, t)).encode(),
           b"data " + blob(msg.encode())]
    for k, p in enumerate(parents):
        out.append((b"from " if k == 0 else b"merge ") + p.encode() + b"\n")
    out += [b"deleteall\n",
            b"M 100644 inline " + path.encode() + b"\n", b"data " + blob(text),
            b"M 100644 inline schema.sql\n", b"data " + blob(sch.encode()), b"\n"]
    return b"".join(out)

per_chunk = (n + chunks - 1) // chunks
i = total = 0
for k in range(chunks):
    fa = open("%s.awm.%d" % (prefix, k), "wb")
    fg = open("%s.git.%d" % (prefix, k), "wb")
    first = True
    while total < n and total < (k + 1) * per_chunk:
        i += 1
        t = t0 + 60 * i
        prev = [] if i == 1 else [":%d" % (i - 1)]
        git_prev = prev
        if first and i > 1:
            # A new stream continues the branch where the last one left it.
            prev, git_prev = ["refs/heads/main"], ["refs/heads/main^0"]
        first = False
        parents, git_parents = prev, git_prev
        if merge_every and i % merge_every == 0 and i > 1 and total + 2 <= n:
            # A side commit beside the previous one, merged by this one.
            side = n + i
            path = "migrations/%d_side_%d.sql" % (t - 30, i)
            args = ("refs/heads/side", side, t - 30)
            body = (path, "CREATE TABLE s%d (id INTEGER PRIMARY KEY);\n" % i,
                    "DROP TABLE s%d;\n" % i, schema(i - 1), "side work %d\n" % i)
            fa.write(awm_commit(*args, prev, *body))
            fg.write(git_commit(*args, git_prev, *body))
            parents = prev + [":%d" % side]
            git_parents = git_prev + [":%d" % side]
            total += 1
        path = "migrations/%d_migrate_t%d.sql" % (t, i)
        body = (path, up_sql(i), down_sql(i), schema(i), "migrate t%d\n" % i)
        fa.write(awm_commit("refs/heads/main", i, t, parents, *body))
        fg.write(git_commit("refs/heads/main", i, t, git_parents, *body))
        total += 1
    fa.close()
    fg.close()
EOF
}

# new_stores <dir>: an awm project in <dir>/awm and a git repository in <dir>/git.
new_stores() {
	mkdir -p "$1/awm" && (cd "$1/awm" && "$AWM" init >/dev/null)
	git init -q -b main "$1/git"
}
