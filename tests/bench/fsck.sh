#!/bin/sh
# Maintenance: `awm fsck` over a store of about 100,000 objects against
# `git fsck` over the same history.  Both stores are imported with
# fast-import and then packed by their own gc, the state a maintained
# repository is in.  No target; the figures are reported.
#   BENCH_COMMITS  commits in the history (default 25200: about 100,000
#                  awm objects)
. "$(dirname "$0")/lib.sh"
commits=${BENCH_COMMITS:-25200}

gen_history "$commits" "$BENCH_TMP/h" 1 50
new_stores "$BENCH_TMP/s"
awm_dir=$BENCH_TMP/s/awm git_dir=$BENCH_TMP/s/git
"$AWM" -C "$awm_dir" fast-import -q <"$BENCH_TMP/h.awm.0"
git -C "$git_dir" fast-import --quiet <"$BENCH_TMP/h.git.0"
"$AWM" -C "$awm_dir" gc -q
git -C "$git_dir" gc -q

awm_cmd="'$AWM' -C '$awm_dir' fsck >'$BENCH_TMP/fsck.out'"
git_cmd="git -C '$git_dir' fsck --no-progress"
bench_pair : "$awm_cmd" : "$git_cmd"
grep -q ": 0 faults$" "$BENCH_TMP/fsck.out" ||
	{ cat "$BENCH_TMP/fsck.out" >&2; echo "error: awm fsck found faults" >&2; exit 1; }
say "awm: $(cat "$BENCH_TMP/fsck.out")"
say "git: $(git -C "$git_dir" count-objects -v | sed -n 's/^in-pack: //p') objects in one pack"

bench_instructions awm : "$awm_cmd"
bench_instructions git : "$git_cmd"
bench_report "$awm_median" "git fsck" "$git_median"
