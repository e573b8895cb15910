#!/usr/bin/env bash
# Runs the real-data grids of docs/results.md one JVM (one lock hold) per grid, in order of
# priority, and keeps each grid's small result files under experiments/realdata/results/<name>/.
# Usage (repository root, data/ linked to the data folder): experiments/scripts/realdata-grids.sh [grid.yaml...]
set -uo pipefail
LOCK="${LOCK:-}"   # e.g. LOCK=/work/bin/lt on a shared machine
mkdir -p runs
python3 experiments/scripts/bdgp-missing.py data/multiview/BDGP_fea_Per0.5.mat target/bdgp-missing 1 >/dev/null
for cfg in "$@"; do
  name=$(basename "$cfg" .yaml)
  start=$(date +%s)
  $LOCK ./causalmm -q experiment --config "$cfg" --out "runs/$name" --no-progress > "runs/$name.out" 2>&1
  echo "$name rc=$? $(( $(date +%s) - start ))s (incl. lock wait)"
  mkdir -p "experiments/realdata/results/$name"
  for f in runs/$name/cells/*/results.json; do
    [ -f "$f" ] || continue
    c=$(basename "$(dirname "$f")"); mkdir -p "experiments/realdata/results/$name/$c"; cp "$f" "experiments/realdata/results/$name/$c/"
  done
  cp runs/$name/report.md "experiments/realdata/results/$name/" 2>/dev/null || true
done
