#!/usr/bin/env python3
"""Test-accuracy table with intervals that include test-set sampling error.

Usage: imbalance_table.py [--method=imml] RESULTS.json [LABEL=RESULTS.json ...]
A grid's results.json (schema causalmm.experiment/1) gives one row per cell; a train
results.json is given as LABEL=FILE. Per row: mean ± sd over seeds, and a 95 % interval
mean ± 1.96·sqrt(sd²/S + p(1−p)/n): seed variance of the mean plus the binomial variance of an
accuracy on n test samples (the same test set for every seed, so that part does not average
out). A second table compares each "+imml" row (or "+METHOD" with --method=METHOD) with the other rows of the same model, paired by
training seed (both rows start from the same seeded weights and see the same data): the mean of
the per-seed differences ± 1.96·sqrt(sd_diff²/S + p1(1−p1)/n + p2(1−p2)/n), the two binomial
terms taken as independent (conservative for a shared test set: per-sample predictions are not
stored); "yes" only where the interval excludes 0.
"""
import json
import math
import sys


def runs_of(cell):
    accs = [r["final"]["test"]["accuracy"] for r in cell["runs"]]
    n = cell["runs"][0]["final"]["test"]["samples"]
    return accs, n


def stats(accs, n):
    s = len(accs)
    m = sum(accs) / s
    sd = math.sqrt(sum((a - m) ** 2 for a in accs) / (s - 1)) if s > 1 else 0.0
    var = sd ** 2 / s + m * (1 - m) / n
    return m, sd, var


def load(args):
    rows = {}
    for a in args:
        label, _, path = a.rpartition("=")
        with open(path) as f:
            r = json.load(f)
        if "cells" in r:
            for k, cell in r["cells"].items():
                rows[k] = runs_of(cell)
        else:
            rows[label or path] = runs_of(r)
    return rows


def main(args):
    method = "imml"
    if args and args[0].startswith("--method="):
        method, args = args[0].split("=", 1)[1], args[1:]
    rows = load(args)
    st = {k: stats(*v) for k, v in rows.items()}
    print("| model | test accuracy (mean ± sd, %d seeds) | 95 %% interval | test n |" % len(next(iter(rows.values()))[0]))
    print("|---|---|---|---|")
    for k, (m, sd, var) in st.items():
        h = 1.96 * math.sqrt(var)
        print(f"| {k} | {100*m:.2f} ± {100*sd:.2f} | [{100*(m-h):.1f}, {100*(m+h):.1f}] | {rows[k][1]} |")
    print()
    print(f"| comparison | paired difference (points) | 95 % interval | {method} better? |")
    print("|---|---|---|---|")
    for k in st:
        if not k.endswith("+" + method):
            continue
        base = k[: -len("+" + method)]
        for o in st:
            if o == k or not (o == base or o.startswith(base + "+")) or o.endswith("+" + method):
                continue
            a, b, n = rows[k][0], rows[o][0], rows[k][1]
            diffs = [x - y for x, y in zip(a, b)]
            d = sum(diffs) / len(diffs)
            sdd = math.sqrt(sum((x - d) ** 2 for x in diffs) / (len(diffs) - 1))
            p1, p2 = st[k][0], st[o][0]
            h = 1.96 * math.sqrt(sdd ** 2 / len(diffs) + p1 * (1 - p1) / n + p2 * (1 - p2) / n)
            verdict = "yes" if d - h > 0 else ("no: worse" if d + h < 0 else "no difference shown")
            print(f"| {k} − {o} | {100*d:+.2f} | [{100*(d-h):+.1f}, {100*(d+h):+.1f}] | {verdict} |")


if __name__ == "__main__":
    main(sys.argv[1:])
