package dev.causalmm.seg;

import java.util.Arrays;

/**
 * Per-region overlap and surface distance between a predicted and a ground-truth region map (bits
 * {@link SegVolume#WT}, {@link SegVolume#TC}, {@link SegVolume#ET} per voxel).
 */
public final class RegionMetrics {
    /**
     * HD95 when exactly one of prediction and ground truth is empty: the BraTS challenge's value
     * (the diagonal of the 240×240×155 grid), so such cases count as worst rather than vanish.
     */
    public static final double HD95_ONE_EMPTY = 373.13;

    private RegionMetrics() {}

    /** {@code 2|P∩G|/(|P|+|G|)}, and 1 when both are empty (BraTS convention, spec §6.2). */
    public static double dice(byte[] pred, byte[] truth, int bit) {
        check(pred, truth);
        long p = 0;
        long g = 0;
        long both = 0;
        for (int i = 0; i < pred.length; i++) {
            boolean a = (pred[i] & bit) != 0;
            boolean b = (truth[i] & bit) != 0;
            if (a) p++;
            if (b) g++;
            if (a && b) both++;
        }
        return p + g == 0 ? 1.0 : 2.0 * both / (p + g);
    }

    /**
     * The 95th-percentile symmetric Hausdorff distance in voxel units (MedPy's {@code hd95} without
     * {@code voxelspacing}): {@link #hd95(byte[], byte[], int, int[], double[])} with unit spacing.
     */
    public static double hd95(byte[] pred, byte[] truth, int bit, int[] shape) {
        return hd95(pred, truth, bit, shape, VolumeGeometry.UNIT_SPACING);
    }

    /**
     * The 95th-percentile symmetric Hausdorff distance in the units of {@code spacing} (MedPy's
     * {@code hd95(result, reference, voxelspacing)}: the larger of the two directed 95th percentiles
     * of the Euclidean distances between the surface voxels, with the x, y, z offsets scaled by the
     * voxel sizes, so anisotropic grids give physical distances). Surfaces are the region voxels
     * with a 6-neighbour outside the region, as MedPy's binary erosion with connectivity 1. 0 when
     * both are empty, {@link #HD95_ONE_EMPTY} when one is (whatever the unit).
     *
     * @param spacing voxel size along x, y, z (e.g. mm from {@link VolumeGeometry#spacing()})
     */
    public static double hd95(byte[] pred, byte[] truth, int bit, int[] shape, double[] spacing) {
        check(pred, truth);
        if (spacing.length != 3 || !(spacing[0] > 0 && spacing[1] > 0 && spacing[2] > 0)) {
            throw new IllegalArgumentException("spacing needs 3 entries > 0, got " + Arrays.toString(spacing));
        }
        boolean[] sp = surface(pred, bit, shape);
        boolean[] sg = surface(truth, bit, shape);
        boolean anyP = any(sp);
        boolean anyG = any(sg);
        if (!anyP && !anyG) return 0.0;
        if (!anyP || !anyG) return HD95_ONE_EMPTY;
        double a = percentile95(distancesAt(sp, sg, shape, spacing));
        double b = percentile95(distancesAt(sg, sp, shape, spacing));
        return Math.max(a, b);
    }

    private static void check(byte[] pred, byte[] truth) {
        if (pred.length != truth.length) {
            throw new IllegalArgumentException("prediction has " + pred.length + " voxels, ground truth " + truth.length);
        }
    }

    private static boolean any(boolean[] b) {
        for (boolean x : b) if (x) return true;
        return false;
    }

    /** Region voxels with a 6-neighbour outside the region (or on the grid's border). */
    static boolean[] surface(byte[] map, int bit, int[] s) {
        int nx = s[0];
        int ny = s[1];
        int nz = s[2];
        boolean[] out = new boolean[map.length];
        for (int z = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++) {
                    int i = x + nx * (y + ny * z);
                    if ((map[i] & bit) == 0) continue;
                    out[i] = x == 0 || x == nx - 1 || y == 0 || y == ny - 1 || z == 0 || z == nz - 1
                            || (map[i - 1] & bit) == 0 || (map[i + 1] & bit) == 0
                            || (map[i - nx] & bit) == 0 || (map[i + nx] & bit) == 0
                            || (map[i - nx * ny] & bit) == 0 || (map[i + nx * ny] & bit) == 0;
                }
            }
        }
        return out;
    }

    /** Euclidean distance (offsets scaled by {@code spacing}) from each {@code from} voxel to the nearest {@code to} voxel. */
    private static double[] distancesAt(boolean[] from, boolean[] to, int[] s, double[] spacing) {
        double[] d2 = squaredDistanceTransform(to, s, spacing);
        int n = 0;
        for (boolean b : from) if (b) n++;
        double[] out = new double[n];
        n = 0;
        for (int i = 0; i < from.length; i++) if (from[i]) out[n++] = Math.sqrt(d2[i]);
        return out;
    }

    /** Exact squared Euclidean distance transform in voxel units. */
    static double[] squaredDistanceTransform(boolean[] sites, int[] s) {
        return squaredDistanceTransform(sites, s, VolumeGeometry.UNIT_SPACING);
    }

    /**
     * Exact squared Euclidean distance transform (Felzenszwalb–Huttenlocher, separable, O(N)) with
     * the offset along axis a weighted by {@code spacing[a]}: each 1-D pass takes the lower envelope
     * of the parabolas {@code w²(q − p)² + f(p)}.
     */
    static double[] squaredDistanceTransform(boolean[] sites, int[] s, double[] spacing) {
        int nx = s[0];
        int ny = s[1];
        int nz = s[2];
        double inf = 1e20;
        double[] d = new double[sites.length];
        for (int i = 0; i < d.length; i++) d[i] = sites[i] ? 0 : inf;
        int maxN = Math.max(nx, Math.max(ny, nz));
        double[] f = new double[maxN];
        double[] out = new double[maxN];
        int[] v = new int[maxN];
        double[] zb = new double[maxN + 1];
        for (int z = 0; z < nz; z++) for (int y = 0; y < ny; y++) {
            int base = nx * (y + ny * z);
            for (int x = 0; x < nx; x++) f[x] = d[base + x];
            transform1d(f, nx, spacing[0] * spacing[0], out, v, zb);
            for (int x = 0; x < nx; x++) d[base + x] = out[x];
        }
        for (int z = 0; z < nz; z++) for (int x = 0; x < nx; x++) {
            for (int y = 0; y < ny; y++) f[y] = d[x + nx * (y + ny * z)];
            transform1d(f, ny, spacing[1] * spacing[1], out, v, zb);
            for (int y = 0; y < ny; y++) d[x + nx * (y + ny * z)] = out[y];
        }
        for (int y = 0; y < ny; y++) for (int x = 0; x < nx; x++) {
            for (int z = 0; z < nz; z++) f[z] = d[x + nx * (y + ny * z)];
            transform1d(f, nz, spacing[2] * spacing[2], out, v, zb);
            for (int z = 0; z < nz; z++) d[x + nx * (y + ny * z)] = out[z];
        }
        return d;
    }

    /** One pass: {@code d[q] = min_p w2·(q − p)² + f[p]} (parabola intersections in the index domain, so exact for any w2 > 0). */
    private static void transform1d(double[] f, int n, double w2, double[] d, int[] v, double[] z) {
        int k = 0;
        v[0] = 0;
        z[0] = Double.NEGATIVE_INFINITY;
        z[1] = Double.POSITIVE_INFINITY;
        for (int q = 1; q < n; q++) {
            double s;
            while (true) {
                int p = v[k];
                s = ((f[q] + w2 * q * q) - (f[p] + w2 * p * p)) / (2.0 * w2 * (q - p));
                if (s <= z[k] && k > 0) {
                    k--;
                } else {
                    break;
                }
            }
            if (s <= z[k]) {   // k == 0 and the new parabola dominates
                v[0] = q;
                z[0] = Double.NEGATIVE_INFINITY;
                z[1] = Double.POSITIVE_INFINITY;
                continue;
            }
            k++;
            v[k] = q;
            z[k] = s;
            z[k + 1] = Double.POSITIVE_INFINITY;
        }
        k = 0;
        for (int q = 0; q < n; q++) {
            while (z[k + 1] < q) k++;
            int p = v[k];
            d[q] = w2 * (q - p) * (q - p) + f[p];
        }
    }

    /** numpy's default (linear) 95th percentile. */
    static double percentile95(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        double pos = 0.95 * (v.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(v.length - 1, lo + 1);
        return v[lo] + (pos - lo) * (v[hi] - v[lo]);
    }
}
