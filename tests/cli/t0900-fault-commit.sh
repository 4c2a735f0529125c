#!/bin/sh
# Fault injection (AWM_FAULT) during awm commit: every write, fsync and
# rename in turn fails.  Afterwards the refs are unchanged, no partial
# object sits under an id, fsck is clean, and running it again succeeds.
. "$(dirname "$0")/test-lib.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-awm.sh"

# refs_state <file>: what the refs say (loose, packed, HEAD).
refs_state() {
	{ cat .awm/HEAD; awm rev-parse HEAD; cat .awm/packed-refs 2>/dev/null; \
	  find .awm/refs -type f | LC_ALL=C sort | xargs cat; } >"$1"
}

test_expect_success 'setup: a template repository with two new migrations' '
	new_repo template && cd template &&
	write_migration 1_users "CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT);" &&
	awm commit >/dev/null &&
	write_migration 2_rows "INSERT INTO users(name) VALUES ('\''ada'\''), ('\''grace'\'');" \
		"DELETE FROM users;" &&
	write_migration 3_more "UPDATE users SET name = upper(name);"
'

# Run `awm commit` with AWM_FAULT=<point>@1, @2, ... until three runs in a
# row succeed (a failing state-cache write is allowed to pass, so one success
# is not the end); check the state after each run.  At least <min> runs must
# have failed.  (Variables are prefixed: test-lib's helpers use names like n.)
fault_loop() {
	fl_point=$1 fl_n=1 fl_failures=0 fl_streak=0
	while [ $fl_n -le 40 ] && [ $fl_streak -lt 3 ]; do
		rm -rf repo && cp -R template repo && cd repo &&
		refs_state refs.before &&
		if AWM_FAULT=$fl_point@$fl_n awm commit >out 2>err; then
			# The fault hit something allowed to fail (the state cache),
			# or nothing: the commit must be complete either way.
			awm log --oneline >log &&
			test_line_count = 3 log &&
			fsck_clean &&
			no_temp_files &&
			cd .. || return 1
			fl_streak=$((fl_streak + 1))
		else
			fl_streak=0 fl_failures=$((fl_failures + 1)) &&
			test_grep "^error: " err &&
			test_grep "Input/output error" err &&
			refs_state refs.after &&
			test_cmp refs.before refs.after &&
			no_temp_files &&
			fsck_clean &&
			awm commit >out &&
			test_grep "3_more" out &&
			awm log --oneline >log &&
			test_line_count = 3 log &&
			cd .. || return 1
		fi
		fl_n=$((fl_n + 1))
	done
	say "$fl_point: $fl_failures of $fl_n runs failed"
	test $fl_failures -ge "$2"
}

# 7 objects, then the branch: its lock file, its reflog, HEAD's reflog.
test_expect_success 'every write fails in turn' '
	fault_loop write 10
'

# 7 objects, then the lock file (reflogs are appended without fsync).
test_expect_success 'every fsync fails in turn' '
	fault_loop fsync 8
'

test_expect_success 'every rename fails in turn' '
	fault_loop rename 8
'

test_done
