#!/usr/bin/env bash
# Device side of the GPU check (bench/gpu/README.md lists the calls). After the bundle is staged,
# one call runs the phases below, ordered by value, each under a hard `timeout` derived from one
# total budget, and leaves exactly three files under $OUT, rewritten after every phase so that a
# call cut short still brings back everything measured so far:
#   summary.json  every phase's status (ok / failed / timeout / skipped, with the reason) and
#                 seconds, the goals with their measured values and pass/fail, every ratio row
#   summary.md    the same as tables
#   logs.tar.gz   every phase's log and raw output (JMH JSON, twins JSONL, tests JSON, env)
#
# Phases (group: what):
#   1  tests         the CUDA test classes (CudaTest, CudaLoaderTest, CudaGraphTest, CudaRuntimeTest,
#                    DLPackCudaTest) through DeviceTests (the JUnit launcher; no Maven there)
#   2  paper-<reg>   for late fusion x none, C3R, IMML, CmIR in turn: the Java step (JMH, eager and,
#                    where the step can be captured, CUDA-graph mode), then its PyTorch twin eager and
#                    torch.compile(mode="reduce-overhead") in one process that appends each row
#   3  loader        LoaderBenchmark: loader, step and loaderAndStep, samples/s
#   4  unet          the 3-D U-Net training step (SegmentationBenchmark) and its twin
#   5  large, imagetext   large widths at a large batch, and ImageTextStep (MMBT), each with its twin
#
# Budget: GPU_CHECK_BUDGET_S (device 450 s, smoke 240 s). Each phase has a minimum (the time it needs
# to produce its first result) and a cap; it runs under timeout = min(cap, time left - the minimums
# of every later phase), so every phase keeps at least its minimum and an early phase that finishes
# under its cap passes the slack on. `bash bench/gpu/device.sh --plan` prints the table.
#
#   bash /opt/gpu-stage/bench/gpu/device.sh          # on the GPU machine, from the staged bundle
#   bash bench/gpu/device.sh --cpu-smoke             # here: every phase on CPU, CPU-sized, same files
#   GPU_STAGE=DIR bash DIR/bench/gpu/device.sh --cpu-smoke   # the rehearsal from an unpacked CPU bundle
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bench="$(dirname "$here")"
root="$(dirname "$bench")"
mode=device
case "${1:-}" in
  "") ;;
  --cpu-smoke) mode=smoke ;;
  --plan) mode=plan ;;
  *) echo "usage: device.sh [--cpu-smoke | --plan]" >&2; exit 2 ;;
esac
[ "$mode" = plan ] && [ "${2:-}" = --cpu-smoke ] && plan_of=smoke || plan_of=$mode

# ---------------------------------------------------------------------------------- the plan
# plan NAME GROUP MIN_S CAP_S. Device minimums: a JVM loading the CUDA LibTorch (~0.8 GB of .so)
# and creating its context ~8 s, JMH 2 s per mode (1 x 0.5 s warm-up, 3 x 0.5 s); python + torch +
# CUDA ~6 s, eager 2 s per row; torch.compile ~20-60 s per configuration (cold Inductor cache).
# Smoke minimums: measured on the 2-core VM (bench/gpu/README.md), rounded up.
names=(); declare -A group pmin pcap
plan() { names+=("$1"); group[$1]=$2; pmin[$1]=$3; pcap[$1]=$4; }
if [ "$plan_of" = smoke ]; then
  budget=${GPU_CHECK_BUDGET_S:-240}
  plan tests 1 25 45
  for r in none c3r imml cmir; do plan paper-$r-java 2 8 20; plan paper-$r-py 2 5 15; done
  plan loader-java 3 12 30
  plan unet-java 4 8 20; plan unet-py 4 6 20
  plan large-java 5 8 15; plan large-py 5 5 10
  plan imagetext-java 5 8 15; plan imagetext-py 5 5 12
else
  budget=${GPU_CHECK_BUDGET_S:-450}
  plan tests 1 25 50
  plan paper-none-java 2 15 25; plan paper-none-py 2 15 55
  plan paper-c3r-java 2 15 25;  plan paper-c3r-py 2 15 60
  plan paper-imml-java 2 15 25; plan paper-imml-py 2 15 70
  plan paper-cmir-java 2 15 25; plan paper-cmir-py 2 15 70
  plan loader-java 3 15 25
  plan unet-java 4 15 30; plan unet-py 4 10 20
  plan large-java 5 15 30; plan large-py 5 10 25
  plan imagetext-java 5 15 30; plan imagetext-py 5 10 25
fi
sum_min=0; sum_cap=0
for n in "${names[@]}"; do sum_min=$((sum_min + pmin[$n])); sum_cap=$((sum_cap + pcap[$n])); done
if [ "$mode" = plan ]; then
  printf "%-16s %5s %5s %5s\n" phase group min_s cap_s
  for n in "${names[@]}"; do printf "%-16s %5s %5s %5s\n" "$n" "${group[$n]}" "${pmin[$n]}" "${pcap[$n]}"; done
  echo "budget ${budget}s; minimums add to ${sum_min}s, caps to ${sum_cap}s"
  exit 0
fi
[ "$sum_min" -le "$budget" ] || { echo "device.sh: the phases' minimums (${sum_min}s) exceed the budget (${budget}s)" >&2; exit 2; }

# ---------------------------------------------------------------------------------- where things are
# A staged bundle: this script inside it (STAGE/bench/gpu/device.sh), GPU_STAGE, or /opt/gpu-stage.
stage=""
for s in "$root" "${GPU_STAGE:-}" /opt/gpu-stage; do
  if [ -n "$s" ] && [ -f "$s/ready" ] && [ -f "$s/run.sh" ]; then stage="$s"; break; fi
done
cd "$root"   # the DLPack tests build native/dlpack-stage from the working directory (the bundle carries it)
OUT="${OUT:-/tmp/causalmm-gpu-check-$mode}"
mkdir -p "$OUT"
rm -f "$OUT/summary.json" "$OUT/summary.md" "$OUT/logs.tar.gz"
work="$(mktemp -d "${TMPDIR:-/tmp}/causalmm-check.XXXXXX")"
mkdir -p "$work/logs"
start=$(date +%s)
say() { echo "== [$(( $(date +%s) - start ))s] $*"; }
left() { echo $(( budget - ($(date +%s) - start) )); }

if [ "$mode" = device ]; then
  dev=cuda; python=python3
  jmh_it=(-f 0 -wi 1 -w 500ms -i 3 -r 500ms)   # -f 0: one JVM per phase, no CUDA re-init per configuration
  py_it=(--warmup 0.5 --iters 3 --iter-time 0.5)
  machine="$(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -1 | tr ' ' '-' | tr -cd 'A-Za-z0-9-')"
  machine="${machine:-gpu}"
  test_pattern='.*(Cuda|Gpu|Device).*Test'
  graph_mode=graph                 # a captured CUDA graph of the whole step (docs/cuda-graphs.md)
  unet_sizes=64,128; large_batch=4096; large_regs=none,c3r; imagetext_models=mmbt-small,mmbt
else
  dev=cpu; python=/usr/bin/python3
  "$python" -c 'import torch' 2>/dev/null || python=python3
  jmh_it=(-f 0 -wi 0 -i 1 -r 100ms)
  py_it=(--warmup 0.1 --iters 1 --iter-time 0.1)
  machine=cpu-smoke
  # the CUDA classes (their CPU-side tests run, the CUDA ones abort on their assumption) and their CPU counterparts
  test_pattern='.*(Cuda|Gpu|Device).*Test|.*\.DLPackTest|.*\.DataLoaderTest|.*Upload.*Test'
  graph_mode=eager-graphsafe       # a CPU device refuses mode=graph (by design): the graph-safe optimizer instead
  unet_sizes=32; large_batch=64; large_regs=none; imagetext_models=mmbt-small
  export OPENBLAS_NUM_THREADS=1
fi
if [ -n "$stage" ]; then
  jrun() { bash "$stage/run.sh" "$@"; }
  java_src="bundle $stage"
elif [ "$mode" = smoke ]; then
  . "$root/.mvn/find-jdk.sh"
  lib="$bench/target/lib"
  [ -d "$lib" ] || { echo "device.sh: no $lib: build first (bench/gpu/bundle --profile cpu)" >&2; exit 2; }
  # the JUnit 5.13 jars first: bench/target/lib also holds pdfbox's junit-jupiter 5.10 (never on the device)
  cp_="$root/target/classes:$root/target/test-classes:$bench/target/causalmm-bench-0.1.0-SNAPSHOT.jar:$(ls "$lib"/junit-*-{5.13.4,1.13.4}.jar | tr '\n' ':')$lib/*"
  jrun() { "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED ${JAVA_OPTS:-} -cp "$cp_" "$@"; }
  java_src="checkout build"
else
  jrun() { echo "gpu-bundle: not staged: no /opt/gpu-stage/ready (stage the parts first, bench/gpu/README.md)" >&2; return 3; }
  java_src="none (not staged)"
fi
export JAVA_OPTS="-Dorg.slf4j.simpleLogger.defaultLogLevel=warn ${JAVA_OPTS:-}"
# arrays do not cross `bash -c`: the iteration settings travel as words
py_it_s="${py_it[*]}"; jmh_it_s="${jmh_it[*]}"
twins() { "$python" "$bench/python/twins.py" --device "$dev" --threads "$(nproc)" $py_it_s "$@"; }
jmh() { jrun org.openjdk.jmh.Main "$@" $jmh_it_s; }
export -f jrun twins jmh
export python dev bench stage JAVA_HOME cp_ work py_it_s jmh_it_s JAVA_OPTS
export PYTHONUNBUFFERED=1

report() { "$python" "$here/summary.py" "$@"; }
# after every phase: the summary and the archive, written beside and then moved, so a kill never leaves half a file
finalize() {
  report summarize --dir "$work" --out "$OUT/summary" --machine "$machine" --device "$dev" --mode "$mode" \
    --budget "$budget" --elapsed "$(( $(date +%s) - start ))" > "$work/logs/report.log" 2>&1 \
    || say "report failed: $(tail -1 "$work/logs/report.log")"
  tar -C "$work" -czf "$OUT/.logs.tar.gz" . 2>/dev/null && mv -f "$OUT/.logs.tar.gz" "$OUT/logs.tar.gz"
}

# phase NAME CHECK CMD...: runs CMD under its timeout, then CHECK (summary.py: tests, jmh:N, twins:N) judges the output
phase() {
  local name="$1" check="$2"; shift 2
  local l res t rest=0 seen=0 n
  for n in "${names[@]}"; do [ $seen = 1 ] && rest=$((rest + pmin[$n])); [ "$n" = "$name" ] && seen=1; done
  l=$(left); t=$((l - rest)); [ $t -gt "${pcap[$name]}" ] && t=${pcap[$name]}
  if [ $t -lt "${pmin[$name]}" ]; then
    say "SKIP $name: ${l}s left, ${rest}s kept for the later phases' minimums, needs ${pmin[$name]}s"
    report record --dir "$work" --phase "$name" --group "${group[$name]}" --status skipped --timeout 0 --seconds 0 \
      --min "${pmin[$name]}" --cap "${pcap[$name]}" --reason "budget: ${l}s left, ${rest}s kept for later phases, needs ${pmin[$name]}s"
    finalize; return 0
  fi
  say "$name (timeout ${t}s; ${l}s left)"
  local t0 rc secs
  t0=$(date +%s)
  timeout -k 5 "$t" bash -c '"$@"' _ "$@" > "$work/logs/$name.log" 2>&1; rc=$?
  secs=$(( $(date +%s) - t0 ))
  report record --dir "$work" --phase "$name" --group "${group[$name]}" --rc "$rc" --timeout "$t" --seconds "$secs" \
    --min "${pmin[$name]}" --cap "${pcap[$name]}" --check "$check" --log "$work/logs/$name.log" --device "$dev"
  say "$name: $(tail -1 "$work/phases.jsonl" | cut -c1-200)"
  finalize
}

say "mode $mode, device $dev, Java from: $java_src, budget ${budget}s (minimums ${sum_min}s), results in $OUT"
{ echo "mode $mode; java from $java_src; git $(cat "$root/VERSION" 2>/dev/null || git -C "$root" rev-parse --short HEAD 2>/dev/null)"
  nvidia-smi 2>/dev/null || echo "no nvidia-smi"; nproc; cat /proc/loadavg
  "$python" -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, torch.cuda.is_available())'
  jrun -version 2>&1 | head -3
} > "$work/env.txt" 2>&1
report plan --dir "$work" --phases "$(for n in "${names[@]}"; do printf '%s:%s:%s:%s ' "$n" "${group[$n]}" "${pmin[$n]}" "${pcap[$n]}"; done)"
finalize

# 1. the CUDA tests
phase tests tests jrun dev.causalmm.bench.DeviceTests --pattern "$test_pattern" --json "$work/tests.json"
# 2. the paper-sized steps, Java then its twins, one configuration at a time
for reg in none c3r imml cmir; do
  modes=eager; expect=1
  case $reg in none|c3r) modes="eager,$graph_mode"; expect=2 ;; esac   # CmIR draws random numbers: no graph; IMML untried
  phase paper-$reg-java jmh:$expect jmh '\.TrainStepBenchmark\.' -p size=paper -p model=late-fusion -p regularizer=$reg \
    -p device=$dev -p mode=$modes -rf json -rff "$work/java-paper-$reg.json"
  phase paper-$reg-py twins:2 twins --bench trainstep --size paper --model late-fusion --reg $reg --compile \
    --append "$work/py-paper-$reg.jsonl"
done
# 3. loader + upload against the step it feeds
phase loader-java jmh:3 jmh '\.LoaderBenchmark\.' -p device=$dev -rf json -rff "$work/java-loader.json"
# 4. the U-Net step
nu=$(echo "$unet_sizes" | tr ',' '\n' | wc -l)
phase unet-java jmh:$nu jmh '\.SegmentationBenchmark\.' -p size=$unet_sizes -p device=$dev -rf json -rff "$work/java-unet.json"
phase unet-py twins:$nu twins --bench unet --size $unet_sizes --append "$work/py-unet.jsonl"
# 5. the large sizes
nl=$(echo "$large_regs" | tr ',' '\n' | wc -l); ni=$(echo "$imagetext_models" | tr ',' '\n' | wc -l)
phase large-java jmh:$nl jmh '\.TrainStepBenchmark\.' -p size=large -p batch=$large_batch -p model=late-fusion \
  -p regularizer=$large_regs -p device=$dev -rf json -rff "$work/java-large.json"
phase large-py twins:$nl twins --bench trainstep --size large --batch $large_batch --model late-fusion --reg $large_regs \
  --append "$work/py-large.jsonl"
phase imagetext-java jmh:$ni jmh '\.ImageTextStepBenchmark\.' -p model=$imagetext_models -p regularizer=none -p device=$dev \
  -rf json -rff "$work/java-imagetext.json"
phase imagetext-py twins:$ni twins --bench imagetext --model $imagetext_models --reg none --append "$work/py-imagetext.jsonl"

say "done in $(( $(date +%s) - start ))s of ${budget}s"
cat "$OUT/summary.md" 2>/dev/null | head -60
ls -la "$OUT"
rm -rf "$work"
# what comes back: <= 6 files, summary.json complete; the smoke also needs every phase "ok"
if [ "$mode" = smoke ]; then bash "$here/verify" --smoke "$OUT"; else bash "$here/verify" "$OUT" || true; fi
