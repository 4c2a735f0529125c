#!/bin/sh
# Eight clones push concurrently to a shared folder, 50 rounds (lib-race.sh).
. "$AWM_SOURCE_DIR/tests/cli/test-lib.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-remote.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-race.sh"

race_run "$TRASH/shared"
test_done
