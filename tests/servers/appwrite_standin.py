#!/usr/bin/env python3
"""A stand-in for the Appwrite 1.7 REST API, for awm's tests (Python 3 standard library only).

It serves the endpoints awm's Appwrite engine and remote use (databases,
collections, attributes, indexes, documents, storage buckets and files) on a
loopback port, checks X-Appwrite-Project and X-Appwrite-Key, answers errors as
Appwrite does ({message, code, type, version}), and has fault knobs: failing
the Nth matching request, dropping a connection, delaying answers, making an
attribute or index fail.  tests/servers/README.md describes it; run with
--help for the options.

    python3 tests/servers/appwrite_standin.py --port 0 --port-file port \
        --project awm-test --key secret
"""

import argparse
import ipaddress
import json
import os
import re
import signal
import sys
import threading
import time
import traceback
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from appwrite import databases as D  # noqa: E402
from appwrite import documents as DOC  # noqa: E402
from appwrite import storage as S  # noqa: E402
from appwrite.errors import ApiError, VERSION  # noqa: E402
from appwrite.state import Store  # noqa: E402

ALL_SCOPES = {"databases.read", "databases.write", "collections.read", "collections.write",
              "attributes.read", "attributes.write", "indexes.read", "indexes.write",
              "documents.read", "documents.write", "buckets.read", "buckets.write",
              "files.read", "files.write"}
GUEST_SCOPES = {"documents.read", "documents.write", "files.read", "files.write"}
MAX_BODY = 256 << 20

_C = "/databases/{db}/collections/{coll}"
_F = "/storage/buckets/{bucket}/files"


def _patch_attribute(ctx, db, coll, first, second):
    """PATCH attributes/<type>/<key> and PATCH attributes/<key>/relationship share a shape."""
    if first in D.A.ENDPOINTS:
        return D.update_attribute(ctx, db, coll, first, second)
    if second == "relationship":
        return D.update_relationship(ctx, db, coll, first)
    raise ApiError("general_route_not_found")


ROUTES = [
    ("GET", "/databases", D.list_databases, "databases.read"),
    ("POST", "/databases", D.create_database, "databases.write"),
    ("GET", "/databases/{db}", D.get_database, "databases.read"),
    ("PUT", "/databases/{db}", D.update_database, "databases.write"),
    ("DELETE", "/databases/{db}", D.delete_database, "databases.write"),
    ("GET", "/databases/{db}/collections", D.list_collections, "collections.read"),
    ("POST", "/databases/{db}/collections", D.create_collection, "collections.write"),
    ("GET", _C, D.get_collection, "collections.read"),
    ("PUT", _C, D.update_collection, "collections.write"),
    ("DELETE", _C, D.delete_collection, "collections.write"),
    ("GET", _C + "/attributes", D.list_attributes, "attributes.read"),
    ("POST", _C + "/attributes/{kind}", D.create_attribute, "attributes.write"),
    ("GET", _C + "/attributes/{key}", D.get_attribute, "attributes.read"),
    ("PATCH", _C + "/attributes/{a}/{b}", _patch_attribute, "attributes.write"),
    ("DELETE", _C + "/attributes/{key}", D.delete_attribute, "attributes.write"),
    ("GET", _C + "/indexes", D.list_indexes, "indexes.read"),
    ("POST", _C + "/indexes", D.create_index, "indexes.write"),
    ("GET", _C + "/indexes/{key}", D.get_index, "indexes.read"),
    ("DELETE", _C + "/indexes/{key}", D.delete_index, "indexes.write"),
    ("GET", _C + "/documents", DOC.list_documents, "documents.read"),
    ("POST", _C + "/documents", DOC.create_document, "documents.write"),
    ("GET", _C + "/documents/{doc}", DOC.get_document, "documents.read"),
    ("PATCH", _C + "/documents/{doc}", DOC.update_document, "documents.write"),
    ("DELETE", _C + "/documents/{doc}", DOC.delete_document, "documents.write"),
    ("GET", "/storage/buckets", S.list_buckets, "buckets.read"),
    ("POST", "/storage/buckets", S.create_bucket, "buckets.write"),
    ("GET", "/storage/buckets/{bucket}", S.get_bucket, "buckets.read"),
    ("PUT", "/storage/buckets/{bucket}", S.update_bucket, "buckets.write"),
    ("DELETE", "/storage/buckets/{bucket}", S.delete_bucket, "buckets.write"),
    ("GET", _F, S.list_files, "files.read"),
    ("POST", _F, S.create_file, "files.write"),
    ("GET", _F + "/{file}", S.get_file, "files.read"),
    ("PUT", _F + "/{file}", S.update_file, "files.write"),
    ("DELETE", _F + "/{file}", S.delete_file, "files.write"),
    ("GET", _F + "/{file}/download", S.download_file, "files.read"),
    ("GET", _F + "/{file}/view", S.view_file, "files.read"),
]
_COMPILED = [(m, re.compile("^/v1" + re.sub(r"\{\w+\}", "([^/]+)", p) + "$"), h, s)
             for m, p, h, s in ROUTES]


class Config:
    """The knobs; the admin endpoint /__standin/config changes them while running."""

    def __init__(self, args):
        self.projects = set(args.project or ["awm-test"])
        self.keys = {}
        for spec in args.key or ["standin-key"]:
            secret, _, scopes = spec.partition(":")
            self.keys[secret] = set(scopes.split(",")) if scopes else set(ALL_SCOPES)
        self.attribute_delay = args.attribute_delay
        self.delay_ms = args.delay_ms
        self.fail_keys = set(args.fail_key or [])
        self.storage_limit = args.storage_limit
        self.faults = json.loads(args.faults) if args.faults else []

    def public(self):
        return {"projects": sorted(self.projects), "attribute_delay": self.attribute_delay,
                "delay_ms": self.delay_ms, "fail_keys": sorted(self.fail_keys),
                "storage_limit": self.storage_limit, "faults": self.faults}

    def update(self, body):
        if "attribute_delay" in body:
            self.attribute_delay = float(body["attribute_delay"])
        if "delay_ms" in body:
            self.delay_ms = int(body["delay_ms"])
        if "fail_keys" in body:
            self.fail_keys = set(body["fail_keys"])
        if "storage_limit" in body:
            self.storage_limit = int(body["storage_limit"])
        if "projects" in body:
            self.projects = set(body["projects"])


class Ctx:
    """One request as the endpoint functions see it."""

    def __init__(self, server, project_id, params, headers, is_app):
        self.store = server.store
        self.config = server.config
        self.project_id = project_id
        self.proj = server.store.project(project_id)
        self.params = params
        self.queries = params.get("queries")
        self.headers = headers
        self.is_app = is_app
        self.roles = ["any", "guests"]
        self.dirty = False


def _fault_for(rules, method, path):
    """The first fault rule this request triggers (counting it against every matching rule)."""
    fired = None
    for rule in rules:
        if rule.get("method") and rule["method"].upper() != method:
            continue
        if rule.get("path") and not re.search(rule["path"], path):
            continue
        rule["seen"] = rule.get("seen", 0) + 1
        nth = rule.get("nth", 1)
        if fired is None and nth <= rule["seen"] < nth + rule.get("count", 1):
            fired = rule
    return fired


def _fault_error(rule):
    status = rule.get("status", 503)
    return status, {"message": rule.get("message", "Stand-in fault injected"), "code": status,
                    "type": rule.get("type", "general_server_error"), "version": VERSION}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "appwrite-standin"
    # Headers and body go out in separate writes; with Nagle's algorithm on, a
    # client that keeps the connection alive waits for its delayed ACK (40 ms)
    # on every answer.
    disable_nagle_algorithm = True

    def log_message(self, fmt, *args):
        if self.server.verbose:
            sys.stderr.write("standin: " + (fmt % args) + "\n")

    def do_GET(self):
        self._serve("GET")

    def do_POST(self):
        self._serve("POST")

    def do_PUT(self):
        self._serve("PUT")

    def do_PATCH(self):
        self._serve("PATCH")

    def do_DELETE(self):
        self._serve("DELETE")

    def _body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            parts = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(parts)
                parts.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            raise ApiError("general_argument_invalid", "Request body too large")
        return self.rfile.read(length) if length else b""

    def _params(self, method, query, body):
        params = {}
        for key, value in urllib.parse.parse_qsl(query, keep_blank_values=True):
            m = re.match(r"^(\w+)\[\d*\]$", key)
            if m:
                params.setdefault(m.group(1), []).append(value)
            else:
                params[key] = value
        if method == "GET" or not body:
            return params
        ctype = self.headers.get("Content-Type", "")
        if ctype.startswith("multipart/form-data"):
            params.update(S.parse_multipart(body, ctype))
            return params
        try:
            data = json.loads(body)
        except ValueError:
            raise ApiError("general_argument_invalid", "Invalid JSON body")
        if not isinstance(data, dict):
            raise ApiError("general_argument_invalid", "Invalid JSON body")
        params.update(data)
        return params

    def _serve(self, method):
        url = urllib.parse.urlsplit(self.path)
        path = url.path
        try:
            body = self._body()
        except (ApiError, ValueError):
            self.close_connection = True
            return self._send(400, ApiError("general_argument_invalid",
                                            "Unreadable request body").body())
        if path.startswith("/__standin/"):
            return self._admin(method, path, body)
        srv = self.server
        with srv.meta_lock:
            rule = _fault_for(srv.config.faults, method, path)
        if srv.config.delay_ms:
            time.sleep(srv.config.delay_ms / 1000)
        if rule and rule.get("action") == "delay":
            time.sleep(rule.get("delay_ms", 1000) / 1000)
            rule = None
        before = rule and rule.get("when", "before") == "before"
        if before and rule.get("action") == "drop":
            return self._drop(method, path)
        if before:
            status, payload = _fault_error(rule)
        else:
            status, payload = self._dispatch(method, path, url.query, body)
        if rule and not before:
            if rule.get("action") == "drop":
                return self._drop(method, path)
            status, payload = _fault_error(rule)
        self._log(method, path, status, bool(rule))
        self._send(status, payload)

    def _dispatch(self, method, path, query, body):
        srv = self.server
        with srv.store.lock:
            ctx = None
            try:
                route, args = self._route(method, path)
                params = self._params(method, query, body)
                ctx = self._auth(route[3], params)
                status, payload = route[2](ctx, *args)
            except ApiError as e:
                status, payload = e.code, e.body()
            except Exception:  # a stand-in bug: say so as Appwrite would
                traceback.print_exc()
                status, payload = 500, ApiError("general_unknown").body()
            if ctx is not None and ctx.dirty:
                srv.store.save()
        return status, payload

    def _route(self, method, path):
        for m, regex, handler, scope in _COMPILED:
            match = regex.match(path)
            if match and m == method:
                args = [urllib.parse.unquote(a) for a in match.groups()]
                return (m, regex, handler, scope), args
        raise ApiError("general_route_not_found")

    def _auth(self, scope, params):
        srv = self.server
        headers = {k.lower(): v for k, v in self.headers.items()}
        project = headers.get("x-appwrite-project") or "console"
        if project != "console" and project not in srv.config.projects:
            raise ApiError("project_not_found")
        key = headers.get("x-appwrite-key")
        if key:
            scopes = srv.config.keys.get(key) if project != "console" else None
            if scopes is None:
                raise ApiError("user_unauthorized")
            who, role, is_app = "app.%s@service.%s" % (project, self._host()), "applications", True
        else:
            scopes, who, role, is_app = GUEST_SCOPES, "User", "guests", False
        if scope not in scopes:
            raise ApiError("general_unauthorized_scope", "%s (role: %s) missing scopes (%s)"
                           % (who, role, json.dumps([scope])))
        return Ctx(srv, project, params, headers, is_app)

    def _host(self):
        return (self.headers.get("Host") or "localhost").rsplit(":", 1)[0]

    def _log(self, method, path, status, fault):
        with self.server.meta_lock:
            log = self.server.requests
            log.append({"method": method, "path": path, "status": status, "fault": fault,
                        "range": self.headers.get("Content-Range")})
            del log[:-10000]

    def _drop(self, method, path):
        self._log(method, path, 0, True)
        self.close_connection = True

    def _send(self, status, payload, headers=None):
        if isinstance(payload, tuple):  # (bytes, headers) from a download
            payload, headers = payload
            data = payload
        elif payload is None:
            data = b""
        else:
            data = json.dumps(payload).encode("utf-8")
            headers = {"Content-Type": "application/json; charset=UTF-8"}
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("X-Appwrite-Version", VERSION)
        if status != 204:
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if status != 204:
            self.wfile.write(data)

    def _admin(self, method, path, body):
        """Test controls: /__standin/{health,config,faults,requests,reset,state,shutdown}."""
        srv = self.server
        what = path[len("/__standin/"):]
        try:
            data = json.loads(body) if body else {}
        except ValueError:
            return self._send(400, {"error": "invalid JSON"})
        with srv.meta_lock:
            if what == "health":
                return self._send(200, {"ok": True, "port": srv.server_address[1]})
            if what == "config" and method == "GET":
                return self._send(200, srv.config.public())
            if what == "config" and method == "POST":
                srv.config.update(data)
                return self._send(200, srv.config.public())
            if what == "faults" and method == "POST":
                srv.config.faults = data.get("rules", [])
                return self._send(200, {"rules": srv.config.faults})
            if what == "faults" and method == "DELETE":
                srv.config.faults = []
                return self._send(204, None)
            if what == "requests" and method == "GET":
                return self._send(200, {"requests": srv.requests})
            if what == "requests" and method == "DELETE":
                srv.requests.clear()
                return self._send(204, None)
        if what == "reset" and method == "POST":
            srv.store.reset()
            with srv.meta_lock:
                srv.config.faults = []
                srv.requests.clear()
            return self._send(204, None)
        if what == "state" and method == "GET":
            with srv.store.lock:
                return self._send(200, srv.store.tree)
        if what == "shutdown" and method == "POST":
            self._send(204, None)
            srv.stop_event.set()
            return None
        return self._send(404, {"error": "no such control"})


def parse_args(argv):
    p = argparse.ArgumentParser(description="Appwrite 1.7 stand-in for awm's tests")
    p.add_argument("--host", default="127.0.0.1", help="loopback address to bind")
    p.add_argument("--port", type=int, default=0, help="port; 0 picks a free one")
    p.add_argument("--port-file", help="write the chosen port here once listening")
    p.add_argument("--project", action="append", help="a project id (repeatable; "
                   "default awm-test)")
    p.add_argument("--key", action="append", help="an API key SECRET[:scope,scope] "
                   "(repeatable; no scopes means all; default standin-key)")
    p.add_argument("--attribute-delay", type=float, default=0.0, metavar="SECONDS",
                   help="how long attributes and indexes stay processing or deleting")
    p.add_argument("--delay-ms", type=int, default=0, help="delay every API answer")
    p.add_argument("--fail-key", action="append", help="attributes/indexes with this key "
                   "end up failed (repeatable)")
    p.add_argument("--storage-limit", type=int, default=30000000,
                   help="largest file a bucket may allow (_APP_STORAGE_LIMIT)")
    p.add_argument("--faults", help="initial fault rules, a JSON list (see README)")
    p.add_argument("--state", help="persist to this JSON file (and <file>.blobs/)")
    p.add_argument("--max-seconds", type=float, default=3600,
                   help="stop by itself after this long (0: never)")
    p.add_argument("--verbose", action="store_true", help="log each request to stderr")
    args = p.parse_args(argv)
    if not ipaddress.ip_address(args.host).is_loopback:
        p.error("--host must be a loopback address")
    return args


def main(argv=None):
    args = parse_args(argv)
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    server.verbose = args.verbose
    server.config = Config(args)
    server.store = Store(args.state)
    server.meta_lock = threading.Lock()
    server.requests = []
    server.stop_event = threading.Event()
    port = server.server_address[1]
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.replace(tmp, args.port_file)
    print("appwrite-standin listening on http://%s:%d/v1" % (args.host, port), flush=True)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: server.stop_event.set())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.stop_event.wait(args.max_seconds or None)
    server.shutdown()
    with server.store.lock:
        server.store.save()
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
