#!/usr/bin/env bash
# usage: variants.sh DATA MODEL tag "args" [tag "args"...]
cd /work/wt/defaults
data=$1; model=$2; shift 2
while [ $# -gt 0 ]; do
  tag=$1; args=$2; shift 2
  out=/tmp/dfl/$(basename $data .mat)-$model-$tag; rm -rf $out
  s=$(date +%s.%N)
  /work/bin/lt ./causalmm -q train --dataset $data --model $model --seed 1,2 --out $out --no-progress $args > $out.log 2>&1
  e=$(date +%s.%N)
  python3 - "$out" "$tag" "$args" "$s" "$e" <<'PY'
import json,sys
out,tag,args,s,e=sys.argv[1:]
try:
    r=json.load(open(out+'/results.json'))
    accs=[run['final']['test']['accuracy'] for run in r['runs']]
    tl=r.get('trainingLength',{})
    w=[len(run.get('warnings',[])) for run in r['runs']]
    print(f"{tag:12s} {args:40s} acc={['%.4f'%a for a in accs]} mean={sum(accs)/len(accs):.4f} len={tl.get('epochs')}x{tl.get('batchSize')} warn={w} wall={float(e)-float(s):.0f}s total={r['timings']['totalSeconds']:.0f}s")
except Exception as ex:
    print(tag, 'FAILED', ex, open(out+'.log').read()[-500:])
PY
done
