#!/usr/bin/env python3
"""The CPU ratio table (issue 22): Java's TrainStepBenchmark against its PyTorch-eager twin, per
configuration, interleaved and repeated.

Each repeat is ONE invocation under the machine-wide LibTorch lock (`flock /tmp/causalmm-jvm.lock`, as bench/compare) that runs, for every
configuration in turn, the Java step (JMH, one fork per thread count) and then its twin (twins.py
--threads best). Both sides are timed at 1 and at nproc op threads and each side's faster count
counts (a 2-core VM shared with other work can make either the faster one). Every raw output is kept under
bench/results/<date>-cpu-table[-N]/. Per configuration the table gives each side's median and
min-max over the kept repeats and the ratio of the medians (PyTorch / Java; > 1: Java is faster). A
repeat whose anchor (the twin's time) is more than 20 % away from the anchor's median over all
repeats is discarded, both sides of it, and the table says so: the anchor moving means the machine
moved (another process compiling, say), and the Java number of that moment is suspect too.

  /usr/bin/python3 bench/python/cpu_table.py --repeats 3
  /usr/bin/python3 bench/python/cpu_table.py --repeats 1 --configs late-fusion:none --no-build
  /usr/bin/python3 bench/python/cpu_table.py --report bench/results/2026-12-07-cpu-table   # table from kept raw files
"""
import argparse
import datetime
import glob
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.dirname(HERE)
ROOT = os.path.dirname(BENCH)
DRIFT = 0.20
GOAL = 1.5
CONFIGS = ["late-fusion:none", "late-fusion:c3r", "late-fusion:imml", "late-fusion:cmir"]
JMH = "-f 1 -wi 2 -i 5 -w 1 -r 1"
TWIN = "--warmup 2 --iters 5 --iter-time 1"


def jdk():
    return subprocess.run(["bash", "-c", f". '{ROOT}/.mvn/find-jdk.sh' && echo $JAVA_HOME"], capture_output=True, text=True,
                          check=True).stdout.strip()


def build():
    """The library and the benchmarks; the bench's copy of the library jar is this checkout's, whatever
    another worktree installed into ~/.m2 meanwhile."""
    subprocess.run(["./mvnw", "-B", "-o", "-q", "-DskipTests", "install"], cwd=ROOT, check=True)
    subprocess.run([os.path.join(ROOT, "mvnw"), "-B", "-o", "-q", "package"], cwd=BENCH, check=True)
    jar = glob.glob(os.path.join(ROOT, "target", "causalmm-*-SNAPSHOT.jar"))
    jar = [j for j in jar if "-tests" not in j][0]
    subprocess.run(["cp", jar, os.path.join(BENCH, "target", "lib", os.path.basename(jar))], check=True)


def thread_counts():
    """Both sides run at 1 op thread and at every core, and their faster count counts (a 2-core VM
    shared with other work can make either one the faster)."""
    return sorted({1, os.cpu_count() or 1})


def repeat_script(rep, configs, raw, python, java_home, jmh, twin):
    """The bash of one repeat: every configuration, Java then PyTorch."""
    cp = f"{BENCH}/target/causalmm-bench-0.1.0-SNAPSHOT.jar:{BENCH}/target/lib/*"
    lines = ["set -u", "export OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1"]
    for c in configs:
        model, reg = c.split(":")
        tag = f"r{rep}-{model}-{reg}"
        lines.append(f"echo \"== $(date -u +%T) repeat {rep} {model} + {reg}: Java, PyTorch\"")
        for n in thread_counts():
            lines.append(f"CAUSALMM_THREADS={n} '{java_home}/bin/java' --enable-native-access=ALL-UNNAMED "
                         f"-Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp '{cp}' org.openjdk.jmh.Main TrainStepBenchmark "
                         f"-p model={model} -p regularizer={reg} -p size=paper {jmh} -rf json -rff '{raw}/{tag}-java-t{n}.json' "
                         f"> '{raw}/{tag}-java-t{n}.log' 2>&1")
        lines.append(f"'{python}' '{HERE}/twins.py' --bench trainstep --model {model} --reg {reg} --size paper --threads best "
                     f"{twin} --json '{raw}/{tag}-py.json' > '{raw}/{tag}-py.log' 2>&1")
    return "\n".join(lines) + "\n"


def load(raw):
    """{config: [{rep, java, py, threads, py_by_threads}]} from the raw files of a run."""
    out = {}
    for pyf in sorted(glob.glob(os.path.join(raw, "r*-py.json"))):
        tag = os.path.basename(pyf)[:-len("-py.json")]
        rep, rest = tag.split("-", 1)
        model, reg = rest.rsplit("-", 1)
        java = {}
        for f in glob.glob(os.path.join(raw, tag + "-java-t*.json")):
            j = json.load(open(f)) if os.path.getsize(f) else []
            if j:
                java[int(f.rsplit("-t", 1)[1][:-len(".json")])] = j[0]["primaryMetric"]["score"]
        rows = [r for r in json.load(open(pyf))["rows"] if "us_per_step" in r]
        if not java or not rows:
            continue
        r = rows[0]
        jt = min(java, key=java.get)
        out.setdefault(f"{model}:{reg}", []).append(dict(
            rep=int(rep[1:]), java=java[jt], java_threads=jt, java_by_threads=java,
            py=r["us_per_step"], threads=r.get("threads"), py_by_threads=r.get("us_per_step_by_threads", {})))
    return out


def summarise(runs):
    anchor_median = statistics.median(r["py"] for r in runs)
    kept = [r for r in runs if abs(r["py"] - anchor_median) <= DRIFT * anchor_median]
    unstable = not kept     # two repeats far apart: neither is near their mean, so none is dropped but the row is flagged
    kept = kept or runs
    dropped = [r for r in runs if r not in kept]
    java = [r["java"] for r in kept]
    py = [r["py"] for r in kept]
    ratio = statistics.median(py) / statistics.median(java)
    return dict(kept=len(kept), unstable=unstable, all=[dict(rep=r["rep"], py=r["py"], java=r["java"]) for r in runs], dropped=[dict(rep=r["rep"], py=r["py"], java=r["java"]) for r in dropped],
                java_median=statistics.median(java), java_min=min(java), java_max=max(java),
                py_median=statistics.median(py), py_min=min(py), py_max=max(py),
                ratio=ratio, ratio_min=min(p / j for p, j in zip(py, java)), ratio_max=max(p / j for p, j in zip(py, java)),
                threads=sorted({r["threads"] for r in kept}), java_threads=sorted({r["java_threads"] for r in kept}),
                goal_met=ratio >= GOAL, java_by_threads=[r["java_by_threads"] for r in kept],
                py_by_threads=[r["py_by_threads"] for r in kept])


def table(summary, meta):
    lines = [f"CPU ratio table, {meta['date']}, {meta['machine']}; {meta['repeats']} interleaved repeat(s), each one "
             f"invocation under the LibTorch lock; Java: JMH `{meta['jmh']}` at 1 and {os.cpu_count()} op threads (CAUSALMM_THREADS), "
             f"the faster counts, BLAS 1 thread; "
             f"PyTorch {meta['torch']} eager ({meta['blas']}), `twins.py --threads best {meta['twin']}`, OPENBLAS_NUM_THREADS=1. "
             f"A repeat is dropped when its anchor is > {int(DRIFT * 100)} % from the anchor's median.", "",
             "| step (batch 256) | Java µs, median (min–max) | Java threads | PyTorch eager µs, median (min–max) | anchor threads | "
             "PyTorch / Java (per-repeat range) | repeats kept | ≥ 1.5× |",
             "|---|---|---|---|---|---|---|---|"]
    for c, s in summary.items():
        model, reg = c.split(":")
        name = model if reg == "none" else f"{model} + {dict(c3r='C3R', imml='IMML', cmir='CmIR').get(reg, reg)}"
        note = f"{s['kept']}" + (f" (dropped: " + ", ".join(f"r{d['rep']} anchor {d['py']:.0f}" for d in s["dropped"]) + ")"
                                 if s["dropped"] else "") + (" (anchor moved > 20 % between repeats)" if s["unstable"] else "")
        lines.append(f"| {name} | {s['java_median']:,.0f} ({s['java_min']:,.0f}–{s['java_max']:,.0f}) | "
                     f"{', '.join(map(str, s['java_threads']))} | "
                     f"{s['py_median']:,.0f} ({s['py_min']:,.0f}–{s['py_max']:,.0f}) | {', '.join(map(str, s['threads']))} | "
                     f"**{s['ratio']:.2f}×** ({s['ratio_min']:.2f}–{s['ratio_max']:.2f}) | {note} | {'yes' if s['goal_met'] else 'no'} |")
    lines.append("")
    lines.append("Every repeat's ratio, dropped ones included (repeat: PyTorch µs / Java µs = ratio): " + "; ".join(
        f"{c.split(':')[1]}: " + ", ".join(f"r{r['rep']} {r['py']:,.0f}/{r['java']:,.0f} = {r['py'] / r['java']:.2f}×" for r in s["all"])
        for c, s in summary.items()) + ".")
    return "\n".join(lines) + "\n"


def report(raw, meta):
    summary = {c: summarise(runs) for c, runs in sorted(load(raw).items(), key=lambda kv: CONFIGS.index(kv[0])
                                                          if kv[0] in CONFIGS else 99)}
    md = table(summary, meta)
    open(os.path.join(raw, "table.md"), "w").write(md)
    json.dump(dict(meta=meta, summary=summary), open(os.path.join(raw, "table.json"), "w"), indent=1)
    print(md)


def torch_meta(python):
    code = ("import torch,re,os;m=re.search(r'BLAS_INFO=(\\w+)',torch.__config__.show());"
            "print(torch.__version__, m.group(1) if m else '?', os.path.realpath('/etc/alternatives/libblas.so.3-x86_64-linux-gnu'))")
    out = subprocess.run([python, "-c", code], capture_output=True, text=True).stdout.split()
    return (out[0], f"{out[1]} via {out[2]}") if len(out) == 3 else ("?", "?")


def main():
    a = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    a.add_argument("--repeats", type=int, default=3)
    a.add_argument("--configs", default=",".join(CONFIGS), help="model:regulariser,... (paper size)")
    a.add_argument("--python", default="/usr/bin/python3")
    a.add_argument("--out", default="", help="raw folder (default bench/results/<date>-cpu-table, -2, ... if taken)")
    a.add_argument("--no-build", action="store_true")
    a.add_argument("--jmh", default=JMH)
    a.add_argument("--twin", default=TWIN)
    a.add_argument("--lock", default="flock /tmp/causalmm-jvm.lock", help="the command that holds the LibTorch lock around one repeat")
    a.add_argument("--report", default="", help="only rebuild the table from this raw folder")
    args = a.parse_args()
    date = datetime.date.today().isoformat()
    torch_version, blas = torch_meta(args.python)
    meta = dict(date=date, machine=f"{platform.machine()} {os.cpu_count()} cores ({platform.node()})", jmh=args.jmh, twin=args.twin,
                torch=torch_version, blas=blas,
                command="bench/python/cpu_table.py " + " ".join(shlex.quote(x) for x in sys.argv[1:]))
    if args.report:
        meta["repeats"] = len({r["rep"] for runs in load(args.report).values() for r in runs})
        report(args.report, meta)
        return
    raw = args.out or os.path.join(BENCH, "results", f"{date}-cpu-table")
    base, n = raw, 2
    while not args.out and os.path.exists(raw):
        raw, n = f"{base}-{n}", n + 1
    os.makedirs(raw, exist_ok=True)
    if not args.no_build:
        build()
    java_home = jdk()
    configs = args.configs.split(",")
    for rep in range(1, args.repeats + 1):
        script = os.path.join(raw, f"repeat-{rep}.sh")
        open(script, "w").write(repeat_script(rep, configs, raw, args.python, java_home, args.jmh, args.twin))
        load_before = open("/proc/loadavg").read().split()[:3]
        subprocess.run(args.lock.split() + ["bash", script], check=True)
        print(f"repeat {rep} done (load average before: {' '.join(load_before)})", flush=True)
    meta["repeats"] = args.repeats
    report(raw, meta)


if __name__ == "__main__":
    main()
