#!/usr/bin/env bash
# one.sh OUTTAG SEEDS JAVAOPTS ARGS... : one train run, no lock (caller holds it)
cd /work/wt/defaults
tag=$1; seeds=$2; jo=$3; shift 3
out=/tmp/dfl/$tag; rm -rf $out
CAUSALMM_JAVA_OPTS="$jo" ./causalmm -q train --seed $seeds --out $out --no-progress "$@" > $out.log 2>&1
python3 - "$out" "$tag" <<'PY'
import json,sys
out,tag=sys.argv[1:]
try:
    r=json.load(open(out+'/results.json'))
    accs=[run['final']['test']['accuracy'] for run in r['runs']]
    tl=r.get('trainingLength',{})
    w=[len(run.get('warnings',[])) for run in r['runs']]
    print(f"{tag:28s} acc={['%.4f'%a for a in accs]} mean={sum(accs)/len(accs):.4f} len={tl.get('epochs')}x{tl.get('batchSize')} warn={w} total={r['timings']['totalSeconds']:.0f}s")
except Exception as ex:
    print(tag, 'FAILED', ex, open(out+'.log').read()[-500:])
PY
