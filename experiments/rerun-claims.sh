#!/usr/bin/env bash
# Reruns every result the README and docs/results.md cite, with 5 seeds, into OUT (default
# runs/claims): the demo, the Table-1 grids, the noise-robustness grids on the shipped real
# multi-view data (Handwritten, CUB), the C3R η_rel sweep, the missing-modality evaluations, and
# the synthetic C3R/IMML/CmIR/TMC tests whose printed numbers docs/results.md quotes.
# About 50 minutes on 2 CPU cores. CAUSALMM_LOCK=FILE takes a flock around each command.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-runs/claims}"
lock=()
[ -n "${CAUSALMM_LOCK:-}" ] && lock=(flock "$CAUSALMM_LOCK")
cm() { "${lock[@]}" "$here/causalmm" "$@"; }
mkdir -p "$out"
cm demo --out "$out/demo" > "$out/demo.txt"
for cfg in c3r-table1-mmlsyn c3r-table1-imagetext c3r-spurious-imagetext imml-table1-mmlsyn imml-table1-imagetext \
           featurefiles-handwritten featurefiles-cub; do
  cm experiment --config "$here/experiments/$cfg.json" --out "$out/$cfg" > /dev/null
  echo "done $cfg"
done
# modalities missing at test time: the seed-1 late-fusion model of the image+text grid
ck="$out/c3r-table1-imagetext/cells/late-fusion/checkpoints/late-fusion-seed1/model.ckpt"
for miss in none 1 0; do
  args=(); [ "$miss" != none ] && args=(--missing-modalities "$miss")
  cm eval --checkpoint "$ck" "${args[@]}" --out "$out/missing-$miss" > "$out/missing-$miss.txt"
done
SEEDS=1,2,3,4,5 CAUSALMM_LOCK="${CAUSALMM_LOCK:-}" "$here/experiments/c3r-eta-sweep.sh" "$out/c3r-eta-sweep"
"${lock[@]}" "$here/mvnw" -B -f "$here/pom.xml" test -Dcausalmm.diagnosis=true \
  -Dtest='C3RSyntheticTest,IMMLSyntheticTest,CmIRShiftedNoiseTest,TmcImageTextGapTest' > "$out/synthetic-tests.txt" 2>&1
echo "done: $out"
