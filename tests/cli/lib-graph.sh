# Helpers for the graph-operation tests (t5000-t5999), sourced after
# test-lib.sh and lib-env.sh.
#
#   two_sides                  a project whose main has the base migration
#                              (table items, three rows); `upstream` is a
#                              branch off it; migration files recorded on
#                              one side are moved to keep/ so the other
#                              side does not see them
#   on_side <branch> <name> <up sql> [<down sql>]
#                              record a migration on <branch> and move its
#                              file to keep/
#   snapshot_state <file>      .awm/refs, HEAD, reflogs, the cache and the
#                              migration files, byte for byte (checksums)
#   db_of <revision> <file>    the scratch database of a commit, dumped

two_sides() {
	awm init >/dev/null &&
	mkdir -p keep &&
	write_migration 1_base "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, price INTEGER);
INSERT INTO items VALUES (1, 'a', 10), (2, 'b', 20), (3, 'c', 30);" "DROP TABLE items;" &&
	awm commit -q &&
	cp migrations/1_base.sql keep/ &&
	awm branch upstream
}

on_side() {
	branch=$1
	shift
	awm switch "$branch" >/dev/null &&
	write_migration "$@" &&
	awm commit -q &&
	mv "migrations/$1.sql" keep/
}

snapshot_state() {
	{
		cat .awm/HEAD
		for d in .awm/refs .awm/logs .awm/cache migrations; do
			[ -d "$d" ] || continue
			find "$d" -type f | LC_ALL=C sort | while read -r f; do
				printf '%s %s\n' "$(cksum <"$f")" "$f"
			done
		done
	} >"$1"
}

db_of() {
	rm -f "$TRASH/.db_of.db"
	awm checkout --db "$TRASH/.db_of.db" --force "$1" >/dev/null &&
	db_dump "$TRASH/.db_of.db" >"$2"
}
