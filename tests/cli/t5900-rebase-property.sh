#!/bin/sh
# Property test (label "property"): at least 100 random pairs of branches,
# random DDL and DML on a small schema; a clean rebase equals running both
# sides in sequence, and every reported conflict is real.  The generator
# and the checks are in rebase_property.py; its seed is printed, and
# AWM_PROPERTY_SEED replays a run.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'random pairs of branches rebase as the sequence says' '
	python3 "$AWM_SOURCE_DIR/tests/cli/rebase_property.py" >out 2>&1 || { cat out; false; }
	cat out
'

test_done
