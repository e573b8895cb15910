package dev.causalmm.io;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Objects;

/**
 * A NIfTI volume: its header and its voxels in the stored datatype, in the machine's native byte
 * order, x fastest (index = x + nx·(y + ny·(z + nz·t))). Read images live in the {@code Arena} the
 * caller passed to {@link Nifti#read}; images made by {@link #ofFloats}/{@link #ofBytes} hold heap
 * segments.
 *
 * @param header the header (its {@code byteOrder} is the file's, used again when writing)
 * @param voxels {@code header.voxelCount() × datatype.bytes()} bytes
 */
public record NiftiImage(NiftiHeader header, MemorySegment voxels) {
    static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;
    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED;

    public NiftiImage {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(voxels, "voxels");
        long need = header.voxelCount() * header.datatype().bytes();
        if (voxels.byteSize() != need) {
            throw new IllegalArgumentException("voxels hold " + voxels.byteSize() + " bytes; " + header.datatype().name().toLowerCase()
                    + " dims " + Arrays.toString(header.dims()) + " need " + need);
        }
    }

    /** A float32 volume with the geometry (pixdim, qform, sform, units, byte order, version) of {@code geometryFrom}. */
    public static NiftiImage ofFloats(NiftiHeader geometryFrom, int[] dims, float[] data) {
        NiftiHeader h = geometryFrom.withData(dims, NiftiDataType.FLOAT32, 1, 0);
        return new NiftiImage(h, MemorySegment.ofArray(data.clone()));
    }

    /** A uint8 volume (labels) with the geometry of {@code geometryFrom}. */
    public static NiftiImage ofBytes(NiftiHeader geometryFrom, int[] dims, byte[] data) {
        NiftiHeader h = geometryFrom.withData(dims, NiftiDataType.UINT8, 1, 0);
        return new NiftiImage(h, MemorySegment.ofArray(data.clone()));
    }

    /** Number of voxels. */
    public long voxelCount() {
        return header.voxelCount();
    }

    /** Voxel {@code i} as stored (unsigned types read as unsigned), before scaling. */
    public double raw(long i) {
        return switch (header.datatype()) {
            case UINT8 -> voxels.get(ValueLayout.JAVA_BYTE, i) & 0xff;
            case INT8 -> voxels.get(ValueLayout.JAVA_BYTE, i);
            case INT16 -> voxels.getAtIndex(SHORT, i);
            case UINT16 -> voxels.getAtIndex(SHORT, i) & 0xffff;
            case INT32 -> voxels.getAtIndex(INT, i);
            case UINT32 -> voxels.getAtIndex(INT, i) & 0xffffffffL;
            case FLOAT32 -> voxels.getAtIndex(FLOAT, i);
            case FLOAT64 -> voxels.getAtIndex(DOUBLE, i);
        };
    }

    /** Voxel {@code i} with {@code scl_slope}/{@code scl_inter} applied. */
    public double value(long i) {
        double v = raw(i);
        return header.scaled() ? v * header.sclSlope() + header.sclInter() : v;
    }

    /**
     * All voxels as float32, scaling applied, x fastest. Large integer values round to the nearest
     * float, as NumPy's cast does.
     *
     * @throws IllegalStateException when the image has more than {@code Integer.MAX_VALUE - 8} voxels
     */
    public float[] toFloats() {
        long n = voxelCount();
        if (n > Integer.MAX_VALUE - 8) throw new IllegalStateException(n + " voxels do not fit one float array");
        float[] out = new float[(int) n];
        switch (header.datatype()) {
            case FLOAT32 -> MemorySegment.copy(voxels, FLOAT, 0, out, 0, out.length);
            case INT16 -> {
                for (int i = 0; i < out.length; i++) out[i] = voxels.getAtIndex(SHORT, i);
            }
            case UINT8 -> {
                for (int i = 0; i < out.length; i++) out[i] = voxels.get(ValueLayout.JAVA_BYTE, i) & 0xff;
            }
            default -> {
                for (int i = 0; i < out.length; i++) out[i] = (float) raw(i);
            }
        }
        if (header.scaled()) {
            // in double, then rounded once, like nibabel's float64 scaling
            double slope = header.sclSlope(), inter = header.sclInter();
            if (header.datatype() == NiftiDataType.FLOAT64) {
                for (int i = 0; i < out.length; i++) out[i] = (float) (voxels.getAtIndex(DOUBLE, i) * slope + inter);
            } else if (slope != 1 || inter != 0) {
                for (int i = 0; i < out.length; i++) out[i] = (float) (raw(i) * slope + inter);
            }
        }
        return out;
    }
}
