# Helpers for the environment tests (t3000-t3999), sourced after test-lib.sh.

# db_dump <database>: its schema and rows, canonical (see dbdump.py).
db_dump() {
	python3 "$AWM_SOURCE_DIR/tests/cli/dbdump.py" "$1"
}

# up_section <migration file>: the text of its up section.
up_section() {
	awk '/^-- awm:down/ { exit } /^-- awm:up/ { on = 1; next } on' "$1"
}

# build_direct <database> <migration file>...: a database built by running
# the up sections in order with the sqlite3 shell, without awm.
build_direct() {
	db=$1
	shift
	rm -f "$db"
	for f in "$@"; do
		up_section "$f"
	done | sqlite3 -bail "$db"
}

# state <database> <sql>: query awm's tables (or anything) in the database.
state() {
	sqlite3 "$1" "$2"
}

# applied_count <database>: rows of awm_state that are applied.
applied_count() {
	sqlite3 "$1" "SELECT count(*) FROM awm_state WHERE status = 'applied'"
}
