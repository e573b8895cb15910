#!/usr/bin/env python3
"""BDGP missing-view series for docs/results.md ("Missing views on BDGP").

Keeps the 1,250 complete samples of BDGP_fea_Per0.5.mat (every view present) and, for a missing
rate r, marks a share r of them incomplete: each such sample loses a uniformly drawn number
1..V-1 of its views (uniformly chosen), so every sample keeps at least one view. A dropped view is
an all-NaN column (the file's own convention; no indicator variable is written). r = 0 is the complete
subset. Usage: bdgp-missing.py SRC.mat OUTDIR [seed]
"""
import sys, os
import numpy as np
import scipy.io as sio

src, out = sys.argv[1], sys.argv[2]
seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
m = sio.loadmat(src)
views = [m['data'].flat[i].astype(np.float32) for i in range(m['data'].size)]  # d x n
labels = np.asarray(m['truelabel'].flat[0]).reshape(-1)
# the all-NaN columns mark the missing views (the file's MissingStatus disagrees with them; it is not used)
present_in_file = np.stack([~np.isnan(v).all(0) for v in views], 1)
complete = np.where(present_in_file.all(1))[0]
V = len(views)
os.makedirs(out, exist_ok=True)
for rate in (0.0, 0.1, 0.3, 0.5, 0.7):
    rng = np.random.default_rng(seed)
    xs = [v[:, complete].copy() for v in views]
    n = len(complete)
    present = np.ones((n, V), dtype=np.uint8)
    hit = rng.permutation(n)[: int(round(rate * n))]
    for i in hit:
        k = rng.integers(1, V)  # views to drop, 1..V-1
        for v in rng.choice(V, size=k, replace=False):
            xs[v][:, i] = np.nan
            present[i, v] = 0
    data = np.empty((V, 1), dtype=object)
    tl = np.empty((V, 1), dtype=object)
    for v in range(V):
        data[v, 0] = xs[v]
        tl[v, 0] = labels[complete].reshape(-1, 1).astype(np.float64)
    name = os.path.join(out, f"BDGP_complete_miss{int(rate * 100):02d}.mat")
    sio.savemat(name, {'data': data, 'truelabel': tl}, do_compression=True)
    print(name, n, 'samples,', int((present.min(1) == 0).sum()), 'incomplete')
