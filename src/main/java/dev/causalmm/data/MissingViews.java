package dev.causalmm.data;

import java.util.Arrays;
import java.util.List;

/**
 * Finds which views are absent for which samples in a feature file, and makes the arrays safe to
 * train on. Incomplete multi-view sets mark a sample's missing view with an all-NaN row/column of
 * that view (and often an indicator matrix such as {@code MissingStatus}); such a view is a
 * missing modality for that sample, so its values are zero-filled and the sample's availability
 * mask says so. Non-finite values anywhere else are an error that names the variable, row and
 * column, never left for the trainer to report as a divergence.
 */
public final class MissingViews {
    private MissingViews() {}

    /** What to do with NaN inside a view that is otherwise present for that sample. */
    public enum NanPolicy {
        /** Refuse the file, naming the variable, row and column (the default). */
        ERROR,
        /** Read a stray NaN as 0 (after standardisation: the training mean). */
        ZERO
    }

    /**
     * One view's values as read: {@code n×d} row-major, and where they came from for messages.
     *
     * @param transposed the file stored it d×n (so file row = feature, file column = sample)
     */
    public record View(String where, int n, int d, double[] v, boolean transposed) {
        String cell(int sample, int feature) {
            int row = transposed ? feature : sample, col = transposed ? sample : feature;
            return where + " at row " + (row + 1) + ", column " + (col + 1) + " (sample " + (sample + 1) + ", feature " + (feature + 1) + ")";
        }
    }

    /**
     * What was found: {@code available[i][k]} (null when every view of every sample is present), how
     * the marks were found, the absent count per view, and a note (e.g. an indicator that was ignored).
     */
    public record Marks(boolean[][] available, String source, int[] absentPerView, String note) {
        /** Samples with at least one view absent. */
        public int incomplete() {
            if (available == null) return 0;
            int c = 0;
            for (boolean[] row : available) for (boolean a : row) if (!a) { c++; break; }
            return c;
        }
    }

    /**
     * Scans the views (all with the same n), zero-fills the all-NaN ones per sample, and combines
     * the result with an optional indicator ({@code absent[i][k]}, true = missing).
     *
     * @param indicator       null, or the file's own marks
     * @param indicatorWhere  where the indicator came from, for the record
     * @param trustIndicator  true when a manifest names it (used even where it disagrees with the NaN marks)
     */
    public static Marks find(List<View> views, NanPolicy policy, boolean[][] indicator, String indicatorWhere, boolean trustIndicator) {
        int k = views.size(), n = views.getFirst().n();
        boolean[][] absent = new boolean[n][k];
        boolean anyNan = false;
        for (int j = 0; j < k; j++) anyNan |= scan(views.get(j), j, absent, policy);
        String source = anyNan ? "all-NaN samples of a view" : null, note = null;
        if (indicator != null) {
            int disagree = 0;
            for (int i = 0; i < n; i++) for (int j = 0; j < k; j++) if (indicator[i][j] != absent[i][j]) disagree++;
            if (trustIndicator || !anyNan) {
                for (int i = 0; i < n; i++) for (int j = 0; j < k; j++) absent[i][j] |= indicator[i][j];
                source = source == null ? indicatorWhere : source + " and " + indicatorWhere;
            } else if (disagree > 0) {
                note = indicatorWhere + " ignored: it disagrees with the all-NaN marks in " + disagree + " of " + n * k
                        + " (sample, view) entries; name it as the manifest's 'missing' to use it";
            }
        }
        if (source != null) for (int j = 0; j < k; j++) zeroAbsent(views.get(j), j, absent);
        int[] perView = new int[k];
        boolean any = false;
        for (boolean[] row : absent) for (int j = 0; j < k; j++) if (row[j]) { perView[j]++; any = true; }
        if (!any) return new Marks(null, "none", perView, note);
        boolean[][] available = new boolean[n][k];
        for (int i = 0; i < n; i++) for (int j = 0; j < k; j++) available[i][j] = !absent[i][j];
        return new Marks(available, source, perView, note);
    }

    /** Marks all-NaN samples of view {@code j} absent; refuses ±Inf and (by policy) stray NaN. True when a sample was all NaN. */
    private static boolean scan(View view, int j, boolean[][] absent, NanPolicy policy) {
        boolean found = false;
        for (int i = 0; i < view.n(); i++) {
            int nan = 0, firstNan = -1;
            for (int f = 0; f < view.d(); f++) {
                double x = view.v()[i * view.d() + f];
                if (Double.isNaN(x)) {
                    if (nan++ == 0) firstNan = f;
                } else if (Double.isInfinite(x)) {
                    throw new IllegalArgumentException(view.cell(i, f) + " is " + x + "; features must be finite numbers");
                }
            }
            if (nan == view.d() && view.d() > 0) {
                absent[i][j] = true;
                found = true;
            } else if (nan > 0 && policy == NanPolicy.ERROR) {
                throw new IllegalArgumentException(view.cell(i, firstNan) + " is NaN while " + (view.d() - nan) + " of the sample's "
                        + view.d() + " features are present: a partly missing view. A view that is wholly NaN for a sample marks it"
                        + " missing; use --nan-policy zero (or the manifest's nanPolicy: zero) to read stray NaN as 0");
            } else if (nan > 0) {
                for (int f = 0; f < view.d(); f++) if (Double.isNaN(view.v()[i * view.d() + f])) view.v()[i * view.d() + f] = 0;
            }
        }
        return found;
    }

    private static void zeroAbsent(View view, int j, boolean[][] absent) {
        for (int i = 0; i < view.n(); i++) if (absent[i][j]) Arrays.fill(view.v(), i * view.d(), (i + 1) * view.d(), 0);
    }

    /**
     * An indicator matrix ({@code n×K} or {@code K×n}, 0/1) as {@code absent[i][k]}: 1 means missing.
     *
     * @param data  the indicator's values, row-major {@code rows×cols}
     */
    public static boolean[][] indicator(double[] data, int rows, int cols, int n, int views, String where) {
        boolean samplesAreRows = rows == n && cols == views;
        if (!samplesAreRows && !(rows == views && cols == n)) {
            throw new IllegalArgumentException(where + " is " + rows + "×" + cols + "; a missing-view indicator is " + n + "×" + views
                    + " (samples × views) or " + views + "×" + n);
        }
        boolean[][] absent = new boolean[n][views];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < views; k++) {
                double x = samplesAreRows ? data[i * cols + k] : data[k * cols + i];
                if (x != 0 && x != 1) {
                    throw new IllegalArgumentException(where + ": entry for sample " + (i + 1) + ", view " + (k + 1) + " is " + x
                            + "; a missing-view indicator holds 0 (present) or 1 (missing)");
                }
                absent[i][k] = x == 1;
            }
        }
        return absent;
    }
}
