#!/bin/sh
# How long `awm hook pre-commit` takes on a commit that touches no
# migration, in a git repository of <files> files and an awm history of
# <migrations> migrations (docs/hooks.md promises under 50 ms).
#   tests/bench/pre-commit-hook.sh [<awm binary>] [<files>] [<migrations>] [<runs>]
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
start=$(date +%s%N)
i=0
while [ $i -lt "$runs" ]; do
	"$awm" hook pre-commit
	i=$((i + 1))
done
end=$(date +%s%N)
echo "awm hook pre-commit, no migration staged: $(( (end - start) / runs / 1000 )) us per run" \
     "($files files, $migrations migrations, $runs runs)"
