#!/bin/sh
# Eight clones push concurrently to the B2 stand-in, 50 rounds (lib-race.sh).
. "$AWM_SOURCE_DIR/tests/cli/test-lib.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-remote.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-race.sh"

start_b2
race_run "b2://awm-test-bucket/race"
test_done
