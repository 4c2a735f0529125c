#!/bin/sh
# Maintenance: `awm gc` over a store of about 100,000 objects spread over
# ten packs (ten fast-import runs), against `git gc` over the same history
# imported the same way.  No target; the figures are reported.  Each run
# starts from a copy of the unpacked stores (the copy is not timed).
#   BENCH_COMMITS  commits in the history (default 25200: about 100,000
#                  awm objects, each commit has an up and a down script and
#                  a schema)
. "$(dirname "$0")/lib.sh"
commits=${BENCH_COMMITS:-25200}

gen_history "$commits" "$BENCH_TMP/h" 10 50
new_stores "$BENCH_TMP/orig"
for k in 0 1 2 3 4 5 6 7 8 9; do
	"$AWM" -C "$BENCH_TMP/orig/awm" fast-import -q <"$BENCH_TMP/h.awm.$k"
	git -C "$BENCH_TMP/orig/git" fast-import --quiet <"$BENCH_TMP/h.git.$k"
done
awm_objects=$(
	"$AWM" -C "$BENCH_TMP/orig/awm" fsck | sed -n 's/^checked \([0-9]*\) objects.*/\1/p')
say "before: awm $awm_objects objects in $(ls "$BENCH_TMP/orig/awm/.awm/objects/pack" | grep -c '\.pack$') packs;" \
	"git $(git -C "$BENCH_TMP/orig/git" count-objects -v | sed -n 's/^in-pack: //p') objects in" \
	"$(git -C "$BENCH_TMP/orig/git" count-objects -v | sed -n 's/^packs: //p') packs"

copy_awm='rm -rf "$BENCH_TMP/awm" && cp -a "$BENCH_TMP/orig/awm" "$BENCH_TMP/awm"'
copy_git='rm -rf "$BENCH_TMP/git" && cp -a "$BENCH_TMP/orig/git" "$BENCH_TMP/git"'
awm_cmd="'$AWM' -C '$BENCH_TMP/awm' gc -q"
git_cmd="git -C '$BENCH_TMP/git' gc -q"
bench_pair "$copy_awm" "$awm_cmd" "$copy_git" "$git_cmd"

# What the last awm run left: one pack holding every object, intact.
"$AWM" -C "$BENCH_TMP/awm" fsck >"$BENCH_TMP/fsck.out"
grep -q "^checked $awm_objects objects (1 packs), .*: 0 faults" "$BENCH_TMP/fsck.out" ||
	{ cat "$BENCH_TMP/fsck.out" >&2; echo "error: awm gc did not leave one intact pack" >&2; exit 1; }
say "after: awm $(du -sk "$BENCH_TMP/awm/.awm/objects" | cut -f1) KB of objects," \
	"git $(du -sk "$BENCH_TMP/git/.git/objects" | cut -f1) KB"

bench_instructions awm "$copy_awm" "$awm_cmd"
bench_instructions git "$copy_git" "$git_cmd"
bench_report "$awm_median" "git gc" "$git_median"
