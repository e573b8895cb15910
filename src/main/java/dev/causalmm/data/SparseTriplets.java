package dev.causalmm.data;

import dev.causalmm.io.ArrayValue;

/**
 * A sparse view stored as a list of {@code (row, column, value)} triplets, one non-zero per line
 * (MATLAB's {@code [i, j, v] = find(S)}, 1-based), as some multi-view files ship their text views
 * (reuters.mat: 48686×3 for 600 documents). The column holding the sample index is the one whose
 * largest entry is the sample count; the other gives the feature. A list that does not fit is
 * refused with the reason, which the caller adds to its shape error.
 */
final class SparseTriplets {
    private static final long MAX_DENSE = 1L << 28;

    private SparseTriplets() {}

    /** The triplets of {@code a} ({@code m×3}) as a dense n×d view; IllegalArgumentException with the reason when they do not fit. */
    static FeatureFileDatasets.Mat read(ArrayValue.Numeric a, int n, String where, String labelVar) {
        int m = a.rows();
        double max0 = 0, max1 = 0;
        for (int i = 0; i < m; i++) {
            for (int c = 0; c < 2; c++) {
                double x = a.get(i, c);
                if (!(x >= 1 && x == Math.rint(x))) {
                    throw new IllegalArgumentException("line " + (i + 1) + " has index " + x + " in column " + (c + 1)
                            + ", not a positive whole number");
                }
            }
            max0 = Math.max(max0, a.get(i, 0));
            max1 = Math.max(max1, a.get(i, 1));
        }
        int sampleCol = pickSampleColumn(max0, max1, n, a, where, labelVar);
        int d = (int) (sampleCol == 0 ? max1 : max0);
        if ((long) n * d > MAX_DENSE) {
            throw new IllegalArgumentException(where + ": triplet-form sparse view of " + n + "×" + d + " is too large to densify");
        }
        double[] v = new double[n * d];
        for (int i = 0; i < m; i++) {
            int s = (int) a.get(i, sampleCol) - 1, f = (int) a.get(i, 1 - sampleCol) - 1;
            v[s * d + f] += a.get(i, 2);
        }
        return new FeatureFileDatasets.Mat(n, d, v, where + " (triplets)", false);
    }

    private static int pickSampleColumn(double max0, double max1, int n, ArrayValue.Numeric a, String where, String labelVar) {
        boolean fits0 = max0 <= n, fits1 = max1 <= n;
        if (max0 == n && max1 != n || fits0 && !fits1) return 0;
        if (max1 == n && max0 != n || fits1 && !fits0) return 1;
        throw new IllegalArgumentException("neither index column alone can be the sample of " + n + " (largest indices " + (long) max0
                + " and " + (long) max1 + ")");
    }
}
