#!/usr/bin/env python3
"""Merges JMH JSON results and twins.py JSON results into the ratio table of bench/compare
(markdown + JSON). Ratio = PyTorch-eager step time / Java step time (> 1: Java is faster)."""
import argparse
import datetime
import glob
import json
import os
import platform
import statistics

GOAL = 1.5  # issue 12: Java >= 1.5x PyTorch eager on every paper-sized TrainStep on CPU
BENCH = {"TrainStepBenchmark": "trainstep", "ImageTextStepBenchmark": "imagetext", "SegmentationBenchmark": "unet"}


def load_java(d, prefix="java-"):
    rows = {}
    ops = {}
    for f in glob.glob(os.path.join(d, prefix + "*.json")):
        try:
            results = json.load(open(f))
        except ValueError:  # JMH writes its -rff file only at the end: a run cut off leaves it empty
            continue
        for r in results:
            cls, method = r["benchmark"].rsplit(".", 2)[-2:]
            p = r.get("params", {})
            m = r["primaryMetric"]
            if cls == "OpOverheadBenchmark":
                ops[(p["op"], p["api"])] = (num(m["score"]), num(m["scoreError"]))
                continue
            size = p.get("size", "-") + (f"/b{p['batch']}" if p.get("batch", "0") != "0" else "")
            if cls == "LoaderBenchmark":   # loader, step, loaderAndStep: samples/s each, compared with each other
                ops[("loader", p.get("device", "cpu"), method)] = (num(m["score"]), num(m["scoreError"]))
                continue
            # mode: eager (LibTorch Adam), eager-graphsafe, graph (a captured CUDA graph); see docs/cuda-graphs.md
            key = (BENCH.get(cls, cls), p.get("model"), p.get("regularizer"), size, p.get("mode", "eager"))
            scale = {"ms/op": 1e3, "s/op": 1e6}.get(m.get("scoreUnit"), 1.0)   # step times in µs, whatever unit JMH used
            rows[key] = dict(us=num(m["score"]) * scale, err=num(m["scoreError"]) * scale,
                             raw=[num(x) * scale for it in m["rawData"] for x in it])
            rows[key]["median"] = statistics.median(rows[key]["raw"])
    return rows, ops


LOADER_METHODS = ("loader", "step", "loaderAndStep")
LOADER_GOAL = 2.0  # the loader alone delivers at least twice the samples/s the step consumes


def loader_table(jops):
    """{device: {method: {samples_per_s, err}, loader_over_step}} from the LoaderBenchmark entries."""
    out = {}
    for k, v in jops.items():
        if k[0] == "loader":
            out.setdefault(k[1], {})[k[2]] = dict(samples_per_s=v[0], err=v[1])
    for v in out.values():
        if "loader" in v and "step" in v and v["step"]["samples_per_s"] > 0:
            v["loader_over_step"] = v["loader"]["samples_per_s"] / v["step"]["samples_per_s"]
    return out


def load_py(d):
    """twins.py results: --json files (py-*.json) and --append files (py-*.jsonl, one row per line; a line cut
    short by a kill is ignored)."""
    rows, ops, versions = {}, {}, {}
    records = []
    for f in sorted(glob.glob(os.path.join(d, "py-*.json"))):
        j = json.load(open(f))
        versions = j["versions"]
        ops.update(j.get("ops_us", {}))
        records += j["rows"]
    for f in sorted(glob.glob(os.path.join(d, "py-*.jsonl"))):
        for line in open(f):
            try:
                r = json.loads(line)
            except ValueError:
                continue
            versions = r.pop("versions", versions)
            records.append(r)
    for r in records:
        rows[(r["bench"], r["model"], r["reg"], r["size"], r["variant"])] = r
    return rows, ops, versions


def pair_rows(java, py, before, device):
    """One row per Java configuration and PyTorch variant (eager, compile): medians, means and the ratio
    PyTorch / Java (> 1: Java is faster). The CPU goal is graded only where device == "cpu"."""
    table = []
    for key in sorted(java, key=lambda k: (k[0] != "trainstep", k)):
        bench, model, reg, size, jmode = key
        j = java[key]
        for variant in ("eager", "compile"):
            p = py.get((bench, model, reg, size, variant))
            if p is None:
                continue
            row = dict(bench=bench, model=model or "-", reg=reg or "-", size=size, variant=variant, java_mode=jmode, java_us=j["us"],
                       java_err=j["err"])
            if "us_per_step" in p:
                row["python_us"] = p["us_per_step"]
                row["ratio_of_means"] = p["us_per_step"] / j["us"]
                # graded on medians of the iterations: one disturbed iteration on a shared VM moves a mean a lot
                row["java_median_us"] = j["median"]
                row["python_median_us"] = statistics.median(p["iterations_us"])
                row["ratio"] = row["python_median_us"] / j["median"]
                if key in before:
                    row["java_before_median_us"] = before[key]["median"]
                    row["java_before_us"] = before[key]["us"]
                    row["ratio_before"] = row["python_median_us"] / before[key]["median"]
                if bench == "trainstep" and size == "paper" and variant == "eager" and jmode == "eager" and device == "cpu":
                    row["goal"] = GOAL
                    row["pass"] = row["ratio"] >= GOAL
            else:
                row["python_note"] = p.get("skipped") or p.get("error")
            table.append(row)
    return table


def main():
    a = argparse.ArgumentParser()
    for o in ("dir", "machine", "threads", "device", "load", "command", "java-version", "out"):
        a.add_argument("--" + o, default="")
    args = a.parse_args()
    java, jops = load_java(args.dir)
    before, _ = load_java(args.dir, "before-")
    py, pops, pyv = load_py(args.dir)
    out = args.out
    n = 2
    while os.path.exists(out + ".md"):
        out = f"{args.out}-run{n}"
        n += 1
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    table = pair_rows(java, py, before, args.device)
    meta = dict(date=date, machine=args.machine, device=args.device, threads=int(args.threads or 0), load_before=args.load,
                command=args.command, java=args.java_version, host=platform.node(), cpu=cpu_name(), pytorch=pyv,
                note="other helpers' compilations may have shared the CPU outside the lock; JMH ± is the 99.9% interval")
    ops = [dict(op=op, causalmm_us=jops.get((op, "causalmm"), (None,))[0], raw_us=jops.get((op, "raw"), (None,))[0],
                pytorch_us=pops.get(op if op != "linear" else "linear_functional")) for op in
           sorted({k[0] for k in jops if k[0] != "loader"})]
    loader = loader_table(jops)
    json.dump(dict(meta=meta, rows=table, ops=ops, loader=loader), open(out + ".json", "w"), indent=1)
    with open(out + ".md", "w") as f:
        f.write(f"# Java vs PyTorch eager, {args.machine} ({date})\n\n")
        f.write(f"- command: `{args.command}`; {args.threads} op threads both sides, BLAS threads 1\n")
        f.write(f"- CPU: {meta['cpu']}; load average before: {args.load}\n")
        f.write(f"- Java: {args.java_version}; LibTorch 2.10 (bytedeco pytorch 2.10.0-1.5.13)\n")
        f.write(f"- PyTorch: {pyv.get('torch')} (python {pyv.get('python')}, BLAS {pyv.get('blas_info')} -> {pyv.get('blas', '?')})\n")
        f.write(f"- {meta['note']}\n\n")
        f.write("Ratio = PyTorch median / Java median of the measurement iterations (µs per step); the JMH mean ± 99.9 % "
                "interval and the ratio of means are shown too.\n\n")
        f.write("| bench | model | regulariser | size | Java mode | PyTorch variant | Java median | Java mean ± err | PyTorch median | ratio (medians) | ratio (means) | goal |\n")
        f.write("|---|---|---|---|---|---|---|---|---|---|---|---|\n")
        for r in table:
            py_cell = f"{r['python_median_us']:.0f}" if "python_us" in r else r.get("python_note", "")
            ratio = f"{r['ratio']:.2f}×" if "ratio" in r else "–"
            ratio_means = f"{r['ratio_of_means']:.2f}×" if "ratio" in r else "–"
            jm = f"{r['java_median_us']:.0f}" if "java_median_us" in r else "–"
            goal = ("pass" if r["pass"] else "**FAIL**") + f" (≥ {GOAL})" if "pass" in r else ""
            f.write(f"| {r['bench']} | {r['model']} | {r['reg']} | {r['size']} | {r['java_mode']} | {r['variant']} | {jm} | {r['java_us']:.0f} ± {r['java_err']:.0f}"
                    f" | {py_cell} | {ratio} | {ratio_means} | {goal} |\n")
        with_before = [r for r in table if "ratio_before" in r]
        if with_before:
            f.write("\nBefore/after the engine changes of this branch, same run, same configuration back to back (medians, µs):\n\n"
                    "| model | regulariser | Java before | Java after | after/before | PyTorch | ratio before | ratio after |\n"
                    "|---|---|---|---|---|---|---|---|\n")
            for r in with_before:
                f.write(f"| {r['model']} | {r['reg']} | {r['java_before_median_us']:.0f} | {r['java_median_us']:.0f} | "
                        f"{r['java_median_us'] / r['java_before_median_us']:.2f} | {r['python_median_us']:.0f} | {r['ratio_before']:.2f}× | {r['ratio']:.2f}× |\n")
        graded = [r for r in table if "pass" in r]
        if graded:
            f.write(f"\nCPU goal: {sum(r['pass'] for r in graded)} of {len(graded)} paper-sized TrainStep configurations at ≥ {GOAL}×.\n")
        if ops:
            f.write("\n| op (4×4) | causalmm µs | raw presets µs | wrapper overhead µs | PyTorch eager µs |\n|---|---|---|---|---|\n")
            for o in ops:
                c, r_, p = o["causalmm_us"], o["raw_us"], o["pytorch_us"]
                f.write(f"| {o['op']} | {fmt(c)} | {fmt(r_)} | {fmt(c - r_) if c is not None and r_ is not None else '–'} | {fmt(p)} |\n")
        twinless = [(k, v) for k, v in sorted(java.items(), key=lambda kv: str(kv[0]))
                    if not any((k[0], k[1], k[2], k[3], var) in py for var in ("eager", "compile"))]
        if twinless:
            f.write("\nJava benchmarks without a PyTorch twin in this run (µs per op for time modes, ops/s for throughput modes):\n\n"
                    "| benchmark | params | median | mean ± err |\n|---|---|---|---|\n")
            for k, v in twinless:
                f.write(f"| {k[0]} | {' '.join(str(x) for x in k[1:] if x not in (None, '-'))} | {v['median']:.1f} | {v['us']:.1f} ± {v['err']:.1f} |\n")
        for dev, v in loader.items():
            f.write(f"\nLoader + placement on {dev} (MMLSynData, batch 256, prefetch 4), samples/s: "
                    + ", ".join(f"{m} {v[m]['samples_per_s']:.0f} ± {v[m]['err']:.0f}" for m in LOADER_METHODS if m in v)
                    + (f"; loader / step = {v['loader_over_step']:.2f}× (goal ≥ {LOADER_GOAL})" if "loader_over_step" in v else "") + "\n")
        compiled = [r for r in table if r["variant"] == "compile" and "ratio" in r]
        if compiled:
            for jmode in sorted({r["java_mode"] for r in compiled}):
                rs = [r for r in compiled if r["java_mode"] == jmode]
                f.write(f"\nJava {jmode} against torch.compile(mode='reduce-overhead'): {sum(r['ratio'] >= 1 for r in rs)} of {len(rs)} at ≥ 1.0×.\n")
    print(open(out + ".md").read())


def num(x):
    """JMH writes "NaN" (a string) for the error of a single iteration."""
    try:
        return float(x)
    except (TypeError, ValueError):
        return float("nan")


def fmt(x):
    return "–" if x is None else f"{x:.2f}"


def cpu_name():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


if __name__ == "__main__":
    main()
