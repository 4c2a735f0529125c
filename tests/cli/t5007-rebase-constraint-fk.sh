#!/bin/sh
# CONSTRAINT and FOREIGN_KEY data conflicts.  Upstream deletes a parent
# row that ours references, adds a UNIQUE index and a clashing row, or
# makes a column NOT NULL: the rebase stops with exit code 4 and a report
# naming the table, the key and the kind, for SQL migrations and data
# commits; no strategy settles a dangling reference; --abort restores; a
# reference ours leaves dangling on its own, or upstream already had, is
# no conflict.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-env.sh"
. "$(dirname "$0")/lib-graph.sh"

# data_commit <branch> <sql> <message>: record what <sql> does (commit --from-db).
data_commit() {
	awm switch "$1" >/dev/null && rm -f "$TRASH/edit.db" &&
	awm checkout -q --db "$TRASH/edit.db" &&
	sqlite3 "$TRASH/edit.db" "$2" &&
	awm commit -q --from-db "$TRASH/edit.db" -m "$3"
}

test_expect_success 'setup: parents, children, users; upstream deletes parent 2 and adds a unique email' '
	awm init >/dev/null && mkdir keep &&
	write_migration 1_base "CREATE TABLE p (id INTEGER PRIMARY KEY);
CREATE TABLE c (id INTEGER PRIMARY KEY, pid INTEGER REFERENCES p(id));
CREATE TABLE u (id INTEGER PRIMARY KEY, email TEXT, n INTEGER);
INSERT INTO p VALUES (1), (2), (3);
INSERT INTO c VALUES (9, 3);
INSERT INTO u VALUES (1, '"'a@x'"', 1);" &&
	awm commit -q && mv migrations/1_base.sql keep/ &&
	for b in upstream fk fkdata fkown uq uqdata nn; do awm branch $b; done &&
	on_side upstream 2_up "DELETE FROM p WHERE id IN (2, 3);
CREATE UNIQUE INDEX u_email ON u (email);
INSERT INTO u VALUES (2, '"'b@x'"', 2);" &&
	on_side fk 3_child "INSERT INTO c VALUES (1, 2);" &&
	cp keep/3_child.sql migrations/ &&
	awm switch fk >/dev/null && awm checkout -q --db scratch.db fk &&
	snapshot_state before && awm rev-parse fk >fk.before
'

test_expect_success 'a SQL migration whose row refers to a parent upstream deleted: FOREIGN_KEY' '
	test_expect_code 4 awm rebase upstream >out 2>err &&
	ours=$(awm rev-parse --short fk) &&
	echo "CONFLICT (data, FOREIGN_KEY): table '"'c'"', row id=1, column '"'pid'"': 2 refers to no row of table '"'p'"' in $ours (migrations/3_child.sql)" >expect &&
	test_cmp expect out &&
	test_grep "no strategy settles a foreign key left dangling" err &&
	! grep "strategy ours" err
'

test_expect_success 'row c 9, left dangling by upstream itself, is not reported' '
	! grep "id=9" out
'

test_expect_success 'a strategy does not settle it: the rebase stops again' '
	test_expect_code 4 awm rebase --continue --strategy theirs >out 2>err &&
	test_grep "^CONFLICT (data, FOREIGN_KEY): table .c., row id=1, column .pid.: 2 refers to no row of table .p." out &&
	test_expect_code 4 awm rebase --continue --strategy ours >out 2>err &&
	test_grep "^CONFLICT (data, FOREIGN_KEY): table .c., row id=1" out
'

test_expect_success '--abort restores the branch, HEAD, reflogs, cache and files' '
	awm rebase --abort >out &&
	snapshot_state after && test_cmp before after &&
	test "$(awm rev-parse fk)" = "$(cat fk.before)" &&
	test ! -e .awm/rebase
'

test_expect_success 'editing the migration to keep the reference whole lets it through' '
	test_expect_code 4 awm rebase upstream >/dev/null 2>&1 &&
	write_migration 3_child "INSERT INTO c VALUES (1, 1);" &&
	awm rebase --continue >out &&
	test_grep "1 commit replayed" out &&
	rm -f r.db && awm checkout --db r.db fk >/dev/null &&
	test "$(sqlite3 r.db "SELECT id, pid FROM c ORDER BY id")" = "1|1
9|3" &&
	rm migrations/3_child.sql
'

test_expect_success 'a data commit whose row refers to a deleted parent: FOREIGN_KEY' '
	data_commit fkdata "INSERT INTO c VALUES (4, 2);" "child of 2" &&
	test_expect_code 4 awm rebase upstream >out 2>err &&
	test_grep "^CONFLICT (data, FOREIGN_KEY): table .c., row id=4, column .pid.: 2 refers to no row of table .p. in $(awm rev-parse --short fkdata)$" out &&
	test_line_count = 1 out &&
	awm rebase --abort >/dev/null
'

test_expect_success 'a reference ours leaves dangling by itself is no conflict' '
	on_side fkown 3_own "INSERT INTO c VALUES (5, 77);" &&
	awm rebase upstream >out &&
	test_grep "1 commit replayed" out
'

test_expect_success 'a data commit inserting an email upstream made unique: CONSTRAINT' '
	data_commit uqdata "INSERT INTO u VALUES (3, '"'b@x'"', 3);" "dup email" &&
	test_expect_code 4 awm rebase upstream >out 2>err &&
	echo "CONFLICT (data, CONSTRAINT): table '"'u'"', row id=3: ours (id=3, email='"'b@x'"', n=3) breaks a constraint in $(awm rev-parse --short uqdata)" >expect &&
	test_cmp expect out &&
	test_expect_code 4 awm rebase --continue --strategy ours >out 2>/dev/null &&
	test_grep "^CONFLICT (data, CONSTRAINT): table .u., row id=3" out
'

test_expect_success '--strategy theirs leaves our clashing row out' '
	awm rebase --continue --strategy theirs >out &&
	test_grep "^resolved (data): table .u., row id=3: .*; left our change out$" out &&
	rm -f r.db && awm checkout --db r.db uqdata >/dev/null &&
	test "$(sqlite3 r.db "SELECT count(*) FROM u")" = 2
'

test_expect_success 'a SQL migration inserting that email: the script fails, the row is named' '
	on_side uq 3_uq "INSERT INTO u VALUES (3, '"'b@x'"', 3);" &&
	cp keep/3_uq.sql migrations/ && awm switch uq >/dev/null &&
	snapshot_state uq.before &&
	test_expect_code 4 awm rebase upstream >out 2>err &&
	test_grep "^CONFLICT (schema): migrations/3_uq.sql:2: UNIQUE constraint failed: u.email" out &&
	test_grep "^CONFLICT (data, CONSTRAINT): table .u., row id=3: ours (id=3, email=.b@x., n=3) breaks a constraint in $(awm rev-parse --short uq) (migrations/3_uq.sql)$" out &&
	awm rebase --abort >/dev/null &&
	snapshot_state uq.after && test_cmp uq.before uq.after &&
	rm migrations/3_uq.sql
'

test_expect_success 'a data commit with NULL where upstream made the column NOT NULL: CONSTRAINT' '
	awm branch up2 upstream &&
	on_side up2 4_nn "CREATE TABLE u2 (id INTEGER PRIMARY KEY, email TEXT, n INTEGER NOT NULL);
INSERT INTO u2 SELECT * FROM u; DROP TABLE u; ALTER TABLE u2 RENAME TO u;
CREATE UNIQUE INDEX u_email ON u (email);" &&
	data_commit nn "INSERT INTO u VALUES (7, '"'z@x'"', NULL);" "no n" &&
	test_expect_code 4 awm rebase up2 >out 2>err &&
	test_grep "^CONFLICT (data, CONSTRAINT): table .u., row id=7: ours (id=7, email=.z@x., n=NULL) breaks a constraint" out &&
	awm rebase --abort >/dev/null
'

test_done
