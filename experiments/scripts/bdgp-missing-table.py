#!/usr/bin/env python3
"""Markdown table for docs/results.md, "Missing views on BDGP": rows = missing rate, columns =
model+regulariser; each entry: test accuracy over all test samples (mean over seeds) with its 95 %
interval (seed variance + Agresti-Coull test-sampling variance, as realdata-table.py) and, after
the slash, the accuracy on the incomplete test samples alone (from final.test.byMissingPattern).
Usage: bdgp-missing-table.py GRID_OUT_DIR...  (bdgp-missing-<rate>[-sN] folders; seeds pooled)
"""
import glob, json, math, os, re, sys

cells = {}
for d in sys.argv[1:]:
    rate = re.sub(r'-s[0-9]+$', '', os.path.basename(d.rstrip('/'))).replace('bdgp-missing-', '')
    for f in glob.glob(os.path.join(d, 'cells', '*', 'results.json')):
        label = os.path.basename(os.path.dirname(f))
        cells.setdefault((rate, label), []).extend(json.load(open(f))['runs'])

def entry(runs):
    acc = [r['final']['test']['accuracy'] for r in runs]
    n = runs[0]['final']['test']['samples']
    s, m = len(acc), sum(acc) / len(acc)
    sd = math.sqrt(sum((a - m) ** 2 for a in acc) / (s - 1)) if s > 1 else 0.0
    pt = (m * n + 2) / (n + 4)
    half = 1.96 * math.sqrt(sd * sd / s + pt * (1 - pt) / (n + 4))
    inc = []
    for r in runs:
        pats = r['final']['test'].get('byMissingPattern') or {}
        k = sum(v['samples'] * v['accuracy'] for p, v in pats.items() if p != 'complete')
        c = sum(v['samples'] for p, v in pats.items() if p != 'complete')
        if c: inc.append(k / c)
    tail = f" / {100 * sum(inc) / len(inc):.1f}" if inc else " / –"
    return f"{100 * m:.1f} [{100 * max(0, m - half):.1f}, {100 * min(1, m + half):.1f}]{tail}", s

labels = sorted({l for _, l in cells}, key=lambda l: (l.split('+')[0] != 'late-fusion', l))
rates = sorted({r for r, _ in cells}, key=lambda r: (r == 'file', r))
print('| missing rate | ' + ' | '.join(labels) + ' | seeds |')
print('|---' * (len(labels) + 2) + '|')
for r in rates:
    row, seeds = [], set()
    for l in labels:
        if (r, l) in cells:
            e, s = entry(cells[(r, l)]); row.append(e); seeds.add(s)
        else:
            row.append('not run')
    name = "file's own (0.5 of 2,500)" if r == 'file' else f"{int(r) / 100:.1f} of 1,250"
    print(f"| {name} | " + ' | '.join(row) + f" | {','.join(map(str, sorted(seeds)))} |")
