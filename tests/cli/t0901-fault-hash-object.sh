#!/bin/sh
# Fault injection during `awm hash-object -w` of many objects (one pack):
# each write, fsync and rename fails in turn.  Afterwards no object is half
# there: each is either readable or absent, fsck is clean, and a re-run
# stores them all.
. "$(dirname "$0")/test-lib.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-awm.sh"

test_expect_success 'setup: 200 files' '
	new_repo template &&
	mkdir files &&
	i=0 &&
	while [ $i -lt 200 ]; do
		echo "file $i" >files/$i && echo "$TRASH/files/$i" >>paths && i=$((i + 1)) || return 1
	done &&
	awm hash-object --stdin-paths <paths >all-ids &&
	sed -n "1p;2p;50p;99p;100p;101p;150p;199p;200p" all-ids >ids
'

# all_or_none <ids>: every id is readable, or none is; prints which.  (A
# sample of the ids: they all go into one pack, and a process per id would
# make this slow under AddressSanitizer.)
all_or_none() {
	ao_have=0 ao_missing=0
	while read -r ao_id; do
		if awm cat-object -e "$ao_id"; then
			ao_have=$((ao_have + 1))
		else
			ao_missing=$((ao_missing + 1))
		fi
	done <"$1"
	if [ $ao_have -ne 0 ] && [ $ao_missing -ne 0 ]; then
		say "$ao_have objects readable, $ao_missing missing" >&2
		return 1
	fi
	[ $ao_have -ne 0 ] && echo all || echo none
}

fault_loop() {
	fl_point=$1 fl_n=1 fl_failures=0 fl_streak=0
	while [ $fl_n -le 20 ] && [ $fl_streak -lt 2 ]; do
		rm -rf repo && cp -R template repo && cd repo &&
		if AWM_FAULT=$fl_point@$fl_n awm hash-object -w --stdin-paths <../paths >out 2>err; then
			test "$(all_or_none ../ids)" = all &&
			test "$(count_packs)" = 1 &&
			fl_streak=$((fl_streak + 1))
		else
			fl_streak=0 fl_failures=$((fl_failures + 1)) &&
			test_grep "Input/output error" err &&
			test "$(all_or_none ../ids)" = none &&
			test "$(count_packs)" = 0 &&
			test "$(count_loose)" = 0 &&
			no_temp_files &&
			fsck_clean &&
			awm hash-object -w --stdin-paths <../paths >out &&
			test_cmp ../all-ids out &&
			test "$(all_or_none ../ids)" = all &&
			test "$(count_packs)" = 1 &&
			fsck_clean
		fi &&
		cd .. || return 1
		fl_n=$((fl_n + 1))
	done
	test $fl_failures -ge "$2"
}

# The pack body and its checksum, then the index.
test_expect_success 'every write fails in turn' '
	fault_loop write 3
'

test_expect_success 'every fsync fails in turn (pack, index)' '
	fault_loop fsync 2
'

test_expect_success 'every rename fails in turn (pack, index)' '
	fault_loop rename 2
'

test_done
