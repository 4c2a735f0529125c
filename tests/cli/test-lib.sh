# Shared setup for CLI scenario tests, after git's t/test-lib.sh.
#
# A test script sources this file, then runs test_expect_success blocks and
# ends with test_done:
#
#   . "$(dirname "$0")/test-lib.sh"
#   test_expect_success 'init creates .awm' '
#       awm init && test -d .awm
#   '
#   test_done
#
# Each script runs in its own fresh trash folder (removed when all passed);
# each test body runs in a subshell with `set -e`, in that folder.  Identity
# and dates are fixed so ids are reproducible.

set -u
: "${AWM:?set AWM to the awm binary (ctest does)}"
AWM_SOURCE_DIR=${AWM_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
TEST_NAME=$(basename "$0" .sh)
TRASH=$(mktemp -d "${TMPDIR:-/tmp}/awm-$TEST_NAME.XXXXXX")
PATH=$(dirname "$AWM"):$PATH
export PATH AWM AWM_SOURCE_DIR TRASH

export HOME="$TRASH/home"
export AWM_AUTHOR_NAME="A U Thor"
export AWM_AUTHOR_EMAIL="author@example.com"
export AWM_AUTHOR_DATE="1700000000 +0000"
export GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME="A U Thor" GIT_AUTHOR_EMAIL="author@example.com"
export GIT_COMMITTER_NAME="C O Mitter" GIT_COMMITTER_EMAIL="committer@example.com"
export NO_COLOR=1 TZ=UTC LC_ALL=C
unset AWM_DIR AWM_FAULT
mkdir -p "$HOME"
cd "$TRASH" || exit 1

test_count=0
test_failed=0

say() { printf '%s\n' "$*"; }

# test_expect_success '<what>' '<shell commands>'
test_expect_success() {
	test_count=$((test_count + 1))
	if (set -e; cd "$TRASH" && eval "$2") >"$TRASH/.out" 2>&1; then
		say "ok $test_count - $1"
	else
		test_failed=$((test_failed + 1))
		say "not ok $test_count - $1"
		sed 's/^/#  /' "$TRASH/.out"
	fi
}

# test_must_fail <command>: it must exit non-zero, but not crash or be missing.
test_must_fail() {
	set +e
	"$@"
	rc=$?
	set -e
	if [ $rc -eq 0 ]; then
		say "test_must_fail: '$*' succeeded" >&2
		return 1
	elif [ $rc -gt 128 ] || [ $rc -eq 127 ]; then
		say "test_must_fail: '$*' died with $rc" >&2
		return 1
	fi
	return 0
}

# test_expect_code <code> <command>
test_expect_code() {
	want=$1
	shift
	set +e
	"$@"
	rc=$?
	set -e
	if [ $rc -ne "$want" ]; then
		say "test_expect_code: '$*' exited $rc, wanted $want" >&2
		return 1
	fi
}

# test_cmp <expected> <actual>
test_cmp() {
	diff -u "$1" "$2"
}

# test_grep <pattern> <file>: like grep, and shows the file when it fails.
test_grep() {
	if ! grep -q -e "$1" "$2"; then
		say "test_grep: no '$1' in $2:" >&2
		sed 's/^/|  /' "$2" >&2
		return 1
	fi
}

# test_fsck_agree <dir> <dir>: fsck finds no fault in either repository,
# and checks as many objects in both (a clone holds the same history).
test_fsck_agree() {
	for d in "$1" "$2"; do
		(cd "$d" && awm fsck) >"$d.fsck" &&
		sed -n "s/.*checked \([0-9]*\) objects.*: \(0 faults\)$/\1 \2/p" "$d.fsck" >"$d.fsum" &&
		test -s "$d.fsum" || { sed 's/^/|  /' "$d.fsck" >&2; return 1; }
	done
	test_cmp "$1.fsum" "$2.fsum"
}

# test_line_count <op> <n> <file>
test_line_count() {
	n=$(wc -l <"$3")
	if ! [ "$n" "$1" "$2" ]; then
		say "test_line_count: $3 has $n lines, wanted $1 $2" >&2
		return 1
	fi
}

# new_repo <dir>: an initialised awm project in <dir>.
new_repo() {
	mkdir -p "$1" && (cd "$1" && awm init >/dev/null)
}

# write_migration <name> <up sql> [<down sql>]: migrations/<name>.sql
write_migration() {
	mkdir -p migrations
	{
		printf -- '-- awm:up\n%s\n' "$2"
		if [ $# -ge 3 ]; then
			printf -- '-- awm:down\n%s\n' "$3"
		fi
	} >"migrations/$1.sql"
}

test_done() {
	say "# $TEST_NAME: $test_count tests, $test_failed failed"
	if [ $test_failed -eq 0 ]; then
		cd / && rm -rf "$TRASH"
		exit 0
	fi
	say "# trash folder kept: $TRASH"
	exit 1
}
