package dev.causalmm.seg;

import dev.causalmm.io.Nifti;
import dev.causalmm.io.NiftiHeader;
import dev.causalmm.io.NiftiImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Puts predictions made on a cropped {@link SegVolume} back into the source image's space and
 * writes them as NIfTI with the source's geometry (pixdim, qform, sform, units), so viewers and
 * the BraTS evaluators overlay them on the input.
 */
public final class SegPredictions {
    private SegPredictions() {}

    /** Pads a cropped byte volume ({@code cropShape}) into the source grid, zeros outside. */
    public static byte[] uncrop(byte[] cropped, int[] cropShape, VolumeGeometry g) {
        int[] src = g.sourceShape(), off = g.cropOffset();
        check(cropped.length, cropShape, src, off);
        byte[] out = new byte[src[0] * src[1] * src[2]];
        for (int z = 0, i = 0; z < cropShape[2]; z++) {
            for (int y = 0; y < cropShape[1]; y++, i += cropShape[0]) {
                System.arraycopy(cropped, i, out, off[0] + src[0] * (off[1] + y + src[1] * (off[2] + z)), cropShape[0]);
            }
        }
        return out;
    }

    /** Pads a cropped float volume into the source grid, zeros outside. */
    public static float[] uncrop(float[] cropped, int[] cropShape, VolumeGeometry g) {
        int[] src = g.sourceShape(), off = g.cropOffset();
        check(cropped.length, cropShape, src, off);
        float[] out = new float[src[0] * src[1] * src[2]];
        for (int z = 0, i = 0; z < cropShape[2]; z++) {
            for (int y = 0; y < cropShape[1]; y++, i += cropShape[0]) {
                System.arraycopy(cropped, i, out, off[0] + src[0] * (off[1] + y + src[1] * (off[2] + z)), cropShape[0]);
            }
        }
        return out;
    }

    private static void check(int length, int[] crop, int[] src, int[] off) {
        if (length != crop[0] * crop[1] * crop[2]) {
            throw new IllegalArgumentException(length + " voxels for crop shape " + Arrays.toString(crop));
        }
        for (int a = 0; a < 3; a++) {
            if (off[a] < 0 || off[a] + crop[a] > src[a]) {
                throw new IllegalArgumentException("crop " + Arrays.toString(crop) + " at " + Arrays.toString(off)
                        + " does not fit the source grid " + Arrays.toString(src));
            }
        }
    }

    /**
     * Writes region bits predicted on the crop as a uint8 label volume in {@code scheme}'s numbering
     * ({@link LabelScheme#toLabels}), in the source grid and geometry ({@code .nii} or {@code .nii.gz}
     * by the name).
     */
    public static void writeLabels(Path out, byte[] croppedRegions, int[] cropShape, VolumeGeometry g, LabelScheme scheme)
            throws IOException {
        NiftiHeader ref = Nifti.readHeader(g.referenceImage());
        byte[] labels = scheme.toLabels(uncrop(croppedRegions, cropShape, g));
        Nifti.write(out, NiftiImage.ofBytes(ref, g.sourceShape(), labels));
    }

    /** Writes a float map (e.g. a region probability) predicted on the crop, in the source grid and geometry. */
    public static void writeFloats(Path out, float[] cropped, int[] cropShape, VolumeGeometry g) throws IOException {
        NiftiHeader ref = Nifti.readHeader(g.referenceImage());
        Nifti.write(out, NiftiImage.ofFloats(ref, g.sourceShape(), uncrop(cropped, cropShape, g)));
    }
}
