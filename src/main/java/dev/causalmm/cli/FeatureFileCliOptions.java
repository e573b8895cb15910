package dev.causalmm.cli;

import dev.causalmm.data.FeatureFileOptions;
import java.util.List;
import picocli.CommandLine.Option;

/** How a feature-file --dataset (a .mat, .npz or .csv file, or a .yaml manifest) is split and prepared. */
final class FeatureFileCliOptions {
    @Option(names = "--split", split = ",") List<Double> split;
    @Option(names = "--no-standardize") boolean noStandardize;
    @Option(names = "--orientation", defaultValue = "auto") String orientation;
    @Option(names = "--skip-bad") boolean skipBad;
    @Option(names = "--label-column") String labelColumn;
    @Option(names = "--nan-policy", defaultValue = "ERROR") dev.causalmm.data.MissingViews.NanPolicy nanPolicy;

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
