#!/bin/sh
# The table rebuild that SQLite's ALTER TABLE cannot do in place (create a
# new table, copy the rows, drop the old one, rename): it is recorded, and
# it moves an environment up and down like any migration.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup: a table with rows' '
	new_repo . &&
	write_migration 1_t "CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT, b TEXT);
INSERT INTO t VALUES (1, '\''x'\'', '\''y'\''), (2, '\''p'\'', '\''q'\'');" "DROP TABLE t;" &&
	awm commit -q
'

test_expect_success 'a rebuild is recorded, and its schema reads like a direct CREATE' '
	write_migration 2_rebuild "CREATE TABLE t_new(id INTEGER PRIMARY KEY, a TEXT NOT NULL);
INSERT INTO t_new SELECT id, a FROM t;
DROP TABLE t;
ALTER TABLE t_new RENAME TO t;
UPDATE t SET a = upper(a);" "CREATE TABLE t_old(id INTEGER PRIMARY KEY, a TEXT, b TEXT);
INSERT INTO t_old SELECT id, lower(a), NULL FROM t;
DROP TABLE t;
ALTER TABLE t_old RENAME TO t;" &&
	awm commit >out 2>err &&
	test_grep "rebuild" out &&
	! grep -q "does not restore" err &&
	awm show >show &&
	test_grep "^    CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT NOT NULL);$" show &&
	test_grep "t: 0 inserted, 2 updated, 0 deleted" show
'

test_expect_success 'apply, rollback and apply again' '
	awm apply >out &&
	sqlite3 db/dev.db "SELECT id, a FROM t ORDER BY id" >actual &&
	printf "1|X\n2|P\n" >expect && test_cmp expect actual &&
	awm rollback --steps 1 >out &&
	sqlite3 db/dev.db "SELECT id, a, b FROM t ORDER BY id" >actual &&
	printf "1|x|\n2|p|\n" >expect && test_cmp expect actual &&
	awm apply >out &&
	awm status --env dev >st &&
	test_grep "^drift: none$" st && awm fsck -q
'

test_done
