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
     * The 95th-percentile symmetric Hausdorff distance in voxels (MedPy's {@code hd95}: the larger of
     * the two directed 95th percentiles of the distances between the surface voxels). 0 when both
     * are empty, {@link #HD95_ONE_EMPTY} when one is. Distances are in voxel units (1 mm for BraTS).
     */
    public static double hd95(byte[] pred, byte[] truth, int bit, int[] shape) {
        check(pred, truth);
        boolean[] sp = surface(pred, bit, shape);
        boolean[] sg = surface(truth, bit, shape);
        boolean anyP = any(sp);
        boolean anyG = any(sg);
        if (!anyP && !anyG) return 0.0;
        if (!anyP || !anyG) return HD95_ONE_EMPTY;
        double a = percentile95(distancesAt(sp, sg, shape));
        double b = percentile95(distancesAt(sg, sp, shape));
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

    /** Euclidean distance from each {@code from} voxel to the nearest {@code to} voxel. */
    private static double[] distancesAt(boolean[] from, boolean[] to, int[] s) {
        double[] d2 = squaredDistanceTransform(to, s);
        int n = 0;
        for (boolean b : from) if (b) n++;
        double[] out = new double[n];
        n = 0;
        for (int i = 0; i < from.length; i++) if (from[i]) out[n++] = Math.sqrt(d2[i]);
        return out;
    }

    /** Exact squared Euclidean distance transform (Felzenszwalb–Huttenlocher, separable, O(N)). */
    static double[] squaredDistanceTransform(boolean[] sites, int[] s) {
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
            transform1d(f, nx, out, v, zb);
            for (int x = 0; x < nx; x++) d[base + x] = out[x];
        }
        for (int z = 0; z < nz; z++) for (int x = 0; x < nx; x++) {
            for (int y = 0; y < ny; y++) f[y] = d[x + nx * (y + ny * z)];
            transform1d(f, ny, out, v, zb);
            for (int y = 0; y < ny; y++) d[x + nx * (y + ny * z)] = out[y];
        }
        for (int y = 0; y < ny; y++) for (int x = 0; x < nx; x++) {
            for (int z = 0; z < nz; z++) f[z] = d[x + nx * (y + ny * z)];
            transform1d(f, nz, out, v, zb);
            for (int z = 0; z < nz; z++) d[x + nx * (y + ny * z)] = out[z];
        }
        return d;
    }

    private static void transform1d(double[] f, int n, double[] d, int[] v, double[] z) {
        int k = 0;
        v[0] = 0;
        z[0] = Double.NEGATIVE_INFINITY;
        z[1] = Double.POSITIVE_INFINITY;
        for (int q = 1; q < n; q++) {
            double s;
            while (true) {
                int p = v[k];
                s = ((f[q] + (double) q * q) - (f[p] + (double) p * p)) / (2.0 * q - 2.0 * p);
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
            d[q] = (double) (q - p) * (q - p) + f[p];
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
