package dev.causalmm.interop;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.StructLayout;

/**
 * The DLPack 1.1 C structs as FFM layouts (x86-64/aarch64 LP64: 8-byte pointers, 4-byte enums),
 * field for field as in {@code native/dlpack-stage/include/dlpack/dlpack.h}. The byte offsets the
 * exchange code uses are derived from these layouts, and a test compares them with the C
 * compiler's {@code sizeof}/{@code offsetof}.
 */
public final class DLPackLayouts {
    private DLPackLayouts() {}

    /** {@code DLPackVersion { uint32_t major, minor; }}. */
    public static final StructLayout DL_PACK_VERSION = MemoryLayout.structLayout(
            JAVA_INT.withName("major"), JAVA_INT.withName("minor")).withName("DLPackVersion");

    /** {@code DLDevice { DLDeviceType device_type; int32_t device_id; }}. */
    public static final StructLayout DL_DEVICE = MemoryLayout.structLayout(
            JAVA_INT.withName("device_type"), JAVA_INT.withName("device_id")).withName("DLDevice");

    /** {@code DLDataType { uint8_t code; uint8_t bits; uint16_t lanes; }}. */
    public static final StructLayout DL_DATA_TYPE = MemoryLayout.structLayout(
            JAVA_BYTE.withName("code"), JAVA_BYTE.withName("bits"), JAVA_SHORT.withName("lanes")).withName("DLDataType");

    /** {@code DLTensor}: data, device, ndim, dtype, shape, strides, byte_offset (48 bytes). */
    public static final StructLayout DL_TENSOR = MemoryLayout.structLayout(
            ADDRESS.withName("data"),
            DL_DEVICE.withName("device"),
            JAVA_INT.withName("ndim"),
            DL_DATA_TYPE.withName("dtype"),
            ADDRESS.withName("shape"),
            ADDRESS.withName("strides"),
            JAVA_LONG.withName("byte_offset")).withName("DLTensor");

    /** {@code DLManagedTensor}: dl_tensor, manager_ctx, deleter (64 bytes). */
    public static final StructLayout DL_MANAGED_TENSOR = MemoryLayout.structLayout(
            DL_TENSOR.withName("dl_tensor"),
            ADDRESS.withName("manager_ctx"),
            ADDRESS.withName("deleter")).withName("DLManagedTensor");

    /** {@code DLManagedTensorVersioned}: version, manager_ctx, deleter, flags, dl_tensor (80 bytes). */
    public static final StructLayout DL_MANAGED_TENSOR_VERSIONED = MemoryLayout.structLayout(
            DL_PACK_VERSION.withName("version"),
            ADDRESS.withName("manager_ctx"),
            ADDRESS.withName("deleter"),
            JAVA_LONG.withName("flags"),
            DL_TENSOR.withName("dl_tensor")).withName("DLManagedTensorVersioned");

    // offsets inside DLTensor
    static final long T_DATA = off(DL_TENSOR, "data");
    static final long T_DEVICE_TYPE = off(DL_TENSOR, "device", "device_type");
    static final long T_DEVICE_ID = off(DL_TENSOR, "device", "device_id");
    static final long T_NDIM = off(DL_TENSOR, "ndim");
    static final long T_DTYPE_CODE = off(DL_TENSOR, "dtype", "code");
    static final long T_DTYPE_BITS = off(DL_TENSOR, "dtype", "bits");
    static final long T_DTYPE_LANES = off(DL_TENSOR, "dtype", "lanes");
    static final long T_SHAPE = off(DL_TENSOR, "shape");
    static final long T_STRIDES = off(DL_TENSOR, "strides");
    static final long T_BYTE_OFFSET = off(DL_TENSOR, "byte_offset");

    // offsets inside the two managed structs
    static final long M_TENSOR = off(DL_MANAGED_TENSOR, "dl_tensor");
    static final long M_CTX = off(DL_MANAGED_TENSOR, "manager_ctx");
    static final long M_DELETER = off(DL_MANAGED_TENSOR, "deleter");
    static final long V_MAJOR = off(DL_MANAGED_TENSOR_VERSIONED, "version", "major");
    static final long V_MINOR = off(DL_MANAGED_TENSOR_VERSIONED, "version", "minor");
    static final long V_CTX = off(DL_MANAGED_TENSOR_VERSIONED, "manager_ctx");
    static final long V_DELETER = off(DL_MANAGED_TENSOR_VERSIONED, "deleter");
    static final long V_FLAGS = off(DL_MANAGED_TENSOR_VERSIONED, "flags");
    static final long V_TENSOR = off(DL_MANAGED_TENSOR_VERSIONED, "dl_tensor");

    /** The DLPack version this code reads and writes. */
    public static final int MAJOR_VERSION = 1;
    public static final int MINOR_VERSION = 1;

    /** {@code DLPACK_FLAG_BITMASK_READ_ONLY}: the consumer must not write through the tensor. */
    public static final long FLAG_READ_ONLY = 1L;
    /** {@code DLPACK_FLAG_BITMASK_IS_COPIED}: the producer made a copy the consumer owns alone. */
    public static final long FLAG_IS_COPIED = 1L << 1;
    /** {@code DLPACK_FLAG_BITMASK_IS_SUBBYTE_TYPE_PADDED}. */
    public static final long FLAG_IS_SUBBYTE_TYPE_PADDED = 1L << 2;

    private static long off(StructLayout l, String... path) {
        PathElement[] p = new PathElement[path.length];
        for (int i = 0; i < path.length; i++) p[i] = PathElement.groupElement(path[i]);
        return l.byteOffset(p);
    }
}
