#!/bin/sh
# Eight clones push concurrently to an Appwrite remote on the stand-in
# (lib-race.sh).  Refs are documents updated by compare-and-swap, so a
# push that loses a race is told as a plain rejection, and no ref ever
# diverges: the observer must never see more than one head.
. "$AWM_SOURCE_DIR/tests/cli/test-lib.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-remote.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-appwrite.sh"
AWM_RACE_ROUNDS=${AWM_RACE_ROUNDS:-20}
. "$AWM_SOURCE_DIR/tests/cli/lib-race.sh"

start_appwrite_standin
race_run "$(appwrite_url race)"

test_expect_success 'compare-and-swap: the observer never saw a divergence' '
	! grep -q diverged "$TRASH/observed" && ! grep -q raced "$TRASH/outcomes"
'
test_done
