package dev.causalmm.cli;

import dev.causalmm.seg.SegEvaluation;
import dev.causalmm.seg.SlidingWindow;
import picocli.CommandLine.Option;

/** Sliding-window and thresholding options of seg-eval and seg-predict. */
final class SegInferenceOptions {
    @Option(names = "--window") Integer window;
    @Option(names = "--overlap", defaultValue = "0.5") double overlap;
    @Option(names = "--blend", defaultValue = "gaussian") String blend;
    @Option(names = "--threshold", defaultValue = "0.5") double threshold;
    @Option(names = "--et-min-voxels", defaultValue = "0") int etMinVoxels;
    @Option(names = "--no-hd95") boolean noHd95;
    @Option(names = "--hd95-unit", defaultValue = "mm") String hd95Unit;

    SegEvaluation.Settings settings(int[] patch) {
        int[] p = window == null ? patch : new int[] {window, window, window};
        return new SegEvaluation.Settings(new SlidingWindow.Settings(p, overlap, SlidingWindow.Blend.parse(blend)), new double[] {threshold, threshold, threshold},
                etMinVoxels, !noHd95, SegEvaluation.DistanceUnit.parse(hd95Unit));
    }
}
