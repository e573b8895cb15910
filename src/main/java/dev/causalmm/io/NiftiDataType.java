package dev.causalmm.io;

/**
 * The NIfTI voxel datatypes this package reads and writes, with their header codes. The issue asks
 * for uint8, int16, int32, float32 and float64; int8, uint16 and uint32 are accepted too because
 * converters write them and they cost nothing to convert. Complex, RGB, 64-bit integer and
 * float128 volumes are refused by the reader with a message naming the code.
 */
public enum NiftiDataType {
    UINT8(2, 1),
    INT16(4, 2),
    INT32(8, 4),
    FLOAT32(16, 4),
    FLOAT64(64, 8),
    INT8(256, 1),
    UINT16(512, 2),
    UINT32(768, 4);

    private final int code;
    private final int bytes;

    NiftiDataType(int code, int bytes) {
        this.code = code;
        this.bytes = bytes;
    }

    /** The header's {@code datatype} code. */
    public int code() {
        return code;
    }

    /** Bytes per voxel. */
    public int bytes() {
        return bytes;
    }

    /** The type with header code {@code code}, or {@code null} when this package does not support it. */
    public static NiftiDataType forCode(int code) {
        for (NiftiDataType t : values()) if (t.code == code) return t;
        return null;
    }

    /** A name for any NIfTI datatype code, supported or not, for error messages. */
    static String describe(int code) {
        NiftiDataType t = forCode(code);
        if (t != null) return t.name().toLowerCase() + " (" + code + ")";
        String name = switch (code) {
            case 0 -> "unknown";
            case 1 -> "binary";
            case 32 -> "complex64";
            case 128 -> "rgb24";
            case 1024 -> "int64";
            case 1280 -> "uint64";
            case 1536 -> "float128";
            case 1792 -> "complex128";
            case 2048 -> "complex256";
            case 2304 -> "rgba32";
            default -> "not a NIfTI datatype";
        };
        return name + " (" + code + ")";
    }
}
