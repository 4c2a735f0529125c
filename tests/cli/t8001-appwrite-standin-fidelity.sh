#!/bin/sh
# The Appwrite stand-in against the official client: node-appwrite 17 drives
# every endpoint awm uses (tests/servers/fidelity.js) and checks the answers.
#
# node-appwrite comes from the npm registry into a cache under the build
# folder, once.  Without node, npm or the registry this test fails, saying so:
# a fidelity check that silently passes would prove nothing.
. "$(dirname "$0")/test-lib.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-appwrite.sh"

NODE_APPWRITE_VERSION=17.2.0
cache=${AWM_BUILD_DIR:-$AWM_SOURCE_DIR/build}/node-appwrite-$NODE_APPWRITE_VERSION
export NODE_PATH="$cache/node_modules"

installed() {
	node -e 'const v = require(process.argv[1] + "/package.json").version;
		process.exit(v === process.argv[2] ? 0 : 1)' \
		"$NODE_PATH/node-appwrite" "$NODE_APPWRITE_VERSION" 2>/dev/null
}

test_expect_success 'node and npm are there (scripts/deps.sh test installs them)' '
	command -v node && command -v npm && node --version
'

test_expect_success "node-appwrite $NODE_APPWRITE_VERSION is installed from npm" '
	if ! installed; then
		mkdir -p "$cache" &&
		if ! timeout 300 npm install --prefix "$cache" --no-audit --no-fund \
			--no-package-lock --cache "$cache/.npm" \
			"node-appwrite@$NODE_APPWRITE_VERSION" >npm.log 2>&1; then
			sed "s/^/|  /" npm.log
			say "error: could not install node-appwrite $NODE_APPWRITE_VERSION from the npm registry"
			exit 1
		fi
	fi &&
	installed
'

start_appwrite_standin --key "standin-read-key:databases.read" || exit 1

test_expect_success 'node-appwrite drives every endpoint awm uses against the stand-in' '
	APPWRITE_READ_KEY=standin-read-key \
		node "$AWM_SOURCE_DIR/tests/servers/fidelity.js" >fidelity.out 2>&1 ||
		{ cat fidelity.out; exit 1; }
	cat fidelity.out &&
	test_grep "^[1-9][0-9]* passed, 0 failed$" fidelity.out &&
	! grep "^not ok" fidelity.out
'

test_expect_success 'the stand-in logged no internal error' '
	! grep -n "Traceback" "$TRASH/standin.log"
'

stop_appwrite_standin
test_done
