package dev.causalmm.io;

import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * The fields of a NIfTI-1 or NIfTI-2 header that describe a volume: its grid, voxel type, intensity
 * scaling and placement in space. {@link Nifti#write} writes all of them back; header extensions
 * are skipped on reading and not written.
 *
 * <p>NIfTI-1 stores most of these as float32 and NIfTI-2 as float64; both are held as
 * {@code double} here, so a NIfTI-1 round trip reproduces every bit.
 *
 * @param version 1 or 2
 * @param byteOrder the byte order of the file (the voxels of a {@link NiftiImage} are always native)
 * @param dims voxel counts per axis, x first: 1 to 4 entries, each at least 1 (dim[0] up to 7 is
 *     read when the axes past the 4th have size 1)
 * @param pixdim the 8 {@code pixdim} entries; {@code pixdim[0]} is the qform's qfac (±1)
 * @param datatype the stored voxel type
 * @param voxOffset where the voxels start in the (decompressed) file; informational, since the
 *     writer chooses its own (352 for NIfTI-1, 544 for NIfTI-2)
 * @param sclSlope intensity scale: value = stored · slope + inter; 0 or NaN means no scaling
 * @param sclInter intensity offset (used only when the slope applies)
 * @param qformCode the qform's meaning (0 = none)
 * @param quatern {quatern_b, quatern_c, quatern_d, qoffset_x, qoffset_y, qoffset_z}
 * @param sformCode the sform's meaning (0 = none)
 * @param srowX first row of the sform affine (4 entries)
 * @param srowY second row
 * @param srowZ third row
 * @param xyztUnits spatial and temporal units code
 * @param descrip the free-text description (at most 80 bytes)
 * @param details the remaining fields, kept for round trips
 */
public record NiftiHeader(
        int version, ByteOrder byteOrder, int[] dims, double[] pixdim, NiftiDataType datatype, long voxOffset,
        double sclSlope, double sclInter, int qformCode, double[] quatern, int sformCode, double[] srowX,
        double[] srowY, double[] srowZ, int xyztUnits, String descrip, Details details) {

    /**
     * The header fields a volume pipeline rarely looks at, kept so that a written file says what
     * the read one said.
     */
    public record Details(
            int dimInfo, int intentCode, double intentP1, double intentP2, double intentP3, String intentName,
            long sliceStart, long sliceEnd, int sliceCode, double sliceDuration, double toffset, double calMin,
            double calMax, String auxFile) {
        /** All zero and empty. */
        public static final Details NONE = new Details(0, 0, 0, 0, 0, "", 0, 0, 0, 0, 0, 0, 0, "");

        public Details {
            Objects.requireNonNull(intentName, "intentName");
            Objects.requireNonNull(auxFile, "auxFile");
        }
    }

    public NiftiHeader {
        if (version != 1 && version != 2) throw new IllegalArgumentException("NIfTI version must be 1 or 2, got " + version);
        Objects.requireNonNull(byteOrder, "byteOrder");
        Objects.requireNonNull(datatype, "datatype");
        Objects.requireNonNull(descrip, "descrip");
        Objects.requireNonNull(details, "details");
        if (dims.length < 1 || dims.length > 4) throw new IllegalArgumentException("dims need 1 to 4 entries, got " + Arrays.toString(dims));
        for (int d : dims) if (d < 1) throw new IllegalArgumentException("dims must be >= 1, got " + Arrays.toString(dims));
        if (pixdim.length != 8) throw new IllegalArgumentException("pixdim needs 8 entries, got " + pixdim.length);
        if (quatern.length != 6) throw new IllegalArgumentException("quatern needs 6 entries (b, c, d, qoffset x, y, z), got " + quatern.length);
        if (srowX.length != 4 || srowY.length != 4 || srowZ.length != 4) throw new IllegalArgumentException("srow_x/y/z need 4 entries each");
        dims = dims.clone();
        pixdim = pixdim.clone();
        quatern = quatern.clone();
        srowX = srowX.clone();
        srowY = srowY.clone();
        srowZ = srowZ.clone();
    }

    /**
     * A plain header for a new volume: NIfTI-1, little-endian, 1 mm voxels, no qform or sform
     * (readers then fall back to pixdim scaling).
     */
    public static NiftiHeader of(int[] dims, NiftiDataType datatype) {
        return new NiftiHeader(1, ByteOrder.LITTLE_ENDIAN, dims, new double[] {1, 1, 1, 1, 1, 1, 1, 1}, datatype, 352, 1, 0, 0,
                new double[6], 0, new double[4], new double[4], new double[4], 2 /* mm */, "", Details.NONE);
    }

    /** Number of voxels (all axes, volumes included). */
    public long voxelCount() {
        long n = 1;
        for (int d : dims) n *= d;
        return n;
    }

    /** Whether {@link #sclSlope} applies: it is neither 0 nor NaN (nor infinite). */
    public boolean scaled() {
        return sclSlope != 0 && Double.isFinite(sclSlope);
    }

    /** The same geometry with other dims, datatype and scaling (e.g. a float prediction for a labelled input). */
    public NiftiHeader withData(int[] newDims, NiftiDataType newType, double slope, double inter) {
        return new NiftiHeader(version, byteOrder, newDims, pixdim, newType, voxOffset, slope, inter, qformCode, quatern, sformCode,
                srowX, srowY, srowZ, xyztUnits, descrip, details);
    }

    /** The same header written as NIfTI-{@code newVersion} in {@code order}. */
    public NiftiHeader withFormat(int newVersion, ByteOrder order) {
        return new NiftiHeader(newVersion, order, dims, pixdim, datatype, voxOffset, sclSlope, sclInter, qformCode, quatern,
                sformCode, srowX, srowY, srowZ, xyztUnits, descrip, details);
    }

    @Override
    public int[] dims() {
        return dims.clone();
    }

    @Override
    public double[] pixdim() {
        return pixdim.clone();
    }

    @Override
    public double[] quatern() {
        return quatern.clone();
    }

    @Override
    public double[] srowX() {
        return srowX.clone();
    }

    @Override
    public double[] srowY() {
        return srowY.clone();
    }

    @Override
    public double[] srowZ() {
        return srowZ.clone();
    }

    /** Equal when every field is, arrays compared by content; {@link #voxOffset} is ignored (the writer picks its own). */
    @Override
    public boolean equals(Object o) {
        return o instanceof NiftiHeader h && version == h.version && byteOrder.equals(h.byteOrder) && Arrays.equals(dims, h.dims)
                && Arrays.equals(pixdim, h.pixdim) && datatype == h.datatype && Double.compare(sclSlope, h.sclSlope) == 0
                && Double.compare(sclInter, h.sclInter) == 0 && qformCode == h.qformCode && Arrays.equals(quatern, h.quatern)
                && sformCode == h.sformCode && Arrays.equals(srowX, h.srowX) && Arrays.equals(srowY, h.srowY)
                && Arrays.equals(srowZ, h.srowZ) && xyztUnits == h.xyztUnits && descrip.equals(h.descrip) && details.equals(h.details);
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, byteOrder, Arrays.hashCode(dims), Arrays.hashCode(pixdim), datatype, sclSlope, sclInter,
                qformCode, Arrays.hashCode(quatern), sformCode, Arrays.hashCode(srowX), Arrays.hashCode(srowY), Arrays.hashCode(srowZ),
                xyztUnits, descrip, details);
    }

    @Override
    public String toString() {
        return "NiftiHeader[NIfTI-" + version + " " + (byteOrder == ByteOrder.BIG_ENDIAN ? "big" : "little") + "-endian "
                + datatype.name().toLowerCase() + " dims " + Arrays.toString(dims) + " pixdim " + Arrays.toString(pixdim)
                + " scl " + sclSlope + "/" + sclInter + " qform " + qformCode + " sform " + sformCode + "]";
    }
}
