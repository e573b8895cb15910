#!/usr/bin/env bash
# Device side of bench/gpu/bundle: `bash .gpuK/stage.sh`, one call per part, K = 0 .. N-1 in order, each
# call within 30 s of the last (a machine idle for 30 s is given back, and a fresh one starts bare).
# Part 0 starts over; every part checks that the parts before it are there (else: "stage again from
# part 0", exit 3); the last part unpacks the stream into $GPU_STAGE (default /opt/gpu-stage).
set -euo pipefail
S=${GPU_STAGE:-/opt/gpu-stage}
HERE=$(cd "$(dirname "$0")" && pwd)
K=$(cat "$HERE/index"); N=$(cat "$HERE/nparts"); ID=$(cat "$HERE/bundle-id")
(cd "$HERE" && sha256sum -c --quiet part.sha256) || { echo "gpu-bundle: part $K is damaged (checksum): rebuild or recopy it" >&2; exit 4; }
if [ "$K" = 0 ]; then rm -rf "$S"; mkdir -p "$S/parts"; echo "$ID" > "$S/bundle-id"; fi
if [ ! -f "$S/bundle-id" ] || [ "$(cat "$S/bundle-id")" != "$ID" ]; then
  echo "gpu-bundle: part $K of bundle $ID, but this machine holds no part 0 of it (it went cold, or another bundle): stage again from part 0" >&2
  exit 3
fi
have=$(find "$S/parts" -name 'part.*' | wc -l)
if [ "$have" != "$K" ]; then
  echo "gpu-bundle: part $K expects parts 0..$((K - 1)) staged, found $have: stage again from part 0" >&2
  exit 3
fi
cp "$HERE"/part.[0-9]* "$S/parts/"
if [ $((K + 1)) -lt "$N" ]; then
  echo "gpu-bundle: part $K staged ($((K + 1)) of $N)"
  exit 0
fi
t0=$(date +%s)
cat "$S"/parts/part.* | xz -T0 -d | tar -C "$S" -xif -
rm -rf "$S/parts"
touch "$S/ready"
echo "gpu-bundle: $N parts staged and unpacked in $(( $(date +%s) - t0 )) s ($(cat "$S/VERSION")); next: bash $S/bench/gpu/device.sh"
