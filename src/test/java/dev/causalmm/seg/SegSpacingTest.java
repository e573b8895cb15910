package dev.causalmm.seg;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.io.NiftiDataType;
import dev.causalmm.io.NiftiHeader;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * HD95 in millimetres on anisotropic grids: hand-computed distances, the weighted distance
 * transform against brute force, the spacing read from NIfTI headers (units, signs, broken
 * values) and kept by the preprocessing cache.
 */
class SegSpacingTest {
    private static final int[] GRID = {8, 8, 8};

    private static int at(int x, int y, int z) {
        return x + GRID[0] * (y + GRID[1] * z);
    }

    private static byte[] voxels(int[]... xyz) {
        byte[] v = new byte[GRID[0] * GRID[1] * GRID[2]];
        for (int[] p : xyz) v[at(p[0], p[1], p[2])] = SegVolume.WT;
        return v;
    }

    @Test
    void singleVoxelDistancesScaleWithTheSpacingOfEachAxis() {
        double[] sp = {1.5, 1.0, 3.0};
        // 3 voxels apart along x: 3 × 1.5 mm
        byte[] a = voxels(new int[] {2, 2, 2}), b = voxels(new int[] {5, 2, 2});
        assertEquals(3.0, RegionMetrics.hd95(a, b, SegVolume.WT, GRID), 1e-12);
        assertEquals(4.5, RegionMetrics.hd95(a, b, SegVolume.WT, GRID, sp), 1e-12);
        // 1 along y, 2 along z: sqrt(1² + (2·3)²) mm = sqrt(37)
        byte[] c = voxels(new int[] {2, 3, 4});
        assertEquals(Math.sqrt(5), RegionMetrics.hd95(a, c, SegVolume.WT, GRID), 1e-12);
        assertEquals(Math.sqrt(37), RegionMetrics.hd95(a, c, SegVolume.WT, GRID, sp), 1e-12);
        assertEquals(Math.sqrt(37), RegionMetrics.hd95(c, a, SegVolume.WT, GRID, sp), 1e-12, "symmetric");
    }

    @Test
    void percentileOverAShiftedSlabWithAnOutlier() {
        // truth: a 4×4 slab at z = 0; prediction: the slab at z = 1 plus one voxel at (3, 3, 5)
        byte[] truth = new byte[512], pred = new byte[512];
        for (int y = 0; y < 4; y++) for (int x = 0; x < 4; x++) {
            truth[at(x, y, 0)] = SegVolume.WT;
            pred[at(x, y, 1)] = SegVolume.WT;
        }
        pred[at(3, 3, 5)] = SegVolume.WT;
        double[] sp = {1, 1, 3};
        // pred → truth: 16 distances of 3 mm and one of 5 × 3 = 15 mm; numpy's 95th percentile of the
        // 17 sorted values: position 0.95 × 16 = 15.2 → 3 + 0.2 × (15 − 3) = 5.4. truth → pred: all 3 mm.
        assertEquals(5.4, RegionMetrics.hd95(pred, truth, SegVolume.WT, GRID, sp), 1e-12);
        // in voxels: 1 + 0.2 × (5 − 1) = 1.8
        assertEquals(1.8, RegionMetrics.hd95(pred, truth, SegVolume.WT, GRID), 1e-12);
        assertEquals(0.0, RegionMetrics.hd95(new byte[512], new byte[512], SegVolume.WT, GRID, sp));
        assertEquals(RegionMetrics.HD95_ONE_EMPTY, RegionMetrics.hd95(pred, new byte[512], SegVolume.WT, GRID, sp));
        assertThrows(IllegalArgumentException.class, () -> RegionMetrics.hd95(pred, truth, SegVolume.WT, GRID, new double[] {1, 0, 1}));
    }

    @Test
    void weightedDistanceTransformEqualsBruteForce() {
        Random r = new Random(5);
        for (int trial = 0; trial < 20; trial++) {
            int[] s = {3 + r.nextInt(7), 3 + r.nextInt(7), 3 + r.nextInt(7)};
            double[] sp = {0.3 + 3 * r.nextDouble(), 0.3 + 3 * r.nextDouble(), 0.3 + 3 * r.nextDouble()};
            int n = s[0] * s[1] * s[2];
            boolean[] sites = new boolean[n];
            for (int i = 0; i < n; i++) sites[i] = r.nextDouble() < 0.05;
            sites[r.nextInt(n)] = true;
            double[] d2 = RegionMetrics.squaredDistanceTransform(sites, s, sp);
            for (int i = 0; i < n; i++) {
                int x = i % s[0], y = i / s[0] % s[1], z = i / (s[0] * s[1]);
                double best = Double.POSITIVE_INFINITY;
                for (int j = 0; j < n; j++) {
                    if (!sites[j]) continue;
                    double dx = (x - j % s[0]) * sp[0], dy = (y - j / s[0] % s[1]) * sp[1], dz = (z - j / (s[0] * s[1])) * sp[2];
                    best = Math.min(best, dx * dx + dy * dy + dz * dz);
                }
                assertEquals(best, d2[i], 1e-9 * Math.max(1, best), "trial " + trial + " voxel " + i);
            }
        }
    }

    private static NiftiHeader header(double[] pixdim, int units) {
        NiftiHeader h = NiftiHeader.of(new int[] {4, 4, 4}, NiftiDataType.FLOAT32);
        return new NiftiHeader(1, ByteOrder.LITTLE_ENDIAN, h.dims(), pixdim, h.datatype(), 352, 1, 0, 0, new double[6], 0, new double[4],
                new double[4], new double[4], units, "", NiftiHeader.Details.NONE);
    }

    @Test
    void spacingFromTheHeaderInMillimetres() {
        assertArrayEquals(new double[] {1.2, 0.9, 2.0}, VolumeGeometry.spacingMm(header(new double[] {1, 1.2, 0.9, 2.0, 1, 0, 0, 0}, 2)));
        assertArrayEquals(new double[] {1.2, 0.9, 2.0}, VolumeGeometry.spacingMm(header(new double[] {-1, 1.2, -0.9, 2.0, 1, 0, 0, 0}, 10)),
                "mm with seconds; a negative pixdim counts by its size");
        assertArrayEquals(new double[] {1.5, 2, 3}, VolumeGeometry.spacingMm(header(new double[] {1, 0.0015, 0.002, 0.003, 0, 0, 0, 0}, 1)),
                1e-12, "metres");
        assertArrayEquals(new double[] {0.5, 1, 0.25}, VolumeGeometry.spacingMm(header(new double[] {1, 500, 1000, 250, 0, 0, 0, 0}, 3)),
                1e-12, "micrometres");
        assertArrayEquals(new double[] {1, 2, 1}, VolumeGeometry.spacingMm(header(new double[] {1, 0, 2, Double.NaN, 0, 0, 0, 0}, 0)),
                "unknown unit = mm; a zero or NaN pixdim counts as 1 mm");
        assertThrows(IllegalArgumentException.class, () -> new VolumeGeometry(new int[] {1, 1, 1}, new int[3], Path.of("x"), new double[] {1, -1, 1}));
    }

    @Test
    void theCacheKeepsTheSpacing() throws Exception {
        SegVolume v = new SegVolume("c", new int[] {2, 2, 1}, List.of("flair"), new float[][] {{1, 2, 3, 4}}, new byte[] {0, 1, 3, 7},
                new VolumeGeometry(new int[] {5, 5, 5}, new int[] {1, 2, 3}, Path.of("/d/c/flair.nii.gz"), new double[] {0.8, 1.25, 3}));
        var bytes = new ByteArrayOutputStream();
        SegCache.encode(new DataOutputStream(bytes), v, "k");
        SegVolume back = SegCache.decode(bytes.toByteArray(), "mem", "k");
        assertArrayEquals(new double[] {0.8, 1.25, 3}, back.geometry().spacing());
        assertArrayEquals(v.geometry().cropOffset(), back.geometry().cropOffset());
    }
}
