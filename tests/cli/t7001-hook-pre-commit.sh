#!/bin/sh
# awm hook pre-commit, through git: each refusal names the file and the fix,
# and everything else gets through.
. "$(dirname "$0")/test-lib.sh"

# In repo/: a git repository with an awm project, the hooks installed, and
# one recorded migration committed to git.
test_expect_success 'setup' '
	git init -q -b main repo && cd repo &&
	awm init >/dev/null && awm hooks install >/dev/null &&
	write_migration 1_users "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);
INSERT INTO users VALUES (1, '\''ada'\'');" "DROP TABLE users;" &&
	awm commit -q && git add -A && git commit -qm users &&
	git rev-parse HEAD >"$TRASH/head"
'

test_expect_success 'a commit without migration changes goes through quietly' '
	cd repo && echo hello >README && git add README &&
	git commit -qm readme 2>"$TRASH/err" &&
	test_line_count = 0 "$TRASH/err"
'

test_expect_success 'editing a recorded migration is refused, with the fix' '
	cd repo && git rev-parse HEAD >before &&
	sed -i "s/TEXT/TEXT NOT NULL/" migrations/1_users.sql && git add migrations &&
	test_must_fail git commit -qm edit 2>"$TRASH/err" &&
	test_grep "error: .migrations/1_users.sql. edits a migration that awm recorded in [0-9a-f]\{10\} (its up section changed)" "$TRASH/err" &&
	test_grep "git restore --staged --worktree -- migrations/1_users.sql" "$TRASH/err" &&
	test_grep "awm new <phrase>" "$TRASH/err" &&
	test_grep "commit refused (1 problem)" "$TRASH/err" &&
	git rev-parse HEAD >after && test_cmp before after &&
	git restore --staged --worktree -- migrations/1_users.sql
'

test_expect_success 'an edit of the down section is refused too' '
	cd repo &&
	sed -i "s/DROP TABLE users;/DROP TABLE IF EXISTS users;/" migrations/1_users.sql &&
	git add migrations && test_must_fail git commit -qm edit 2>"$TRASH/err" &&
	test_grep "(its down section changed)" "$TRASH/err" &&
	git restore --staged --worktree -- migrations/1_users.sql
'

test_expect_success 'CRLF line endings alone are not an edit' '
	cd repo && sed -i "s/\$/\r/" migrations/1_users.sql &&
	git add migrations && git commit -qm crlf 2>"$TRASH/err" &&
	test_must_fail test_grep "error" "$TRASH/err"
'

test_expect_success 'deleting a recorded migration is refused, with the fix' '
	cd repo && git rm -q migrations/1_users.sql &&
	test_must_fail git commit -qm delete 2>"$TRASH/err" &&
	test_grep ".migrations/1_users.sql. deletes a migration that awm recorded in" "$TRASH/err" &&
	test_grep "git restore --staged --worktree -- migrations/1_users.sql" "$TRASH/err" &&
	git restore --staged --worktree -- migrations/1_users.sql &&
	test -f migrations/1_users.sql
'

test_expect_success 'a new migration with a bad name is refused' '
	cd repo && printf -- "-- awm:up\nSELECT 1;\n" >migrations/add-stuff.sql &&
	git add migrations && test_must_fail git commit -qm bad 2>"$TRASH/err" &&
	test_grep "migration file name .add-stuff.sql. is not <version>_<phrase>.sql" "$TRASH/err" &&
	test_grep "git mv migrations/add-stuff.sql <version>_<phrase>.sql" "$TRASH/err" &&
	git rm -q --cached migrations/add-stuff.sql && rm migrations/add-stuff.sql
'

test_expect_success 'a new migration without an up section is refused' '
	cd repo && printf "CREATE TABLE t (id INTEGER PRIMARY KEY);\n" >migrations/2_t.sql &&
	git add migrations && test_must_fail git commit -qm noup 2>"$TRASH/err" &&
	test_grep "migrations/2_t.sql: no .-- awm:up. line" "$TRASH/err" &&
	git rm -q --cached migrations/2_t.sql && rm migrations/2_t.sql
'

test_expect_success 'a new migration whose up script fails is refused with the line' '
	cd repo && write_migration 2_broken "CREATE TABLE t (id INTEGER PRIMARY KEY);
INSERT INTO nosuch VALUES (1);" &&
	git add migrations && test_must_fail git commit -qm broken 2>"$TRASH/err" &&
	test_grep "error: migrations/2_broken.sql:3: no such table: nosuch; fix it and .git add. it again (it ran on awm.s HEAD [0-9a-f]\{10\})" "$TRASH/err" &&
	git rm -q --cached migrations/2_broken.sql && rm migrations/2_broken.sql
'

test_expect_success 'the up script runs on the state at awm'\''s HEAD' '
	cd repo && write_migration 2_again "CREATE TABLE users (id INTEGER PRIMARY KEY);" &&
	git add migrations && test_must_fail git commit -qm again 2>"$TRASH/err" &&
	test_grep "migrations/2_again.sql:2: table users already exists" "$TRASH/err" &&
	git rm -q --cached migrations/2_again.sql && rm migrations/2_again.sql
'

test_expect_success 'every problem is listed, not only the first' '
	cd repo && write_migration 2_fails "SELECT * FROM nosuch;" &&
	printf -- "-- awm:up\nSELECT 1;\n" >migrations/x.sql &&
	sed -i "s/ada/grace/" migrations/1_users.sql &&
	git add migrations && test_must_fail git commit -qm many 2>"$TRASH/err" &&
	test_grep "commit refused (3 problems)" "$TRASH/err" &&
	git reset -q --hard && git clean -qfd
'

test_expect_success 'new migrations that work go through, in file-name order' '
	cd repo && write_migration 2_email "ALTER TABLE users ADD COLUMN email TEXT;" &&
	write_migration 3_index "CREATE INDEX users_email ON users (email);" &&
	git add migrations && git commit -qm ok 2>"$TRASH/err" &&
	test_grep "migrations/2_email.sql. is not recorded in awm yet; run .awm commit. before you push" "$TRASH/err" &&
	test_must_fail test_grep "error" "$TRASH/err" &&
	awm status >st && test_grep "migrations/3_index.sql" st
'

test_expect_success 'the index is checked, not the work tree' '
	cd repo && awm commit -q && git add -A && git commit -qm recorded &&
	sed -i "s/email TEXT/email BLOB/" migrations/2_email.sql &&
	echo more >>README && git add README &&
	git commit -qm "unrelated" 2>"$TRASH/err" && test_line_count = 0 "$TRASH/err" &&
	git checkout -q migrations/2_email.sql
'

test_expect_success 'git commit -a checks what it is about to commit (GIT_INDEX_FILE)' '
	cd repo && sed -i "s/email TEXT/email BLOB/" migrations/2_email.sql &&
	test_must_fail git commit -qam sneaky 2>"$TRASH/err" &&
	test_grep ".migrations/2_email.sql. edits a migration" "$TRASH/err" &&
	git checkout -q migrations/2_email.sql
'

test_expect_success 'a file recorded but never committed to git, then edited' '
	cd repo && write_migration 4_audit "CREATE TABLE audit (id INTEGER PRIMARY KEY);" &&
	awm commit -q && sed -i "s/audit (id/audit (at TEXT, id/" migrations/4_audit.sql &&
	git add migrations && test_must_fail git commit -qm audit 2>"$TRASH/err" &&
	test_grep "make it match the recorded text again (.awm show [0-9a-f]\{10\}. shows it)" "$TRASH/err" &&
	test_must_fail test_grep "git restore" "$TRASH/err" &&
	sed -i "s/audit (at TEXT, id/audit (id/" migrations/4_audit.sql &&
	git add migrations && git commit -qm audit
'

test_expect_success 'other files in the migrations folder are not migrations' '
	cd repo && echo "notes" >migrations/README.md && mkdir -p migrations/old &&
	echo "junk" >migrations/old/1_x.sql &&
	git add migrations && git commit -qm notes 2>"$TRASH/err" && test_line_count = 0 "$TRASH/err"
'

test_expect_success 'AWM_SKIP_HOOKS=1 bypasses the checks, loudly' '
	cd repo && sed -i "s/audit (id/audit (x, id/" migrations/4_audit.sql &&
	git add migrations &&
	AWM_SKIP_HOOKS=1 git commit -qm skipped 2>"$TRASH/err" &&
	test_grep "warning: AWM_SKIP_HOOKS is set: awm.s pre-commit checks were NOT run" "$TRASH/err" &&
	git log -1 --format=%s >subject && echo skipped >want && test_cmp want subject
'

test_expect_success 'a project in a subfolder of the git work tree' '
	git init -q -b main mono && cd mono && mkdir db && (cd db && awm init >/dev/null &&
	awm hooks install >/dev/null && write_migration 1_a "CREATE TABLE a (id INTEGER PRIMARY KEY);" &&
	awm commit -q) && git add -A && git commit -qm a &&
	sed -i "s/id INTEGER/k INTEGER/" db/migrations/1_a.sql && git add db &&
	test_must_fail git commit -qm edit 2>"$TRASH/err" &&
	test_grep ".migrations/1_a.sql. edits a migration" "$TRASH/err" &&
	test_grep "git restore --staged --worktree -- db/migrations/1_a.sql" "$TRASH/err"
'

test_expect_success 'awm hook usage errors' '
	cd repo &&
	test_expect_code 2 awm hook &&
	test_expect_code 2 awm hook post-merge &&
	test_expect_code 2 awm hook pre-commit extra
'

test_done
