package dev.causalmm.cli;

import dev.causalmm.seg.SegEvaluation;
import dev.causalmm.seg.SlidingWindow;
import java.util.Locale;
import picocli.CommandLine.Option;

/** Sliding-window and thresholding options of seg-eval and seg-predict. */
final class SegInferenceOptions {
    @Option(names = "--window", converter = CliChecks.WindowSide.class, description = "Window side in voxels (default: the training patch).")
    Integer window;

    @Option(names = "--overlap", defaultValue = "0.5", description = "Window overlap in [0, 1) (default: ${DEFAULT-VALUE}).")
    double overlap;

    @Option(names = "--blend", defaultValue = "gaussian", description = "gaussian or constant (default: ${DEFAULT-VALUE}).")
    String blend;

    @Option(names = "--threshold", converter = CliChecks.OpenUnit.class, defaultValue = "0.5", description = "Sigmoid threshold of every region (default: ${DEFAULT-VALUE}).")
    double threshold;

    @Option(names = "--et-min-voxels", defaultValue = "0",
            description = "ET post-processing: a predicted ET smaller than this many voxels becomes tumour core (0 = off, papers: 500).")
    int etMinVoxels;

    @Option(names = "--no-hd95", description = "Skip HD95 (faster).")
    boolean noHd95;

    @Option(names = "--hd95-unit", defaultValue = "mm",
            description = "mm (offsets scaled by each case's voxel spacing from its NIfTI header) or voxels (default: ${DEFAULT-VALUE}).")
    String hd95Unit;

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
