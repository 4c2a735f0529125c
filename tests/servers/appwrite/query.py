"""Appwrite 1.7's JSON queries over a list of records: filters, order, cursors, paging.

A query is the JSON the SDKs' Query helpers produce, e.g.
{"method":"equal","attribute":"name","values":["x"]} or
{"method":"limit","values":[25]}; a list endpoint receives them as
queries[]=..., queries[0]=... or queries=....

run() takes the records already in creation order (their `$sequence` or list
position breaks ties, as Appwrite's internal id does), a Schema naming what may
be queried, and a lookup for the cursor's record.  It returns the total (the
filtered count, capped at 5000 like APP_LIMIT_COUNT), the page, and the
attributes a select() kept (None for all).
"""

import functools
import json
import re

from .errors import ApiError, invalid_param
from . import params as P

COUNT_CAP = 5000
DEFAULT_LIMIT = 25
MAX_LIMIT = 5000
MAX_QUERIES = 100

FILTERS = {"equal", "notEqual", "lessThan", "lessThanEqual", "greaterThan",
           "greaterThanEqual", "isNull", "isNotNull", "between", "startsWith",
           "endsWith", "contains", "search", "or", "and"}
ORDERS = {"orderAsc", "orderDesc"}
PAGING = {"limit", "offset", "cursorAfter", "cursorBefore", "select"}
SYSTEM = {"$id": "string", "$createdAt": "datetime", "$updatedAt": "datetime",
          "$sequence": "integer"}


class Schema:
    """What a list may be queried on: attribute -> (type, array); fulltext-indexed names."""

    def __init__(self, attrs, fulltext=()):
        self.attrs = dict(attrs)
        for name, typ in SYSTEM.items():
            self.attrs.setdefault(name, (typ, False))
        self.fulltext = set(fulltext)


def bad(why):
    return ApiError("general_query_invalid", "Invalid query: " + why)


def parse(raw):
    """The JSON strings of a `queries` parameter, as dicts; bad syntax is a 400."""
    if raw is None:
        return []
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or len(raw) > MAX_QUERIES:
        raise invalid_param("queries", "Value must a valid array no longer than %d items"
                            % MAX_QUERIES)
    return [_one(q) for q in raw]


def _one(q):
    if isinstance(q, str):
        try:
            q = json.loads(q)
        except ValueError:
            raise bad("Syntax error")
    if not isinstance(q, dict) or not isinstance(q.get("method"), str):
        raise bad("Syntax error")
    method = q["method"]
    if method not in FILTERS | ORDERS | PAGING:
        raise bad("Invalid query method: " + method)
    values = q.get("values", [])
    if not isinstance(values, list):
        raise bad("Syntax error")
    if method in ("or", "and"):
        values = [_one(v) for v in values]
        if len(values) < 2:
            raise bad("%s queries require at least two queries" % method.capitalize())
    return {"method": method, "attribute": q.get("attribute", ""), "values": values}


def run(queries, records, schema, lookup):
    filters = [q for q in queries if q["method"] in FILTERS]
    orders = [q for q in queries if q["method"] in ORDERS]
    limit, offset, cursor, cursor_dir, select = DEFAULT_LIMIT, 0, None, None, None
    seen = set()
    for q in queries:
        m, v = q["method"], q["values"]
        kind = "cursor" if m.startswith("cursor") else m
        if kind in seen and m in PAGING:
            continue  # the first one wins, as in utopia-php/database
        seen.add(kind)
        if m == "limit":
            limit = _int_value(v, "limit", 1, MAX_LIMIT)
        elif m == "offset":
            offset = _int_value(v, "offset", 0, 1 << 62)
        elif m in ("cursorAfter", "cursorBefore"):
            if len(v) != 1 or not isinstance(v[0], str):
                raise bad("Cursor must contain exactly one value")
            cursor, cursor_dir = v[0], m
        elif m == "select":
            if not v or not all(isinstance(a, str) for a in v):
                raise bad("Select queries require at least one value")
            for a in v:
                if a != "*" and a not in schema.attrs:
                    raise bad("Attribute not found in schema: " + a)
            select = v
    for q in filters:
        _check_filter(q, schema)
    spec = []
    for q in orders:
        if q["attribute"] not in schema.attrs:
            raise bad("Attribute not found in schema: " + q["attribute"])
        spec.append((q["attribute"], q["method"] == "orderAsc"))
    if not any(a in ("$id", "$sequence") for a, _ in spec):
        spec.append(("$sequence", True))  # utopia-php orders by _id ASC last

    matched = [r for r in records if all(_match(q, r, schema) for q in filters)]
    total = min(len(matched), COUNT_CAP)
    cmp = functools.partial(_compare, spec)
    matched.sort(key=functools.cmp_to_key(cmp))
    if cursor is not None:
        anchor = lookup(cursor)
        if anchor is None:
            raise ApiError("general_cursor_not_found",
                           "Document '%s' for the 'cursor' value not found." % cursor)
        if cursor_dir == "cursorAfter":
            matched = [r for r in matched if cmp(r, anchor) > 0]
        else:
            before = [r for r in matched if cmp(r, anchor) < 0][::-1]
            return total, before[offset:offset + limit][::-1], select
    return total, matched[offset:offset + limit], select


def _int_value(values, what, lo, hi):
    if len(values) != 1 or not isinstance(values[0], int) or isinstance(values[0], bool):
        raise bad("Invalid %s: Value must be a valid integer" % what)
    if not lo <= values[0] <= hi:
        raise bad("Invalid %s: Value must be a valid range between %s and %s"
                  % (what, format(lo, ","), format(hi, ",")))
    return values[0]


def _check_filter(q, schema):
    m, attr, values = q["method"], q["attribute"], q["values"]
    if m in ("or", "and"):
        for sub in values:
            if sub["method"] not in FILTERS:
                raise bad("%s queries can only contain filter queries" % m.capitalize())
            _check_filter(sub, schema)
        return
    if attr not in schema.attrs:
        raise bad("Attribute not found in schema: " + attr)
    typ, array = schema.attrs[attr]
    if typ == "relationship":
        raise bad("Cannot query on virtual relationship attribute")
    if array and m not in ("contains", "isNull", "isNotNull"):
        raise bad('Cannot query %s on attribute "%s" because it is an array.' % (m, attr))
    if m in ("isNull", "isNotNull"):
        return
    want = {"between": 2, "notEqual": 1, "lessThan": 1, "lessThanEqual": 1,
            "greaterThan": 1, "greaterThanEqual": 1, "startsWith": 1, "endsWith": 1,
            "search": 1}.get(m)
    if want is not None and len(values) != want:
        raise bad("%s queries require exactly %d value%s." % (m, want, "s" if want > 1 else ""))
    if not values:
        raise bad("%s queries require at least one value." % m.capitalize())
    if m == "search" and attr not in schema.fulltext:
        raise bad('Searching by attribute "%s" requires a fulltext index.' % attr)
    for i, v in enumerate(values):
        ok = _value_ok(typ, v)
        if not ok:
            raise bad('Query value is invalid for attribute "%s"' % attr)
        if typ == "datetime":
            values[i] = P.fmt_time(P.parse_time(v))


def _value_ok(typ, v):
    if typ in ("string", "email", "url", "ip", "enum"):
        return isinstance(v, str)
    if typ == "integer":
        return isinstance(v, int) and not isinstance(v, bool)
    if typ == "double":
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    if typ == "boolean":
        return isinstance(v, bool)
    if typ == "datetime":
        return P.parse_time(v) is not None
    return False


def _match(q, r, schema):
    m, attr, values = q["method"], q["attribute"], q["values"]
    if m == "or":
        return any(_match(s, r, schema) for s in values)
    if m == "and":
        return all(_match(s, r, schema) for s in values)
    v = r.get(attr)
    if m == "isNull":
        return v is None
    if m == "isNotNull":
        return v is not None
    if m == "contains":
        if isinstance(v, list):
            return any(x in v for x in values)
        return isinstance(v, str) and any(x in v for x in values)
    if v is None:
        return False
    if m == "equal":
        return v in values
    x = values[0]
    if m == "notEqual":
        return v != x
    if m == "lessThan":
        return v < x
    if m == "lessThanEqual":
        return v <= x
    if m == "greaterThan":
        return v > x
    if m == "greaterThanEqual":
        return v >= x
    if m == "between":
        return values[0] <= v <= values[1]
    if m == "startsWith":
        return v.startswith(x)
    if m == "endsWith":
        return v.endswith(x)
    if m == "search":
        words = set(re.findall(r"\w+", str(v).lower()))
        return any(w in words for w in re.findall(r"\w+", str(x).lower()))
    return False


def _compare(spec, a, b):
    """Order two records by the order queries; nulls first, as MariaDB sorts them."""
    for attr, asc in spec:
        x, y = a.get(attr), b.get(attr)
        if x == y:
            continue
        if x is None:
            c = -1
        elif y is None:
            c = 1
        else:
            c = -1 if x < y else 1
        return c if asc else -c
    return 0
