"""Documents: create with a chosen id, get, list with queries, update, delete.

What Appwrite 1.7 guarantees and awm relies on, kept here:
- a create with an id that exists is a 409 document_already_exists, atomically
  (the store's lock serialises requests), so a document can be a lock;
- a unique index is enforced the same way (409 document_already_exists);
- the X-Appwrite-Timestamp header makes an update or delete conditional: when
  the document changed after that time, 409 document_update_conflict;
- an update that changes nothing keeps $updatedAt;
- `$sequence` counts up per collection and is the default order and tie-break.
Without an API key the caller is a guest: collection and document permissions
decide, with 401 user_unauthorized or 404 as Appwrite answers.
Relationship values are stored and returned as given (no nested documents).
"""

import json

from . import databases as D
from . import params as P
from . import query as Q
from .errors import ApiError, invalid_param

IGNORED = {"$id", "$permissions", "$createdAt", "$updatedAt", "$sequence",
           "$collectionId", "$databaseId", "$collection"}


def view(coll, doc, select=None):
    """The document as the API returns it (all available attributes, then the $ fields)."""
    out = {}
    for attr in D.structure(coll):
        if select is None or "*" in select or attr["key"] in select:
            out[attr["key"]] = doc["data"].get(attr["key"])
    out.update({"$id": doc["$id"], "$sequence": doc["$sequence"],
                "$collectionId": coll["$id"], "$databaseId": coll["databaseId"],
                "$createdAt": doc["$createdAt"], "$updatedAt": doc["$updatedAt"],
                "$permissions": doc["$permissions"]})
    return out


def _bad(why):
    return ApiError("document_invalid_structure", "Invalid document structure: " + why)


def _check(coll, data, base):
    """`base` (the stored data, empty on create) with `data` applied, checked."""
    attrs = {a["key"]: a for a in D.structure(coll)}
    merged = dict(base)
    for key, value in data.items():
        if key in IGNORED:
            continue
        attr = attrs.get(key)
        if attr is None:
            raise _bad('Unknown attribute: "%s"' % key)
        if value is None:
            merged[key] = None
        elif attr["array"]:
            if not isinstance(value, list):
                raise _bad('Attribute "%s" must be an array' % key)
            merged[key] = [_value(attr, v) for v in value]
        else:
            merged[key] = _value(attr, value)
    for key, attr in attrs.items():
        if key not in merged and not base:
            merged[key] = attr.get("default")
        if attr["required"] and merged.get(key) is None:
            raise _bad('Missing required attribute "%s"' % key)
    return merged


def _value(attr, value):
    good, why = D.A.check_value(attr, value)
    if why:
        raise _bad('Attribute "%s" has invalid type. %s' % (attr["key"], why))
    return good


def _check_unique(coll, data, doc_id):
    for idx in coll["indexes"]:
        if idx["type"] != "unique" or idx["status"] != "available":
            continue
        mine = [data.get(n) if not n.startswith("$") else None for n in idx["attributes"]]
        if any(v is None for v in mine):
            continue
        for other in coll["documents"].values():
            if other["$id"] != doc_id and \
                    [D.document_value(other, n) for n in idx["attributes"]] == mine:
                raise ApiError("document_already_exists")


def _data_param(ctx, required):
    data = ctx.params.get("data")
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except ValueError:
            raise invalid_param("data", "Value must be a valid JSON string")
    if data is None or data == {}:
        if required:
            raise ApiError("document_missing_data")
        return {}
    if not isinstance(data, dict):
        raise invalid_param("data", "Value must be a valid JSON string")
    return data


def _visible(ctx, coll):
    """Which documents the caller may read (a test), or 401 when none could ever be."""
    if ctx.is_app or P.allows(coll["$permissions"], "read", ctx.roles):
        return lambda doc: True
    if coll["documentSecurity"]:
        return lambda doc: P.allows(doc["$permissions"], "read", ctx.roles)
    raise ApiError("user_unauthorized")


def _may(ctx, coll, action, doc=None):
    if ctx.is_app or P.allows(coll["$permissions"], action, ctx.roles):
        return
    if doc is not None and coll["documentSecurity"] and \
            P.allows(doc["$permissions"], action, ctx.roles):
        return
    raise ApiError("user_unauthorized")


def _get(ctx, coll, doc_id):
    doc = coll["documents"].get(doc_id)
    if doc is None or not _visible(ctx, coll)(doc):
        raise ApiError("document_not_found")
    return doc


def _unchanged_since(ctx, doc):
    """Enforce X-Appwrite-Timestamp: refuse when the document changed after it."""
    header = ctx.headers.get("x-appwrite-timestamp")
    if not header:
        return
    when = P.parse_time(header)
    if when is None:
        raise ApiError("general_argument_invalid", "Invalid X-Appwrite-Timestamp header value")
    if round(P.parse_time(doc["$updatedAt"]) * 1000) > round(when * 1000):
        raise ApiError("document_update_conflict")


def create_document(ctx, db, coll):
    c = D.collection(ctx, db, coll)
    doc_id = P.custom_id(ctx.params, "documentId")
    data = _data_param(ctx, required=True)
    perms = P.permissions(ctx.params, document=True)
    _may(ctx, c, "create")
    values = _check(c, data, {})
    if doc_id in c["documents"]:
        raise ApiError("document_already_exists")
    _check_unique(c, values, doc_id)
    c["_docseq"] += 1
    stamp = P.now()
    doc = {"$id": doc_id, "$sequence": c["_docseq"], "$createdAt": stamp, "$updatedAt": stamp,
           "$permissions": perms or [], "data": values}
    c["documents"][doc_id] = doc
    ctx.dirty = True
    return 201, view(c, doc)


def list_documents(ctx, db, coll):
    c = D.collection(ctx, db, coll)
    queries = Q.parse(ctx.queries)
    visible = _visible(ctx, c)
    docs = {d["$id"]: view(c, d) for d in c["documents"].values() if visible(d)}
    records = sorted(docs.values(), key=lambda r: r["$sequence"])
    total, page, select = Q.run(queries, records, D.query_schema(c),
                                lambda i: view(c, c["documents"][i])
                                if i in c["documents"] else None)
    return 200, {"total": total,
                 "documents": [view(c, c["documents"][r["$id"]], select) for r in page]}


def get_document(ctx, db, coll, doc_id):
    c = D.collection(ctx, db, coll)
    select = None
    for q in Q.parse(ctx.queries):
        if q["method"] != "select":
            raise ApiError("general_query_invalid", "Invalid query: Only select queries "
                           "are allowed here")
        select = q["values"]
    return 200, view(c, _get(ctx, c, doc_id), select)


def update_document(ctx, db, coll, doc_id):
    c = D.collection(ctx, db, coll)
    data = _data_param(ctx, required=False)
    perms = P.permissions(ctx.params, document=True)
    if not data and perms is None:
        raise ApiError("document_missing_payload")
    doc = _get(ctx, c, doc_id)
    _may(ctx, c, "update", doc)
    _unchanged_since(ctx, doc)
    values = _check(c, data, doc["data"])
    _check_unique(c, values, doc_id)
    if values != doc["data"] or (perms is not None and perms != doc["$permissions"]):
        doc["data"] = values
        if perms is not None:
            doc["$permissions"] = perms
        doc["$updatedAt"] = P.now()
        ctx.dirty = True
    return 200, view(c, doc)


def delete_document(ctx, db, coll, doc_id):
    c = D.collection(ctx, db, coll)
    doc = _get(ctx, c, doc_id)
    _may(ctx, c, "delete", doc)
    _unchanged_since(ctx, doc)
    del c["documents"][doc_id]
    ctx.dirty = True
    return 204, None
