package dev.causalmm.cli;

import dev.causalmm.seg.SegEvaluation;
import dev.causalmm.seg.SlidingWindow;
import java.util.Locale;
import picocli.CommandLine.Option;

/** Sliding-window and thresholding options of seg-eval and seg-predict. */
final class SegInferenceOptions {
    @Option(names = "--window", converter = CliChecks.WindowSide.class) Integer window;
    @Option(names = "--overlap", defaultValue = "0.5") double overlap;
    @Option(names = "--blend", defaultValue = "gaussian") String blend;
    @Option(names = "--threshold", converter = CliChecks.OpenUnit.class, defaultValue = "0.5") double threshold;
    @Option(names = "--et-min-voxels", defaultValue = "0") int etMinVoxels;
    @Option(names = "--no-hd95") boolean noHd95;
    @Option(names = "--hd95-unit", defaultValue = "mm") String hd95Unit;

    SegEvaluation.Settings settings(int[] patch) {
        int[] p = window == null ? patch : new int[] {window, window, window};
        SlidingWindow.Blend b = switch (blend.toLowerCase(Locale.ROOT)) {
            case "gaussian" -> SlidingWindow.Blend.GAUSSIAN;
            case "constant" -> SlidingWindow.Blend.CONSTANT;
            default -> throw new IllegalArgumentException("--blend must be gaussian or constant, got '" + blend + "'");
        };
        return new SegEvaluation.Settings(new SlidingWindow.Settings(p, overlap, b), new double[] {threshold, threshold, threshold},
                etMinVoxels, !noHd95, SegEvaluation.DistanceUnit.parse(hd95Unit));
    }
}
