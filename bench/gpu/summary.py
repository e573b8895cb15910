#!/usr/bin/env python3
"""The GPU check's bookkeeping (bench/gpu/device.sh): no torch import, so it costs ~0.1 s per call.

  summary.py plan      --dir W --phases "name:group:min:cap ..."      the planned phases (status "pending")
  summary.py record    --dir W --phase P --rc RC --check KIND ...     judges one phase, appends to W/phases.jsonl
  summary.py summarize --dir W --out OUT/summary ...                  writes OUT/summary.json and .md

Phase status: ok | failed | timeout | skipped | pending (never reached: the call ended first), each with a
reason. A check KIND says what a phase must leave behind: "tests" (DeviceTests JSON), "jmh:N" (N JMH
results in the phase's -rff file), "twins:N" (N JSONL rows appended by twins.py --append).
Goals (issue 12/22): Java >= 2x PyTorch eager on the paper-sized steps, Java >= torch.compile, the loader
>= 2x the step it feeds, the CUDA tests pass. Each lists its measured values and pass (true/false, or null
where nothing was measured); graded is false off a CUDA device (the CPU smoke only proves the plumbing).
"""
import argparse
import datetime
import glob
import json
import os
import re
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
import report  # noqa: E402  (load_java, load_py, pair_rows, loader_table: shared with bench/compare)

SCHEMA = "causalmm-gpu-check/1"
EAGER_GOAL, COMPILE_GOAL = 2.0, 1.0
PAPER_REGS = ("none", "c3r", "imml", "cmir")


# ----------------------------------------------------------------------------- phases

def count_outputs(work, phase, kind):
    """(written, reason) for the phase's output file: JMH results or twins rows."""
    if kind.startswith("jmh"):
        f = os.path.join(work, f"java-{phase[:-len('-java')]}.json")
        try:
            return len(json.load(open(f))), ""
        except (OSError, ValueError):
            return 0, "no JMH results file"
    if kind.startswith("twins"):
        f = os.path.join(work, f"py-{phase[:-len('-py')]}.jsonl")
        rows = []
        if os.path.exists(f):
            for line in open(f):
                try:
                    rows.append(json.loads(line))
                except ValueError:
                    pass
        errors = [r["error"] for r in rows if "error" in r]
        return len(rows), (f"twin error: {errors[0]}" if errors else "")
    return 0, ""


def log_reason(log):
    """The most telling line of a log: the first exception or error, else the last line."""
    try:
        lines = [l.strip() for l in open(log, errors="replace") if l.strip()]
    except OSError:
        return "no log"
    for l in lines:
        if re.search(r"(Exception|Error|FAILED|not staged|No such file)", l) and not l.startswith("at "):
            return l[:300]
    return lines[-1][:300] if lines else "empty log"


def judge_tests(work, device):
    """(ok, reason) from DeviceTests' JSON."""
    try:
        t = json.load(open(os.path.join(work, "tests.json")))
    except (OSError, ValueError):
        return False, "no tests.json"
    if t["failed"]:
        first = next((r for r in t["tests"] if r["status"] == "FAILED"), {})
        return False, f"{t['failed']} of {t['found']} failed; first: {first.get('test', '?')}: {first.get('detail', '')}"[:400]
    no_cuda = [r for r in t["tests"] if r["status"] == "ABORTED" and "CUDA" in r["detail"] and "present" not in r["detail"]]
    if device == "cuda" and no_cuda:
        return False, f"{len(no_cuda)} CUDA tests aborted: {no_cuda[0]['detail']}"[:400]
    if not t["succeeded"]:
        return False, f"none of {t['found']} tests succeeded"
    return True, f"{t['succeeded']} of {t['found']} succeeded, {t['aborted']} aborted by an assumption"


def record(a):
    rec = dict(phase=a.phase, group=int(a.group), min_s=int(a.min), cap_s=int(a.cap), timeout_s=int(a.timeout),
               seconds=int(a.seconds))
    if a.status:  # skipped by device.sh itself
        rec.update(status=a.status, reason=a.reason)
    else:
        rc = int(a.rc)
        kind, _, n = a.check.partition(":")
        expected = int(n or 0)
        written, why = count_outputs(a.dir, a.phase, a.check)
        rec.update(rc=rc)
        if kind == "tests":
            ok, why = judge_tests(a.dir, a.device)
            if why == "no tests.json":
                why = f"no tests.json; {log_reason(a.log)}"
            status = "ok" if ok and rc == 0 else "failed"
            rec.update(status=status, reason=why if ok or rc == 0 else f"exit {rc}: {why}")
        else:
            rec.update(written=written, expected=expected)
            if rc in (124, 137):
                rec.update(status="timeout", reason=f"killed after {a.timeout}s with {written} of {expected} results written")
            elif rc != 0:
                rec.update(status="failed", reason=f"exit {rc}: {why or log_reason(a.log)}")
            elif why or written < expected:
                rec.update(status="failed", reason=f"{written} of {expected} results; {why or log_reason(a.log)}")
            else:
                rec.update(status="ok", reason="")
        if rec["status"] == "timeout" and kind == "tests":
            rec["reason"] = f"killed after {a.timeout}s"
    with open(os.path.join(a.dir, "phases.jsonl"), "a") as f:
        f.write(json.dumps(rec) + "\n")
    print(json.dumps(rec))


def plan(a):
    phases = []
    for item in a.phases.split():
        name, group, mn, cap = item.split(":")
        phases.append(dict(phase=name, group=int(group), min_s=int(mn), cap_s=int(cap), status="pending",
                           reason="not reached: the call ended before this phase"))
    json.dump(phases, open(os.path.join(a.dir, "plan.json"), "w"), indent=1)


def phases_of(work):
    try:
        planned = json.load(open(os.path.join(work, "plan.json")))
    except (OSError, ValueError):
        planned = []
    done = {}
    if os.path.exists(os.path.join(work, "phases.jsonl")):
        for line in open(os.path.join(work, "phases.jsonl")):
            r = json.loads(line)
            done[r["phase"]] = r
    out = [done.pop(p["phase"], p) for p in planned]
    return out + list(done.values())


# ----------------------------------------------------------------------------- goals

def tests_summary(work):
    try:
        t = json.load(open(os.path.join(work, "tests.json")))
    except (OSError, ValueError):
        return None
    return dict(pattern=t["pattern"], found=t["found"], succeeded=t["succeeded"], failed=t["failed"], aborted=t["aborted"],
                failures=[dict(test=r["test"], detail=r["detail"]) for r in t["tests"] if r["status"] == "FAILED"],
                aborted_tests=[dict(test=r["test"], detail=r["detail"]) for r in t["tests"] if r["status"] == "ABORTED"])


def goal(name, threshold, measured, passes, note=""):
    known = [p for p in passes if p is not None]
    ok = None if not known else all(known) and len(known) == len(passes)
    return dict(goal=name, threshold=threshold, measured=measured, passed=sum(bool(p) for p in known), of=len(passes),
                **{"pass": ok}, note=note)


def step_goal(rows, variant, threshold, name):
    """Per paper configuration: the best Java mode against the PyTorch variant."""
    measured, passes = [], []
    for reg in PAPER_REGS:
        cand = [r for r in rows if r["bench"] == "trainstep" and r["size"] == "paper" and r["reg"] == reg and r["variant"] == variant]
        timed = [r for r in cand if "ratio" in r]
        if timed:
            best = max(timed, key=lambda r: r["ratio"])
            measured.append(dict(config=f"late-fusion + {reg}", java_mode=best["java_mode"], java_median_us=best["java_median_us"],
                                 pytorch_median_us=best["python_median_us"], ratio=best["ratio"], **{"pass": best["ratio"] >= threshold},
                                 other_modes={r["java_mode"]: r["ratio"] for r in timed if r is not best}))
            passes.append(best["ratio"] >= threshold)
        else:
            note = next((r.get("python_note") for r in cand if r.get("python_note")), "not measured")
            measured.append(dict(config=f"late-fusion + {reg}", note=note, **{"pass": None}))
            passes.append(None)
    return goal(name, threshold, measured, passes)


def goals(work, rows, loader, tests, device):
    g = []
    t_ok, t_why = judge_tests(work, device) if tests else (None, "not run")
    g.append(goal("CUDA tests pass (CudaTest, CudaLoaderTest, CudaGraphTest, CudaRuntimeTest, DLPackCudaTest)", "0 failed, none aborted for want of CUDA",
                  [dict(tests, verdict=t_why)] if tests else [], [t_ok] if tests else [None],
                  "" if device == "cuda" else "off CUDA the CUDA tests abort on their assumption: graded on the CPU-side tests that ran"))
    g.append(step_goal(rows, "eager", EAGER_GOAL, f"Java >= {EAGER_GOAL}x PyTorch eager, paper-sized steps (late fusion x none, C3R, IMML, CmIR)"))
    g.append(step_goal(rows, "compile", COMPILE_GOAL, "Java >= torch.compile(mode='reduce-overhead'), same steps"))
    lm, lp = [], []
    for dev, v in loader.items():
        if "loader_over_step" in v:
            lm.append(dict(device=dev, loader_samples_per_s=v["loader"]["samples_per_s"], step_samples_per_s=v["step"]["samples_per_s"],
                           loader_and_step_samples_per_s=v.get("loaderAndStep", {}).get("samples_per_s"), ratio=v["loader_over_step"],
                           **{"pass": v["loader_over_step"] >= report.LOADER_GOAL}))
            lp.append(v["loader_over_step"] >= report.LOADER_GOAL)
    g.append(goal(f"loader >= {report.LOADER_GOAL}x the step it feeds (LoaderBenchmark loader / step, samples/s)", report.LOADER_GOAL,
                  lm, lp or [None]))
    for x in g:
        x["graded"] = device == "cuda"
    return g


# ----------------------------------------------------------------------------- summary

def summarize(a):
    java, jops = report.load_java(a.dir)
    py, _, pyv = report.load_py(a.dir)
    rows = report.pair_rows(java, py, {}, "cuda" if a.device == "cuda" else "cpu-smoke")
    loader = report.loader_table(jops)
    tests = tests_summary(a.dir)
    phases = phases_of(a.dir)
    counts = {s: sum(p["status"] == s for p in phases) for s in ("ok", "failed", "timeout", "skipped", "pending")}
    env = open(os.path.join(a.dir, "env.txt"), errors="replace").read() if os.path.exists(os.path.join(a.dir, "env.txt")) else ""
    meta = dict(schema=SCHEMA, date=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), machine=a.machine,
                device=a.device, mode=a.mode, budget_s=int(a.budget), elapsed_s=int(a.elapsed), pytorch=pyv, cpu=report.cpu_name(),
                env=env[:4000])
    twinless = [dict(bench=k[0], model=k[1], reg=k[2], size=k[3], java_mode=k[4], java_median_us=v["median"])
                for k, v in sorted(java.items(), key=lambda kv: str(kv[0])) if not any(r["bench"] == k[0] and r["model"] == (k[1] or "-")
                and r["reg"] == (k[2] or "-") and r["size"] == k[3] for r in rows)]
    s = dict(meta=meta, counts=counts, phases=phases, goals=goals(a.dir, rows, loader, tests, a.device), tests=tests, rows=rows,
             loader=loader, java_without_twin=twinless)
    write_atomic(a.out + ".json", json.dumps(s, indent=1, default=str))
    write_atomic(a.out + ".md", markdown(s))


def write_atomic(path, text):
    tmp = os.path.join(os.path.dirname(path), "." + os.path.basename(path) + ".tmp")
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def cell(x, fmt="{:.0f}"):
    return "–" if x is None else fmt.format(x)


def verdict(p):
    return "–" if p is None else ("pass" if p else "**FAIL**")


def markdown(s):
    m = s["meta"]
    out = [f"# causalmm GPU check: {m['machine']}, {m['mode']} ({m['date']})\n",
           f"- device {m['device']}; budget {m['budget_s']} s, {m['elapsed_s']} s used; PyTorch {m['pytorch'].get('torch', '?')}"
           f" ({m['pytorch'].get('gpu', m['cpu'])})",
           f"- phases: " + ", ".join(f"{v} {k}" for k, v in s["counts"].items() if v) + "\n",
           "## Goals\n", "| goal | measured | result |", "|---|---|---|"]
    for g in s["goals"]:
        vals = []
        for x in g["measured"]:
            if "ratio" in x:
                vals.append(f"{x.get('config', x.get('device'))}: {x['ratio']:.2f}×" + (f" ({x['java_mode']})" if "java_mode" in x else ""))
            elif "verdict" in x:
                vals.append(x["verdict"])
            elif "note" in x:
                vals.append(f"{x.get('config', '')}: {x['note']}")
        res = verdict(g["pass"]) + ("" if g["graded"] else " (ungraded: not CUDA)")
        out.append(f"| {g['goal']} | {'; '.join(vals) or 'not measured'} | {res}{' — ' + g['note'] if g['note'] else ''} |")
    out += ["\n## Phases\n", "| phase | group | status | seconds | timeout | reason |", "|---|---|---|---|---|---|"]
    for p in s["phases"]:
        out.append(f"| {p['phase']} | {p['group']} | {p['status']} | {p.get('seconds', '–')} | {p.get('timeout_s', '–')} | {p.get('reason', '')} |")
    out += ["\n## Steps (µs per step, medians; ratio = PyTorch / Java, > 1: Java faster)\n",
            "| bench | model | reg | size | Java mode | Java | PyTorch variant | PyTorch | ratio |", "|---|---|---|---|---|---|---|---|---|"]
    for r in s["rows"]:
        py_cell = cell(r.get("python_median_us")) if "ratio" in r else (r.get("python_note") or "–")
        out.append(f"| {r['bench']} | {r['model']} | {r['reg']} | {r['size']} | {r['java_mode']} | {cell(r.get('java_median_us', r['java_us']))} | "
                   f"{r['variant']} | {py_cell} | {cell(r.get('ratio'), '{:.2f}×')} |")
    for r in s["java_without_twin"]:
        out.append(f"| {r['bench']} | {r['model']} | {r['reg']} | {r['size']} | {r['java_mode']} | {cell(r['java_median_us'])} | – | – | – |")
    for dev, v in s["loader"].items():
        out.append(f"\nLoader on {dev} (samples/s): " + ", ".join(f"{k} {v[k]['samples_per_s']:.0f}" for k in report.LOADER_METHODS if k in v)
                   + (f"; loader / step {v['loader_over_step']:.2f}×" if "loader_over_step" in v else ""))
    t = s["tests"]
    if t:
        out.append(f"\nTests ({t['pattern']}): {t['found']} found, {t['succeeded']} succeeded, {t['failed']} failed, {t['aborted']} aborted")
        for f in t["failures"][:10]:
            out.append(f"- FAILED {f['test']}: {f['detail'][:200]}")
    return "\n".join(out) + "\n"


def main(argv=None):
    a = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    a.add_argument("command", choices=["plan", "record", "summarize"])
    for o in ("dir", "out", "machine", "device", "mode", "budget", "elapsed", "phases", "phase", "group", "rc", "check", "log",
              "status", "reason", "timeout", "seconds", "min", "cap"):
        a.add_argument("--" + o, default="0" if o in ("group", "rc", "timeout", "seconds", "min", "cap", "budget", "elapsed") else "")
    args = a.parse_args(argv)
    dict(plan=plan, record=record, summarize=summarize)[args.command](args)


if __name__ == "__main__":
    main()
