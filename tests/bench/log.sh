#!/bin/sh
# History walk: `awm log --oneline` over a generated 100,000-commit history
# against `git log --oneline` over the same history imported with
# `git fast-import`.  Target: awm's wall time at most 0.3 x git's.  awm
# answers from its commit-graph index, which `awm fast-import` writes.
#   BENCH_COMMITS  commits in the history (default 100000)
. "$(dirname "$0")/lib.sh"
commits=${BENCH_COMMITS:-100000}

gen_history "$commits" "$BENCH_TMP/h" 1 50
new_stores "$BENCH_TMP/s"
awm_dir=$BENCH_TMP/s/awm git_dir=$BENCH_TMP/s/git
import_awm="'$AWM' -C '$awm_dir' fast-import -q <'$BENCH_TMP/h.awm.0'"
import_git="git -C '$git_dir' fast-import --quiet <'$BENCH_TMP/h.git.0'"
say "import once (s): awm $(bench_time : "$import_awm"), git $(bench_time : "$import_git")"

# Both tools must list the same commits in the same order.
"$AWM" -C "$awm_dir" log --oneline | cut -d' ' -f2- >"$BENCH_TMP/awm.log"
git -C "$git_dir" log --oneline | cut -d' ' -f2- >"$BENCH_TMP/git.log"
[ "$(wc -l <"$BENCH_TMP/awm.log")" -eq "$commits" ] ||
	{ echo "error: awm log shows $(wc -l <"$BENCH_TMP/awm.log") commits, not $commits" >&2; exit 1; }
cmp -s "$BENCH_TMP/awm.log" "$BENCH_TMP/git.log" ||
	{ echo "error: awm and git list the history differently" >&2; exit 1; }
say "history: $commits commits, $(grep -c '^side work' "$BENCH_TMP/awm.log") of them merged side commits"

awm_cmd="'$AWM' -C '$awm_dir' log --oneline >/dev/null"
git_cmd="git -C '$git_dir' log --oneline >/dev/null"
bench_pair : "$awm_cmd" : "$git_cmd"
bench_instructions awm : "$awm_cmd"
bench_instructions git : "$git_cmd"

# For information: git with its own commit-graph (git gc writes one;
# fast-import does not).
git -C "$git_dir" commit-graph write --reachable 2>/dev/null
say "git with a commit-graph, one run (s): $(bench_time : "$git_cmd")"
bench_report "$awm_median" git "$git_median"
