package dev.causalmm.cli;

import dev.causalmm.data.FeatureFileOptions;
import java.util.List;
import picocli.CommandLine.Option;

/** How a feature-file --dataset (a .mat, .npz or .csv file, or a .yaml manifest) is split and prepared. */
final class FeatureFileCliOptions {
    @Option(names = "--split", split = ",", description = "Train,val,test shares of a seeded stratified split (by --data-seed) for a"
            + " feature file without its own split (default 0.7,0.1,0.2; a file with train/test takes one val share of train) or an"
            + " image+text manifest without one (default 0.8,0.1,0.1).")
    List<Double> split;

    @Option(names = "--no-standardize", description = "Feature files: keep the raw features (default: z-score each view on the training split).")
    boolean noStandardize;

    @Option(names = "--orientation", defaultValue = "auto",
            description = "Feature files: auto (n×d or d×n by the label count), rows (samples are rows) or columns. Default: ${DEFAULT-VALUE}.")
    String orientation;

    @Option(names = "--skip-bad", description = "Skip rows that cannot be read — CSV feature-file rows; manifest rows with a missing or"
            + " corrupt image, an unknown label or a malformed line — counting them in results.json, instead of failing.")
    boolean skipBad;

    @Option(names = "--label-column", description = "CSV feature files: the label column, a header name or 0-based index (default: 'label', else the last).")
    String labelColumn;

    @Option(names = "--nan-policy", defaultValue = "ERROR", description = "Feature files: NaN inside a view that is otherwise present for a"
            + " sample: ERROR (refuse, naming the variable, row and column) or ZERO (read it as 0). A view that is all NaN for a sample"
            + " is that sample's missing view either way. Default: ${DEFAULT-VALUE}.")
    dev.causalmm.data.MissingViews.NanPolicy nanPolicy;

    FeatureFileOptions options(long seed) {
        FeatureFileOptions d = FeatureFileOptions.defaults();
        double tr = d.trainRatio(), va = d.valRatio(), te = d.testRatio();
        if (split != null) {
            if (split.size() == 1) va = split.get(0);
            else if (split.size() == 3) { tr = split.get(0); va = split.get(1); te = split.get(2); }
            else throw new IllegalArgumentException("--split takes train,val,test shares (or one val share), got " + split);
            if (split.size() == 3 && Math.abs(tr + va + te - 1) > 1e-6) {
                throw new IllegalArgumentException("--split shares must add up to 1, got " + split);
            }
        }
        return d.withSplit(tr, va, te, seed).withStandardize(!noStandardize).withOrientation(orientation).withSkipBad(skipBad)
                .withLabelColumn(labelColumn).withNanPolicy(nanPolicy);
    }
}
