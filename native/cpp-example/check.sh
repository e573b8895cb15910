#!/usr/bin/env bash
# Builds the C++ example against LibTorch and checks it reproduces the Java logits.
#
#   native/cpp-example/check.sh MODEL_DIR FIXTURE.safetensors [BUILD_DIR]
#
# MODEL_DIR: what `causalmm export` wrote (model.safetensors, and model.pt if present);
# FIXTURE: input0, input1, ... and the Java logits (the JUnit test ExportCliTest writes one).
# Exit status: 0 = matches, 1 = mismatch or build failure, 77 = skipped (no cmake, C++ compiler or
# LibTorch), with a message saying which. The build is cached in BUILD_DIR (default:
# target/cpp-example-build), so reruns only relink what changed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if [ $# -lt 2 ]; then
  echo "usage: $0 MODEL_DIR FIXTURE.safetensors [BUILD_DIR]" >&2
  exit 2
fi
model_dir="$1"; fixture="$2"
build="${3:-$here/../../target/cpp-example-build}"

skip() { echo "SKIP: $*"; exit 77; }
command -v cmake >/dev/null 2>&1 || skip "no cmake on PATH"
cxx="${CXX:-$(command -v c++ || command -v g++ || command -v clang++ || true)}"
[ -n "$cxx" ] || skip "no C++ compiler (c++, g++ or clang++) on PATH"
torch_dir=""
for d in ${Torch_DIR:-} /usr/lib/*/cmake/Torch /usr/share/cmake/Torch /usr/local/lib/cmake/Torch ${LIBTORCH:+$LIBTORCH/share/cmake/Torch}; do
  if [ -f "$d/TorchConfig.cmake" ]; then torch_dir="$d"; break; fi
done
[ -n "$torch_dir" ] || skip "no LibTorch found (install Debian's libtorch-dev, or set Torch_DIR / LIBTORCH)"

mkdir -p "$build"
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER="$cxx" -DTorch_DIR="$torch_dir" >"$build/configure.log" 2>&1 \
    || { cat "$build/configure.log"; echo "FAIL: cmake could not configure against $torch_dir"; exit 1; }
fi
cmake --build "$build" -j 2 >"$build/build.log" 2>&1 || { tail -40 "$build/build.log"; echo "FAIL: build failed"; exit 1; }

export OMP_NUM_THREADS=1
args=("$model_dir/model.safetensors" "$fixture")
[ -f "$model_dir/model.pt" ] && [ "${CHECK_ARCHIVE:-1}" = 1 ] && args+=("$model_dir/model.pt")
"$build/late_fusion" "${args[@]}"
