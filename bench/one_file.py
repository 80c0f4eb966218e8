#!/usr/bin/env python3
"""Writes a generated fact directory (gen_facts.py / gen_every.py output: DIR/<relation>.facts,
tab-separated) as ONE `.dl` fact file, for measuring how lexproof loads a single large file.

Usage: python3 bench/one_file.py DIR OUT.dl

A field made only of digits is written as a number, every other field as a quoted string (the
generators write no digit-only symbols). Python 3.11 standard library only.
"""

import os
import sys


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    src, dst = argv[1], argv[2]
    names = sorted(f for f in os.listdir(src) if f.endswith(".facts"))
    rows = 0
    with open(dst, "w", encoding="utf-8") as out:
        for name in names:
            rel = name[: -len(".facts")]
            with open(os.path.join(src, name), encoding="utf-8") as f:
                for line in f:
                    cols = line.rstrip("\n").split("\t")
                    args = ", ".join(c if c.isdigit() else '"%s"' % c for c in cols)
                    out.write("%s(%s).\n" % (rel, args))
                    rows += 1
    print("%d facts from %d relations written to %s (%d bytes)" % (rows, len(names), dst, os.path.getsize(dst)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
