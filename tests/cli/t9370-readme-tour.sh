#!/bin/sh
# README.md: the shell blocks of its tour (A short tour, Environments, Data
# migrations, Remotes) run as written, in order, in one empty folder, and
# leave what the text says they leave.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'the tour blocks, extracted from README.md' '
	awk "/^## (A short tour|Environments|Data migrations|Remotes)\$/ { on = 1; next }
	     /^## / { on = 0 }
	     on && /^\`\`\`sh\$/ { code = 1; next }
	     on && code && /^\`\`\`\$/ { code = 0; next }
	     on && code" "$AWM_SOURCE_DIR/README.md" >tour.sh &&
	test_grep "^awm commit\$" tour.sh && test_grep "^awm apply" tour.sh &&
	test_grep "^awm commit --from-db" tour.sh && test_grep "^awm pull" tour.sh
'

test_expect_success 'the tour runs' '
	mkdir project && cd project &&
	sh -ex ../tour.sh >../out 2>../trace || { cat ../trace; false; }
'

test_expect_success 'and leaves what the README says' '
	cd teammate &&
	awm log --oneline >log && test_line_count = 3 log &&
	test_grep "capitalise ada" log &&
	cd ../project &&
	awm history --env dev >history && test_grep "rolled_back" history &&
	awm show --format=json >show.json &&
	python3 -c "import json; d = json.load(open(\"show.json\")); assert d[\"kind\"] == \"data\" and d[\"data\"][0][\"updates\"] == 1"
'

test_done
