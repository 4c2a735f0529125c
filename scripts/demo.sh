#!/bin/sh
# Build awm and run its main job on a throwaway project: a SQLite database
# and a local-folder remote.  Everything happens in a temporary folder that
# is printed at the end, so you can look around in it.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/deps.sh" demo
"$top/scripts/build.sh" build -DCMAKE_BUILD_TYPE=RelWithDebInfo
awm=$top/build/awm

demo=$(mktemp -d "${TMPDIR:-/tmp}/awm-demo.XXXXXX")
cd "$demo"
export AWM_AUTHOR_NAME="${AWM_AUTHOR_NAME:-Demo User}"
export AWM_AUTHOR_EMAIL="${AWM_AUTHOR_EMAIL:-demo@example.com}"
run() { printf '\n$ %s\n' "$*"; "$@"; }

run "$awm" init
m1=$("$awm" new create users)
cat > "$m1" <<'SQL'
-- awm:up
CREATE TABLE users (
    id    INTEGER PRIMARY KEY,
    name  TEXT NOT NULL
);
INSERT INTO users (name) VALUES ('ada'), ('grace');
-- awm:down
DROP TABLE users;
SQL
m2=$("$awm" new add email to users)
cat > "$m2" <<'SQL'
-- awm:up
ALTER TABLE users ADD COLUMN email TEXT;
UPDATE users SET email = name || '@example.com';
CREATE UNIQUE INDEX users_email ON users (email);
-- awm:down
DROP INDEX users_email;
ALTER TABLE users DROP COLUMN email;
SQL
run "$awm" status
run "$awm" commit
run "$awm" log --graph
run "$awm" show

# Move the dev database (awm.conf: sqlite:db/dev.db) along the history.
run "$awm" plan
run "$awm" apply
run sqlite3 -header db/dev.db "SELECT * FROM users"
run "$awm" rollback --steps 1
run "$awm" apply
run "$awm" history

# Share the history through a folder, as a team would on a shared drive.
run "$awm" remote add origin "$demo/shared-remote"
run "$awm" push
cd "$demo" && mkdir teammate && cd teammate
run "$awm" init
run "$awm" remote add origin "$demo/shared-remote"
run "$awm" pull
run "$awm" log --oneline
run "$awm" fsck
printf '\nThe demo project is in %s (a teammate clone in %s/teammate)\n' "$demo" "$demo"
