#!/usr/bin/env bash
# Data-parallel scaling on this machine's CPU: steps/s and samples/s of `causalmm train` with 1 and
# 2 local processes (Gloo), late fusion + C3R on MMLSynData, and the scaling efficiency.
#   weak:   --batch-size B per process (global batch B x N): efficiency = samples/s(N) / (N x samples/s(1))
#   strong: global batch B (B/N per process):               efficiency = steps/s(N) / (N x steps/s(1))
# One process uses all cores (CAUSALMM_THREADS = cores), N processes cores/N threads each; the
# "1thread" row is one process on one thread, and "per core" = samples/s / (threads in all x its samples/s).
# Usage: bench/dist/scaling.sh [OUT.md] (default bench/dist/scaling.md). Env: TRAIN_SIZE (20000),
# BATCH (256), EPOCHS (3), NPROCS ("1 2"), DEVICE (cpu; cuda on a -Pgpu build: NCCL, one rank per GPU). Timing: the median train seconds of epochs 2.. (epoch 1
# warms up), read from results.json; JVM start, data generation and evaluation are not counted.
# On a shared machine hold the JVM lock: flock /tmp/causalmm-jvm.lock bench/dist/scaling.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$(dirname "$here")")"
out_md="${1:-$here/scaling.md}"
train_size="${TRAIN_SIZE:-20000}"
batch="${BATCH:-256}"
epochs="${EPOCHS:-3}"
nprocs="${NPROCS:-1 2}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cores="$(nproc)"

run() { # mode nproc per-rank-batch [threads of the single process]
  local mode="$1" n="$2" b="$3" dir="$work/$1-$2"
  env ${4:+CAUSALMM_THREADS=$4} "$root/causalmm" train --nproc "$n" --out "$dir" --train-size "$train_size" --val-size 100 --test-size 100 \
    --epochs "$epochs" --batch-size "$b" --regularizer c3r --no-progress --device "${DEVICE:-cpu}" >"$dir.log" 2>&1 \
    || { echo "run $mode nproc=$n failed:"; tail -20 "$dir.log"; exit 1; }
  python3 - "$dir/results.json" "$mode" "$n" "$b" "$train_size" "${4:-$(( cores / n > 0 ? cores / n : 1 ))}" <<'PY' >>"$work/rows"
import json, statistics, sys, math
path, mode, n, b, size, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
r = json.load(open(path))
eps = r["runs"][0]["epochs"]
secs = statistics.median(e["seconds"] for e in (eps[1:] if len(eps) > 1 else eps))
glob = b * n
steps = math.ceil(size / glob)
print(f"{mode} {n} {b} {glob} {threads} {steps / secs:.3f} {size / secs:.1f} {r['distributed']['backend']}")
PY
}

run 1thread 1 "$batch" 1
for n in $nprocs; do run weak "$n" "$batch"; done
for n in $nprocs; do run strong "$n" "$((batch / n))"; done

python3 - "$work/rows" "$out_md" "$cores" "$train_size" "$epochs" <<'PY'
import sys, datetime, platform
rows = [l.split() for l in open(sys.argv[1])]
base = {m: next(r for r in rows if r[0] == m and r[1] == "1") for m in ("weak", "strong")}
base["1thread"] = base["weak"]
core = next(r for r in rows if r[0] == "1thread")
lines = [f"Data-parallel scaling, late fusion + C3R on MMLSynData ({sys.argv[4]} train rows, {sys.argv[5]} epochs),"
         f" {sys.argv[3]}-core CPU, {platform.node()}, {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC",
         "", "| scaling | processes | batch/process | global batch | threads/process | backend | steps/s | samples/s | efficiency | per core |",
         "|---|---|---|---|---|---|---|---|---|---|"]
for mode, n, b, g, t, sps, smp, backend in rows:
    n = int(n)
    b0 = base[mode]
    eff = (float(smp) / (n * float(b0[6]))) if mode == "weak" else (float(sps) / (n * float(b0[5])))
    per_core = float(smp) / (n * int(t) * float(core[6]))
    lines.append(f"| {mode} | {n} | {b} | {g} | {t} | {backend} | {float(sps):.2f} | {float(smp):.0f} | {eff:.2f} | {per_core:.2f} |")
open(sys.argv[2], "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
