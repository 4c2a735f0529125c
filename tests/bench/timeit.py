#!/usr/bin/env python3
"""Time two commands against fresh copies of one database, interleaved.

usage: timeit.py <runs> <start db> <db A> <label A> <cmd A...> -- <db B> <label B> <cmd B...>

Before each run the command's database is replaced by a copy of <start db>
(and its journal removed), outside the timing.  Runs alternate A, B, A, B,
so neither always runs on a warmer cache or a quieter machine.  Prints each
command's wall-clock and CPU (user + system of the child) times, then one
line per command: "<label> <median wall s> <median cpu s>".
"""
import os
import shutil
import subprocess
import sys
import time


def run(start, db, cmd):
    shutil.copyfile(start, db)
    for suffix in ("-journal", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    t = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - t
    if status != 0:
        sys.exit("%s failed" % " ".join(cmd))
    return wall, ru.ru_utime + ru.ru_stime


def median(v):
    v = sorted(v)
    return v[len(v) // 2]


def main():
    runs, start = int(sys.argv[1]), sys.argv[2]
    rest = sys.argv[3:]
    cut = rest.index("--")
    sides = [rest[:cut], rest[cut + 1:]]
    times = [[], []]
    for _ in range(runs):
        for i, (db, _label, *cmd) in enumerate(sides):
            times[i].append(run(start, db, cmd))
    for i, side in enumerate(sides):
        print("%s wall: %s" % (side[1], " ".join("%.4f" % w for w, _ in times[i])),
              file=sys.stderr)
    for i, side in enumerate(sides):
        print("%s %.6f %.6f" % (side[1], median([w for w, _ in times[i]]),
                                median([c for _, c in times[i]])))


if __name__ == "__main__":
    main()
