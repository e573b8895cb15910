package dev.causalmm.cli;

import dev.causalmm.engine.Device;
import dev.causalmm.nn.UNetConfig;
import dev.causalmm.seg.CasesManifest;
import dev.causalmm.seg.SegDataOptions;
import dev.causalmm.seg.SegPipeline;
import dev.causalmm.seg.SegRecipe;
import dev.causalmm.seg.SegTrainer;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code causalmm seg-train}: trains a 3-D U-Net on a folder of BraTS-style cases. Defaults: {@link SegRecipe#defaults()}. */
@Command(name = "seg-train", mixinStandardHelpOptions = true)
final class SegTrainCommand implements Callable<Integer> {
    private static final SegRecipe D = SegRecipe.defaults();

    @Option(names = "--data") Path data;
    @Option(names = "--cases", paramLabel = "FILE") Path cases;
    @Option(names = "--out", required = true) Path out;
    @Mixin SegDataCliOptions dataOptions;
    @Mixin LoggerOption logger;
    @Option(names = "--steps") int steps = D.steps();
    @Option(names = "--batch-size") int batch = D.batchSize();
    @Option(names = "--patch") int patch = D.patch();
    @Option(names = "--downsample") int downsample = D.downsample();
    @Option(names = "--width") int width = D.width();
    @Option(names = "--depth") int depth = D.depth();
    @Option(names = "--residual") boolean residual = D.residual();
    @Option(names = "--fusion") String fusion = D.fusion().name().toLowerCase(Locale.ROOT);
    @Option(names = "--lr") double lr = D.learningRate();
    @Option(names = "--weight-decay") double weightDecay = D.weightDecay();
    @Option(names = "--intensity-scale") double intensityScale = D.intensityScale();
    @Option(names = "--foreground") double foreground = D.foreground();
    @Option(names = "--no-flips") boolean noFlips = !D.flips();
    @Option(names = "--no-modality-dropout") boolean noDropout = !D.modalityDropout();
    @Option(names = "--time-limit") double timeLimit = D.timeLimitSeconds();
    @Option(names = "--checkpoint-every") int checkpointEvery = D.checkpointEvery();
    @Option(names = "--resume") boolean resume;
    @Option(names = "--seed") long seed = D.seed();
    @Option(names = "--device") String device = D.device().toString();
    @Option(names = "--regularizer") String regularizer = "none";
    @Option(names = "--c3r-voxels") int c3rVoxels = D.c3rVoxels();
    @Mixin SegLckdOptions lckd;
    @Mixin OverwriteOption overwrite;

    @Override
    public Integer call() throws Exception {
        SegRecipe recipe = D.withSteps(steps).withBatchSize(batch).withPatch(patch).withDownsample(downsample).withWidth(width)
                .withDepth(depth).withResidual(residual).withFusion(UNetConfig.Fusion.parse(fusion)).withLearningRate(lr).withWeightDecay(weightDecay)
                .withForeground(foreground).withFlips(!noFlips).withModalityDropout(!noDropout).withIntensityScale(intensityScale)
                .withTimeLimitSeconds(timeLimit).withCheckpointEvery(checkpointEvery).withRegularizer(regularizer).withC3rVoxels(c3rVoxels)
                .withSeed(seed).withDevice(Device.parse(device));
        recipe = lckd.apply(recipe);
        SegTrainer.Result r;
        if (dataOptions.useCases(data, cases)) {
            r = SegPipeline.train(CasesManifest.read(cases), java.util.Optional.ofNullable(dataOptions.cache), recipe, out, resume,
                    logger.loggers(), overwrite.overwrite);
        } else {
            r = SegPipeline.train(data, dataOptions.apply(SegDataOptions.defaults()), recipe, out, resume, logger.loggers(), overwrite.overwrite);
        }
        System.out.printf(Locale.ROOT, "seg-train: %d steps in %.0f s, final loss %.4f%s -> %s%n", r.steps(), r.seconds(), r.finalLoss(),
                r.stoppedByTimeLimit() ? " (stopped by --time-limit)" : "", out);
        return 0;
    }
}
