package dev.causalmm.seg;

import java.nio.file.Path;

/**
 * Where a preprocessed (cropped) volume sits in its source image, so a prediction can be written
 * back as NIfTI with the input's geometry: pad the crop into {@code sourceShape} at
 * {@code cropOffset} and copy the header (qform/sform, pixdim) of {@code referenceImage}.
 *
 * @param sourceShape voxel counts {nx, ny, nz} of the source image
 * @param cropOffset first voxel {x, y, z} of the crop inside the source image
 * @param referenceImage a source NIfTI file of the case whose header the output copies
 */
public record VolumeGeometry(int[] sourceShape, int[] cropOffset, Path referenceImage) {
    public VolumeGeometry {
        if (sourceShape.length != 3 || cropOffset.length != 3) {
            throw new IllegalArgumentException("sourceShape and cropOffset need 3 entries (x, y, z)");
        }
        sourceShape = sourceShape.clone();
        cropOffset = cropOffset.clone();
    }

    @Override
    public int[] sourceShape() {
        return sourceShape.clone();
    }

    @Override
    public int[] cropOffset() {
        return cropOffset.clone();
    }
}
