#!/bin/sh
# A key pasted into a remote or environment URL is never echoed nor stored:
# b2:// and appwrite:// URLs carrying one are refused with a pointer to the
# environment variables keys come from, and every message about a URL hides
# what lies between "://" and "@".
. "$(dirname "$0")/test-lib.sh"

SECRET="K0sEcReT$$"
mkdir -p "$TRASH/logs"

# refused <name> <exit code> <command>...: keep all output, check the code.
refused() {
	name=$1 code=$2
	shift 2
	test_expect_code "$code" "$@" >"$TRASH/logs/$name.out" 2>"$TRASH/logs/$name.err"
}

test_expect_success 'setup' '
	awm init >/dev/null
'

test_expect_success 'b2:// URLs with a key in them are refused' '
	refused b2 1 awm remote add x "b2://keyid:$SECRET@bucket/p" &&
	test_grep "^error: .b2://\*\*\*@bucket/p. holds credentials" "$TRASH/logs/b2.err" &&
	test_grep "set B2_APPLICATION_KEY_ID and B2_APPLICATION_KEY in the environment" "$TRASH/logs/b2.err" &&
	refused b2slash 1 awm remote add x "b2://keyid:a/$SECRET@bucket/p" &&
	test_grep "does not name a B2 bucket" "$TRASH/logs/b2slash.err" &&
	refused b2ep 1 awm remote add --endpoint "https://keyid:$SECRET@api.example.com" x b2://bucket1/p &&
	test_grep "endpoint .https://\*\*\*@api.example.com. holds credentials" "$TRASH/logs/b2ep.err" &&
	! awm remote show x 2>/dev/null
'

test_expect_success 'appwrite:// URLs with a key in them are refused, as remotes and environments' '
	refused aw 1 awm remote add x "appwrite://key:$SECRET@cloud.example.com/p/d" &&
	test_grep "^error: .appwrite://\*\*\*@cloud.example.com/p/d. holds credentials" "$TRASH/logs/aw.err" &&
	test_grep "set APPWRITE_API_KEY in the environment" "$TRASH/logs/aw.err" &&
	refused awenv 1 awm env add x "appwrite://$SECRET@cloud.example.com/p/d" &&
	test_grep "set APPWRITE_API_KEY in the environment" "$TRASH/logs/awenv.err" &&
	refused awhttp 1 awm env add x "appwrite+http://$SECRET@127.0.0.1:8080/p/d" &&
	refused awpath 1 awm env add x "appwrite://cloud.example.com/p/$SECRET@d" &&
	test_grep "holds credentials" "$TRASH/logs/awpath.err"
'

test_expect_success 'other refused URLs hide what they carry' '
	refused file 1 awm remote add x "file://u:$SECRET@host/x" &&
	test_grep "^error: .file://\*\*\*@host/x. must name an absolute path" "$TRASH/logs/file.err" &&
	refused s3 1 awm remote add x "s3://id:$SECRET@bucket/x" &&
	test_grep "s3://\*\*\*@bucket/x. has an unsupported scheme" "$TRASH/logs/s3.err" &&
	refused pg 1 awm env add x "postgres://u:$SECRET@host/db" &&
	test_grep "postgres://\*\*\*@host/db. is not a database URL" "$TRASH/logs/pg.err"
'

test_expect_success 'the secret is in no output, awm.conf or the store' '
	for f in "$TRASH/logs"/*; do test -f "$f" || return 1; done &&
	! grep -r -F -l "$SECRET" awm.conf .awm "$TRASH/logs"
'

test_expect_success 'a key put into awm.conf by hand is not echoed either' '
	git config -f awm.conf remote.h.url "b2://keyid:$SECRET@bucket/p" &&
	git config -f awm.conf env.h.url "appwrite://key:$SECRET@cloud.example.com/p/d" &&
	refused push 1 awm push h &&
	test_grep "holds credentials" "$TRASH/logs/push.err" &&
	refused plan 1 awm plan --env h &&
	test_grep "holds credentials" "$TRASH/logs/plan.err" &&
	refused again 1 awm remote add h b2://bucket1/p &&
	test_grep "already exists (url b2://\*\*\*@bucket/p)" "$TRASH/logs/again.err" &&
	refused againenv 1 awm env add h sqlite:db/x.db &&
	test_grep "already exists (appwrite://\*\*\*@cloud.example.com/p/d)" "$TRASH/logs/againenv.err" &&
	! grep -r -F -l "$SECRET" "$TRASH/logs"
'

test_done
