package dev.causalmm.seg;

import java.util.Arrays;

/**
 * Integer-factor resampling between a case's voxel grid and the coarser grid a model was trained
 * on. Training at half resolution (factor 2) gives a 48³ patch the context of a 96 mm cube at an
 * eighth of the cost, which is what lets a U-Net learn the whole tumour on two CPU cores within
 * minutes; evaluation still scores at full resolution, because probabilities are interpolated back
 * to the case's grid before thresholding.
 *
 * <p>Down: each coarse voxel is the mean of its {@code f³} block (blocks cut by the volume's edge
 * average the voxels that exist, like PyTorch's {@code avg_pool3d(ceil_mode=True)}); a region bit is
 * set where at least half of the block has it. Up: trilinear interpolation with PyTorch's
 * {@code align_corners=False} convention (coarse voxel centres at {@code f·(i + ½) − ½}), clamped at
 * the borders; a coarse voxel whose block is cut by the volume's edge sits at the centre of the
 * voxels it averaged.
 */
final class Resampling {
    private Resampling() {}

    /** The coarse shape of a grid of {@code shape} under factor {@code f} (ceil). */
    public static int[] coarseShape(int[] shape, int f) {
        if (f < 1) throw new IllegalArgumentException("resampling factor must be >= 1, got " + f);
        return new int[] {ceil(shape[0], f), ceil(shape[1], f), ceil(shape[2], f)};
    }

    /** {@code v} on the grid coarser by {@code f} (the same volume when {@code f == 1}). */
    public static SegVolume downsample(SegVolume v, int f) {
        if (f == 1) return v;
        int[] s = v.shape();
        int[] c = coarseShape(s, f);
        float[][] channels = new float[v.channels().length][];
        for (int m = 0; m < channels.length; m++) {
            if (v.channels()[m] != null) channels[m] = mean(v.channels()[m], s, c, f);
        }
        byte[] regions = v.regions() == null ? null : majority(v.regions(), s, c, f);
        return new SegVolume(v.id(), c, v.modalities(), channels, regions, v.geometry());
    }

    private static float[] mean(float[] src, int[] s, int[] c, int f) {
        float[] out = new float[c[0] * c[1] * c[2]];
        int[] count = new int[out.length];
        for (int z = 0; z < s[2]; z++) {
            int cz = z / f;
            for (int y = 0; y < s[1]; y++) {
                int row = c[0] * (y / f + c[1] * cz);
                int srcRow = s[0] * (y + s[1] * z);
                for (int x = 0; x < s[0]; x++) {
                    out[row + x / f] += src[srcRow + x];
                    count[row + x / f]++;
                }
            }
        }
        for (int i = 0; i < out.length; i++) out[i] /= count[i];
        return out;
    }

    private static byte[] majority(byte[] src, int[] s, int[] c, int f) {
        int n = c[0] * c[1] * c[2];
        int[][] hits = new int[3][n];
        int[] count = new int[n];
        for (int z = 0; z < s[2]; z++) {
            int cz = z / f;
            for (int y = 0; y < s[1]; y++) {
                int row = c[0] * (y / f + c[1] * cz);
                int srcRow = s[0] * (y + s[1] * z);
                for (int x = 0; x < s[0]; x++) {
                    int o = row + x / f;
                    int b = src[srcRow + x];
                    count[o]++;
                    for (int r = 0; r < 3; r++) if ((b >> r & 1) != 0) hits[r][o]++;
                }
            }
        }
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            int b = 0;
            for (int r = 0; r < 3; r++) if (2 * hits[r][i] >= count[i]) b |= 1 << r;
            out[i] = (byte) b;
        }
        return out;
    }

    /**
     * Trilinear interpolation of per-region values on the coarse grid {@code coarse} back to
     * {@code fine} (factor {@code f}).
     */
    public static float[][] upsample(float[][] values, int[] coarse, int[] fine, int f) {
        if (f == 1) return values;
        int[] expect = coarseShape(fine, f);
        if (!Arrays.equals(expect, coarse)) {
            throw new IllegalArgumentException("coarse grid " + Arrays.toString(coarse) + " is not " + Arrays.toString(fine)
                    + " / " + f + " = " + Arrays.toString(expect));
        }
        int[][] lo = new int[3][];
        float[][] wt = new float[3][];
        for (int a = 0; a < 3; a++) {
            // centre of coarse voxel j = centre of the fine block it averages; a block cut by the edge
            // is shorter, so its centre moves in (for full blocks this is f·(j + ½) − ½)
            double[] centre = new double[coarse[a]];
            for (int j = 0; j < coarse[a]; j++) centre[j] = (j * f + Math.min((j + 1) * f, fine[a]) - 1) / 2.0;
            lo[a] = new int[fine[a]];
            wt[a] = new float[fine[a]];
            int j = 0;
            for (int i = 0; i < fine[a]; i++) {
                while (j + 1 < coarse[a] && centre[j + 1] <= i) j++;
                lo[a][i] = j;
                wt[a][i] = j + 1 < coarse[a] && i > centre[j] ? (float) ((i - centre[j]) / (centre[j + 1] - centre[j])) : 0f;
            }
        }
        float[][] out = new float[values.length][fine[0] * fine[1] * fine[2]];
        int cx = coarse[0], cxy = coarse[0] * coarse[1];
        for (int r = 0; r < values.length; r++) {
            float[] v = values[r];
            float[] o = out[r];
            for (int z = 0; z < fine[2]; z++) {
                int z0 = lo[2][z], z1 = Math.min(z0 + 1, coarse[2] - 1);
                float wz = wt[2][z];
                for (int y = 0; y < fine[1]; y++) {
                    int y0 = lo[1][y], y1 = Math.min(y0 + 1, coarse[1] - 1);
                    float wy = wt[1][y];
                    int b00 = z0 * cxy + y0 * cx, b01 = z0 * cxy + y1 * cx, b10 = z1 * cxy + y0 * cx, b11 = z1 * cxy + y1 * cx;
                    int row = fine[0] * (y + fine[1] * z);
                    for (int x = 0; x < fine[0]; x++) {
                        int x0 = lo[0][x], x1 = Math.min(x0 + 1, coarse[0] - 1);
                        float wx = wt[0][x];
                        float c00 = v[b00 + x0] + wx * (v[b00 + x1] - v[b00 + x0]);
                        float c01 = v[b01 + x0] + wx * (v[b01 + x1] - v[b01 + x0]);
                        float c10 = v[b10 + x0] + wx * (v[b10 + x1] - v[b10 + x0]);
                        float c11 = v[b11 + x0] + wx * (v[b11 + x1] - v[b11 + x0]);
                        float c0 = c00 + wy * (c01 - c00);
                        float c1 = c10 + wy * (c11 - c10);
                        o[row + x] = c0 + wz * (c1 - c0);
                    }
                }
            }
        }
        return out;
    }

    private static int ceil(int n, int f) {
        return (n + f - 1) / f;
    }
}
