package dev.causalmm.engine;

import org.bytedeco.pytorch.global.torch.ScalarType;

/** Element types the library uses; a small enum so user code never sees LibTorch's {@code ScalarType}. */
public enum DType {
    FLOAT32(ScalarType.Float, 4),
    FLOAT64(ScalarType.Double, 8),
    FLOAT16(ScalarType.Half, 2),
    BFLOAT16(ScalarType.BFloat16, 2),
    INT64(ScalarType.Long, 8),
    INT32(ScalarType.Int, 4),
    UINT8(ScalarType.Byte, 1),
    BOOL(ScalarType.Bool, 1);

    final ScalarType scalarType;
    private final int byteSize;

    DType(ScalarType scalarType, int byteSize) {
        this.scalarType = scalarType;
        this.byteSize = byteSize;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    public boolean isFloatingPoint() {
        return this == FLOAT32 || this == FLOAT64 || this == FLOAT16 || this == BFLOAT16;
    }

    static DType of(ScalarType st) {
        for (DType d : values()) {
            if (d.scalarType.value == st.value) return d;
        }
        throw new IllegalArgumentException("unsupported LibTorch scalar type " + st);
    }
}
