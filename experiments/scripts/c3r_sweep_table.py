"""Table of a C3R η_rel sweep (experiments/c3r-eta-sweep.sh): one row per task × model × setting."""
import json
import math
import pathlib
import statistics
import sys


def welch_p(a, b):
    """Two-sided Welch t-test p-value (normal approximation is not good enough for 5 seeds:
    the t distribution's tail is integrated numerically)."""
    if len(a) < 2 or len(b) < 2:
        return float("nan")
    va, vb = statistics.variance(a), statistics.variance(b)
    se2 = va / len(a) + vb / len(b)
    if se2 == 0:
        return 1.0 if statistics.mean(a) == statistics.mean(b) else 0.0
    t = (statistics.mean(a) - statistics.mean(b)) / math.sqrt(se2)
    df = se2 ** 2 / ((va / len(a)) ** 2 / (len(a) - 1) + (vb / len(b)) ** 2 / (len(b) - 1))
    # p = I_{df/(df+t²)}(df/2, 1/2), by Simpson's rule on the t density from |t| to a far bound
    def dens(x):
        return math.exp(math.lgamma((df + 1) / 2) - math.lgamma(df / 2)) / math.sqrt(df * math.pi) * (1 + x * x / df) ** (-(df + 1) / 2)
    lo, hi, n = abs(t), abs(t) + 200.0, 20000
    h = (hi - lo) / n
    s = dens(lo) + dens(hi) + sum((4 if i % 2 else 2) * dens(lo + i * h) for i in range(1, n))
    return min(1.0, 2 * s * h / 3)


def fmt_p(p):
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def runs(path):
    r = json.loads((path / "results.json").read_text())
    acc = [x["final"]["test"]["accuracy"] for x in r["runs"]]
    nec = [x["final"]["test"]["c3"]["necessity_risk"] for x in r["runs"]]
    twin = [x["final"]["test"]["c3r_twin"]["necessity_risk"] for x in r["runs"] if "c3r_twin" in x["final"]["test"]]
    return acc, nec, twin


def fmt(xs):
    return f"{statistics.mean(xs):.3f} ± {statistics.stdev(xs):.3f}" if len(xs) > 1 else (f"{xs[0]:.3f}" if xs else "–")


def main():
    out = pathlib.Path(sys.argv[1])
    print("| task | model | C3R η_rel | test accuracy | p (acc) | necessity (predictor, step 0.1) | p (nec) | necessity (C3R twin) |")
    print("|---|---|---|---|---|---|---|---|")
    for base in sorted(out.glob("*-none")):
        ds, model = base.name[: -len("-none")].split("-", 1)
        bacc, bnec, _ = runs(base)
        print(f"| {ds} | {model} | base | {fmt(bacc)} | | {fmt(bnec)} | | |")
        cells = sorted(out.glob(f"{ds}-{model}-c3r-*"), key=lambda p: float(p.name.rsplit("-", 1)[1]))
        for c in cells:
            acc, nec, twin = runs(c)
            print(f"| {ds} | {model} | {c.name.rsplit('-', 1)[1]} | {fmt(acc)} | {fmt_p(welch_p(acc, bacc))} | {fmt(nec)} | {fmt_p(welch_p(nec, bnec))} | {fmt(twin)} |")


if __name__ == "__main__":
    main()
