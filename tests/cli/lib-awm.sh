# Helpers for CLI scenarios that check what a command left behind.
# Source it after test-lib.sh:  . "$(dirname "$0")/lib-awm.sh"

# store_state <file>: everything under .awm that a refused or failed command
# must leave as it was: refs, packed refs, reflogs, HEAD, and the object
# files with their contents' checksums.  The scratch cache is left out: it
# is derived data that any command may rebuild.
store_state() {
	(
		cd .awm &&
		find . -path ./cache -prune -o -type f -print | LC_ALL=C sort |
		while read -r f; do
			printf '%s %s\n' "$(cksum <"$f")" "$f"
		done
	) >"$1"
}

# no_temp_files: no temporary or lock file is left in the store.
no_temp_files() {
	left=$(find .awm -name '*.tmp-*' -o -name 'tmp-pack*' -o -name '*.lock' | grep -v '^$' || :)
	if [ -n "$left" ]; then
		say "left behind: $left" >&2
		return 1
	fi
}

# fsck_clean: awm fsck finds nothing (and says so on failure).
fsck_clean() {
	if ! awm fsck >"$TRASH/.fsck" 2>&1; then
		sed 's/^/fsck| /' "$TRASH/.fsck" >&2
		return 1
	fi
}

# count_loose / count_packs: objects stored loose, and pack files.
count_loose() {
	find .awm/objects -path .awm/objects/pack -prune -o -path .awm/objects/info -prune \
		-o -type f -print | grep -c '/[0-9a-f][0-9a-f]/[0-9a-f]\{30\}$' || :
}
count_packs() {
	find .awm/objects/pack -name 'pack-*.idx' | wc -l | tr -d ' '
}

# flip_byte <file> <offset>: damage one byte (files in the store are read-only).
flip_byte() {
	chmod u+w "$1" &&
	python3 - "$1" "$2" <<-'EOF'
	import sys
	path, off = sys.argv[1], int(sys.argv[2])
	with open(path, "r+b") as f:
	    f.seek(off)
	    b = f.read(1)
	    f.seek(off)
	    f.write(bytes([b[0] ^ 0x5a]))
	EOF
}

# file_size <file>
file_size() {
	wc -c <"$1" | tr -d ' '
}

# loose_path <id>: where a loose object lives.
loose_path() {
	printf '.awm/objects/%s/%s\n' "$(printf %s "$1" | cut -c1-2)" "$(printf %s "$1" | cut -c3-)"
}

# fi_data <command> <text>: a fast-import data block, "<command> <n>" then
# the n bytes of <text> and a newline.
fi_data() {
	printf '%s %d\n%s\n' "$1" "$(printf %s "$2" | wc -c | tr -d ' ')" "$2"
}

# fi_data_line <command> <text>: the same for <text> plus a newline, as a
# script's lines end in a file.
fi_data_line() {
	printf '%s %d\n%s\n\n' "$1" "$(($(printf %s "$2" | wc -c) + 1))" "$2"
}

# fi_commit <ref> <mark> <time> <subject> [<from> [<merge>]]: one commit
# of a fast-import stream, ended by its blank line.
fi_commit() {
	printf 'commit %s\nmark :%s\nauthor A U Thor <author@example.com> %s +0000\n' "$1" "$2" "$3"
	[ $# -ge 5 ] && [ -n "$5" ] && printf 'from %s\n' "$5"
	[ $# -ge 6 ] && printf 'merge %s\n' "$6"
	fi_data message "$4"
	echo
}
