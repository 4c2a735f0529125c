#!/usr/bin/env python3
"""Smoke tests of the Appwrite stand-in's own machinery: fault knobs, lifecycle delay,
persistence across a restart, a resumed chunked upload, and the lifetime limit.

Each test starts the server as tests do (a subprocess on a free loopback port)
and talks plain HTTP to it.  The API itself is checked against the official
client by tests/cli/t8001-appwrite-standin-fidelity.sh.
"""

import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
SERVER = os.path.join(HERE, "appwrite_standin.py")
PROJECT, KEY = "p1", "k1"


def _read(path):
    try:
        with open(path) as f:
            return f.read().strip()
    except FileNotFoundError:
        return ""


class Server:
    def __init__(self, *args, workdir):
        self.dir = workdir
        port_file = os.path.join(self.dir, "port")
        if os.path.exists(port_file):
            os.unlink(port_file)
        self.log = open(os.path.join(self.dir, "log"), "ab")
        self.proc = subprocess.Popen(
            [sys.executable, SERVER, "--port", "0", "--port-file", port_file,
             "--project", PROJECT, "--key", KEY, "--max-seconds", "120", *args],
            stdout=self.log, stderr=self.log)
        deadline = time.time() + 10
        while not _read(port_file):
            if self.proc.poll() is not None or time.time() > deadline:
                raise RuntimeError("stand-in did not start")
            time.sleep(0.05)
        self.port = int(_read(port_file))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        self.log.close()

    def call(self, method, path, body=None, headers=None, raw=None):
        """(status, parsed JSON or bytes, response headers) of one request."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        hdrs = {"X-Appwrite-Project": PROJECT, "X-Appwrite-Key": KEY}
        hdrs.update(headers or {})
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
            hdrs["Content-Type"] = "application/json"
        try:
            conn.request(method, path, body=data, headers=hdrs)
            res = conn.getresponse()
            payload = res.read()
        finally:
            conn.close()
        if res.getheader("Content-Type", "").startswith("application/json"):
            payload = json.loads(payload)
        return res.status, payload, dict(res.getheaders())

    def control(self, what, body=None, method="POST"):
        status, payload, _ = self.call(method, "/__standin/" + what, body)
        return payload

    def upload(self, bucket, file_id, data, name="blob", content_range=None, xid=None):
        boundary = uuid.uuid4().hex
        parts = [
            b'--%s\r\nContent-Disposition: form-data; name="fileId"\r\n\r\n%s\r\n'
            % (boundary.encode(), file_id.encode()),
            b'--%s\r\nContent-Disposition: form-data; name="file"; filename="%s"\r\n'
            b"Content-Type: application/octet-stream\r\n\r\n" % (boundary.encode(), name.encode())
            + data + b"\r\n",
            b"--%s--\r\n" % boundary.encode(),
        ]
        headers = {"Content-Type": "multipart/form-data; boundary=" + boundary}
        if content_range:
            headers["Content-Range"] = content_range
        if xid:
            headers["x-appwrite-id"] = xid
        return self.call("POST", "/v1/storage/buckets/%s/files" % bucket,
                         raw=b"".join(parts), headers=headers)


class StandinTest(unittest.TestCase):
    def start(self, *args, workdir=None):
        if workdir is None:
            workdir = self.workdir()
        server = Server(*args, workdir=workdir)
        self.addCleanup(server.stop)
        return server

    def workdir(self):
        path = tempfile.mkdtemp(prefix="standin-test.")
        self.addCleanup(shutil.rmtree, path, True)
        return path

    def test_fail_the_nth_matching_request(self):
        s = self.start()
        s.control("faults", {"rules": [{"method": "GET", "path": "/databases$", "nth": 2,
                                        "count": 2, "status": 503}]})
        got = [s.call("GET", "/v1/databases")[:2] for _ in range(4)]
        self.assertEqual([g[0] for g in got], [200, 503, 503, 200])
        self.assertEqual(got[1][1]["type"], "general_server_error")
        self.assertEqual(got[1][1]["code"], 503)
        self.assertEqual(s.call("GET", "/v1/storage/buckets")[0], 200)  # other paths untouched
        log = s.control("requests", method="GET")["requests"]
        self.assertEqual([r["fault"] for r in log], [False, True, True, False, False])

    def test_fail_after_the_work_is_done(self):
        s = self.start()
        s.control("faults", {"rules": [{"method": "POST", "nth": 1, "status": 500,
                                        "when": "after"}]})
        status, _, _ = s.call("POST", "/v1/databases", {"databaseId": "d", "name": "d"})
        self.assertEqual(status, 500)
        status, body, _ = s.call("POST", "/v1/databases", {"databaseId": "d", "name": "d"})
        self.assertEqual((status, body["type"]), (409, "database_already_exists"))

    def test_drop_the_connection(self):
        s = self.start("--faults", json.dumps([{"action": "drop", "nth": 1}]))
        with self.assertRaises((http.client.RemoteDisconnected, ConnectionError)):
            s.call("GET", "/v1/databases")
        self.assertEqual(s.call("GET", "/v1/databases")[0], 200)

    def test_delays(self):
        s = self.start("--delay-ms", "200")
        t = time.time()
        s.call("GET", "/v1/databases")
        self.assertGreaterEqual(time.time() - t, 0.2)
        s.control("config", {"delay_ms": 0})
        s.control("faults", {"rules": [{"action": "delay", "delay_ms": 300, "nth": 1}]})
        t = time.time()
        self.assertEqual(s.call("GET", "/v1/databases")[0], 200)
        self.assertGreaterEqual(time.time() - t, 0.3)

    def test_attribute_lifecycle_delay_and_failure(self):
        s = self.start("--attribute-delay", "0.5", "--fail-key", "bad")
        s.call("POST", "/v1/databases", {"databaseId": "d", "name": "d"})
        s.call("POST", "/v1/databases/d/collections", {"collectionId": "c", "name": "c"})
        base = "/v1/databases/d/collections/c/attributes"
        for key in ("good", "bad"):
            status, attr, _ = s.call("POST", base + "/string",
                                     {"key": key, "size": 10, "required": False})
            self.assertEqual((status, attr["status"]), (202, "processing"))
        self.assertEqual(s.call("GET", base + "/good")[1]["status"], "processing")
        time.sleep(0.6)
        self.assertEqual(s.call("GET", base + "/good")[1]["status"], "available")
        bad = s.call("GET", base + "/bad")[1]
        self.assertEqual(bad["status"], "failed")
        self.assertIn("fault", bad["error"])
        s.call("DELETE", base + "/good")
        self.assertEqual(s.call("GET", base + "/good")[1]["status"], "deleting")
        time.sleep(0.6)
        self.assertEqual(s.call("GET", base + "/good")[0], 404)

    def test_state_survives_a_restart(self):
        workdir = self.workdir()
        state = os.path.join(workdir, "state.json")
        s = self.start("--state", state, workdir=workdir)
        s.call("POST", "/v1/databases", {"databaseId": "d", "name": "kept"})
        s.call("POST", "/v1/storage/buckets", {"bucketId": "b", "name": "b"})
        self.assertEqual(s.upload("b", "f", b"object bytes")[0], 201)
        s.stop()
        s = self.start("--state", state, workdir=workdir)
        self.assertEqual(s.call("GET", "/v1/databases/d")[1]["name"], "kept")
        status, data, _ = s.call("GET", "/v1/storage/buckets/b/files/f/download")
        self.assertEqual((status, data), (200, b"object bytes"))
        s.control("reset")
        self.assertEqual(s.call("GET", "/v1/databases/d")[0], 404)

    def test_chunked_upload_resumes_after_a_lost_chunk(self):
        s = self.start()
        s.call("POST", "/v1/storage/buckets", {"bucketId": "b", "name": "b"})
        data = os.urandom(25)
        chunks = [(0, 9), (10, 19), (20, 24)]

        def send(i, xid=None):
            a, z = chunks[i]
            return s.upload("b", "obj", data[a:z + 1], content_range="bytes %d-%d/25" % (a, z),
                            xid=xid)
        status, f, _ = send(0)
        self.assertEqual((status, f["chunksTotal"], f["chunksUploaded"]), (201, 3, 1))
        s.control("faults", {"rules": [{"action": "drop", "nth": 1}]})
        with self.assertRaises((http.client.RemoteDisconnected, ConnectionError)):
            send(1, "obj")
        self.assertEqual(s.call("GET", "/v1/storage/buckets/b/files/obj/download")[0], 404)
        self.assertEqual(send(2, "obj")[1]["chunksUploaded"], 2)
        status, f, _ = send(1, "obj")
        self.assertEqual((status, f["chunksUploaded"], f["sizeOriginal"]), (201, 3, 25))
        self.assertEqual(s.call("GET", "/v1/storage/buckets/b/files/obj/download")[1], data)
        status, part, headers = s.call("GET", "/v1/storage/buckets/b/files/obj/download",
                                       headers={"Range": "bytes=5-9"})
        self.assertEqual((status, part, headers["Content-Range"]), (206, data[5:10], "bytes 5-9/25"))
        status, err, _ = send(0, "obj")
        self.assertEqual((status, err["type"]), (409, "storage_file_already_exists"))
        status, err, _ = s.upload("b", "bad", b"abc", content_range="bytes 0-9/25")
        self.assertEqual((status, err["type"]), (400, "storage_invalid_content_range"))

    def test_stops_by_itself(self):
        s = self.start("--max-seconds", "0.5")
        self.assertEqual(s.proc.wait(10), 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
