#!/usr/bin/env python3
"""Property test of `awm rebase` over randomly generated pairs of branches.

Run by t5900-rebase-property.sh, in an empty folder, with $AWM set.  Each
case grows two branches from one base: upstream and ours, each one to
three migrations of random DDL or DML on a small schema (every statement is
checked to run on its own side first), then rebases ours onto upstream and
checks:

  - a clean rebase gives, replayed into a fresh database, exactly the
    database that running upstream's migrations and then ours gives;
  - every reported conflict is real: running both sides in sequence fails,
    or both sides changed the same thing relative to the base: for a data
    conflict the same cell (table, key, column; a deleted or inserted row
    changes all its cells), for a schema conflict the same object (table,
    column, index).

Deterministic by seed: AWM_PROPERTY_SEED (printed), AWM_PROPERTY_CASES
(default 100).
"""
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys

AWM = os.environ["AWM"]
SEED = int(os.environ.get("AWM_PROPERTY_SEED", "20261122"))
CASES = int(os.environ.get("AWM_PROPERTY_CASES", "100"))

BASE_SQL = """CREATE TABLE t1 (id INTEGER PRIMARY KEY, a INTEGER, b TEXT);
INSERT INTO t1 VALUES (1, 10, 'x'), (2, 20, 'y'), (3, 30, 'z'), (4, 40, 'w'), (5, 50, 'v');
CREATE TABLE t2 (id INTEGER PRIMARY KEY, x INTEGER);
INSERT INTO t2 VALUES (1, 1), (2, 2), (3, 3), (4, 4);
"""


def awm(*args, check=True):
    p = subprocess.run([AWM, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if check and p.returncode != 0:
        sys.exit("awm %s failed (%d):\n%s%s" % (" ".join(args), p.returncode, p.stdout, p.stderr))
    return p


def write_migration(path, sql):
    with open(path, "w") as f:
        f.write("-- awm:up\n" + sql)


def columns(db, table):
    return [r[1] for r in db.execute("SELECT * FROM pragma_table_info(?)", (table,))]


def tables(db):
    return [r[0] for r in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name NOT LIKE 'awm_%' ORDER BY name")]


def dump(db):
    """Schema and rows, canonical: what two databases must share to be equal."""
    out = []
    for row in db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master "
                          "WHERE name NOT LIKE 'sqlite_%' AND name NOT LIKE 'awm_%' "
                          "ORDER BY type, name"):
        out.append(repr(row))
    for t in tables(db):
        for row in db.execute('SELECT * FROM "%s" ORDER BY 1' % t):
            out.append("%s %r" % (t, row))
    return "\n".join(out)


def cells(db):
    """(table, key, column) -> value, and the schema objects, of a state."""
    c = {}
    for t in tables(db):
        cols = columns(db, t)
        for row in db.execute('SELECT * FROM "%s"' % t):
            for name, v in zip(cols, row):
                c[(t, row[0], name)] = v
    objs = {}
    for typ, name, sql in db.execute("SELECT type, name, sql FROM sqlite_master "
                                     "WHERE name NOT LIKE 'sqlite_%'"):
        objs[(typ, name)] = sql
        if typ == "table":
            for col in columns(db, name):
                objs[("column", name, col)] = True
    return c, objs


ABSENT = object()


def changed(before, after):
    """Cells and schema objects that differ between two states; a row
    inserted or deleted also gets (table, key, "*"): all of its cells."""
    cb, ob = before
    ca, oa = after
    cs = {k for k in cb.keys() | ca.keys() if cb.get(k, ABSENT) != ca.get(k, ABSENT)}
    rows_b = {k[:2] for k in cb}
    rows_a = {k[:2] for k in ca}
    cs |= {r + ("*",) for r in rows_b ^ rows_a}
    os_ = {k for k in ob.keys() | oa.keys() if ob.get(k, ABSENT) != oa.get(k, ABSENT)}
    return cs, os_


def gen_statement(rng, db, n):
    t = rng.choice(tables(db))
    cols = [c for c in columns(db, t) if c != "id"]
    kind = rng.random()
    if kind < 0.12:
        return "ALTER TABLE %s ADD COLUMN c%d INTEGER;" % (t, rng.randint(1, 3)), True
    if kind < 0.2:
        col = rng.choice(cols)
        return "CREATE INDEX ix_%s_%d ON %s (%s);" % (t, rng.randint(1, 2), t, col), True
    if kind < 0.25:
        return "CREATE TABLE t%d (id INTEGER PRIMARY KEY, v INTEGER);" % rng.randint(3, 4), True
    if kind < 0.6 and cols:
        col = rng.choice(cols)
        val = rng.randint(1, 5) * 100 if col != "b" else "'s%d'" % rng.randint(1, 4)
        return "UPDATE %s SET %s = %s WHERE id = %d;" % (t, col, val, rng.randint(1, 6)), False
    if kind < 0.75:
        return "DELETE FROM %s WHERE id = %d;" % (t, rng.randint(1, 6)), False
    if kind < 0.88 and cols:
        col = rng.choice(cols)
        val = rng.randint(1, 9) if col != "b" else "'n%d'" % n
        return "INSERT INTO %s (%s) VALUES (%s);" % (t, col, val), False
    if cols:
        col = rng.choice(cols)
        val = rng.randint(1, 9) if col != "b" else "'k%d'" % n
        return ("INSERT OR REPLACE INTO %s (id, %s) VALUES (%d, %s);"
                % (t, col, rng.randint(6, 8), val)), False
    return "DELETE FROM %s WHERE id = 1;" % t, False


def gen_side(rng, base_sql, ncommits):
    """Migrations that each run on this side: DDL or DML, never both in one."""
    db = sqlite3.connect(":memory:")
    db.executescript(base_sql)
    out = []
    for k in range(ncommits):
        ddl = rng.random() < 0.3
        stmts = []
        for n in range(rng.randint(1, 3)):
            for _ in range(10):
                s, is_ddl = gen_statement(rng, db, n)
                if is_ddl != ddl:
                    continue
                try:
                    db.execute("SAVEPOINT s")
                    db.execute(s)
                    db.execute("RELEASE s")
                except sqlite3.Error:
                    db.execute("ROLLBACK TO s")
                    db.execute("RELEASE s")
                    continue
                stmts.append(s)
                break
        if stmts:
            out.append("\n".join(stmts) + "\n")
    db.close()
    return out


def run_sequence(scripts):
    """Run the scripts in order on the base; the state, or None if one fails."""
    db = sqlite3.connect(":memory:")
    db.isolation_level = None
    db.executescript(BASE_SQL)
    try:
        for s in scripts:
            db.executescript(s)
    except sqlite3.Error:
        return None
    return db


def side_changes(scripts):
    """Every cell and schema object some migration of the side changed."""
    db = sqlite3.connect(":memory:")
    db.isolation_level = None
    db.executescript(BASE_SQL)
    cs, os_ = set(), set()
    prev = cells(db)
    for s in scripts:
        db.executescript(s)
        now = cells(db)
        c, o = changed(prev, now)
        cs |= c
        os_ |= o
        prev = now
    return cs, os_


DATA = re.compile(r"^CONFLICT \(data, (\w+)\): table '([^']+)', row id=(-?\d+)"
                  r"(?:, column '([^']+)')?")
SCHEMA = re.compile(r"^CONFLICT \(schema\): (table|index|view|trigger) '([^']+)'"
                    r"(?:, column '([^']+)')?:")


def real(line, up, ours, seq_fails):
    """Whether a reported conflict is real (see the module's comment)."""
    if seq_fails:
        return True
    up_cells, up_objs = up
    our_cells, our_objs = ours
    m = DATA.match(line)
    if m:
        kind, table, key, col = m.group(1), m.group(2), int(m.group(3)), m.group(4)
        if col:
            return all((table, key, col) in side or (table, key, "*") in side
                       for side in (up_cells, our_cells))
        return (any(c[:2] == (table, key) for c in up_cells) and
                any(c[:2] == (table, key) for c in our_cells))
    m = SCHEMA.match(line)
    if m:
        typ, name, col = m.groups()
        if col:
            return ("column", name, col) in up_objs and ("column", name, col) in our_objs
        touched = lambda objs: any(o[0] == typ and o[1] == name or
                                   (typ == "table" and o[0] == "column" and o[1] == name)
                                   for o in objs)
        return touched(up_objs) and touched(our_objs)
    return False   # a script failure is real only when the sequence fails


def checkout(rev, cold):
    if cold:
        shutil.rmtree(".awm/cache", ignore_errors=True)
    if os.path.exists("s.db"):
        os.remove("s.db")
    awm("checkout", "--db", "s.db", rev)
    db = sqlite3.connect("s.db")
    d = dump(db)
    db.close()
    return d


def check_strategies(i, case):
    """A rebase with a strategy (theirs and ours in turn, by case) settles
    data conflicts; the history it writes, replayed into a fresh database,
    gives what the rebase left."""
    for strategy in (("theirs", "ours")[i % 2],):
        branch = "with-%s%d" % (strategy, i)
        awm("switch", "-c", branch, "ours%d" % i)
        p = awm("rebase", "--strategy", strategy, "up%d" % i, check=False)
        if p.returncode == 4:
            # Only a conflict no strategy settles may stop it.
            for l in p.stdout.splitlines():
                if l.startswith("CONFLICT (data") and "CONSTRAINT" not in l:
                    sys.exit("%s--strategy %s left a data conflict:\n%s" % (case, strategy, l))
            awm("rebase", "--abort")
            continue
        if p.returncode != 0:
            sys.exit("%s--strategy %s failed:\n%s%s" % (case, strategy, p.stdout, p.stderr))
        if not any(l.startswith("resolved (data)") for l in p.stdout.splitlines()):
            sys.exit("%s--strategy %s did not say what it chose:\n%s" % (case, strategy, p.stdout))
        if checkout(branch, False) != checkout(branch, True):
            sys.exit("%s--strategy %s: the rebased history does not replay to the state "
                     "the rebase left" % (case, strategy))


def main():
    print("# seed %d, %d cases (AWM_PROPERTY_SEED, AWM_PROPERTY_CASES)" % (SEED, CASES))
    rng = random.Random(SEED)
    awm("init")
    write_migration("migrations/00001_base.sql", BASE_SQL)
    awm("commit", "-q")
    os.remove("migrations/00001_base.sql")
    awm("branch", "base")
    stats = {"clean": 0, "conflict": 0}
    kinds = {}
    for i in range(CASES):
        up = ours = []
        while not up:
            up = gen_side(rng, BASE_SQL, rng.randint(1, 3))
        while not ours:
            ours = gen_side(rng, BASE_SQL, rng.randint(1, 3))
        for side, scripts in (("up", up), ("ours", ours)):
            awm("switch", "-c", "%s%d" % (side, i), "base")
            for k, s in enumerate(scripts):
                write_migration("migrations/%04d%d_%s%d.sql" % (i + 1, k, side, i), s)
            awm("commit", "-q")
            for f in os.listdir("migrations"):
                os.remove(os.path.join("migrations", f))
        p = awm("rebase", "up%d" % i, check=False)
        seq = run_sequence(up + ours)
        case = "case %d:\n-- upstream\n%s-- ours\n%s" % (i, "".join(up), "".join(ours))
        if p.returncode == 0:
            stats["clean"] += 1
            shutil.rmtree(".awm/cache", ignore_errors=True)
            if os.path.exists("out.db"):
                os.remove("out.db")
            awm("checkout", "--db", "out.db", "ours%d" % i)
            got = sqlite3.connect("out.db")
            if seq is None:
                sys.exit("%sthe rebase was clean, but the sequence fails" % case)
            if dump(got) != dump(seq):
                sys.exit("%sthe rebased database differs from the sequence:\n%s\n--\n%s"
                         % (case, dump(got), dump(seq)))
            got.close()
        elif p.returncode == 4:
            stats["conflict"] += 1
            lines = [l for l in p.stdout.splitlines() if l.startswith("CONFLICT (")]
            if not lines:
                sys.exit("%sexit 4 without a report:\n%s%s" % (case, p.stdout, p.stderr))
            upc, ourc = side_changes(up), side_changes(ours)
            for line in lines:
                kinds[line.split(":")[0]] = kinds.get(line.split(":")[0], 0) + 1
                if not real(line, upc, ourc, seq is None):
                    sys.exit("%sa conflict that is not real:\n%s" % (case, line))
            awm("rebase", "--abort")
            check_strategies(i, case)
        else:
            sys.exit("%srebase failed (%d):\n%s%s" % (case, p.returncode, p.stdout, p.stderr))
        if seq is not None:
            seq.close()
    print("# %d clean rebases, %d with conflicts: %s" % (
        stats["clean"], stats["conflict"],
        ", ".join("%s %d" % kv for kv in sorted(kinds.items()))))
    if stats["clean"] + stats["conflict"] < 100 and CASES >= 100:
        sys.exit("fewer than 100 pairs were generated")
    if not stats["clean"] or not stats["conflict"]:
        sys.exit("the generator made no clean rebase or no conflict: it tests too little")


if __name__ == "__main__":
    main()
