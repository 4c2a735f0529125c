#!/bin/sh
# The round trip: 30 mixed migrations applied one by one, rolled back to
# the start one by one, and applied again; after every step the database
# equals, row for row and schema for schema, one built directly to that
# commit by running the up scripts with the sqlite3 shell.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-env.sh"

N=30

# Migration i of five kinds: new table (with down), an update (no down),
# new column and index (with down), inserts and deletes (no down), an
# update undone by its down section plus a view.
gen() {
	i=$1
	t=t$(( (i - 1) / 5 * 5 + 1 ))
	case $(( i % 5 )) in
	1) write_migration "$(printf %02d "$i")_table" \
"CREATE TABLE $t (id INTEGER PRIMARY KEY, v TEXT NOT NULL, n INTEGER);
INSERT INTO $t (v, n) VALUES ('a$i', 1), ('b$i', 2), ('c$i', 3), ('d$i', 4);" \
"DROP TABLE $t;" ;;
	2) write_migration "$(printf %02d "$i")_bump" \
"UPDATE $t SET n = n * 10 + $i WHERE id % 2 = 0;
UPDATE t1 SET v = v || '.$i' WHERE id = 1;" ;;
	3) write_migration "$(printf %02d "$i")_column" \
"ALTER TABLE $t ADD COLUMN c$i TEXT DEFAULT 'x$i';
CREATE INDEX ${t}_n$i ON $t (n);
UPDATE $t SET c$i = v || n;" \
"DROP INDEX ${t}_n$i;
ALTER TABLE $t DROP COLUMN c$i;" ;;
	4) write_migration "$(printf %02d "$i")_rows" \
"INSERT INTO $t (v, n) VALUES ('e$i', $i), ('f$i', NULL);
DELETE FROM $t WHERE id = 2;
INSERT INTO t1 (v, n) VALUES ('from$i', $i);" ;;
	0) write_migration "$(printf %02d "$i")_view" \
"UPDATE $t SET v = v || '!';
CREATE VIEW ${t}_v AS SELECT id, v FROM $t WHERE n > 2;" \
"DROP VIEW ${t}_v;
UPDATE $t SET v = substr(v, 1, length(v) - 1);" ;;
	esac
}

test_expect_success 'setup: 30 migrations and their direct builds' '
	awm init >/dev/null &&
	i=1 && while [ $i -le $N ]; do gen $i; i=$((i + 1)); done &&
	awm commit -q &&
	test "$(awm log --oneline | wc -l)" -eq $N &&
	mkdir direct &&
	k=0 && while [ $k -le $N ]; do
		build_direct direct/$k.db $(ls migrations/*.sql | head -n $k) &&
		db_dump direct/$k.db >direct/$k.dump || return 1
		k=$((k + 1))
	done &&
	test -s direct/$N.dump && ! test -s direct/0.dump
'

test_expect_success 'apply one commit at a time: equal to the direct build after each' '
	k=1 && while [ $k -le $N ]; do
		awm apply --to HEAD~$((N - k)) >out &&
		test_grep "is now at" out &&
		db_dump db/dev.db >actual &&
		test_cmp direct/$k.dump actual || return 1
		k=$((k + 1))
	done &&
	test "$(applied_count db/dev.db)" = $N
'

test_expect_success 'roll back one step at a time to the start: equal after each' '
	k=$((N - 1)) && while [ $k -ge 0 ]; do
		awm rollback >out &&
		db_dump db/dev.db >actual &&
		test_cmp direct/$k.dump actual || return 1
		k=$((k - 1))
	done &&
	test "$(applied_count db/dev.db)" = 0 &&
	test "$(state db/dev.db "SELECT count(*) FROM awm_state WHERE status = \"rolled_back\"")" = $N
'

test_expect_success 'the methods used: down sections and inverted changesets' '
	state db/dev.db "SELECT json_extract(payload, \"\$.rollback.method\"), count(*) FROM awm_state
		GROUP BY 1 ORDER BY 1" >methods &&
	printf "down|18\ninverse|12\n" >expect && test_cmp expect methods
'

test_expect_success 'apply everything again in one run: equal to the direct build' '
	awm apply >out &&
	test "$(grep -c "^up " out)" = $N &&
	db_dump db/dev.db >actual && test_cmp direct/$N.dump actual
'

test_expect_success 'roll back to the root commit and apply again, step by step: equal after each' '
	awm rollback --to HEAD~$((N - 1)) >out &&
	db_dump db/dev.db >actual && test_cmp direct/1.dump actual &&
	k=2 && while [ $k -le $N ]; do
		awm apply --to HEAD~$((N - k)) >/dev/null &&
		db_dump db/dev.db >actual &&
		test_cmp direct/$k.dump actual || return 1
		k=$((k + 1))
	done &&
	test "$(applied_count db/dev.db)" = $N
'

test_done
