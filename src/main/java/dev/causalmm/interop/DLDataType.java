package dev.causalmm.interop;

import dev.causalmm.engine.DType;

/**
 * A DLPack element type ({@code DLDataType}: type code, bits, lanes) and its engine {@link DType}.
 * Only single-lane types the engine has cross the boundary; everything else is refused by name.
 */
record DLDataType(int code, int bits, int lanes) {
    public static final int INT = 0;
    public static final int UINT = 1;
    public static final int FLOAT = 2;
    public static final int OPAQUE_HANDLE = 3;
    public static final int BFLOAT = 4;
    public static final int COMPLEX = 5;
    public static final int BOOL = 6;

    /** The DLPack type of an engine dtype. */
    public static DLDataType of(DType d) {
        return switch (d) {
            case FLOAT32 -> new DLDataType(FLOAT, 32, 1);
            case FLOAT64 -> new DLDataType(FLOAT, 64, 1);
            case FLOAT16 -> new DLDataType(FLOAT, 16, 1);
            case BFLOAT16 -> new DLDataType(BFLOAT, 16, 1);
            case INT64 -> new DLDataType(INT, 64, 1);
            case INT32 -> new DLDataType(INT, 32, 1);
            case UINT8 -> new DLDataType(UINT, 8, 1);
            case BOOL -> new DLDataType(BOOL, 8, 1);
        };
    }

    /** The engine dtype, or an {@link IllegalArgumentException} that says what was found and what is supported. */
    public DType toDType() {
        if (lanes != 1) {
            throw new IllegalArgumentException("DLPack dtype " + this + " has " + lanes + " lanes; only scalar (lanes = 1) types are supported");
        }
        for (DType d : DType.values()) {
            if (of(d).equals(this)) return d;
        }
        throw new IllegalArgumentException("unsupported DLPack dtype " + this + "; supported: float32/64/16 (code 2), "
                + "bfloat16 (code 4, 16 bits), int64/int32 (code 0), uint8 (code 1, 8 bits), bool (code 6, 8 bits)");
    }

    private static String codeName(int code) {
        return switch (code) {
            case INT -> "int";
            case UINT -> "uint";
            case FLOAT -> "float";
            case OPAQUE_HANDLE -> "opaque";
            case BFLOAT -> "bfloat";
            case COMPLEX -> "complex";
            case BOOL -> "bool";
            default -> code >= 7 && code <= 17 ? "float8/6/4 variant" : "unknown";
        };
    }

    @Override
    public String toString() {
        return "(code " + code + " " + codeName(code) + ", bits " + bits + ", lanes " + lanes + ")";
    }
}
