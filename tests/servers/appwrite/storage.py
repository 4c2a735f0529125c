"""Storage: buckets, and files with Appwrite's chunked upload, download, list, delete.

A file up to one chunk comes in one multipart POST.  Larger ones come as
several POSTs to the same endpoint, as the SDKs send them: each carries
`Content-Range: bytes <start>-<end>/<size>` and, from the second on,
`x-appwrite-id: <fileId>` (the id the first answer gave).  Every answer is 201
with the File model; chunksUploaded counts up to chunksTotal, and only then is
the file whole and downloadable (before that a download is 404).  A chunk may be
sent again (it replaces itself), so an interrupted upload can resume.  Unlike
Appwrite, a chunk whose length disagrees with its Content-Range is refused
(storage_invalid_content_range) so that a client bug cannot slip through.
"""

import hashlib
import math
import re

from . import params as P
from . import query as Q
from .errors import ApiError, invalid_param, missing_param

COMPRESSIONS = ("none", "gzip", "zstd")
_RANGE = re.compile(r"^bytes (\d+)-(\d+)/(\d+)$")


def public(obj):
    return {k: v for k, v in obj.items()
            if not k.startswith("_") and k not in ("$sequence", "files")}


def bucket(ctx, bucket_id):
    b = ctx.proj["buckets"].get(bucket_id)
    if b is None or (not ctx.is_app and not b["enabled"]):
        raise ApiError("storage_bucket_not_found")
    return b


def _visible(ctx, b):
    if ctx.is_app or P.allows(b["$permissions"], "read", ctx.roles):
        return lambda f: True
    if b["fileSecurity"]:
        return lambda f: P.allows(f["$permissions"], "read", ctx.roles)
    raise ApiError("user_unauthorized")


def _may(ctx, b, action, f=None):
    if ctx.is_app or P.allows(b["$permissions"], action, ctx.roles):
        return
    if f is not None and b["fileSecurity"] and P.allows(f["$permissions"], action, ctx.roles):
        return
    raise ApiError("user_unauthorized")


def _file(ctx, b, file_id):
    f = b["files"].get(file_id)
    if f is None or not _visible(ctx, b)(f):
        raise ApiError("storage_file_not_found")
    return f


def _blob(ctx, b, file_id, start=None):
    name = "%s/%s/%s" % (ctx.project_id, b["$id"], file_id)
    return name if start is None else "%s#%d" % (name, start)


# -- buckets ---------------------------------------------------------------

def _bucket_settings(ctx, b, creating):
    p = ctx.params
    b["name"] = P.text(p, "name")
    perms = P.permissions(p)
    if perms is not None or creating:
        b["$permissions"] = perms or []
    b["fileSecurity"] = P.boolean(p, "fileSecurity", b.get("fileSecurity", False))
    b["enabled"] = P.boolean(p, "enabled", b.get("enabled", True))
    b["maximumFileSize"] = P.integer(p, "maximumFileSize",
                                     b.get("maximumFileSize", ctx.config.storage_limit),
                                     lo=1, hi=ctx.config.storage_limit)
    b["allowedFileExtensions"] = P.string_list(p, "allowedFileExtensions",
                                               b.get("allowedFileExtensions", []))
    compression = p.get("compression") or b.get("compression", "none")
    if compression not in COMPRESSIONS:
        raise invalid_param("compression", "Value must be one of (%s)" % ", ".join(COMPRESSIONS))
    b["compression"] = compression
    b["encryption"] = P.boolean(p, "encryption", b.get("encryption", True))
    b["antivirus"] = P.boolean(p, "antivirus", b.get("antivirus", True))
    b["$updatedAt"] = P.now()


def create_bucket(ctx):
    bucket_id = P.custom_id(ctx.params, "bucketId")
    b = {"$id": bucket_id, "$createdAt": P.now()}
    _bucket_settings(ctx, b, creating=True)
    if bucket_id in ctx.proj["buckets"]:
        raise ApiError("storage_bucket_already_exists")
    b.update({"$sequence": ctx.store.next_sequence(), "files": {}})
    ctx.proj["buckets"][bucket_id] = b
    ctx.dirty = True
    return 201, public(b)


def list_buckets(ctx):
    queries = Q.parse(ctx.queries)
    items = list(ctx.proj["buckets"].values())
    search = ctx.params.get("search")
    records = [b for b in items if not search or search.lower() in b["name"].lower()
               or search.lower() in b["$id"].lower()]
    schema = Q.Schema({"enabled": ("boolean", False), "name": ("string", False),
                       "fileSecurity": ("boolean", False), "maximumFileSize": ("integer", False),
                       "encryption": ("boolean", False), "antivirus": ("boolean", False)})
    total, page, _ = Q.run(queries, records, schema, ctx.proj["buckets"].get)
    return 200, {"total": total, "buckets": [public(b) for b in page]}


def get_bucket(ctx, bucket_id):
    return 200, public(bucket(ctx, bucket_id))


def update_bucket(ctx, bucket_id):
    b = bucket(ctx, bucket_id)
    _bucket_settings(ctx, b, creating=False)
    ctx.dirty = True
    return 200, public(b)


def delete_bucket(ctx, bucket_id):
    b = bucket(ctx, bucket_id)
    for f in b["files"].values():
        _drop_file_blobs(ctx, b, f)
    del ctx.proj["buckets"][bucket_id]
    ctx.dirty = True
    return 204, None


# -- files -----------------------------------------------------------------

def _mime(data):
    head = data[:8192]
    try:
        head.decode("utf-8")
        return "text/plain"
    except UnicodeDecodeError:
        return "application/octet-stream"


def _upload_range(ctx, length):
    """(start, end, size, id from x-appwrite-id or None) of this upload request."""
    header = ctx.headers.get("content-range")
    if not header:
        return 0, length - 1, length, None
    m = _RANGE.match(header.strip())
    if not m:
        raise ApiError("storage_invalid_content_range")
    start, end, size = (int(g) for g in m.groups())
    if start > end or end >= size or end - start + 1 != length:
        raise ApiError("storage_invalid_content_range")
    xid = ctx.headers.get("x-appwrite-id")
    if xid is not None:
        try:
            P.check_id("x-appwrite-id", xid)
        except ApiError:
            raise ApiError("storage_invalid_appwrite_id")
    return start, end, size, xid


def create_file(ctx, bucket_id):
    b = bucket(ctx, bucket_id)
    upload = ctx.params.get("file")
    if not isinstance(upload, dict):
        raise missing_param("file")
    data, name = upload["data"], upload["filename"] or "file"
    start, end, size, xid = _upload_range(ctx, len(data))
    file_id = xid or P.custom_id(ctx.params, "fileId")
    perms = P.permissions(ctx.params, document=True)
    _may(ctx, b, "create")
    if size == 0:
        raise ApiError("storage_file_empty")
    if size > b["maximumFileSize"]:
        raise ApiError("storage_invalid_file_size")
    ext = name.rsplit(".", 1)[-1] if "." in name else ""
    if b["allowedFileExtensions"] and ext not in b["allowedFileExtensions"]:
        raise ApiError("storage_file_type_unsupported")
    f = b["files"].get(file_id)
    if f is not None and f["chunksUploaded"] >= f["chunksTotal"]:
        raise ApiError("storage_file_already_exists")
    if f is not None and f["sizeOriginal"] != size:
        raise ApiError("storage_invalid_content_range")
    if f is None:
        stamp = P.now()
        f = {"$id": file_id, "bucketId": b["$id"], "$createdAt": stamp, "$updatedAt": stamp,
             "$permissions": perms or [], "name": name, "signature": "",
             "mimeType": "", "sizeOriginal": size, "chunksTotal": 0, "chunksUploaded": 0,
             "$sequence": ctx.store.next_sequence(), "_chunks": {}}
        b["files"][file_id] = f
    if end + 1 < size and not f["chunksTotal"]:
        f["chunksTotal"] = math.ceil(size / (end + 1 - start))
    ctx.store.put_blob(_blob(ctx, b, file_id, start), data)
    f["_chunks"][str(start)] = len(data)
    f["chunksUploaded"] = len(f["_chunks"])
    f["$updatedAt"] = P.now()
    if sum(f["_chunks"].values()) >= size:
        _assemble(ctx, b, f)
    ctx.dirty = True
    return 201, public(f)


def _assemble(ctx, b, f):
    """Join the chunks in order once they cover the whole file; refuse gaps."""
    parts, pos = [], 0
    for start in sorted(int(s) for s in f["_chunks"]):
        if start != pos:
            return  # overlapping or missing chunks: wait for the rest
        parts.append(ctx.store.get_blob(_blob(ctx, b, f["$id"], start)))
        pos += len(parts[-1])
    if pos != f["sizeOriginal"]:
        return
    data = b"".join(parts)
    ctx.store.put_blob(_blob(ctx, b, f["$id"]), data)
    for start in f["_chunks"]:
        ctx.store.drop_blob(_blob(ctx, b, f["$id"], int(start)))
    f["chunksTotal"] = f["chunksUploaded"] = len(f["_chunks"])
    f["_chunks"] = {}
    f["signature"] = hashlib.md5(data).hexdigest()
    f["mimeType"] = _mime(data)


def _drop_file_blobs(ctx, b, f):
    ctx.store.drop_blob(_blob(ctx, b, f["$id"]))
    for start in f["_chunks"]:
        ctx.store.drop_blob(_blob(ctx, b, f["$id"], int(start)))


def list_files(ctx, bucket_id):
    b = bucket(ctx, bucket_id)
    queries = Q.parse(ctx.queries)
    visible = _visible(ctx, b)
    search = ctx.params.get("search")
    records = [f for f in b["files"].values() if visible(f) and
               (not search or search.lower() in f["name"].lower() or search in f["$id"])]
    schema = Q.Schema({"name": ("string", False), "signature": ("string", False),
                       "mimeType": ("string", False), "sizeOriginal": ("integer", False),
                       "chunksTotal": ("integer", False), "chunksUploaded": ("integer", False)})
    total, page, _ = Q.run(queries, records, schema, b["files"].get)
    return 200, {"total": total, "files": [public(f) for f in page]}


def get_file(ctx, bucket_id, file_id):
    b = bucket(ctx, bucket_id)
    return 200, public(_file(ctx, b, file_id))


def update_file(ctx, bucket_id, file_id):
    b = bucket(ctx, bucket_id)
    f = _file(ctx, b, file_id)
    _may(ctx, b, "update", f)
    name = P.text(ctx.params, "name", maxlen=255, required=False)
    perms = P.permissions(ctx.params, document=True)
    if name is not None:
        f["name"] = name
    if perms is not None:
        f["$permissions"] = perms
    f["$updatedAt"] = P.now()
    ctx.dirty = True
    return 200, public(f)


def delete_file(ctx, bucket_id, file_id):
    b = bucket(ctx, bucket_id)
    f = _file(ctx, b, file_id)
    _may(ctx, b, "delete", f)
    _drop_file_blobs(ctx, b, f)
    del b["files"][file_id]
    ctx.dirty = True
    return 204, None


def download_file(ctx, bucket_id, file_id, disposition="attachment"):
    """The file's bytes; a Range header gives 206 with that part."""
    b = bucket(ctx, bucket_id)
    f = _file(ctx, b, file_id)
    data = ctx.store.get_blob(_blob(ctx, b, file_id)) if not f["_chunks"] else None
    if data is None:
        raise ApiError("storage_file_not_found")
    headers = {"Content-Type": f["mimeType"] or "application/octet-stream",
               "Content-Disposition": '%s; filename="%s"' % (disposition, f["name"])}
    wanted = ctx.headers.get("range")
    if not wanted:
        return 200, (data, headers)
    m = re.match(r"^bytes=(\d+)-(\d*)$", wanted.strip())
    if not m:
        raise ApiError("storage_invalid_range")
    start = int(m.group(1))
    end = int(m.group(2)) if m.group(2) else len(data) - 1
    if start > end or start >= len(data):
        raise ApiError("storage_invalid_range")
    end = min(end, len(data) - 1)
    headers["Content-Range"] = "bytes %d-%d/%d" % (start, end, len(data))
    return 206, (data[start:end + 1], headers)


def view_file(ctx, bucket_id, file_id):
    return download_file(ctx, bucket_id, file_id, "inline")


def parse_multipart(body, content_type):
    """Form fields of a multipart/form-data body: text as str, `x[]` as lists, files as dicts."""
    m = re.search(r'boundary="?([^";]+)"?', content_type)
    if not m:
        raise ApiError("general_argument_invalid", "Invalid multipart body: no boundary")
    delimiter = b"--" + m.group(1).encode("latin-1")
    fields = {}
    for part in body.split(delimiter)[1:]:
        if part.startswith(b"--"):
            break
        head, sep, value = part.partition(b"\r\n\r\n")
        if not sep:
            continue
        if value.endswith(b"\r\n"):
            value = value[:-2]
        disp = re.search(rb'name="([^"]*)"(?:; *filename="([^"]*)")?', head)
        if not disp:
            continue
        name = disp.group(1).decode("utf-8")
        if disp.group(2) is not None:
            fields[name] = {"filename": disp.group(2).decode("utf-8"), "data": value}
        elif name.endswith("[]"):
            fields.setdefault(name[:-2], []).append(value.decode("utf-8"))
        else:
            fields[name] = value.decode("utf-8")
    return fields
