#!/usr/bin/env python3
"""Drive the B2 stand-in's test controls: b2_control.py PORT WHAT [JSON].

WHAT is one of rules, expire, tamper, stats, reset, files (see b2_server.py).
With JSON the call is a POST carrying it; without, a GET (or an empty POST for
expire and reset).  The reply is printed as JSON.
"""
import json
import sys
import urllib.request


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    port, what = sys.argv[1], sys.argv[2]
    body = sys.argv[3].encode("utf-8") if len(sys.argv) > 3 else None
    if body is None and what in ("expire", "reset"):
        body = b"{}"
    req = urllib.request.Request("http://127.0.0.1:%s/_control/%s" % (port, what),
                                 data=body, method="POST" if body is not None else "GET")
    with urllib.request.urlopen(req, timeout=30) as r:
        print(json.dumps(json.loads(r.read().decode("utf-8")), indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
