#!/usr/bin/env python3
"""Draws wall time and peak memory against N (log-log) from bench/out/raw.tsv, one line per variant,
into bench/out/scaling.png (and docs/scaling.png for docs/performance.md with --docs)."""
import csv, sys, statistics
from collections import defaultdict
import matplotlib
matplotlib.use('Agg')
import matplotlib.pyplot as plt

LABELS = {'on': 'compiled, all derivations', 'off': 'compiled, no witnesses',
          'runtime': 'run-time evaluator, all derivations'}

rows = list(csv.DictReader(open('bench/out/raw.tsv'), delimiter='\t'))
series = defaultdict(lambda: defaultdict(list))
for r in rows:
    series[r['variant']][int(r['n'])].append((float(r['wall_s']), int(r['rss_kib']) / 1048576))
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
for v, by_n in sorted(series.items()):
    ns = sorted(by_n)
    wall = [statistics.median(x[0] for x in by_n[n]) for n in ns]
    mem = [statistics.median(x[1] for x in by_n[n]) for n in ns]
    ax1.plot(ns, wall, marker='o', label=LABELS.get(v, v))
    ax2.plot(ns, mem, marker='o', label=LABELS.get(v, v))
ns_all = sorted({int(r['n']) for r in rows})
ax1.plot(ns_all, [10] * len(ns_all), 'k--', lw=0.8, label='target with proofs (10 s)')
ax2.plot(ns_all, [2] * len(ns_all), 'k--', lw=0.8, label='target with proofs (2 GiB)')
for ax, title, unit in ((ax1, 'derive: wall time', 's'), (ax2, 'derive: peak memory', 'GiB')):
    ax.set_xscale('log'); ax.set_yscale('log')
    ax.set_xlabel('models (N)'); ax.set_ylabel(unit); ax.set_title(title)
    ax.grid(True, which='both', lw=0.3)
ax1.legend(fontsize=8)
fig.suptitle('lexproof on the shipped rulebase, synthetic hub facts (bench/gen_facts.py), 2 cores')
fig.tight_layout()
fig.savefig('bench/out/scaling.png', dpi=110)
if '--docs' in sys.argv:
    fig.savefig('docs/scaling.png', dpi=110)
print('wrote bench/out/scaling.png')
