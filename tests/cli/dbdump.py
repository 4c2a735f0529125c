#!/usr/bin/env python3
"""Print a SQLite database's schema and rows in a canonical form.

Two databases are equal, row for row and schema for schema, when their
dumps are equal.  awm's own tables (awm_*) and SQLite's (sqlite_*) are left
out; statement text is compared with whitespace normalised; rows are sorted,
so the order in which they were written does not matter.  A missing file
dumps as an empty database.

usage: dbdump.py <database>
"""
import os
import re
import sqlite3
import sys


def internal(name):
    return name.startswith("awm_") or name.startswith("sqlite_")


def norm(sql):
    sql = re.sub(r"\s+", " ", sql.strip())
    sql = re.sub(r"\s*([(),])\s*", r"\1", sql)
    return sql.rstrip(";")


def main(path):
    if not os.path.exists(path):
        return 0
    db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    objs = db.execute("SELECT type, name, tbl_name, sql FROM sqlite_schema "
                      "WHERE sql IS NOT NULL ORDER BY type, name").fetchall()
    tables = []
    for typ, name, tbl, sql in objs:
        if internal(name) or internal(tbl):
            continue
        print("%s %s on %s: %s" % (typ, name, tbl, norm(sql)))
        if typ == "table":
            tables.append(name)
    for name in tables:
        cols = db.execute('SELECT name, type, "notnull", dflt_value, pk '
                          'FROM pragma_table_info(?)', (name,)).fetchall()
        print("-- %s columns: %r" % (name, cols))
        rows = db.execute('SELECT * FROM "%s"' % name.replace('"', '""')).fetchall()
        print("-- %s: %d rows" % (name, len(rows)))
        for r in sorted(rows, key=repr):
            print(repr(r))
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.stderr.write(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
