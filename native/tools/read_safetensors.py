#!/usr/bin/env python3
"""Independent safetensors reader (numpy only): parses the header and the data of FILE and prints
one line per tensor, in header order:

    NAME<TAB>DTYPE<TAB>SHAPE<TAB>SUM

SHAPE is comma-separated (empty for a scalar); SUM is the float64 sum of the values (floating
types), so a caller can check the data as well as the layout. Metadata keys go to stderr.
Exit status 1 with a message on a malformed file. Written from the format's description, sharing
no code with causalmm's Java reader.
"""
import json
import struct
import sys

import numpy as np

DTYPES = {"F64": "<f8", "F32": "<f4", "F16": "<f2", "BF16": "<u2", "I64": "<i8", "I32": "<i4", "I16": "<i2",
          "I8": "i1", "U64": "<u8", "U32": "<u4", "U16": "<u2", "U8": "u1", "BOOL": "?"}


def read(path):
    with open(path, "rb") as f:
        raw = f.read(8)
        if len(raw) != 8:
            raise ValueError("shorter than the 8-byte header length")
        (n,) = struct.unpack("<Q", raw)
        header = json.loads(f.read(n).decode("utf-8"))
        data = np.fromfile(f, dtype=np.uint8)
    meta = header.pop("__metadata__", {})
    out = []
    for name, info in header.items():
        begin, end = info["data_offsets"]
        if not (0 <= begin <= end <= len(data)):
            raise ValueError(f"tensor {name}: data_offsets {begin}..{end} outside the {len(data)}-byte data section")
        values = data[begin:end].view(np.dtype(DTYPES[info["dtype"]]))
        if info["dtype"] == "BF16":  # bfloat16 is the top half of a float32
            values = (values.astype(np.uint32) << 16).view(np.float32)
        values = values.reshape(info["shape"])
        out.append((name, info["dtype"], tuple(info["shape"]), values))
    return meta, out


def main():
    if len(sys.argv) != 2:
        print("usage: read_safetensors.py FILE.safetensors", file=sys.stderr)
        return 2
    try:
        meta, tensors = read(sys.argv[1])
    except (ValueError, KeyError, TypeError) as e:
        print(f"{sys.argv[1]}: not a valid safetensors file: {e}", file=sys.stderr)
        return 1
    for k in meta:
        print(f"metadata {k}", file=sys.stderr)
    for name, dtype, shape, values in tensors:
        total = float(values.astype(np.float64).sum()) if values.dtype.kind == "f" else float("nan")
        print(f"{name}\t{dtype}\t{','.join(str(d) for d in shape)}\t{total!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
