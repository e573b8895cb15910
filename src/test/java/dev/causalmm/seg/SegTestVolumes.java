package dev.causalmm.seg;

import dev.causalmm.io.Nifti;
import dev.causalmm.io.NiftiDataType;
import dev.causalmm.io.NiftiHeader;
import dev.causalmm.io.NiftiImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Tiny synthetic BraTS-like cases written as NIfTI for the discovery and preprocessing tests. */
final class SegTestVolumes {
    static final int[] GRID = {20, 18, 12};

    private SegTestVolumes() {}

    static NiftiHeader geometry() {
        return NiftiHeader.of(GRID, NiftiDataType.FLOAT32).withData(GRID, NiftiDataType.FLOAT32, 1, 0);
    }

    static boolean inBrain(int x, int y, int z) {
        double dx = (x - 10) / 7.0, dy = (y - 9) / 6.0, dz = (z - 6) / 4.5;
        return dx * dx + dy * dy + dz * dz <= 1;
    }

    /** Raw intensities: mean {@code mean}, spread {@code std} inside an ellipsoid brain, 0 outside. */
    static float[] modality(long seed, double mean, double std) {
        Random r = new Random(seed);
        float[] v = new float[GRID[0] * GRID[1] * GRID[2]];
        for (int z = 0, i = 0; z < GRID[2]; z++) {
            for (int y = 0; y < GRID[1]; y++) {
                for (int x = 0; x < GRID[0]; x++, i++) if (inBrain(x, y, z)) v[i] = (float) (mean + std * r.nextGaussian());
            }
        }
        return v;
    }

    /** BraTS 2018 labels: a tumour ball at (9, 8, 6): ET core radius 1, NCR shell to 2, oedema to 3. */
    static byte[] labels2018() {
        byte[] v = new byte[GRID[0] * GRID[1] * GRID[2]];
        for (int z = 0, i = 0; z < GRID[2]; z++) {
            for (int y = 0; y < GRID[1]; y++) {
                for (int x = 0; x < GRID[0]; x++, i++) {
                    double d = Math.sqrt((x - 9) * (x - 9) + (y - 8) * (y - 8) + (z - 6) * (z - 6));
                    v[i] = (byte) (d <= 1 ? 4 : d <= 2 ? 1 : d <= 3 ? 2 : 0);
                }
            }
        }
        return v;
    }

    /** A BraTS 2018-style case folder {@code dir/id} with the given modalities (flair, t1, t1ce, t2) and a label. */
    static Path writeCase(Path dir, String id, String ext, boolean label, String... modalities) throws IOException {
        Path c = Files.createDirectories(dir.resolve(id));
        int k = 0;
        for (String m : modalities) {
            Nifti.write(c.resolve(id + "_" + m + ext), NiftiImage.ofFloats(geometry(), GRID, modality(id.hashCode() + k++, 300 + 50 * k, 40)));
        }
        if (label) Nifti.write(c.resolve(id + "_seg" + ext), NiftiImage.ofBytes(geometry(), GRID, labels2018()));
        return c;
    }
}
