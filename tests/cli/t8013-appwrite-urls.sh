#!/bin/sh
# Appwrite URLs that awm refuses say what is wrong with them: the port, the
# host, the ids, or plain http towards another machine.
. "$(dirname "$0")/test-lib.sh"

refused() {
	test_expect_code 1 awm env add bad "$1" 2>err &&
	grep -F "error: '$1' is not an Appwrite URL: " err >/dev/null &&
	test_grep "is not an Appwrite URL: $2" err &&
	! grep -q '"bad"' awm.conf
}

test_expect_success 'setup' '
	awm init >/dev/null
'

test_expect_success 'a port out of range is named as the problem' '
	refused appwrite://127.0.0.1:99999/p1/app "the port .99999. is not a number from 1 to 65535" &&
	! grep "appwrite+http\|not a URL" err &&
	refused appwrite://example.com:0/p1/app "the port .0. is not" &&
	refused "appwrite://example.com:/p1/app" "the port .. is not" &&
	refused "appwrite://[::1]:70000/p1/app" "the port .70000. is not" &&
	refused appwrite+http://127.0.0.1:99999/p1/app "the port .99999. is not"
'

test_expect_success 'appwrite+http:// is named only when it is the problem' '
	refused appwrite+http://example.com/p1/app "appwrite+http:// (plain http) is for tests against this machine only" &&
	refused "appwrite://bad host/p1/app" "the Appwrite endpoint .https://bad host/v1. is not a URL" &&
	! grep "appwrite+http" err
'

test_expect_success 'good ports and hosts pass' '
	awm env add a appwrite://example.com:443/p1/app &&
	awm env add b "appwrite://[::1]:8080/p1/app" &&
	awm env add c appwrite+http://localhost:65535/p1/app
'

test_done
