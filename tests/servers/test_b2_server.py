#!/usr/bin/env python3
"""The B2 stand-in answers as Backblaze documents the native API: basic-auth
authorisation, SHA-1 checks on upload, file-name rules, listings ordered as B2
orders them, errors as {status, code, message}, expiring tokens, and the fault
knobs the awm tests drive.  tests/cli/t6006..t6010 rely on all of it.

Each test starts the server as the tests do (a subprocess on a free loopback
port) and talks plain HTTP to it.
"""

import base64
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SERVER = os.path.join(HERE, "b2_server.py")
KEY_ID, KEY = "kid", "a-secret-key"


class B2TestCase(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="awm-b2-test-")
        port_file = os.path.join(self.dir, "port")
        self.proc = subprocess.Popen(
            [sys.executable, SERVER, "--port-file", port_file, "--key-id", KEY_ID,
             "--key", KEY, "--max-seconds", "120"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        while not os.path.exists(port_file):
            if self.proc.poll() is not None or time.time() > deadline:
                raise RuntimeError("the B2 stand-in did not start")
            time.sleep(0.05)
        with open(port_file) as f:
            self.base = "http://127.0.0.1:%d" % int(f.read())
        status, body, _ = self.authorize(KEY)
        self.assertEqual(status, 200)
        self.auth = json.loads(body)
        self.token = self.auth["authorizationToken"]
        self.bucket = self.auth["apiInfo"]["storageApi"]["bucketId"]

    def tearDown(self):
        self.proc.terminate()
        self.proc.wait(10)
        for name in os.listdir(self.dir):
            os.unlink(os.path.join(self.dir, name))
        os.rmdir(self.dir)

    def call(self, url, body=None, headers=None):
        data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
        req = urllib.request.Request(url, data=data, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, r.read(), r.headers
        except urllib.error.HTTPError as e:
            return e.code, e.read(), e.headers

    def authorize(self, key):
        cred = base64.b64encode(("%s:%s" % (KEY_ID, key)).encode()).decode()
        return self.call(self.base + "/b2api/v3/b2_authorize_account",
                         headers={"Authorization": "Basic " + cred})

    def api(self, name, body):
        status, raw, _ = self.call(self.base + "/b2api/v3/" + name, body,
                                   {"Authorization": self.token})
        return status, json.loads(raw)

    def control(self, what, body):
        return self.call(self.base + "/_control/" + what, body)

    def upload(self, name, data, sha1=None):
        status, u = self.api("b2_get_upload_url", {"bucketId": self.bucket})
        self.assertEqual(status, 200)
        return self.call(u["uploadUrl"], data, {
            "Authorization": u["authorizationToken"],
            "X-Bz-File-Name": urllib.parse.quote(name), "Content-Type": "b2/x-auto",
            "X-Bz-Content-Sha1": sha1 or hashlib.sha1(data).hexdigest()})

    def test_authorize_points_at_itself(self):
        st = self.auth["apiInfo"]["storageApi"]
        self.assertEqual(st["apiUrl"], self.base)
        self.assertEqual(st["downloadUrl"], self.base)
        self.assertEqual(st["bucketName"], "awm-test-bucket")
        status, body, _ = self.authorize("wrong")
        err = json.loads(body)
        self.assertEqual(status, 401)
        self.assertEqual(set(err), {"status", "code", "message"})
        self.assertEqual(err["code"], "unauthorized")

    def test_upload_checks_sha1_and_names(self):
        status, body, _ = self.upload("ok/name", b"data", sha1="0" * 40)
        self.assertEqual((status, json.loads(body)["code"]), (400, "bad_request"))
        for bad in ["/lead", "trail/", "a//b", "back\\slash", "ctl\x01", "x" * 251]:
            status, _, _ = self.upload(bad, b"data")
            self.assertEqual(status, 400, bad)
        status, body, _ = self.upload("ok/name", b"data")
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(body)["contentSha1"], hashlib.sha1(b"data").hexdigest())

    def test_downloads_by_name_and_id(self):
        status, body, _ = self.upload("dl/file", b"hello")
        fid = json.loads(body)["fileId"]
        status, body, h = self.call(self.base + "/file/awm-test-bucket/dl/file",
                                    headers={"Authorization": self.token})
        self.assertEqual((status, body), (200, b"hello"))
        self.assertEqual(h["X-Bz-Content-Sha1"], hashlib.sha1(b"hello").hexdigest())
        status, body, h = self.call(self.base + "/b2api/v3/b2_download_file_by_id?fileId=" +
                                    fid, headers={"Authorization": self.token})
        self.assertEqual((status, body, h["X-Bz-File-Id"]), (200, b"hello", fid))
        status, body, _ = self.call(self.base + "/file/awm-test-bucket/dl/none",
                                    headers={"Authorization": self.token})
        self.assertEqual((status, json.loads(body)["code"]), (404, "not_found"))

    def test_listing_order_and_deletes(self):
        for n in ["v/b", "v/a", "v/c", "v/a"]:
            self.upload(n, n.encode())
        status, r = self.api("b2_list_file_names",
                             {"bucketId": self.bucket, "prefix": "v/", "maxFileCount": 2})
        self.assertEqual([f["fileName"] for f in r["files"]], ["v/a", "v/b"])
        self.assertEqual(r["nextFileName"], "v/c")
        status, r = self.api("b2_list_file_versions", {"bucketId": self.bucket, "prefix": "v/"})
        self.assertEqual([f["fileName"] for f in r["files"]], ["v/a", "v/a", "v/b", "v/c"])
        newest, older = r["files"][0], r["files"][1]
        self.assertGreaterEqual(newest["uploadTimestamp"], older["uploadTimestamp"])
        self.assertGreater(newest["fileId"], older["fileId"])
        body = {"fileName": "v/a", "fileId": newest["fileId"]}
        self.assertEqual(self.api("b2_delete_file_version", body)[0], 200)
        status, err = self.api("b2_delete_file_version", body)
        self.assertEqual((status, err["code"]), (400, "file_not_present"))
        status, err = self.api("b2_list_file_names",
                               {"bucketId": self.bucket, "maxFileCount": 20000})
        self.assertEqual((status, err["status"]), (400, 400))

    def test_tokens_expire_and_rules_apply(self):
        self.control("expire", {})
        status, err = self.api("b2_list_file_names", {"bucketId": self.bucket})
        self.assertEqual((status, err["code"]), (401, "expired_auth_token"))
        status, body, _ = self.authorize(KEY)
        self.token = json.loads(body)["authorizationToken"]
        self.control("rules", {"rules": [{"api": "b2_list_file_names", "fail": 503,
                                          "retry_after": 7}]})
        status, raw, h = self.call(self.base + "/b2api/v3/b2_list_file_names",
                                   {"bucketId": self.bucket}, {"Authorization": self.token})
        self.assertEqual((status, h["Retry-After"], json.loads(raw)["code"]),
                         (503, "7", "service_unavailable"))
        self.assertEqual(self.api("b2_list_file_names", {"bucketId": self.bucket})[0], 200)

    def test_truncated_downloads(self):
        self.upload("t/file", b"x" * 1000)
        self.control("rules", {"rules": [{"api": "b2_download_file_by_name", "keep": 10}]})
        with self.assertRaises(Exception):
            self.call(self.base + "/file/awm-test-bucket/t/file",
                      headers={"Authorization": self.token})
        status, body, _ = self.call(self.base + "/file/awm-test-bucket/t/file",
                                    headers={"Authorization": self.token})
        self.assertEqual((status, len(body)), (200, 1000))


if __name__ == "__main__":
    unittest.main()
