#!/usr/bin/env bash
# Device side of the one-call GPU check (bench/gpu/check prints the calls). After the bundle is
# staged (/opt/gpu-stage), one run does, within a time budget (default 420 s of the call):
#   1. the CUDA test classes (DeviceTests: every *Cuda*/*Gpu*/*Device*Test under dev.causalmm)
#   2. JMH TrainStep at paper size (16 steps), the same steps captured as CUDA graphs (mode=graph,
#      6 of them; docs/cuda-graphs.md), large widths at batch 256 and 4096, ImageTextStep
#      (late fusion, MMBT-small, spec-size MMBT) with -p device=cuda
#   3. per-op overhead (OpOverheadBenchmark, causalmm vs raw presets) and loader+upload throughput;
#      the 3-D U-Net training step (SegmentationBenchmark, seg-train's default network, batch 1) at
#      64³ and 128³
#   4. the PyTorch twins: eager for every Java configuration above (the U-Net's too), torch.compile(mode=
#      "reduce-overhead") for a subset (each compile costs tens of seconds)
#   5. bench/python/report.py: $OUT/<date>-<device>.{json,md} (ratios vs eager and vs compile)
# Each phase is skipped (and says so) once the budget is spent, so the call always returns results.
#
#   bash bench/gpu/device.sh                  # on the GPU machine ($OUT is set by the device tool)
#   bash bench/gpu/device.sh --cpu-smoke      # here: the same phases on CPU, tiny iteration counts
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bench="$(dirname "$here")"
root="$(dirname "$bench")"
mode=device; budget=${GPU_CHECK_BUDGET_S:-330}
[ "${1:-}" = "--cpu-smoke" ] && { mode=smoke; budget=${GPU_CHECK_BUDGET_S:-300}; }
OUT="${OUT:-/tmp/causalmm-gpu-check-$mode}"
mkdir -p "$OUT"
work="$(mktemp -d)"
start=$(date +%s)
log() { echo "== [$(( $(date +%s) - start ))s] $*"; }
left() { echo $(( budget - ($(date +%s) - start) )); }
# phase NAME MIN_SECONDS CMD...: runs CMD with a timeout of what is left, or skips it
phase() {
  local name="$1" need="$2"; shift 2
  local l; l=$(left)
  if [ "$l" -lt "$need" ]; then log "SKIP $name: ${l}s left, needs ~${need}s"; echo "$name" >> "$OUT/skipped.txt"; return 0; fi
  log "$name (${l}s left)"
  timeout "$l" bash -c '"$@"' _ "$@" > "$OUT/$name.log" 2>&1; local rc=$?   # jrun/twins are exported functions
  [ $rc = 0 ] || log "$name exited $rc (see $name.log)"; tail -3 "$OUT/$name.log"
  return 0
}

if [ "$mode" = device ]; then
  dev=cuda; python=python3
  jrun() { bash /opt/gpu-stage/run.sh "$@"; }
  cp_=""; JAVA_HOME=""
  jmh_it=(-f 0 -wi 1 -w 1 -i 2 -r 1)     # -f 0: one JVM, no CUDA re-init per configuration
  py_it="--warmup 1 --iters 2 --iter-time 1"
  name="$(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -1 | tr ' ' '-' | tr -cd 'A-Za-z0-9-')"
  machine="${name:-gpu}"
  big_batches=256,4096; big_py=(256 4096)
  imagetext_models=late-fusion,mmbt-small,mmbt
  unet_sizes=64,128
  graph_modes=graph   # eager-graphsafe (the optimizer alone) by hand: it costs ~20 s more here
else
  dev=cpu; python=/usr/bin/python3
  . "$root/.mvn/find-jdk.sh"
  # the JUnit 5.13 jars first: bench/target/lib may also hold older ones (copy-dependencies never cleans)
  cp_="$bench/target/causalmm-bench-0.1.0-SNAPSHOT.jar:$(ls "$bench"/target/lib/junit-*-{5.13.4,1.13.4}.jar | tr '\n' ':')$bench/target/lib/*:$root/target/test-classes"
  jrun() { "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$cp_" "$@"; }
  jmh_it=(-f 0 -wi 0 -i 1 -r 100ms)
  py_it="--warmup 0.1 --iters 1 --iter-time 0.1"
  machine=cpu-smoke
  big_batches=64; big_py=(64)
  imagetext_models=late-fusion,mmbt-small
  unet_sizes=64
  graph_modes=eager-graphsafe   # a CPU device refuses mode=graph (by design): rehearse the rest
  export OPENBLAS_NUM_THREADS=1
fi
export OUT
twins() { $python "$bench/python/twins.py" --device $dev --threads "$(nproc)" $py_it "$@"; }
export -f jrun twins
export python dev py_it bench JAVA_HOME cp_
log "mode $mode, device $dev, budget ${budget}s, results in $OUT"
{ nvidia-smi 2>/dev/null || echo "no nvidia-smi"; $python -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, torch.cuda.is_available())'; } > "$OUT/env.txt" 2>&1

phase tests 40 jrun dev.causalmm.bench.DeviceTests --json "$OUT/tests.json"
phase jmh-trainstep-paper 60 jrun org.openjdk.jmh.Main TrainStepBenchmark -p size=paper -p device=$dev "${jmh_it[@]}" \
  -rf json -rff "$work/java-trainstep-paper.json"
# CUDA graphs: paper-sized steps without random ops (CmIR draws on the device, so its capture is refused; not run here)
phase jmh-trainstep-graph 25 jrun org.openjdk.jmh.Main TrainStepBenchmark -p size=paper -p device=$dev -p mode=$graph_modes \
  -p model=late-fusion,concat,tmc -p regularizer=none,c3r "${jmh_it[@]}" -rf json -rff "$work/java-trainstep-graph.json"
phase jmh-trainstep-large 30 jrun org.openjdk.jmh.Main TrainStepBenchmark -p size=large -p batch=$big_batches -p device=$dev \
  -p model=late-fusion,concat -p regularizer=none,c3r "${jmh_it[@]}" -rf json -rff "$work/java-trainstep-large.json"
phase jmh-imagetext 30 jrun org.openjdk.jmh.Main ImageTextStepBenchmark -p model=$imagetext_models -p regularizer=none -p device=$dev \
  "${jmh_it[@]}" -rf json -rff "$work/java-imagetext.json"
phase jmh-ops 20 jrun org.openjdk.jmh.Main OpOverheadBenchmark -p device=$dev "${jmh_it[@]}" -rf json -rff "$work/java-ops.json"
phase jmh-unet 30 jrun org.openjdk.jmh.Main SegmentationBenchmark -p size=$unet_sizes -p device=$dev "${jmh_it[@]}" \
  -rf json -rff "$work/java-unet.json"
phase jmh-loader 15 jrun org.openjdk.jmh.Main LoaderBenchmark -p device=$dev "${jmh_it[@]}" -rf json -rff "$work/java-loader.json"
phase twins-paper 40 twins --bench trainstep --size paper --json "$work/py-trainstep-paper.json"
for b in "${big_py[@]}"; do
  phase twins-large-b$b 15 twins --bench trainstep --size large --batch $b --model late-fusion,concat --reg none,c3r --json "$work/py-trainstep-large-$b.json"
done
phase twins-unet 20 twins --bench unet --size $unet_sizes --json "$work/py-unet.json"
phase twins-imagetext 20 twins --bench imagetext --model $imagetext_models --reg none --json "$work/py-imagetext.json"
phase twins-ops 10 twins --ops --json "$work/py-ops.json"
# torch.compile(mode="reduce-overhead"): a subset, each compile takes tens of seconds
phase twins-compile 60 twins --bench trainstep --size paper --model late-fusion,concat,tmc --reg none,c3r --compile \
  --compile-models late-fusion,concat,tmc --json "$work/py-trainstep-compile.json"
cp "$work"/*.json "$OUT/" 2>/dev/null
log "report"
$python "$bench/python/report.py" --dir "$work" --machine "$machine" --device "$([ "$mode" = smoke ] && echo cpu-smoke-ungraded || echo $dev)" --threads "$(nproc)" \
  --load "$(cut -d' ' -f1-3 /proc/loadavg)" --command "bench/gpu/device.sh $*" \
  --java-version "$(jrun -version 2>&1 | head -1 || true)" --out "$OUT/$(date -u +%Y-%m-%d)-$machine" > "$OUT/report.log" 2>&1 \
  || log "report failed (see report.log)"
cat "$OUT"/*-"$machine".md 2>/dev/null | head -80
rm -rf "$work"
log "done in $(( $(date +%s) - start ))s"
