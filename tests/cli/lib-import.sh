# Helpers for the `awm import` scenarios (t701x); source after test-lib.sh.
#
# The imported history must give the same database as the tool's scripts run
# in order with the sqlite3 CLI (or, for b2m, with python3): apply_history
# applies it with `awm apply` to a fresh database, run_scripts runs the
# originals, and same_database compares the two.

# apply_history <db>: `awm apply` of HEAD to a new database <db> (a path
# relative to the project root), through an environment named after the
# file, which is added to awm.conf when missing.
apply_history() {
	rm -f "$1"
	name=$(basename "$1" .db)
	git config -f awm.conf "env.$name.url" "sqlite:$1" &&
	awm apply --env "$name" --to HEAD >apply.out
}

# run_scripts <db> <file>...: the given scripts, in order, into a new <db>:
# *.py with python3 and the database path as the argument (b2m), any other
# file with the sqlite3 CLI.
run_scripts() {
	db=$1
	shift
	rm -f "$db"
	for f in "$@"; do
		case "$f" in
		*.py) python3 "$f" "$db" || return 1 ;;
		*) sqlite3 -bail "$db" <"$f" || return 1 ;;
		esac
	done
}

# same_database <a.db> <b.db>: equal schema and rows (tests/cli/dbdump.py:
# awm's own tables left out, statement text with whitespace normalised).
same_database() {
	python3 "$AWM_SOURCE_DIR/tests/cli/dbdump.py" "$1" >"$1.dump" &&
	python3 "$AWM_SOURCE_DIR/tests/cli/dbdump.py" "$2" >"$2.dump" &&
	test -s "$1.dump" &&
	test_cmp "$1.dump" "$2.dump"
}

# same_canonical_schema <db> [<table to leave out>]: the objects of awm's
# HEAD schema are those of <db>, by type and name.
same_canonical_schema() {
	schema=$(awm cat-object -p HEAD | sed -n "s/^schema //p")
	awm cat-object -p "$schema" | sed 1,2d | cut -f1,2 | sort >schema.awm
	sqlite3 -separator "	" "$1" "SELECT type, name FROM sqlite_schema
		WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'
		AND name NOT LIKE 'awm_%' AND tbl_name <> '${2:-}'" | sort >schema.db
	test_cmp schema.db schema.awm
}

# nothing_imported: no commit, no file in the migrations folder.
nothing_imported() {
	test_must_fail awm rev-parse HEAD 2>/dev/null &&
	test "$(ls migrations | wc -l)" -eq 0
}
