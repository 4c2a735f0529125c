"""Databases, collections, attributes and indexes: the schema half of /v1/databases.

Attributes and indexes follow Appwrite's asynchronous lifecycle.  A create
answers 202 with status "processing"; the attribute becomes "available" (or
"failed", when a fault knob names its key, or a unique index meets duplicate
values) once the configured delay has passed.  A delete answers 204 and leaves
the attribute "deleting" for the same delay before it disappears.  Time is
checked lazily, by tick(), whenever a collection is touched, so there is no
background thread and a delay of 0 still shows "processing" once.

Only available attributes are part of a collection's document structure, as in
Appwrite, where the worker adds the column: writing a document that uses a
processing attribute fails with document_invalid_structure.

Every handler takes the request context (see appwrite_standin.py) and path
parameters, and returns (status, body).
"""

import time

from . import attributes as A
from . import params as P
from . import query as Q
from .errors import ApiError, invalid_param

SYSTEM_INDEXABLE = ("$id", "$createdAt", "$updatedAt")
INDEX_TYPES = ("key", "fulltext", "unique")


def public(obj, drop=()):
    return {k: v for k, v in obj.items()
            if not k.startswith("_") and k != "$sequence" and k not in drop}


# -- lookups ---------------------------------------------------------------

def database(ctx, db_id):
    db = ctx.proj["databases"].get(db_id)
    if db is None or (not ctx.is_app and not db["enabled"]):
        raise ApiError("database_not_found")
    return db


def collection(ctx, db_id, coll_id):
    coll = database(ctx, db_id)["collections"].get(coll_id)
    if coll is None or (not ctx.is_app and not coll["enabled"]):
        raise ApiError("collection_not_found")
    tick(ctx, coll)
    return coll


def find(items, key):
    for item in items:
        if item["key"] == key:
            return item
    return None


# -- lifecycle -------------------------------------------------------------

def _schedule(ctx, item, fail_reason=None):
    item["_ready"] = time.time() + ctx.config.attribute_delay
    failing = fail_reason or (item["key"] in ctx.config.fail_keys and "stand-in fault knob")
    item["_fate"] = "failed" if failing else "available"
    item["_error"] = ("Failed to create: %s" % failing) if failing else ""


def tick(ctx, coll):
    """Move due attributes and indexes along processing -> available/failed, deleting -> gone."""
    now = time.time()
    for item in coll["attributes"] + coll["indexes"]:
        if item["status"] == "processing" and now >= item["_ready"]:
            item["status"], item["error"] = item["_fate"], item["_error"]
            item["$updatedAt"] = P.now()
            ctx.dirty = True
    for attr in [a for a in coll["attributes"] if a["status"] == "deleting" and now >= a["_gone"]]:
        coll["attributes"].remove(attr)
        for doc in coll["documents"].values():
            doc["data"].pop(attr["key"], None)
        for idx in coll["indexes"]:
            if attr["key"] in idx["attributes"]:
                pos = idx["attributes"].index(attr["key"])
                for field in ("attributes", "orders", "lengths"):
                    if len(idx.get(field) or []) > pos:
                        del idx[field][pos]
        coll["indexes"] = [i for i in coll["indexes"] if i["attributes"]]
        ctx.dirty = True
    for idx in [i for i in coll["indexes"] if i["status"] == "deleting" and now >= i["_gone"]]:
        coll["indexes"].remove(idx)
        ctx.dirty = True


def structure(coll):
    """The available attributes: what documents may hold."""
    return [a for a in coll["attributes"] if a["status"] == "available"]


def query_schema(coll):
    attrs = {a["key"]: (A.kind(a), a["array"]) for a in structure(coll)}
    fulltext = [k for i in coll["indexes"] if i["type"] == "fulltext" and i["status"] == "available"
                for k in i["attributes"]]
    return Q.Schema(attrs, fulltext)


def _list(ctx, items, name, allowed, render, search_fields=("name",)):
    """A list endpoint over models: queries on `allowed` attributes, plus `search`."""
    queries = Q.parse(ctx.queries)
    records = list(items)
    search = ctx.params.get("search")
    if search:
        records = [r for r in records if any(search.lower() in str(r.get(f, "")).lower()
                                              for f in search_fields + ("$id",))]
    by_id = {r["$id"]: r for r in items}
    total, page, _ = Q.run(queries, records, Q.Schema(allowed), by_id.get)
    return 200, {"total": total, name: [render(r) for r in page]}


# -- databases -------------------------------------------------------------

def create_database(ctx):
    db_id = P.custom_id(ctx.params, "databaseId")
    name = P.text(ctx.params, "name")
    enabled = P.boolean(ctx.params, "enabled", True)
    if db_id in ctx.proj["databases"]:
        raise ApiError("database_already_exists")
    stamp = P.now()
    db = {"$id": db_id, "name": name, "$createdAt": stamp, "$updatedAt": stamp,
          "enabled": enabled, "$sequence": ctx.store.next_sequence(), "collections": {}}
    ctx.proj["databases"][db_id] = db
    ctx.dirty = True
    return 201, public(db, ("collections",))


def list_databases(ctx):
    return _list(ctx, ctx.proj["databases"].values(), "databases", {"name": ("string", False)},
                 lambda d: public(d, ("collections",)))


def get_database(ctx, db):
    return 200, public(database(ctx, db), ("collections",))


def update_database(ctx, db):
    d = database(ctx, db)
    d["name"] = P.text(ctx.params, "name")
    d["enabled"] = P.boolean(ctx.params, "enabled", d["enabled"])
    d["$updatedAt"] = P.now()
    ctx.dirty = True
    return 200, public(d, ("collections",))


def delete_database(ctx, db):
    database(ctx, db)
    del ctx.proj["databases"][db]
    ctx.dirty = True
    return 204, None


# -- collections -----------------------------------------------------------

def collection_model(coll):
    out = public(coll, ("documents",))
    out["attributes"] = [A.model(a) for a in coll["attributes"]]
    out["indexes"] = [public(i) for i in coll["indexes"]]
    return out


def create_collection(ctx, db):
    d = database(ctx, db)
    coll_id = P.custom_id(ctx.params, "collectionId")
    name = P.text(ctx.params, "name")
    perms = P.permissions(ctx.params) or []
    security = P.boolean(ctx.params, "documentSecurity", False)
    enabled = P.boolean(ctx.params, "enabled", True)
    if coll_id in d["collections"]:
        raise ApiError("collection_already_exists")
    stamp = P.now()
    coll = {"$id": coll_id, "$createdAt": stamp, "$updatedAt": stamp, "$permissions": perms,
            "databaseId": db, "name": name, "enabled": enabled, "documentSecurity": security,
            "attributes": [], "indexes": [], "documents": {},
            "$sequence": ctx.store.next_sequence(), "_docseq": 0}
    d["collections"][coll_id] = coll
    ctx.dirty = True
    return 201, collection_model(coll)


def list_collections(ctx, db):
    colls = database(ctx, db)["collections"].values()
    for c in colls:
        tick(ctx, c)
    return _list(ctx, colls, "collections",
                 {"name": ("string", False), "enabled": ("boolean", False),
                  "documentSecurity": ("boolean", False)}, collection_model)


def get_collection(ctx, db, coll):
    return 200, collection_model(collection(ctx, db, coll))


def update_collection(ctx, db, coll):
    c = collection(ctx, db, coll)
    c["name"] = P.text(ctx.params, "name")
    perms = P.permissions(ctx.params)
    if perms is not None:
        c["$permissions"] = perms
    c["documentSecurity"] = P.boolean(ctx.params, "documentSecurity", c["documentSecurity"])
    c["enabled"] = P.boolean(ctx.params, "enabled", c["enabled"])
    c["$updatedAt"] = P.now()
    ctx.dirty = True
    return 200, collection_model(c)


def delete_collection(ctx, db, coll):
    collection(ctx, db, coll)
    colls = ctx.proj["databases"][db]["collections"]
    del colls[coll]
    for other in colls.values():  # relationships pointing at it go too
        other["attributes"] = [a for a in other["attributes"]
                               if a.get("relatedCollection") != coll]
    ctx.dirty = True
    return 204, None


# -- attributes ------------------------------------------------------------

def _add_attribute(ctx, coll, attr):
    if find(coll["attributes"], attr["key"]):
        raise ApiError("attribute_already_exists")
    stamp = P.now()
    attr.update({"$createdAt": stamp, "$updatedAt": stamp, "$sequence": ctx.store.next_sequence()})
    _schedule(ctx, attr)
    coll["attributes"].append(attr)
    ctx.dirty = True


def create_attribute(ctx, db, coll, kind):
    c = collection(ctx, db, coll)
    if kind == "relationship":
        attr = A.relationship(ctx.params, coll)
        related = collection(ctx, db, attr["relatedCollection"])
        if attr["twoWay"] and find(related["attributes"], attr["twoWayKey"]):
            raise ApiError("attribute_already_exists", "Attribute with the requested key "
                           "already exists in the related collection.")
        _add_attribute(ctx, c, attr)
        if attr["twoWay"]:
            _add_attribute(ctx, related, A.child_side(attr, coll))
    elif kind in A.ENDPOINTS:
        attr = A.create(ctx.params, kind)
        _add_attribute(ctx, c, attr)
    else:
        raise ApiError("general_route_not_found")
    return 202, A.model(attr)


def list_attributes(ctx, db, coll):
    c = collection(ctx, db, coll)
    queries = Q.parse(ctx.queries)
    schema = Q.Schema({"key": ("string", False), "type": ("string", False),
                       "size": ("integer", False), "required": ("boolean", False),
                       "array": ("boolean", False), "status": ("string", False),
                       "error": ("string", False)})
    total, page, _ = Q.run(queries, c["attributes"], schema,
                           lambda k: find(c["attributes"], k))
    return 200, {"total": total, "attributes": [A.model(a) for a in page]}


def get_attribute(ctx, db, coll, key):
    attr = find(collection(ctx, db, coll)["attributes"], key)
    if attr is None:
        raise ApiError("attribute_not_found")
    return 200, A.model(attr)


def _available(coll, key):
    attr = find(coll["attributes"], key)
    if attr is None:
        raise ApiError("attribute_not_found")
    if attr["status"] != "available":
        raise ApiError("attribute_not_available")
    return attr


def _rename(ctx, coll, old, new):
    if old == new:
        return
    if find(coll["attributes"], new):
        raise ApiError("attribute_already_exists")
    for doc in coll["documents"].values():
        if old in doc["data"]:
            doc["data"][new] = doc["data"].pop(old)
    for idx in coll["indexes"]:
        idx["attributes"] = [new if a == old else a for a in idx["attributes"]]


def update_attribute(ctx, db, coll, kind, key):
    c = collection(ctx, db, coll)
    attr = _available(c, key)
    if kind not in A.ENDPOINTS:
        raise ApiError("general_route_not_found")
    trial = dict(attr)
    new_key = A.update(trial, ctx.params, kind)
    _rename(ctx, c, key, new_key)
    attr.update(trial)
    attr["$updatedAt"] = P.now()
    ctx.dirty = True
    return 200, A.model(attr)


def update_relationship(ctx, db, coll, key):
    c = collection(ctx, db, coll)
    attr = _available(c, key)
    if attr["type"] != "relationship":
        raise ApiError("attribute_type_invalid", "Attribute type mismatch")
    on_delete = ctx.params.get("onDelete") or attr["onDelete"]
    if on_delete not in A.ON_DELETE:
        raise invalid_param("onDelete", "Value must be one of (%s)" % ", ".join(A.ON_DELETE))
    new_key = P.check_id("newKey", ctx.params["newKey"]) if ctx.params.get("newKey") else key
    _rename(ctx, c, key, new_key)
    attr.update({"onDelete": on_delete, "key": new_key, "$updatedAt": P.now()})
    if attr["twoWay"]:
        other = collection(ctx, db, attr["relatedCollection"])
        twin = find(other["attributes"], attr["twoWayKey"])
        if twin:
            twin.update({"onDelete": on_delete, "twoWayKey": new_key, "$updatedAt": P.now()})
    ctx.dirty = True
    return 200, A.model(attr)


def _mark_deleting(ctx, item):
    item["status"] = "deleting"
    item["_gone"] = time.time() + ctx.config.attribute_delay
    item["$updatedAt"] = P.now()


def delete_attribute(ctx, db, coll, key):
    c = collection(ctx, db, coll)
    attr = find(c["attributes"], key)
    if attr is None:
        raise ApiError("attribute_not_found")
    _mark_deleting(ctx, attr)
    if attr["type"] == "relationship" and attr["twoWay"]:
        other = ctx.proj["databases"][db]["collections"].get(attr["relatedCollection"])
        twin = other and find(other["attributes"], attr["twoWayKey"])
        if twin:
            _mark_deleting(ctx, twin)
    ctx.dirty = True
    return 204, None


# -- indexes ---------------------------------------------------------------

def create_index(ctx, db, coll):
    c = collection(ctx, db, coll)
    key = P.key(ctx.params)
    typ = P.get(ctx.params, "type")
    if typ not in INDEX_TYPES:
        raise invalid_param("type", "Value must be one of (%s)" % ", ".join(INDEX_TYPES))
    names = P.string_list(ctx.params, "attributes")
    if not names:
        raise invalid_param("attributes", "Value must a valid array and at least 1 item")
    orders = P.string_list(ctx.params, "orders", [])
    if any(o not in ("ASC", "DESC") for o in orders):
        raise invalid_param("orders", "Value must be one of (ASC, DESC)")
    lengths = ctx.params.get("lengths") or []
    if not isinstance(lengths, list) or any(
            n is not None and (not isinstance(n, int) or isinstance(n, bool)) for n in lengths):
        raise invalid_param("lengths", "Value must a valid array and Value must be a valid integer")
    if find(c["indexes"], key):
        raise ApiError("index_already_exists")
    if len(set(names)) != len(names):
        raise ApiError("index_invalid", "Duplicate attributes provided")
    for name in names:
        if name in SYSTEM_INDEXABLE:
            continue
        attr = find(c["attributes"], name)
        if attr is None:
            raise ApiError("attribute_unknown", "Unknown attribute: %s. Verify the attribute "
                           "name or create the attribute." % name)
        if attr["status"] != "available":
            raise ApiError("attribute_not_available", "Attribute not available: " + name)
        if attr["type"] == "relationship":
            raise ApiError("attribute_type_invalid",
                           "Cannot create an index for a relationship attribute: " + name)
        if typ == "fulltext" and attr["type"] != "string":
            raise ApiError("index_invalid", 'Attribute "%s" cannot be part of a FULLTEXT index, '
                           "must be of type string" % name)
    stamp = P.now()
    idx = {"key": key, "type": typ, "status": "processing", "error": "", "attributes": names,
           "lengths": lengths or [None] * len(names), "orders": orders,
           "$createdAt": stamp, "$updatedAt": stamp, "$sequence": ctx.store.next_sequence()}
    dup = typ == "unique" and _has_duplicates(c, names)
    _schedule(ctx, idx, dup and "Duplicate entry found for unique index")
    c["indexes"].append(idx)
    ctx.dirty = True
    return 202, public(idx)


def _has_duplicates(coll, names):
    seen = set()
    for doc in coll["documents"].values():
        values = tuple(repr(document_value(doc, n)) for n in names)
        if values in seen:
            return True
        seen.add(values)
    return False


def document_value(doc, name):
    return doc[name] if name.startswith("$") else doc["data"].get(name)


def list_indexes(ctx, db, coll):
    c = collection(ctx, db, coll)
    queries = Q.parse(ctx.queries)
    schema = Q.Schema({"key": ("string", False), "type": ("string", False),
                       "status": ("string", False), "attributes": ("string", True),
                       "error": ("string", False)})
    total, page, _ = Q.run(queries, c["indexes"], schema, lambda k: find(c["indexes"], k))
    return 200, {"total": total, "indexes": [public(i) for i in page]}


def get_index(ctx, db, coll, key):
    idx = find(collection(ctx, db, coll)["indexes"], key)
    if idx is None:
        raise ApiError("index_not_found")
    return 200, public(idx)


def delete_index(ctx, db, coll, key):
    idx = find(collection(ctx, db, coll)["indexes"], key)
    if idx is None:
        raise ApiError("index_not_found")
    _mark_deleting(ctx, idx)
    ctx.dirty = True
    return 204, None
