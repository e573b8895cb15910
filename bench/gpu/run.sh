#!/usr/bin/env bash
# Inside a staged bundle (bench/gpu/bundle): bash STAGE/run.sh [--cp JAR_OR_DIR] MAINCLASS ARGS...
# On the GPU machine the CUDA 13 libraries come from its PyTorch install (cudart, cuBLAS, cuDNN, NCCL);
# JAVA_OPTS passes JVM flags.
set -euo pipefail
S=$(cd "$(dirname "$0")" && pwd)
[ -f "$S/ready" ] || { echo "gpu-bundle: not staged (machine cold?): stage the parts again from part 0" >&2; exit 3; }
EXTRA=""
if [ "${1:-}" = "--cp" ]; then EXTRA="$(cd "$(dirname "$2")" && pwd)/$(basename "$2"):"; shift 2; fi
NV=$(python3 -c 'import nvidia;print(list(nvidia.__path__)[0])' 2>/dev/null \
  || python3 -c 'import site,os;d=site.getsitepackages()[0]+"/nvidia";print(d if os.path.isdir(d) else "")' 2>/dev/null || true)
if [ -n "$NV" ]; then
  for d in "$NV/cu13/lib" "$NV/cudnn/lib" "$NV/nccl/lib" "$NV/cusparselt/lib"; do
    [ -d "$d" ] && LD_LIBRARY_PATH="$d:${LD_LIBRARY_PATH:-}"
  done
  export LD_LIBRARY_PATH
fi
exec "$S/jre/bin/java" --enable-native-access=ALL-UNNAMED ${JAVA_OPTS:-} -cp "$EXTRA$S/natives:$S/lib/*" "$@"
