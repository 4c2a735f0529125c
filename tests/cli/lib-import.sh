# Helpers for the `awm import` scenarios (t701x); source after test-lib.sh.
#
# The imported history must give the same database as the tool's scripts run
# in order with the sqlite3 CLI.  Until `awm apply` is in this branch, the
# history is replayed by hand: each commit's stored up script, oldest first,
# through the sqlite3 CLI into a fresh file.  After the environments work is
# merged, replay_history can become `awm apply` of an env whose url is that
# file; the comparisons stay the same.

# replay_history <db>: the up scripts of HEAD's first-parent chain, oldest
# first, run with the sqlite3 CLI into a new database <db>.
replay_history() {
	rm -f "$1"
	n=$(awm log --oneline --first-parent | wc -l)
	while [ "$n" -gt 0 ]; do
		n=$((n - 1))
		c=$(awm rev-parse "HEAD~$n")
		up=$(awm cat-object -p "$c" | sed -n "s/^up //p")
		awm cat-object -p "$up" >replay.sql
		sqlite3 -bail "$1" <replay.sql || return 1
	done
}

# run_scripts <db> <file>...: the given scripts, in order, with the sqlite3 CLI.
run_scripts() {
	db=$1
	shift
	rm -f "$db"
	for f in "$@"; do
		sqlite3 -bail "$db" <"$f" || return 1
	done
}

# same_database <a.db> <b.db> [<table to leave out>]: equal schema and rows.
same_database() {
	for db in "$1" "$2"; do
		sqlite3 "$db" .dump | grep -v "${3:-^\$}" >"$db.dump"
	done
	test_cmp "$1.dump" "$2.dump"
}

# same_canonical_schema <db> [<table to leave out>]: the objects of awm's
# HEAD schema are those of <db>, by type and name.
same_canonical_schema() {
	schema=$(awm cat-object -p HEAD | sed -n "s/^schema //p")
	awm cat-object -p "$schema" | sed 1,2d | cut -f1,2 | sort >schema.awm
	sqlite3 -separator "	" "$1" "SELECT type, name FROM sqlite_schema
		WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'
		AND tbl_name <> '${2:-}'" | sort >schema.db
	test_cmp schema.db schema.awm
}

# nothing_imported: no commit, no file in the migrations folder.
nothing_imported() {
	test_must_fail awm rev-parse HEAD 2>/dev/null &&
	test "$(ls migrations | wc -l)" -eq 0
}
