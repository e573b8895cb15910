package dev.causalmm.data;

import java.util.List;

/**
 * How a feature file becomes train/validation/test sets. A manifest's own settings take precedence.
 *
 * @param trainRatio  share of the samples for training when the file has no split of its own
 * @param valRatio    share for validation: of all samples when the file has no split, of the
 *                    training part when it gives train/test (0: no validation set)
 * @param testRatio   share for testing when the file has no split
 * @param splitSeed   seed of the stratified splits
 * @param standardize z-score every view with the training split's mean and std (constant features keep std 1)
 * @param orientation {@code auto} (decide n×d or d×n from the label count), {@code rows} (samples are
 *                    rows) or {@code columns}
 * @param skipBad     skip CSV rows that cannot be read (counted in the dataset's info) instead of failing
 * @param labelColumn the CSV label column (a header name or 0-based index); null: {@code label}, or the last column
 * @param nanPolicy   NaN inside a view that is otherwise present for a sample: {@code ERROR} (default) or {@code ZERO};
 *                    a view that is all NaN for a sample is always that sample's missing view
 */
public record FeatureFileOptions(double trainRatio, double valRatio, double testRatio, long splitSeed, boolean standardize,
                                 String orientation, boolean skipBad, String labelColumn, MissingViews.NanPolicy nanPolicy) {
    public FeatureFileOptions {
        if (nanPolicy == null) nanPolicy = MissingViews.NanPolicy.ERROR;
        if (orientation == null) orientation = "auto";
        if (!orientation.equals("auto") && !orientation.equals("rows") && !orientation.equals("columns")) {
            throw new IllegalArgumentException("orientation must be auto, rows or columns, got '" + orientation + "'");
        }
        for (double r : new double[] {trainRatio, valRatio, testRatio}) {
            if (!(r >= 0 && r < 1 || r == 1 && trainRatio == 1)) throw new IllegalArgumentException("split ratios must be in [0, 1), got " + r);
        }
        if (trainRatio <= 0) throw new IllegalArgumentException("the training ratio must be > 0, got " + trainRatio);
    }

    /** Without a NaN policy (the default, {@code ERROR}). */
    public FeatureFileOptions(double trainRatio, double valRatio, double testRatio, long splitSeed, boolean standardize, String orientation,
                              boolean skipBad, String labelColumn) {
        this(trainRatio, valRatio, testRatio, splitSeed, standardize, orientation, skipBad, labelColumn, null);
    }

    /** 70 / 10 / 20 % stratified (10 % of the training part for validation when the file gives train/test), seed 0, standardised. */
    public static FeatureFileOptions defaults() {
        return new FeatureFileOptions(0.7, 0.1, 0.2, 0, true, "auto", false, null);
    }

    /**
     * {@code --split} as given: three train,val,test shares adding up to 1, or one val share (taken
     * from the training split of a file with train/test); null keeps these shares.
     */
    public FeatureFileOptions withSplitShares(List<Double> shares, long seed) {
        if (shares == null) return withSplit(trainRatio, valRatio, testRatio, seed);
        if (shares.size() == 1) return withSplit(trainRatio, shares.get(0), testRatio, seed);
        if (shares.size() != 3) throw new IllegalArgumentException("--split takes train,val,test shares (or one val share), got " + shares);
        if (Math.abs(shares.get(0) + shares.get(1) + shares.get(2) - 1) > 1e-6) {
            throw new IllegalArgumentException("--split shares must add up to 1, got " + shares);
        }
        return withSplit(shares.get(0), shares.get(1), shares.get(2), seed);
    }

    public FeatureFileOptions withSplit(double train, double val, double test, long seed) {
        return new FeatureFileOptions(train, val, test, seed, standardize, orientation, skipBad, labelColumn, nanPolicy);
    }

    public FeatureFileOptions withStandardize(boolean s) {
        return new FeatureFileOptions(trainRatio, valRatio, testRatio, splitSeed, s, orientation, skipBad, labelColumn, nanPolicy);
    }

    public FeatureFileOptions withOrientation(String o) {
        return new FeatureFileOptions(trainRatio, valRatio, testRatio, splitSeed, standardize, o, skipBad, labelColumn, nanPolicy);
    }

    public FeatureFileOptions withSkipBad(boolean s) {
        return new FeatureFileOptions(trainRatio, valRatio, testRatio, splitSeed, standardize, orientation, s, labelColumn, nanPolicy);
    }

    public FeatureFileOptions withLabelColumn(String c) {
        return new FeatureFileOptions(trainRatio, valRatio, testRatio, splitSeed, standardize, orientation, skipBad, c, nanPolicy);
    }

    public FeatureFileOptions withNanPolicy(MissingViews.NanPolicy p) {
        return new FeatureFileOptions(trainRatio, valRatio, testRatio, splitSeed, standardize, orientation, skipBad, labelColumn, p);
    }
}
