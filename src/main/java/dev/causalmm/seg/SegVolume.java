package dev.causalmm.seg;

import java.util.List;
import java.util.Objects;

/**
 * One case after preprocessing, ready for patch sampling and sliding-window inference: every
 * modality on one voxel grid, normalised, cropped to the brain's bounding box.
 *
 * <p>Voxel order is NIfTI's: x fastest, then y, then z; index = x + nx·(y + ny·z). As a tensor
 * {@code [C, D, H, W]} this is D = z, H = y, W = x.
 *
 * @param id the case's name
 * @param shape voxel counts {nx, ny, nz} after cropping
 * @param modalities the dataset-wide modality order (the same for every case of a dataset)
 * @param channels one array per entry of {@code modalities}; {@code null} where the case lacks
 *     that modality
 * @param regions per-voxel region bits ({@link #WT} | {@link #TC} | {@link #ET}) from the label
 *     scheme, or {@code null} for an unlabelled case
 * @param geometry where the crop sits in the source image
 */
public record SegVolume(
        String id, int[] shape, List<String> modalities, float[][] channels, byte[] regions,
        VolumeGeometry geometry) {
    /** Region bit for the whole tumour. */
    public static final int WT = 1;
    /** Region bit for the tumour core. */
    public static final int TC = 2;
    /** Region bit for the enhancing tumour. */
    public static final int ET = 4;

    public SegVolume {
        Objects.requireNonNull(id, "id");
        if (shape.length != 3) {
            throw new IllegalArgumentException(id + ": shape needs 3 entries (nx, ny, nz), got " + shape.length);
        }
        shape = shape.clone();
        modalities = List.copyOf(modalities);
        if (channels.length != modalities.size()) {
            throw new IllegalArgumentException(id + ": " + channels.length + " channels for "
                    + modalities.size() + " modalities " + modalities);
        }
        long voxels = (long) shape[0] * shape[1] * shape[2];
        for (int c = 0; c < channels.length; c++) {
            if (channels[c] != null && channels[c].length != voxels) {
                throw new IllegalArgumentException(id + ": modality " + modalities.get(c) + " has "
                        + channels[c].length + " voxels, shape " + shape[0] + "x" + shape[1] + "x" + shape[2]
                        + " needs " + voxels);
            }
        }
        if (regions != null && regions.length != voxels) {
            throw new IllegalArgumentException(id + ": regions have " + regions.length + " voxels, expected " + voxels);
        }
        Objects.requireNonNull(geometry, "geometry");
    }

    /** Number of voxels. */
    public int voxelCount() {
        return shape[0] * shape[1] * shape[2];
    }

    /** Whether the case has modality {@code c} (index into {@link #modalities()}). */
    public boolean has(int c) {
        return channels[c] != null;
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }
}
