#!/usr/bin/env python3
"""The MSA CmIR table (docs/results.md) from experiments/msa-cmir/<name>/results.json.

Per cell: mean ± sd over the 5 training seeds, and a 95 % interval that adds the test set's own
sampling error to the seeds' spread: half-width = sqrt((t_{.975,k-1} · sd/√k)² + (1.96 · se_test)²),
se_test averaged over seeds (the one test set is shared by every seed, so its error does not shrink
with k). se_test: MAE sqrt((MSE − MAE²)/n) (the std of |error|/√n); accuracy sqrt(p(1−p)/n); weighted
F1 the same binomial form (an approximation); Pearson r in Fisher-z space (1/√(n−3)), mapped back.
Noisy MAE uses the clean run's se_test (only the MAE is kept per noise level)."""
import json, math, os, sys

T4 = {2: 12.706, 3: 4.303, 4: 3.182, 5: 2.776, 6: 2.571}

def stats(xs, se):
    k = len(xs)
    m = sum(xs) / k
    sd = math.sqrt(sum((x - m) ** 2 for x in xs) / (k - 1)) if k > 1 else 0.0
    h = math.sqrt((T4.get(k, 1.96) * sd / math.sqrt(k)) ** 2 + (1.96 * se) ** 2)
    return m, sd, m - h, m + h

def fmt(m, sd, lo, hi, d=3):
    return f"{m:.{d}f} ± {sd:.{d}f} [{lo:.{d}f}, {hi:.{d}f}]"

def corr_cell(rs, n):
    zs = [math.atanh(max(min(r, 0.999999), -0.999999)) for r in rs]
    m, sd, lo, hi = stats(zs, 1 / math.sqrt(n - 3))
    rm = sum(rs) / len(rs)
    rsd = math.sqrt(sum((r - rm) ** 2 for r in rs) / (len(rs) - 1))
    return fmt(rm, rsd, math.tanh(lo), math.tanh(hi))

def load(root, name):
    p = os.path.join(root, name, "results.json")
    return json.load(open(p)) if os.path.exists(p) else None

def mmmo(root, model, reg):
    a, v = load(root, f"mmmo-{model}-{reg}-noise-audio"), load(root, f"mmmo-{model}-{reg}-noise-video")
    if a is None: return None
    runs = [r["final"]["test"]["regression"] for r in a["runs"]]
    n = runs[0]["n"]
    mae = [r["MAE"] for r in runs]
    se = sum(math.sqrt(max(r["MSE"] - r["MAE"] ** 2, 0) / n) for r in runs) / len(runs)
    row = [fmt(*stats(mae, se)), corr_cell([r["Corr"] for r in runs], n)]
    for res in (a, v):
        if res is None: row.append("—"); continue
        noisy = [r["final"]["test"]["noise"]["10"]["accuracies"][0] for r in res["runs"]]
        row.append(fmt(*stats(noisy, se)))
    row.append(f"{sum(r['Has0_acc_2'] for r in runs) / len(runs):.3f}")
    return row

def youtube(root, model, reg):
    a, v = load(root, f"youtube-{model}-{reg}-noise-audio"), load(root, f"youtube-{model}-{reg}-noise-video")
    if a is None: return None
    n = a["runs"][0]["final"]["test"]["samples"]
    acc = [r["final"]["test"]["accuracy"] for r in a["runs"]]
    f1 = [r["final"]["test"]["weightedF1"] for r in a["runs"]]
    se = lambda xs: sum(math.sqrt(x * (1 - x) / n) for x in xs) / len(xs)
    row = [fmt(*stats(acc, se(acc))), fmt(*stats(f1, se(f1)))]
    for res in (a, v):
        if res is None: row.append("—"); continue
        noisy = [r["final"]["test"]["noise"]["10"]["accuracies"][0] for r in res["runs"]]
        row.append(fmt(*stats(noisy, se(noisy))))
    return row

TABLES = (
    ("ICT-MMMO (regression, L1; test n = 80; training-mean predictor: test MAE 1.36). Lower MAE is better.",
     "| model | regulariser | MAE clean | Pearson r clean | MAE, ε=10 on audio | MAE, ε=10 on video | Acc-2 (≥3) clean |",
     "|---|---|---|---|---|---|---|", mmmo),
    ("YouTube (3 classes; test n = 60).",
     "| model | regulariser | accuracy clean | weighted F1 clean | accuracy, ε=10 on audio | accuracy, ε=10 on video |",
     "|---|---|---|---|---|---|", youtube),
)

def main(root):
    for i, (title, header, rule, cells) in enumerate(TABLES):
        print(("\n" if i else "") + title + "\n")
        print(header)
        print(rule)
        for model in ("late-fusion", "concat"):
            for reg in ("none", "cmir"):
                row = cells(root, model, reg)
                if row: print(f"| {model} | {reg} | " + " | ".join(row) + " |")

if __name__ == "__main__":
    main(sys.argv[1])
