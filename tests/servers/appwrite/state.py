"""The stand-in's data: projects, their databases and buckets, file bytes; optional persistence.

Everything lives in one JSON-shaped tree guarded by one lock, so each request
is atomic (a create with an existing id is a clean 409, as in Appwrite).  File
bytes and upload chunks are kept apart from the tree, in memory or, when the
server persists, as files under `<state>.blobs/`, so saving the tree after a
request never rewrites megabytes of objects.

The tree:
  projects/<projectId>/databases/<databaseId>  the Database model, plus
      collections/<collectionId>  the Collection model (attributes, indexes,
      documents) with private `_` keys for the lifecycle;
  projects/<projectId>/buckets/<bucketId>  the Bucket model, plus files/<fileId>.
Every object carries `$sequence`, its creation order, which lists sort by.
"""

import json
import os
import threading


class Store:
    def __init__(self, path=None):
        self.lock = threading.RLock()
        self.path = path
        self.tree = {"projects": {}, "sequence": 0}
        self._blobs = {}
        if path and os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                self.tree = json.load(f)
        if path:
            os.makedirs(self._blob_dir(), exist_ok=True)

    def project(self, pid):
        return self.tree["projects"].setdefault(pid, {"databases": {}, "buckets": {}})

    def next_sequence(self):
        self.tree["sequence"] += 1
        return self.tree["sequence"]

    def reset(self):
        with self.lock:
            self.tree = {"projects": {}, "sequence": 0}
            for name in list(self._blobs):
                self.drop_blob(name)
            if self.path:
                for name in os.listdir(self._blob_dir()):
                    os.unlink(os.path.join(self._blob_dir(), name))
            self.save()

    def save(self):
        """Write the tree atomically (temporary file, fsync, rename) when persisting."""
        if not self.path:
            return
        tmp = self.path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(self.tree, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)

    # File bytes, named "<project>/<bucket>/<file>" or "...#<chunk start>".
    def _blob_dir(self):
        return self.path + ".blobs"

    def _blob_path(self, name):
        return os.path.join(self._blob_dir(), name.replace("/", "%"))

    def put_blob(self, name, data):
        if self.path:
            tmp = self._blob_path(name) + ".tmp"
            with open(tmp, "wb") as f:
                f.write(data)
            os.replace(tmp, self._blob_path(name))
        else:
            self._blobs[name] = bytes(data)

    def get_blob(self, name):
        if self.path:
            try:
                with open(self._blob_path(name), "rb") as f:
                    return f.read()
            except FileNotFoundError:
                return None
        return self._blobs.get(name)

    def drop_blob(self, name):
        if self.path:
            try:
                os.unlink(self._blob_path(name))
            except FileNotFoundError:
                pass
        else:
            self._blobs.pop(name, None)
