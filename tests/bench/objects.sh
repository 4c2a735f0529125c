#!/bin/sh
# Object writes: 20,000 migration files of about 0.3 KB stored by one
# command, `awm hash-object -w --stdin-paths` against
# `git hash-object -w --stdin-paths` on the same files.  Target: awm's wall
# time at most 0.2 x git's (awm writes one pack with one fsync; git writes
# a loose file per object).
#   BENCH_FILES  number of files (default 20000)
. "$(dirname "$0")/lib.sh"
files=${BENCH_FILES:-20000}

python3 - "$BENCH_TMP/files" "$files" <<'EOF'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
os.makedirs(root)
with open(root + ".list", "w") as paths:
    for i in range(n):
        t = "t%d" % i
        text = ("-- awm:up\n"
                "CREATE TABLE %s (\n"
                "    id INTEGER PRIMARY KEY,\n"
                "    name TEXT NOT NULL,\n"
                "    email TEXT,\n"
                "    created_at INTEGER NOT NULL DEFAULT 0\n"
                ");\n"
                "CREATE INDEX %s_name ON %s (name);\n"
                "INSERT INTO %s (name, created_at) VALUES ('row %d', %d);\n"
                "-- awm:down\n"
                "DROP INDEX %s_name;\n"
                "DROP TABLE %s;\n" % (t, t, t, t, i * 7919, 1700000000 + i, t, t))
        path = "%s/%d_create_%s.sql" % (root, 20260101000000 + i, t)
        with open(path, "w") as f:
            f.write(text)
        paths.write(path + "\n")
EOF
list=$BENCH_TMP/files.list
say "$files files, $(du -sk "$BENCH_TMP/files" | cut -f1) KB on disk, $(cat "$BENCH_TMP"/files/* | wc -c) bytes of content"

fresh_awm='rm -rf "$BENCH_TMP/awm" && mkdir "$BENCH_TMP/awm" && "$AWM" -C "$BENCH_TMP/awm" init >/dev/null'
fresh_git='rm -rf "$BENCH_TMP/git" && git init -q "$BENCH_TMP/git"'
awm_cmd="cd '$BENCH_TMP/awm' && '$AWM' hash-object -w --stdin-paths <'$list' >'$BENCH_TMP/awm.ids'"
git_cmd="cd '$BENCH_TMP/git' && git hash-object -w --stdin-paths <'$list' >'$BENCH_TMP/git.ids'"

bench_pair "$fresh_awm" "$awm_cmd" "$fresh_git" "$git_cmd"

# What the last awm run stored: every file, once, in one pack, intact.
[ "$(wc -l <"$BENCH_TMP/awm.ids")" -eq "$files" ]
"$AWM" -C "$BENCH_TMP/awm" fsck >"$BENCH_TMP/fsck.out"
grep -q "^checked $files objects (1 packs)" "$BENCH_TMP/fsck.out" ||
	{ cat "$BENCH_TMP/fsck.out" >&2; echo "error: awm did not store $files objects in one pack" >&2; exit 1; }
say "awm store: $(ls "$BENCH_TMP/awm/.awm/objects/pack" | tr '\n' ' ')($(du -sk "$BENCH_TMP/awm/.awm/objects" | cut -f1) KB)"
say "git store: $(git -C "$BENCH_TMP/git" count-objects | tr -d '\n') ($(du -sk "$BENCH_TMP/git/.git/objects" | cut -f1) KB)"
if command -v xxhsum >/dev/null; then
	# The first id, recomputed by xxhsum from "blob <size>\0" and the bytes.
	first=$(head -n 1 "$list")
	want=$( { printf 'blob %d\0' "$(wc -c <"$first")"; cat "$first"; } | xxhsum -H2 | cut -d' ' -f1)
	[ "$want" = "$(head -n 1 "$BENCH_TMP/awm.ids")" ] ||
		{ echo "error: id of $first is not what xxhsum computes ($want)" >&2; exit 1; }
fi

bench_instructions awm "$fresh_awm" "$awm_cmd"
bench_instructions git "$fresh_git" "$git_cmd"
bench_report "$awm_median" git "$git_median"
