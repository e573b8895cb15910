#!/usr/bin/env bash
# The η_rel sweep that chose C3R's default counterfactual step (docs/results.md, "The C3R step size").
# For each task and model: the base model and C3R at every η_rel, all seeds, then one table of
# test accuracy, the C3 diagnostic of the deployed predictor (necessity risk at its fixed step
# 0.1·‖Z‖) and C3R's own twin necessity, with Welch p-values against the base model.
# Usage: experiments/c3r-eta-sweep.sh [OUT]   (SEEDS=1,2,3 ETAS="0.05 0.1 0.2 0.5" to change)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-runs/c3r-eta-sweep}"
seeds="${SEEDS:-1,2,3,4,5}"
etas="${ETAS:-0.05 0.1 0.2 0.5}"
lock=()   # CAUSALMM_LOCK=FILE: take this flock around each run (to share the machine with other jobs)
[ -n "${CAUSALMM_LOCK:-}" ] && lock=(flock "$CAUSALMM_LOCK")
run() { # name, then train options
  local name="$1"; shift
  if [ -f "$out/$name/results.json" ]; then echo "kept $out/$name"; return; fi
  "${lock[@]}" "$here/causalmm" train "$@" --seed "$seeds" --out "$out/$name" > /dev/null
  echo "done $out/$name"
}
for task in mmlsyn:late-fusion mmlsyn:concat imagetext:late-fusion imagetext:concatbow; do
  ds="${task%%:*}"; model="${task#*:}"
  # the settings the committed sweep was run with (before the defaults were chosen from the data)
  extra=(--epochs 10 --batch-size 256 --schedule constant)
  [ "$ds" = imagetext ] && extra=(--epochs 8 --batch-size 64 --schedule constant)
  run "$ds-$model-none" --dataset "$ds" --model "$model" --regularizer none "${extra[@]}"
  for eta in $etas; do
    run "$ds-$model-c3r-$eta" --dataset "$ds" --model "$model" --regularizer c3r --c3r.eta "$eta" "${extra[@]}"
  done
done
python3 "$here/experiments/scripts/c3r_sweep_table.py" "$out" | tee "$out/table.md"
