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
        return FeatureFileOptions.defaults().withSplitShares(split, seed).withStandardize(!noStandardize).withOrientation(orientation).withSkipBad(skipBad)
                .withLabelColumn(labelColumn).withNanPolicy(nanPolicy);
    }
}
