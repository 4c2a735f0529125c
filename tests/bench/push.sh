#!/bin/sh
# Benchmark: push 10,000 recorded migrations to the B2 stand-in, then one
# more; report the HTTP requests and the bytes sent against the store's size
# on disk, and compare the time with git pushing an equivalent history (the
# same 10,000 commits of the same files) to a local bare repository.
#
#   tests/bench/push.sh [<build-dir>]      (default build/, built if missing)
#
# The last line reads: push: awm <t> s, <reference> <t> s, ratio <r>
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$top/build}
[ -x "$build/awm" ] || "$top/scripts/build.sh" "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo
PATH=$build:$PATH
N=${AWM_BENCH_COMMITS:-10000}

work=$(mktemp -d "${TMPDIR:-/tmp}/awm-bench-push.XXXXXX")
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
cd "$work"
export HOME="$work" GIT_CONFIG_NOSYSTEM=1 LC_ALL=C
export AWM_AUTHOR_NAME="Bench" AWM_AUTHOR_EMAIL="bench@example.com"
export B2_APPLICATION_KEY_ID="bench-key-id" B2_APPLICATION_KEY="bench-key-$$"

python3 "$top/tests/servers/b2_server.py" --port-file port 2>server.log &
server=$!
while [ ! -s port ]; do sleep 0.05; done
export AWM_B2_ENDPOINT="http://127.0.0.1:$(cat port)"
control() { python3 "$top/tests/servers/b2_control.py" "$(cat port)" "$@"; }
served() { control stats | python3 -c 'import json,sys; print(json.load(sys.stdin)["requests"])'; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" "BEGIN { printf \"%.3f\", b - a }"; }

# The history: N migrations, each inserting a row, recorded by awm commit.
mkdir repo && cd repo && awm init >/dev/null
printf -- '-- awm:up\nCREATE TABLE events (id INTEGER PRIMARY KEY, n INTEGER, note TEXT);\n' \
	>migrations/000000_events.sql
i=1
while [ $i -le "$N" ]; do
	printf -- "-- awm:up\nINSERT INTO events (n, note) VALUES (%d, 'event number %d');\n-- awm:down\nDELETE FROM events WHERE n = %d;\n" \
		$i $i $i >"migrations/$(printf %06d $i)_event_$i.sql"
	i=$((i + 1))
done
t0=$(now)
awm commit -q
t1=$(now)
awm gc >/dev/null
awm remote add origin b2://bench-bucket-01/bench >/dev/null
objects=$(awm fsck | sed -n 's/^checked \([0-9]*\) objects.*/\1/p')
store=$(du -sb .awm/objects | cut -f1)
echo "history: $((N + 1)) commits, $objects objects, store $store bytes on disk" \
	"(recorded in $(secs "$t0" "$t1") s)"

# B2 stand-in bucket name must match the URL.
kill $server; wait $server 2>/dev/null || true
rm -f ../port
python3 "$top/tests/servers/b2_server.py" --port-file ../port --bucket bench-bucket-01 \
	2>../server.log &
server=$!
while [ ! -s ../port ]; do sleep 0.05; done
export AWM_B2_ENDPOINT="http://127.0.0.1:$(cat ../port)"
control() { python3 "$top/tests/servers/b2_control.py" "$(cat ../port)" "$@"; }

t0=$(now)
awm push -v >../push.out
t1=$(now)
awm_time=$(secs "$t0" "$t1")
req=$(sed -n 's/^requests: \([0-9]*\),.*/\1/p' ../push.out)
sent=$(sed -n 's/.* sent: \([0-9]*\) bytes.*/\1/p' ../push.out)
echo "push of $((N + 1)) commits to the B2 stand-in: $req requests (the server saw $(served))," \
	"$sent bytes sent = $(echo "scale=2; $sent / $store" | bc | sed 's/^\./0./') x the store on disk," \
	"$awm_time s"

awm remote add folder "$work/folder-remote" >/dev/null
t0=$(now)
awm push -q folder
t1=$(now)
echo "push of the same history to a folder remote: $(secs "$t0" "$t1") s" \
	"($(du -sb "$work/folder-remote" | cut -f1) bytes there)"

printf -- "-- awm:up\nINSERT INTO events (n, note) VALUES (0, 'one more');\n" \
	>"migrations/$(printf %06d $((N + 1)))_one_more.sql"
awm commit -q
control reset >/dev/null
t0=$(now)
awm push -v >../push2.out
t1=$(now)
req2=$(sed -n 's/^requests: \([0-9]*\),.*/\1/p' ../push2.out)
sent2=$(sed -n 's/.* sent: \([0-9]*\) bytes.*/\1/p' ../push2.out)
echo "push of one more commit: $req2 requests (the server saw $(served)), $sent2 bytes sent," \
	"$(sed -n 's/^objects: \([0-9]*\),.*/\1/p' ../push2.out) objects, $(secs "$t0" "$t1") s"

# The reference: git pushing the same files as N commits to a local bare repo.
cd "$work"
git init -q --bare bare.git
git init -q ref && cd ref
{
	i=0
	for f in ../repo/migrations/*.sql; do
		i=$((i + 1))
		msg="$(basename "$f" .sql)"
		printf 'commit refs/heads/main\nmark :%d\ncommitter Bench <bench@example.com> %d +0000\n' \
			$i $((1700000000 + i))
		printf 'data %d\n%s\n' ${#msg} "$msg"
		[ $i -gt 1 ] && printf 'from :%d\n' $((i - 1))
		printf 'M 100644 inline migrations/%s\ndata %d\n' "$(basename "$f")" "$(wc -c <"$f")"
		cat "$f"
		printf '\n'
	done
} | git fast-import --quiet
git gc -q
t0=$(now)
git push -q ../bare.git main
t1=$(now)
git_time=$(secs "$t0" "$t1")
echo "push: awm $awm_time s, git push of the same history to a local bare repository $git_time s," \
	"ratio $(echo "scale=2; $awm_time / $git_time" | bc | sed 's/^\./0./')"
