package dev.causalmm.seg;

import dev.causalmm.io.NiftiHeader;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Where a preprocessed (cropped) volume sits in its source image, so a prediction can be written
 * back as NIfTI with the input's geometry: pad the crop into {@code sourceShape} at
 * {@code cropOffset} and copy the header (qform/sform, pixdim) of {@code referenceImage}; and the
 * physical size of a voxel, so surface distances (HD95) can be reported in millimetres on
 * anisotropic grids.
 *
 * @param sourceShape voxel counts {nx, ny, nz} of the source image
 * @param cropOffset first voxel {x, y, z} of the crop inside the source image
 * @param referenceImage a source NIfTI file of the case whose header the output copies
 * @param spacing voxel size in millimetres along x, y, z ({@link #spacingMm} of the reference header)
 */
public record VolumeGeometry(int[] sourceShape, int[] cropOffset, Path referenceImage, double[] spacing) {
    /** Isotropic 1 mm voxels (the BraTS grid), for volumes made without a header. */
    public static final double[] UNIT_SPACING = {1, 1, 1};

    public VolumeGeometry {
        if (sourceShape.length != 3 || cropOffset.length != 3) {
            throw new IllegalArgumentException("sourceShape and cropOffset need 3 entries (x, y, z)");
        }
        if (spacing.length != 3) throw new IllegalArgumentException("spacing needs 3 entries (x, y, z), got " + spacing.length);
        for (double s : spacing) {
            if (!(s > 0) || !Double.isFinite(s)) {
                throw new IllegalArgumentException("voxel spacing must be finite and > 0, got " + Arrays.toString(spacing));
            }
        }
        sourceShape = sourceShape.clone();
        cropOffset = cropOffset.clone();
        spacing = spacing.clone();
    }

    /** A geometry with 1 mm isotropic voxels ({@link #UNIT_SPACING}). */
    public VolumeGeometry(int[] sourceShape, int[] cropOffset, Path referenceImage) {
        this(sourceShape, cropOffset, referenceImage, UNIT_SPACING);
    }

    @Override
    public int[] sourceShape() {
        return sourceShape.clone();
    }

    @Override
    public int[] cropOffset() {
        return cropOffset.clone();
    }

    @Override
    public double[] spacing() {
        return spacing.clone();
    }

    /**
     * The voxel size in millimetres from a NIfTI header: {@code |pixdim[1..3]|} scaled by the spatial
     * unit of {@code xyzt_units} (metres ×1000, micrometres ×0.001; millimetres and "unknown" as
     * they are: NIfTI readers such as nibabel treat unknown as mm). An axis whose pixdim is 0 or not
     * finite (a broken header) counts as 1 mm.
     */
    public static double[] spacingMm(NiftiHeader h) {
        double unit = switch (h.xyztUnits() & 7) {
            case 1 -> 1000.0;    // NIFTI_UNITS_METER
            case 3 -> 0.001;     // NIFTI_UNITS_MICRON
            default -> 1.0;      // NIFTI_UNITS_MM, or unknown
        };
        double[] p = h.pixdim();
        double[] out = new double[3];
        for (int a = 0; a < 3; a++) {
            double s = Math.abs(p[a + 1]) * unit;
            out[a] = s > 0 && Double.isFinite(s) ? s : 1.0;
        }
        return out;
    }
}
