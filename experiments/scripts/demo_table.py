"""The demo's rows with Welch p-values against the base model (accuracy and C3 necessity):
python3 experiments/scripts/demo_table.py runs/demo/results.json"""
import json
import pathlib
import statistics
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from c3r_sweep_table import fmt_p, welch_p  # noqa: E402

r = json.loads(pathlib.Path(sys.argv[1]).read_text())
rows = {}
for label, m in r["models"].items():
    rows[label] = ([x["final"]["test"]["accuracy"] for x in m["runs"]],
                   [x["final"]["test"]["c3"]["necessity_risk"] for x in m["runs"]])
print("| model | test accuracy | p | C3 necessity (predictor) | p |")
print("|---|---|---|---|---|")
for label, (acc, nec) in rows.items():
    base = rows.get(label.split("+")[0]) if "+" in label else None
    pa = fmt_p(welch_p(acc, base[0])) if base else ""
    pn = fmt_p(welch_p(nec, base[1])) if base else ""
    print(f"| {label} | {statistics.mean(acc):.4f} ± {statistics.stdev(acc):.4f} | {pa} | "
          f"{statistics.mean(nec):.3f} ± {statistics.stdev(nec):.3f} | {pn} |")
