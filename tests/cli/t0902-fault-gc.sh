#!/bin/sh
# Fault injection during `awm gc`: each write, fsync and rename fails in
# turn (the new pack, its index, packed-refs, the commit-graph).
# Afterwards every view of the history reads the same, fsck is clean, and
# a re-run finishes the job.
. "$(dirname "$0")/test-lib.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-awm.sh"

# What the history looks like: every commit (JSON), the graph, two shows.
views() {
	{
		awm log --format=json
		awm log --graph --oneline topic main
		awm show main~1
		awm show --format=json main~2
	} >"$1" 2>&1
}

test_expect_success 'setup: loose objects, two packs, loose refs' '
	new_repo template && cd template &&
	write_migration 1_users "CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT);" &&
	awm commit >/dev/null &&
	awm gc -q &&
	write_migration 2_rows "INSERT INTO users(name) VALUES ('\''ada'\'');" &&
	i=0 && while [ $i -lt 70 ]; do echo "blob $i" >b$i; echo b$i; i=$((i + 1)); done >paths &&
	awm hash-object -w --stdin-paths <paths >/dev/null &&
	awm commit >/dev/null &&
	awm branch topic &&
	write_migration 3_more "UPDATE users SET name = upper(name);" &&
	write_migration 4_last "DELETE FROM users;" "SELECT 1;" &&
	awm commit >/dev/null 2>&1 &&
	test "$(count_packs)" = 2 &&
	test "$(count_loose)" -gt 0 &&
	views ../views.expect
'

fault_loop() {
	fl_point=$1 fl_n=1 fl_failures=0 fl_streak=0
	while [ $fl_n -le 30 ] && [ $fl_streak -lt 2 ]; do
		rm -rf repo && cp -R template repo && cd repo &&
		if AWM_FAULT=$fl_point@$fl_n awm gc -q >out 2>err; then
			fl_streak=$((fl_streak + 1)) &&
			test "$(count_packs)" = 1 &&
			test "$(count_loose)" = 0 &&
			views ../views.actual &&
			test_cmp ../views.expect ../views.actual
		else
			fl_streak=0 fl_failures=$((fl_failures + 1)) &&
			test_grep "Input/output error" err &&
			views ../views.actual &&
			test_cmp ../views.expect ../views.actual &&
			no_temp_files &&
			fsck_clean &&
			awm gc -q &&
			test "$(count_packs)" = 1 &&
			test "$(count_loose)" = 0
		fi &&
		fsck_clean &&
		cd .. || return 1
		fl_n=$((fl_n + 1))
	done
	test $fl_failures -ge "$2"
}

# The pack (body, checksum), its index, packed-refs (lock file), the
# commit-graph; fsync and rename have one point fewer (the pack is one file).
test_expect_success 'every write fails in turn' '
	fault_loop write 5
'

test_expect_success 'every fsync fails in turn' '
	fault_loop fsync 4
'

test_expect_success 'every rename fails in turn' '
	fault_loop rename 4
'

test_done
