#!/bin/sh
# How long `awm hook pre-commit` takes on a commit that touches no
# migration, in a git repository of <files> files and an awm history of
# <migrations> migrations (docs/hooks.md promises under 50 ms).  The
# reference is `git diff --cached --name-only`, the least any pre-commit
# hook does: list what is staged.
#   tests/bench/pre-commit-hook.sh [<awm binary>] [<files>] [<migrations>] [<runs>]
# The last line is:
#   pre-commit-hook: awm <t> s, git diff --cached <t> s, ratio <r>  (per run)
set -eu
awm=$(cd "$(dirname "${1:-build/awm}")" && pwd)/$(basename "${1:-build/awm}")
files=${2:-20000}
migrations=${3:-500}
runs=${4:-50}
dir=$(mktemp -d "${TMPDIR:-/tmp}/awm-bench-hook.XXXXXX")
trap 'rm -rf "$dir"' EXIT
export AWM_AUTHOR_NAME=Bench AWM_AUTHOR_EMAIL=bench@example.com
export GIT_AUTHOR_NAME=Bench GIT_AUTHOR_EMAIL=bench@example.com
export GIT_COMMITTER_NAME=Bench GIT_COMMITTER_EMAIL=bench@example.com
cd "$dir"
git init -q -b main .
git config gc.auto 0   # no background gc racing the clean-up
"$awm" init >/dev/null
mkdir -p src
i=1
while [ $i -le "$files" ]; do
	echo "$i" >"src/f$i.txt"
	i=$((i + 1))
done
i=1
while [ $i -le "$migrations" ]; do
	printf -- '-- awm:up\nCREATE TABLE t%d (id INTEGER PRIMARY KEY);\n' $i \
		>"migrations/$(printf %06d $i)_t$i.sql"
	i=$((i + 1))
done
"$awm" commit -q
git add -A && git commit -qm base
echo change >>src/f1.txt && git add src/f1.txt
# per_run <command...>: the mean wall time of one run, in seconds.
per_run() {
	start=$(date +%s%N)
	i=0
	while [ $i -lt "$runs" ]; do
		"$@" >/dev/null
		i=$((i + 1))
	done
	end=$(date +%s%N)
	awk -v ns=$((end - start)) -v n="$runs" 'BEGIN { printf "%.4f", ns / n / 1e9 }'
}
hook=$(per_run "$awm" hook pre-commit)
git=$(per_run git diff --cached --name-only)
echo "awm hook pre-commit, no migration staged: $hook s per run" \
     "($files files, $migrations migrations, $runs runs)"
echo "pre-commit-hook: awm $hook s, git diff --cached $git s," \
     "ratio $(awk -v a="$hook" -v b="$git" 'BEGIN { printf "%.2f", a / b }')"
