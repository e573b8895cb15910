#!/usr/bin/env bash
# docs/results.md, "Real multi-view data at the defaults": every shared multi-view file trained
# from the command line at the defaults (only --model, --seed and, for the C3R cells,
# --regularizer c3r), seeds 1-5 in one run per cell. One lock hold (LOCK=/work/bin/lt on a shared
# machine) per file and regulariser; results.json per cell under runs/defaults/<grid>/cells/<cell>/
# (the layout experiments/scripts/realdata-table.py reads) and experiments/realdata/defaults/.
# Usage (repository root, data/ linked to the data folder):
#   experiments/scripts/realdata-defaults.sh "none c3r" "late-fusion tmc" [name=file.mat ...]
set -uo pipefail
LOCK="${LOCK:-}"
regs=$1; models=$2; shift 2
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(realdata-orl=ORL.mat realdata-leaves100=100Leaves.mat realdata-3sources=3-sources.mat
  realdata-cub=cub_googlenet_doc2vec_c10.mat realdata-bdgp=BDGP_fea_Per0.5.mat realdata-handwritten=handwritten_6views.mat
  realdata-scene15=Scene-15.mat)
for reg in $regs; do
  for nf in "${files[@]}"; do
    name=${nf%%=*}; file=data/multiview/${nf#*=}
    cmds=""
    for m in $models; do
      cell=$m; extra=""
      [ "$reg" = none ] || { cell=$m+$reg; extra="--regularizer $reg"; }
      out=runs/defaults/$name/cells/$cell
      rm -rf "$out"; mkdir -p "$(dirname "$out")"
      cmds+="./causalmm -q train --dataset $file --model $m $extra --seed 1,2,3,4,5 --out $out --no-progress > $out.log 2>&1; "
    done
    start=$(date +%s)
    $LOCK bash -c "$cmds"
    echo "$name $reg: $(( $(date +%s) - start ))s (incl. lock wait)"
    for m in $models; do
      cell=$m; [ "$reg" = none ] || cell=$m+$reg
      mkdir -p "experiments/realdata/defaults/$name/$cell"
      cp "runs/defaults/$name/cells/$cell/results.json" "experiments/realdata/defaults/$name/$cell/" 2>/dev/null || echo "  $cell: no results"
    done
  done
done
