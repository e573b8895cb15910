package dev.causalmm.eval;

/**
 * Székely's sample distance correlation (spec §1.4) between {@code X ∈ R^{n×p}} and
 * {@code Y ∈ R^{n×q}}: double-centred pairwise Euclidean distances, {@code dCor ∈ [0, 1]},
 * 0 for independence in the population and 1 for a similarity transform. O(n²) memory, plain
 * Java doubles (n = 500 in the MMLSynData protocol).
 */
final class DistanceCorrelation {
    private DistanceCorrelation() {}

    public static double of(double[][] x, double[][] y) {
        int n = x.length;
        if (n != y.length) throw new IllegalArgumentException("dCor needs paired samples: " + n + " vs " + y.length + " rows");
        if (n < 2) throw new IllegalArgumentException("dCor needs at least 2 samples, got " + n);
        double[][] a = centred(x);
        double[][] b = centred(y);
        double xy = 0, xx = 0, yy = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                xy += a[i][j] * b[i][j];
                xx += a[i][j] * a[i][j];
                yy += b[i][j] * b[i][j];
            }
        }
        double denom = Math.sqrt(xx * yy);
        if (denom == 0) return 0; // a constant variable is independent of everything
        return Math.sqrt(Math.max(0, xy) / denom);
    }

    /** Double-centred distance matrix {@code A_ij = a_ij − ā_i· − ā_·j + ā_··}. */
    private static double[][] centred(double[][] x) {
        int n = x.length;
        double[][] d = new double[n][n];
        double[] row = new double[n];
        double all = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double s = 0;
                for (int k = 0; k < x[i].length; k++) {
                    double t = x[i][k] - x[j][k];
                    s += t * t;
                }
                double dist = Math.sqrt(s);
                d[i][j] = dist;
                d[j][i] = dist;
            }
        }
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < n; j++) s += d[i][j];
            row[i] = s / n;
            all += s;
        }
        all /= (double) n * n;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) d[i][j] = d[i][j] - row[i] - row[j] + all;
        }
        return d;
    }
}
