#!/bin/sh
# The B2 stand-in itself answers as Backblaze documents the native API:
# authorisation, SHA-1 checks, file-name rules, listing order, errors as
# {status, code, message}, expiring tokens.  The other B2 tests rely on it.
. "$(dirname "$0")/test-lib.sh"
. "$AWM_SOURCE_DIR/tests/cli/lib-remote.sh"

start_b2

# b2py <python>: run Python with a small B2 client in scope.
b2py() {
	python3 - "$@" <<PY
import base64, hashlib, json, os, sys, urllib.error, urllib.parse, urllib.request
BASE = os.environ["AWM_B2_ENDPOINT"]

def call(url, body=None, headers=None, method=None):
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, r.read(), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read(), dict(e.headers)

def authorize(key=os.environ["B2_APPLICATION_KEY"]):
    cred = base64.b64encode(("%s:%s" % (os.environ["B2_APPLICATION_KEY_ID"], key)).encode()).decode()
    return call(BASE + "/b2api/v3/b2_authorize_account", headers={"Authorization": "Basic " + cred})

def api(tok, name, body):
    s, b, h = call(BASE + "/b2api/v3/" + name, body, {"Authorization": tok})
    return s, json.loads(b)

def upload(tok, bucket, name, data, sha1=None):
    s, u = api(tok, "b2_get_upload_url", {"bucketId": bucket})
    return call(u["uploadUrl"], data, {"Authorization": u["authorizationToken"],
        "X-Bz-File-Name": urllib.parse.quote(name), "Content-Type": "b2/x-auto",
        "X-Bz-Content-Sha1": sha1 or hashlib.sha1(data).hexdigest()})

s, b, h = authorize()
assert s == 200, s
A = json.loads(b)
TOK = A["authorizationToken"]
ST = A["apiInfo"]["storageApi"]
BUCKET = ST["bucketId"]
$(cat)
PY
}

test_expect_success 'authorize: basic auth, URLs pointing at the stand-in' '
	b2py <<-\EOF
	assert ST["apiUrl"] == BASE and ST["downloadUrl"] == BASE
	assert ST["bucketName"] == "awm-test-bucket"
	s, b, h = authorize("wrong")
	e = json.loads(b)
	assert s == 401 and e == {"status": 401, "code": "unauthorized", "message": e["message"]}, e
	EOF
'

test_expect_success 'uploads check X-Bz-Content-Sha1 and the file-name rules' '
	b2py <<-\EOF
	s, b, h = upload(TOK, BUCKET, "ok/name", b"data", sha1="0" * 40)
	assert s == 400 and json.loads(b)["code"] == "bad_request", (s, b)
	for bad in ["/lead", "trail/", "a//b", "back\\\\slash", "ctl\x01", "x" * 251]:
	    s, b, h = upload(TOK, BUCKET, bad, b"data")
	    assert s == 400, (bad, s)
	s, b, h = upload(TOK, BUCKET, "ok/name", b"data")
	assert s == 200 and json.loads(b)["contentSha1"] == hashlib.sha1(b"data").hexdigest()
	EOF
'

test_expect_success 'downloads by name and by id carry the stored SHA-1' '
	b2py <<-\EOF
	s, b, h = upload(TOK, BUCKET, "dl/file", b"hello")
	fid = json.loads(b)["fileId"]
	s, b, h = call(BASE + "/file/awm-test-bucket/dl/file", headers={"Authorization": TOK})
	assert s == 200 and b == b"hello" and h["X-Bz-Content-Sha1"] == hashlib.sha1(b"hello").hexdigest()
	s, b, h = call(BASE + "/b2api/v3/b2_download_file_by_id?fileId=" + fid, headers={"Authorization": TOK})
	assert s == 200 and b == b"hello" and h["X-Bz-File-Id"] == fid
	s, b, h = call(BASE + "/file/awm-test-bucket/dl/none", headers={"Authorization": TOK})
	assert s == 404 and json.loads(b)["code"] == "not_found"
	EOF
'

test_expect_success 'listings: names ascending, newest version first, paged' '
	b2py <<-\EOF
	for n in ["v/b", "v/a", "v/c", "v/a"]:
	    upload(TOK, BUCKET, n, n.encode())
	s, r = api(TOK, "b2_list_file_names", {"bucketId": BUCKET, "prefix": "v/", "maxFileCount": 2})
	assert [f["fileName"] for f in r["files"]] == ["v/a", "v/b"] and r["nextFileName"] == "v/c", r
	s, r = api(TOK, "b2_list_file_versions", {"bucketId": BUCKET, "prefix": "v/"})
	names = [f["fileName"] for f in r["files"]]
	assert names == ["v/a", "v/a", "v/b", "v/c"], names
	a = [f for f in r["files"] if f["fileName"] == "v/a"]
	assert a[0]["uploadTimestamp"] >= a[1]["uploadTimestamp"] and a[0]["fileId"] > a[1]["fileId"]
	s, d = api(TOK, "b2_delete_file_version", {"fileName": "v/a", "fileId": a[0]["fileId"]})
	assert s == 200
	s, d = api(TOK, "b2_delete_file_version", {"fileName": "v/a", "fileId": a[0]["fileId"]})
	assert s == 400 and d["code"] == "file_not_present", d
	s, r = api(TOK, "b2_list_file_names", {"bucketId": BUCKET, "prefix": "v/", "maxFileCount": 20000})
	assert s == 400 and r["status"] == 400
	EOF
'

test_expect_success 'tokens expire and fault rules apply' '
	b2_control expire >/dev/null && b2py <<-\EOF
	s, r = api(TOK, "b2_list_file_names", {"bucketId": BUCKET})
	assert s == 401 and r["code"] == "expired_auth_token", r
	EOF
	b2_control rules "{\"rules\": [{\"api\": \"b2_list_file_names\", \"fail\": 503, \"retry_after\": 7}]}" >/dev/null &&
	b2py <<-\EOF
	s, b, h = call(BASE + "/b2api/v3/b2_list_file_names", {"bucketId": BUCKET}, {"Authorization": TOK})
	assert s == 503 and h["Retry-After"] == "7" and json.loads(b)["code"] == "service_unavailable"
	EOF
'

test_done
