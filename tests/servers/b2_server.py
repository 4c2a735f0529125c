#!/usr/bin/env python3
"""A stand-in for Backblaze B2's native API (v3), for awm's tests.

Written for the tests, with the standard library only.  It speaks the calls
awm uses the way Backblaze documents them:

  b2_authorize_account      HTTP basic auth; apiUrl and downloadUrl point here
  b2_list_buckets           for keys that are not restricted to one bucket
  b2_get_upload_url, b2_upload_file (X-Bz-Content-Sha1 checked)
  b2_download_file_by_name, b2_download_file_by_id
  b2_list_file_names, b2_list_file_versions, b2_delete_file_version

Files are kept in memory.  Tokens expire (--token-ttl), file names follow
B2's rules, listings are ordered as B2 orders them (names ascending by their
UTF-8 bytes, newest version first), and errors are {status, code, message}.

Tests drive fault knobs through /_control (not part of B2):

  POST /_control/rules   {"rules": [{"api": "b2_upload_file", "skip": 2,
                          "count": 1, "fail": 503, "retry_after": 1}, ...]}
                         each rule skips `skip` matching requests, then acts
                         on the next `count`: "fail" (status, with "code"
                         and "retry_after"), "keep" (send only that many
                         bytes of a download body, then hang up), "delay"
                         (seconds before answering) or "expire" (every
                         token expires before the request is checked);
                         {"clear": true} drops every rule
  POST /_control/expire  every token issued so far expires now
  POST /_control/tamper  {"name": ..., "offset": n}: flip one byte of the
                         newest version, as a re-upload by someone else
                         would (the stored SHA-1 follows the new bytes)
  GET  /_control/stats   requests and bytes per call since the last reset
  POST /_control/reset   zero the statistics
  GET  /_control/files   every stored version

Usage: b2_server.py --port-file FILE [--key-id ID --key KEY] [--bucket NAME]
                    [--token-ttl SECONDS] [--unrestricted] [--max-seconds S]
The server listens on 127.0.0.1 on a free port and writes that port to
FILE once it accepts connections.  SIGTERM or SIGINT stops it, and so does
the end of --max-seconds (default 3600), so a test that dies leaks no server
for long.  The key defaults to B2_APPLICATION_KEY_ID / B2_APPLICATION_KEY.
"""

import argparse
import base64
import hashlib
import http.server
import json
import os
import secrets
import signal
import socket
import sys
import threading
import time
import urllib.parse

ACCOUNT_ID = "0123456789ab"
MAX_LIST = 10000


class B2Error(Exception):
    def __init__(self, status, code, message, retry_after=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.retry_after = retry_after


class Store:
    """Buckets of file versions, tokens, statistics and fault rules."""

    def __init__(self, args):
        self.lock = threading.Lock()
        self.args = args
        self.bucket_name = args.bucket
        self.bucket_id = "b" + secrets.token_hex(11)
        self.versions = {}          # name -> [version, ...], newest first
        self.by_id = {}             # fileId -> version
        self.counter = 0
        self.tokens = {}            # token -> {"kind", "expires", "upload"}
        self.rules = []
        self.stats = {}
        self.reset_stats()

    def reset_stats(self):
        self.stats = {"requests": 0, "bytes_in": 0, "bytes_out": 0, "by_api": {}}

    def count(self, api, bytes_in, bytes_out):
        with self.lock:
            self.stats["requests"] += 1
            self.stats["bytes_in"] += bytes_in
            self.stats["bytes_out"] += bytes_out
            self.stats["by_api"][api] = self.stats["by_api"].get(api, 0) + 1

    # -- faults --

    def faults_for(self, api):
        """The actions the rules take on this request, in rule order."""
        acts = []
        with self.lock:
            for rule in self.rules:
                want = rule.get("api", "*")
                if want != "*" and api != want and api not in (
                        want if isinstance(want, list) else [want]):
                    continue
                if rule.get("skip", 0) > 0:
                    rule["skip"] -= 1
                    continue
                if rule.get("count", 1) <= 0:
                    continue
                rule["count"] = rule.get("count", 1) - 1
                acts.append(dict(rule))
        return acts

    # -- tokens --

    def new_token(self, kind, upload=None):
        token = "4_" + secrets.token_hex(24)
        with self.lock:
            self.tokens[token] = {"kind": kind, "upload": upload,
                                  "expires": time.time() + self.args.token_ttl}
        return token

    def check_token(self, token, kind, upload=None):
        with self.lock:
            t = self.tokens.get(token)
        if not token or t is None or t["kind"] != kind or (
                upload is not None and t["upload"] != upload):
            raise B2Error(401, "bad_auth_token", "Invalid authorization token")
        if t["expires"] <= time.time():
            raise B2Error(401, "expired_auth_token", "Authorization token has expired")

    def expire_all(self):
        with self.lock:
            for t in self.tokens.values():
                t["expires"] = 0

    # -- files --

    def add(self, name, data, content_type):
        with self.lock:
            self.counter += 1
            now = int(time.time() * 1000)
            file_id = "4_z%s_f%015x_d%d" % (self.bucket_id, self.counter, now)
            v = {"fileId": file_id, "fileName": name, "data": data,
                 "contentSha1": hashlib.sha1(data).hexdigest(),
                 "contentType": content_type, "uploadTimestamp": now,
                 "action": "upload"}
            self.versions.setdefault(name, []).insert(0, v)
            self.by_id[file_id] = v
            return v

    def delete(self, name, file_id):
        with self.lock:
            v = self.by_id.get(file_id)
            if v is None or v["fileName"] != name:
                raise B2Error(400, "file_not_present",
                              "File not present: %s %s" % (name, file_id))
            del self.by_id[file_id]
            self.versions[name].remove(v)
            if not self.versions[name]:
                del self.versions[name]

    def sorted_names(self):
        with self.lock:
            return sorted(self.versions, key=lambda n: n.encode("utf-8"))


def file_json(store, v):
    return {"accountId": ACCOUNT_ID, "action": v["action"],
            "bucketId": store.bucket_id, "contentLength": len(v["data"]),
            "contentSha1": v["contentSha1"], "contentType": v["contentType"],
            "fileId": v["fileId"], "fileInfo": {}, "fileName": v["fileName"],
            "uploadTimestamp": v["uploadTimestamp"]}


def check_name(name):
    raw = name.encode("utf-8")
    if not name or len(raw) > 1024:
        raise B2Error(400, "bad_request", "File names must be 1 to 1024 bytes of UTF-8")
    if any(ord(c) < 32 or ord(c) == 127 for c in name) or "\\" in name:
        raise B2Error(400, "bad_request", "File names cannot hold control characters, "
                      "DEL or backslashes")
    if name.startswith("/") or name.endswith("/") or "//" in name:
        raise B2Error(400, "bad_request", "File names cannot start or end with '/' "
                      "or contain '//'")
    if any(len(seg.encode("utf-8")) > 250 for seg in name.split("/")):
        raise B2Error(400, "bad_request", "Each segment of a file name is at most 250 bytes")


def max_count(body):
    n = body.get("maxFileCount", 100)
    if not isinstance(n, int) or n < 1 or n > MAX_LIST:
        raise B2Error(400, "bad_request", "maxFileCount out of range: %r" % (n,))
    return n


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "b2-stand-in/1"

    def setup(self):
        super().setup()
        # Whole replies at once: without this, Nagle's algorithm and delayed
        # ACKs add 40 ms to every request on a kept-alive connection.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, fmt, *args):   # quiet: tests read stdout and stderr
        if self.server.store.args.verbose:
            sys.stderr.write("b2: " + (fmt % args) + "\n")

    # -- plumbing --

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def send(self, status, body, headers=None, truncate=None):
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if truncate is not None:
            self.wfile.write(body[:truncate])
            self.wfile.flush()
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return len(body[:truncate])
        self.wfile.write(body)
        return len(body)

    def send_json(self, status, obj, headers=None):
        h = {"Content-Type": "application/json"}
        h.update(headers or {})
        return self.send(status, json.dumps(obj).encode("utf-8"), h)

    def send_error_json(self, e):
        h = {}
        if e.retry_after is not None:
            h["Retry-After"] = str(e.retry_after)
        return self.send_json(e.status, {"status": e.status, "code": e.code,
                                         "message": e.message}, h)

    def dispatch(self, method):
        store = self.server.store
        url = urllib.parse.urlsplit(self.path)
        path = url.path
        body = self.read_body()
        if path.startswith("/_control/"):
            return self.control(path[len("/_control/"):], body)
        api = self.api_name(path)
        out = 0
        try:
            acts = store.faults_for(api)
            truncate = None
            for act in acts:
                if act.get("expire"):
                    store.expire_all()
                if "delay" in act:
                    time.sleep(float(act["delay"]))
                if "fail" in act:
                    raise B2Error(int(act["fail"]), act.get("code", {
                        408: "request_timeout", 429: "too_many_requests",
                        500: "internal_error", 503: "service_unavailable"}.get(
                            int(act["fail"]), "fault")),
                        "fault injected by the test", act.get("retry_after"))
                if "keep" in act:
                    truncate = int(act["keep"])
            out = self.route(api, method, url, body, truncate)
        except B2Error as e:
            out = self.send_error_json(e)
        except (ValueError, KeyError, TypeError) as e:
            out = self.send_error_json(B2Error(400, "bad_request", "bad request: %s" % e))
        store.count(api, len(body) + len(str(self.headers)), out)

    def do_GET(self):
        self.dispatch("GET")

    def do_POST(self):
        self.dispatch("POST")

    @staticmethod
    def api_name(path):
        if path.startswith("/file/"):
            return "b2_download_file_by_name"
        for prefix in ("/b2api/v3/", "/b2api/v2/"):
            if path.startswith(prefix):
                return path[len(prefix):].split("/")[0]
        return "unknown"

    def auth(self):
        return self.headers.get("Authorization", "")

    def json_body(self, body):
        try:
            obj = json.loads(body.decode("utf-8") or "{}")
        except ValueError:
            raise B2Error(400, "bad_request", "The request body is not JSON")
        if not isinstance(obj, dict):
            raise B2Error(400, "bad_request", "The request body is not a JSON object")
        return obj

    def check_bucket(self, body):
        if body.get("bucketId") != self.server.store.bucket_id:
            raise B2Error(400, "bad_request", "Invalid bucketId: %s" % body.get("bucketId"))

    # -- the API --

    def route(self, api, method, url, body, truncate):
        store = self.server.store
        base = "http://127.0.0.1:%d" % self.server.server_port
        if api == "b2_authorize_account":
            return self.authorize(base)
        if api == "b2_upload_file":
            return self.upload(url, body)
        if api in ("b2_download_file_by_name", "b2_download_file_by_id"):
            store.check_token(self.auth(), "account")
            return self.download(api, url, truncate)
        if method != "POST":
            raise B2Error(405, "method_not_allowed", "%s needs POST" % api)
        store.check_token(self.auth(), "account")
        req = self.json_body(body)
        if api == "b2_list_buckets":
            name = req.get("bucketName")
            found = name in (None, store.bucket_name)
            return self.send_json(200, {"buckets": [
                {"accountId": ACCOUNT_ID, "bucketId": store.bucket_id,
                 "bucketName": store.bucket_name, "bucketType": "allPrivate"}]
                if found else []})
        if api == "b2_get_upload_url":
            self.check_bucket(req)
            upload = secrets.token_hex(8)
            return self.send_json(200, {
                "bucketId": store.bucket_id,
                "uploadUrl": "%s/b2api/v3/b2_upload_file/%s/%s" % (
                    base, store.bucket_id, upload),
                "authorizationToken": store.new_token("upload", upload)})
        if api == "b2_list_file_names":
            return self.list_names(req)
        if api == "b2_list_file_versions":
            return self.list_versions(req)
        if api == "b2_delete_file_version":
            store.delete(req["fileName"], req["fileId"])
            return self.send_json(200, {"fileId": req["fileId"], "fileName": req["fileName"]})
        raise B2Error(404, "not_found", "no such API call: %s" % api)

    def authorize(self, base):
        store = self.server.store
        auth = self.auth()
        want = "%s:%s" % (store.args.key_id, store.args.key)
        try:
            given = base64.b64decode(auth[6:]).decode("utf-8") if auth.startswith(
                "Basic ") else ""
        except ValueError:
            given = ""
        if given != want:
            raise B2Error(401, "unauthorized", "The application key ID or key is wrong")
        restricted = not store.args.unrestricted
        return self.send_json(200, {
            "accountId": ACCOUNT_ID,
            "authorizationToken": store.new_token("account"),
            "applicationKeyExpirationTimestamp": None,
            "apiInfo": {"storageApi": {
                "infoType": "storageApi",
                "apiUrl": base, "downloadUrl": base, "s3ApiUrl": base,
                "absoluteMinimumPartSize": 5000000, "recommendedPartSize": 100000000,
                "bucketId": store.bucket_id if restricted else None,
                "bucketName": store.bucket_name if restricted else None,
                "namePrefix": None,
                "capabilities": ["listBuckets", "listFiles", "readFiles", "writeFiles",
                                 "deleteFiles"]}}})

    def upload(self, url, body):
        store = self.server.store
        parts = url.path.split("/")
        if len(parts) != 6 or parts[4] != store.bucket_id:
            raise B2Error(400, "bad_request", "Unknown upload URL")
        store.check_token(self.auth(), "upload", parts[5])
        raw = self.headers.get("X-Bz-File-Name")
        sha1 = self.headers.get("X-Bz-Content-Sha1")
        if raw is None or sha1 is None:
            raise B2Error(400, "bad_request", "X-Bz-File-Name and X-Bz-Content-Sha1 are required")
        name = urllib.parse.unquote(raw, errors="strict")
        check_name(name)
        if sha1 != "do_not_verify" and sha1.lower() != hashlib.sha1(body).hexdigest():
            raise B2Error(400, "bad_request", "Checksum did not match data received")
        v = store.add(name, body, self.headers.get("Content-Type", "b2/x-auto"))
        return self.send_json(200, file_json(store, v))

    def download(self, api, url, truncate):
        store = self.server.store
        if api == "b2_download_file_by_id":
            q = urllib.parse.parse_qs(url.query)
            with store.lock:
                v = store.by_id.get((q.get("fileId") or [""])[0])
            if v is None:
                raise B2Error(404, "not_found", "file not found by id")
        else:
            rest = url.path[len("/file/"):]
            bucket, _, name = rest.partition("/")
            name = urllib.parse.unquote(name)
            if bucket != store.bucket_name:
                raise B2Error(404, "not_found", "bucket not found: %s" % bucket)
            with store.lock:
                vs = store.versions.get(name)
                v = vs[0] if vs else None
            if v is None:
                raise B2Error(404, "not_found", "file not present: %s" % name)
        headers = {"Content-Type": v["contentType"], "X-Bz-File-Id": v["fileId"],
                   "X-Bz-File-Name": urllib.parse.quote(v["fileName"]),
                   "X-Bz-Content-Sha1": v["contentSha1"],
                   "X-Bz-Upload-Timestamp": str(v["uploadTimestamp"])}
        return self.send(200, v["data"], headers, truncate)

    def list_names(self, req):
        store = self.server.store
        self.check_bucket(req)
        n = max_count(req)
        prefix = req.get("prefix") or ""
        start = req.get("startFileName") or ""
        files, nxt = [], None
        for name in store.sorted_names():
            if name.encode("utf-8") < start.encode("utf-8") or not name.startswith(prefix):
                continue
            with store.lock:
                v = store.versions[name][0] if name in store.versions else None
            if v is None or v["action"] != "upload":
                continue
            if len(files) == n:
                nxt = name
                break
            files.append(file_json(store, v))
        return self.send_json(200, {"files": files, "nextFileName": nxt})

    def list_versions(self, req):
        store = self.server.store
        self.check_bucket(req)
        n = max_count(req)
        prefix = req.get("prefix") or ""
        start = req.get("startFileName") or ""
        start_id = req.get("startFileId")
        files, nxt, nxt_id = [], None, None
        for name in store.sorted_names():
            if name.encode("utf-8") < start.encode("utf-8") or not name.startswith(prefix):
                continue
            with store.lock:
                vs = list(store.versions.get(name, []))
            skipping = start_id is not None and name == start
            for v in vs:
                if skipping:
                    if v["fileId"] != start_id:
                        continue
                    skipping = False
                if len(files) == n:
                    nxt, nxt_id = name, v["fileId"]
                    break
                files.append(file_json(store, v))
            if nxt:
                break
        return self.send_json(200, {"files": files, "nextFileName": nxt,
                                    "nextFileId": nxt_id})

    # -- test controls --

    def control(self, what, body):
        store = self.server.store
        req = json.loads(body.decode("utf-8") or "{}") if body else {}
        if what == "rules":
            with store.lock:
                if req.get("clear"):
                    store.rules = []
                store.rules.extend(req.get("rules", []))
            return self.send_json(200, {"rules": len(store.rules)})
        if what == "expire":
            store.expire_all()
            return self.send_json(200, {"expired": True})
        if what == "tamper":
            with store.lock:
                v = store.versions[req["name"]][0]
                data = bytearray(v["data"])
                off = int(req.get("offset", len(data) // 2)) % len(data)
                data[off] ^= 0x01
                v["data"] = bytes(data)
                if not req.get("keep_sha1"):
                    v["contentSha1"] = hashlib.sha1(v["data"]).hexdigest()
            return self.send_json(200, {"tampered": req["name"], "offset": off})
        if what == "stats":
            with store.lock:
                return self.send_json(200, store.stats)
        if what == "reset":
            with store.lock:
                store.reset_stats()
            return self.send_json(200, {"reset": True})
        if what == "files":
            out = []
            for name in store.sorted_names():
                with store.lock:
                    out.extend(file_json(store, v) for v in store.versions.get(name, []))
            return self.send_json(200, {"files": out})
        return self.send_json(404, {"status": 404, "code": "not_found", "message": what})


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--key-id", default=os.environ.get("B2_APPLICATION_KEY_ID", "test-key-id"))
    ap.add_argument("--key", default=os.environ.get("B2_APPLICATION_KEY", "test-key"))
    ap.add_argument("--bucket", default="awm-test-bucket")
    ap.add_argument("--token-ttl", type=float, default=24 * 3600)
    ap.add_argument("--unrestricted", action="store_true",
                    help="authorize without a bucket restriction (b2_list_buckets needed)")
    ap.add_argument("--max-seconds", type=float, default=3600,
                    help="stop by itself after this long (0: never)")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()

    srv = Server(("127.0.0.1", 0), Handler)
    srv.store = Store(args)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    worker = threading.Thread(target=srv.serve_forever, daemon=True)
    worker.start()
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_port)
    os.rename(tmp, args.port_file)
    stop.wait(args.max_seconds or None)
    srv.shutdown()
    srv.server_close()


if __name__ == "__main__":
    main()
