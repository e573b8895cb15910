#!/usr/bin/env python3
"""Markdown rows for docs/results.md from experiment-grid results.json files.

Usage: realdata-table.py GRID_OUT_DIR...  (reads GRID_OUT_DIR/cells/*/results.json, so an unfinished
grid's finished cells are listed too)

Each cell: mean ± sd of the test accuracy over its seeds, and a 95 % interval for the cell's
accuracy that includes test-set sampling error: the variance of the mean is the seed variance
over S seeds (sd²/S) plus the binomial variance of one test set of n samples (p(1−p)/n), which
does not shrink with more seeds because every seed is scored on the same test set. Interval:
mean ± 1.96·sqrt(sd²/S + p̃(1−p̃)/(n+4)), p̃ = (p·n+2)/(n+4) (Agresti–Coull, so a 100 % cell still
has an interval), clipped to [0, 1]. With one seed the seed term is 0 (said).
"""
import json, math, sys

def cell_stats(cell):
    runs = cell['runs']
    acc = [r['final']['test']['accuracy'] for r in runs]
    n = runs[0]['final']['test']['samples']
    s = len(acc)
    m = sum(acc) / s
    sd = math.sqrt(sum((a - m) ** 2 for a in acc) / (s - 1)) if s > 1 else 0.0
    pt = (m * n + 2) / (n + 4)  # Agresti-Coull: a 100 % cell on 80 samples still has sampling error
    half = 1.96 * math.sqrt(sd * sd / s + pt * (1 - pt) / (n + 4))
    # per run: its own wall time (train command: training + evaluation), else the grid's per-run share
    secs = [r['seconds'] for r in runs if 'seconds' in r] or cell.get('wall') or [sum(e['seconds'] for e in r['epochs']) for r in runs]
    warn = sum(1 for r in runs if r.get('warnings'))
    tl = runs[0].get('trainingLength') or {}
    return dict(m=m, sd=sd, lo=max(0, m - half), hi=min(1, m + half), n=n, s=s, secs=sorted(secs)[len(secs) // 2], secs_max=max(secs), warn=warn, tl=tl)

# published supervised accuracies for the same data, where a paper reports one (docs/results.md says
# which are verified); every other cell: "not reported"
PUBLISHED = {
    ('realdata-handwritten', 'tmc'): 'TMC, ICLR 2021, Table 2: 98.51 ± 0.15',
    ('realdata-cub', 'tmc'): 'TMC, ICLR 2021, Table 2: ≈ 90.8 (unverified)',
    ('realdata-scene15', 'tmc'): 'TMC, ICLR 2021, Table 2: ≈ 67.7 (unverified)',
}

def pct(x):
    return f"{100 * x:.1f}"

import glob, os, re
# cells of the same grid under several output folders (seeds 1-2 in realdata-orl, 3-5 in
# realdata-orl-s345) are pooled: their runs are one cell
pooled = {}
for d in sys.argv[1:]:
    name = re.sub(r'-s[0-9]+$', '', os.path.basename(d.rstrip('/')))
    for f in sorted(glob.glob(os.path.join(d, 'cells', '*', 'results.json'))):
        cell = json.load(open(f))
        label = os.path.basename(os.path.dirname(f))
        c = pooled.setdefault((name, label), {'runs': [], 'wall': []})
        c['runs'].extend(cell['runs'])
        c['wall'].append(cell['timings']['totalSeconds'] / len(cell['runs']))
order = ['late-fusion', 'concat', 'tmc', 'qmf']
def key(k):
    base = k[1].split('+')[0]
    return (k[0], order.index(base) if base in order else 9, k[1])
for (name, label) in sorted(pooled, key=key):
    st = cell_stats(pooled[(name, label)])
    tl = st['tl']
    w = f" ⚠ {st['warn']}" if st['warn'] else ""
    print(f"| {name} | {label} | {pct(st['m'])} ± {pct(st['sd'])} | [{pct(st['lo'])}, {pct(st['hi'])}] | "
          f"{st['s']} | {st['n']} | {tl.get('epochs', '?')}×{tl.get('batchSize', '?')} ({tl.get('steps', '?')} steps) | "
          f"{st['secs']:.0f} ({st['secs_max']:.0f}){w} | {PUBLISHED.get((name, label), 'not reported')} |")
