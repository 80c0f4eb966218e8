"""What the fact generators share: their command line and the buffered writing of one Soufflé-style
TSV file per relation (DIR/<relation>.facts)."""

import argparse
import os
import random


def weighted(items, weights):
    """A list in which each item appears as often as its weight, to draw from uniformly."""
    out = []
    for it, w in zip(items, weights):
        out.extend([it] * w)
    return out


def parse_args(doc, argv=None):
    """`--models N --out DIR [--seed S]`: the arguments (the output directory made) and the RNG."""
    ap = argparse.ArgumentParser(description=doc.split("\n")[0])
    ap.add_argument("--models", type=int, required=True, help="number of models N")
    ap.add_argument("--out", required=True, help="output directory")
    ap.add_argument("--seed", type=int, default=1, help="RNG seed (default 1)")
    a = ap.parse_args(argv)
    if a.models < 1:
        ap.error("--models must be >= 1")
    os.makedirs(a.out, exist_ok=True)
    return a, random.Random(a.seed)


class FactFiles:
    """One buffered .facts file per relation; `buf[r]` collects lines until `flush`."""

    def __init__(self, out, relations):
        self.buf = {r: [] for r in relations}
        self.files = {r: open(os.path.join(out, r + ".facts"), "w", encoding="ascii",
                              newline="\n", buffering=1 << 20) for r in relations}
        self.counts = {r: 0 for r in relations}

    def flush(self):
        for r, lines in self.buf.items():
            if lines:
                self.files[r].write("".join(lines))
                self.counts[r] += len(lines)
                lines.clear()

    def close(self):
        self.flush()
        for f in self.files.values():
            f.close()
