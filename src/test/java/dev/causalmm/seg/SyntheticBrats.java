package dev.causalmm.seg;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Synthetic 4-modality "brains" with a planted tumour, for tests: a noisy background, a sphere of
 * oedema (whole tumour) around a smaller core whose outer shell enhances. Each modality shows a
 * different part, as in real MRI: FLAIR and T2 light up the whole tumour, T1c the enhancing rim,
 * T1 darkens the core.
 */
final class SyntheticBrats {
    static final List<String> MODALITIES = List.of("flair", "t1", "t1c", "t2");

    private SyntheticBrats() {}

    /** A labelled case of side {@code n} with the modalities in {@code present} (bit i = MODALITIES[i]). */
    static SegVolume make(String id, int n, int present, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int voxels = n * n * n;
        double rw = n * (0.15 + 0.1 * r.nextDouble());
        double rc = rw * 0.55;
        double[] c = new double[3];
        for (int a = 0; a < 3; a++) c[a] = rw + 1 + r.nextDouble() * (n - 2 * rw - 2);
        byte[] regions = new byte[voxels];
        float[][] ch = new float[4][];
        for (int m = 0; m < 4; m++) if ((present >> m & 1) != 0) ch[m] = new float[voxels];
        for (int z = 0; z < n; z++) for (int y = 0; y < n; y++) for (int x = 0; x < n; x++) {
            int i = x + n * (y + n * z);
            double d = Math.sqrt((x - c[0]) * (x - c[0]) + (y - c[1]) * (y - c[1]) + (z - c[2]) * (z - c[2]));
            int b = 0;
            if (d <= rw) b |= SegVolume.WT;
            if (d <= rc) b |= SegVolume.TC | SegVolume.WT;
            if (d <= rc && d > rc - 1.6) b |= SegVolume.ET;
            regions[i] = (byte) b;
            double wt = (b & SegVolume.WT) != 0 ? 1 : 0;
            double tc = (b & SegVolume.TC) != 0 ? 1 : 0;
            double et = (b & SegVolume.ET) != 0 ? 1 : 0;
            double[] mean = {2.0 * wt, -1.5 * tc, 2.5 * et, 1.5 * wt + 0.5 * tc};
            for (int m = 0; m < 4; m++) {
                if (ch[m] != null) ch[m][i] = (float) (mean[m] + 0.35 * dev.causalmm.data.Gaussian.draw(r));
            }
        }
        return new SegVolume(id, new int[] {n, n, n}, MODALITIES, ch, regions,
                new VolumeGeometry(new int[] {n, n, n}, new int[] {0, 0, 0}, Path.of(id + ".nii.gz")));
    }
}
