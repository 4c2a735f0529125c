#!/bin/sh
# awm import dbmate: one file per migration with -- migrate:up and
# -- migrate:down blocks, schema_migrations (version), and the refusals.
. "$(dirname "$0")/test-lib.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-import.sh"

# The layout `dbmate new` makes in db/migrations.
make_folder() {
	mkdir -p "$1" && cd "$1" &&
	cat >20230301090000_create_products.sql <<-\EOF2 &&
	-- Products we sell.
	-- migrate:up
	CREATE TABLE products (
	  id INTEGER PRIMARY KEY,
	  name TEXT NOT NULL,
	  price INTEGER NOT NULL DEFAULT 0
	);

	-- migrate:down
	DROP TABLE products;
	EOF2
	cat >20230302090000_seed_products.sql <<-\EOF2 &&
	-- migrate:up transaction:false
	INSERT INTO products (name, price) VALUES ('tea', 3), ('cake', 5);
	-- migrate:down
	DELETE FROM products;
	EOF2
	cat >20230303090000_orders.sql <<-\EOF2 &&
	--migrate:up
	CREATE TABLE orders (id INTEGER PRIMARY KEY, product_id INTEGER REFERENCES products (id));
	CREATE VIEW order_names AS SELECT o.id, p.name FROM orders o JOIN products p ON p.id = o.product_id;
	EOF2
	cd - >/dev/null
}

test_expect_success 'import makes one commit per migration, in file-name order' '
	new_repo p && cd p && make_folder db/migrations &&
	awm import dbmate db/migrations >out &&
	test_grep "Imported 3 dbmate migrations" out &&
	awm log --oneline >log && test_line_count = 3 log &&
	test -f migrations/20230301090000_create_products.sql &&
	test -f migrations/20230303090000_orders.sql
'

test_expect_success 'awm apply of the history gives what the up blocks give with the sqlite3 CLI' '
	cd p && cd db/migrations && for f in *.sql; do
		sed -n "/^--[ ]*migrate:up/,/^--[ ]*migrate:down/p" "$f" >"../../up-$f"
	done && cd ../.. &&
	run_scripts orig.db up-20230301090000_create_products.sql \
		up-20230302090000_seed_products.sql up-20230303090000_orders.sql &&
	apply_history replay.db &&
	test "$(grep -c "^up " apply.out)" = 3 && same_database orig.db replay.db &&
	same_canonical_schema orig.db
'

test_expect_success 'blocks keep their lines: a failure points into the dbmate file' '
	new_repo q && cd q && make_folder m &&
	printf -- "-- migrate:up\n\nSELECT * FROM nosuch;\n-- migrate:down\nSELECT 1;\n" \
		>m/20230304090000_bad.sql &&
	test_must_fail awm import dbmate m 2>err &&
	test_grep "nothing was imported: m/20230304090000_bad.sql:3: no such table: nosuch" err &&
	nothing_imported
'

# A database dbmate migrated up to the second file.
make_db() {
	for f in 20230301090000_create_products.sql 20230302090000_seed_products.sql; do
		sed -n "/^--[ ]*migrate:up/,/^--[ ]*migrate:down/p" "db/migrations/$f"
	done >applied.sql &&
	run_scripts "$1" applied.sql &&
	sqlite3 "$1" "CREATE TABLE schema_migrations (version varchar(128) primary key);
		INSERT INTO schema_migrations VALUES ('20230301090000'), ('20230302090000');"
}

test_expect_success '--db --env: the applied versions say where the database is' '
	new_repo r && cd r && make_folder db/migrations && make_db staging.db &&
	awm import --db staging.db --env staging dbmate db/migrations >out &&
	test_grep "has 2 of them applied, up to version 20230302090000" out &&
	awm rev-parse HEAD~1 >want && awm rev-parse envs/staging >got && test_cmp want got &&
	awm log --oneline -n 1 envs/staging >log && test_grep "seed products" log
'

test_expect_success 'adopted there, awm apply runs only the third migration' '
	cd r && git config -f awm.conf env.staging.url sqlite:staging.db &&
	awm apply --env staging --to HEAD >out &&
	grep "^up " out >ups && test_line_count = 1 ups && test_grep "orders" ups &&
	apply_history direct.db && same_database direct.db staging.db &&
	test -z "$(sqlite3 staging.db "SELECT name FROM sqlite_schema WHERE name = '\''schema_migrations'\''")"
'

test_expect_success 'a missing up block, or a statement before it, is refused' '
	new_repo s && cd s && make_folder m &&
	printf "CREATE TABLE x (id INTEGER PRIMARY KEY);\n" >m/20230305_noup.sql &&
	test_must_fail awm import dbmate m 2>err &&
	test_grep "m/20230305_noup.sql:1: a statement before .-- migrate:up., which dbmate refuses" err &&
	printf -- "-- just a comment\n" >m/20230305_noup.sql &&
	test_must_fail awm import dbmate m 2>err &&
	test_grep "m/20230305_noup.sql: no .-- migrate:up. line" err &&
	printf -- "-- migrate:down\nSELECT 1;\n-- migrate:up\nSELECT 1;\n" >m/20230305_noup.sql &&
	test_must_fail awm import dbmate m 2>err &&
	test_grep "comes before .-- migrate:up." err &&
	nothing_imported
'

test_expect_success 'files dbmate would skip, and two of one version, are refused' '
	new_repo t && cd t && make_folder m && printf -- "-- migrate:up\nSELECT 1;\n" >m/init.sql &&
	test_must_fail awm import dbmate m 2>err &&
	test_grep ".m/init.sql. does not start with its version digits" err &&
	rm m/init.sql && printf -- "-- migrate:up\nSELECT 1;\n" >m/20230303090000_again.sql &&
	test_must_fail awm import dbmate m 2>err &&
	test_grep "two files have version 20230303090000" err &&
	nothing_imported
'

test_done
