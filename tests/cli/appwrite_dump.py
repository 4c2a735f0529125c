#!/usr/bin/env python3
"""Read an Appwrite database through its REST API, for the t8xxx tests.

    appwrite_dump.py schema <db>              the live schema, one line per
                                              collection, attribute and index,
                                              as awm's schema objects write it
    appwrite_dump.py docs <db> <collection>   every document, as JSON lines
    appwrite_dump.py delete <path>            DELETE /v1<path>
    appwrite_dump.py post <path> <json>       POST /v1<path> with that body

It reads APPWRITE_ENDPOINT, APPWRITE_PROJECT and APPWRITE_API_KEY, and is
written independently of awm's C code, so a test that compares its output
with what awm recorded checks awm against the API, not against itself.
"""

import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

ENDPOINT = os.environ["APPWRITE_ENDPOINT"]
HEADERS = {"X-Appwrite-Project": os.environ["APPWRITE_PROJECT"],
           "X-Appwrite-Key": os.environ["APPWRITE_API_KEY"]}
INTERNAL = {"awm_state", "awm_locks", "awm_refs"}


def call(method, path, queries=(), body=None):
    qs = "&".join("queries%5B%5D=" + urllib.parse.quote(json.dumps(q)) for q in queries)
    headers = dict(HEADERS, **({"Content-Type": "application/json"} if body else {}))
    req = urllib.request.Request(ENDPOINT + path + ("?" + qs if qs else ""), method=method,
                                 headers=headers, data=body.encode() if body else None)
    with urllib.request.urlopen(req) as res:
        body = res.read()
    return json.loads(body) if body else None


def every(path, member):
    out, cursor = [], None
    while True:
        q = [{"method": "limit", "values": [100]}]
        if cursor:
            q.append({"method": "cursorAfter", "values": [cursor]})
        page = call("GET", path, q)[member]
        out += page
        if len(page) < 100:
            return out
        cursor = page[-1]["$id"]


def canonical(obj):
    """Compact JSON with sorted keys, numbers written as jansson writes them."""
    if isinstance(obj, dict):
        return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + canonical(obj[k])
                              for k in sorted(obj)) + "}"
    if isinstance(obj, list):
        return "[" + ",".join(canonical(v) for v in obj) + "]"
    if isinstance(obj, float):
        text = "%.17g" % obj
        if "e" in text:
            mantissa, exp = text.split("e")
            text = "%se%d" % (mantissa, int(exp))
        elif "." not in text:
            text += ".0"
        return text
    return json.dumps(obj, ensure_ascii=False)


def dump(obj):
    return canonical(obj).replace("\\", "\\\\")


def attribute(a):
    out = {k: a[k] for k in ("key", "type", "required", "array")}
    out["default"] = a.get("default")
    if a["type"] == "string":
        if a.get("format"):
            out["format"] = a["format"]
            if a["format"] == "enum":
                out["elements"] = a["elements"]
        else:
            out["size"], out["encrypt"] = a["size"], a.get("encrypt", False)
    elif a["type"] in ("integer", "double"):
        out["min"], out["max"] = a["min"], a["max"]
    elif a["type"] == "relationship":
        for k in ("relatedCollection", "relationType", "twoWay", "twoWayKey", "onDelete",
                  "side"):
            out[k] = a[k]
    if a.get("status") not in (None, "available"):
        out["status"] = a["status"]
    return out


def index(i):
    out = {k: i[k] for k in ("key", "type", "attributes", "orders", "lengths")}
    if i.get("status") not in (None, "available"):
        out["status"] = i["status"]
    return out


def schema(db):
    lines = []
    for c in every("/databases/%s/collections" % db, "collections"):
        cid = c["$id"]
        if cid in INTERNAL:
            continue
        meta = {"name": c["name"], "$permissions": sorted(set(c["$permissions"])),
                "documentSecurity": c["documentSecurity"], "enabled": c["enabled"]}
        lines.append((4, "collection", cid, cid, dump(meta)))
        for a in c["attributes"]:
            if a.get("status") != "deleting":
                lines.append((4, "attribute", cid + "/" + a["key"], cid, dump(attribute(a))))
        for i in c["indexes"]:
            if i.get("status") != "deleting":
                lines.append((1, "index", cid + "/" + i["key"], cid, dump(index(i))))
    for line in sorted(lines):
        print("\t".join(line[1:]))


def main():
    what = sys.argv[1]
    try:
        if what == "schema":
            schema(sys.argv[2])
        elif what == "docs":
            for d in every("/databases/%s/collections/%s/documents" % (sys.argv[2], sys.argv[3]),
                           "documents"):
                print(json.dumps(d, sort_keys=True))
        elif what == "delete":
            call("DELETE", sys.argv[2])
        elif what == "post":
            call("POST", sys.argv[2], body=sys.argv[3])
        else:
            sys.exit("usage: appwrite_dump.py schema <db> | docs <db> <coll> | delete <path> | "
                     "post <path> <json>")
    except urllib.error.HTTPError as e:
        sys.exit("%s %s: %s" % (e.code, e.reason, e.read().decode()))


main()
