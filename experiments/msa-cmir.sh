#!/usr/bin/env bash
# CmIR vs plain on the MSA sequence sets (docs/results.md, "Sentiment regression and CmIR (MSA sequences)"):
# late fusion and concat, with and without CmIR, 5 seeds, on ICT-MMMO (regression, L1) and YouTube
# (3 classes); the test set clean (ε = 0) and with noise ε = 10 on one modality (audio, then video: two
# runs whose clean numbers must agree, the training being deterministic). results.json of each run is
# kept under experiments/msa-cmir/<name>/; checkpoints stay under OUT.
# Usage: experiments/msa-cmir.sh DATA_ROOT [OUT]   (DATA_ROOT holds mmmo/ and youtube/)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="$1"
out="${2:-runs/msa-cmir}"
seeds="${SEEDS:-1,2,3,4,5}"
lock=()   # CAUSALMM_LOCK=FILE: take this flock around each run (to share the machine with other jobs)
[ -n "${CAUSALMM_LOCK:-}" ] && lock=(flock "$CAUSALMM_LOCK")
# NOISY / DATASETS choose a part (default: all); every clean number comes with the audio-noise runs, the video ones repeat them
for noisy in ${NOISY:-0:audio 1:video}; do
  for ds in ${DATASETS:-mmmo youtube}; do
    for model in late-fusion concat; do
      for reg in none cmir; do
        name="$ds-$model-$reg-noise-${noisy#*:}"
        if [ -f "$here/experiments/msa-cmir/$name/results.json" ]; then echo "kept $name"; continue; fi
        "${lock[@]}" "$here/causalmm" train --dataset "$data/$ds" --model "$model" --regularizer "$reg" --seed "$seeds" \
          --epochs 30 --batch-size 32 --schedule constant --early-stop 10 --eval-noise 0,10 --eval-noise-modalities "${noisy%%:*}" \
          --no-progress --out "$out/$name" > /dev/null
        mkdir -p "$here/experiments/msa-cmir/$name"
        cp "$out/$name/results.json" "$here/experiments/msa-cmir/$name/results.json"
        echo "done $name"
      done
    done
  done
done
python3 "$here/experiments/scripts/msa_cmir_table.py" "$here/experiments/msa-cmir" | tee "$here/experiments/msa-cmir/table.md"
