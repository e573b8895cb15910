package dev.causalmm.cli;

import dev.causalmm.causal.C3RConfig;
import dev.causalmm.engine.Device;
import dev.causalmm.nn.UNetConfig;
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
@Command(name = "seg-train", mixinStandardHelpOptions = true,
        description = "Train a 3-D U-Net (WT/TC/ET sigmoid outputs, missing modalities) on DATA's case folders;"
                + " OUT becomes a checkpoint folder (config.json, model.ckpt) for seg-eval and seg-predict, with metrics.csv and"
                + " hparams.yaml written as training goes."
                + " The defaults are sized to finish within 15 minutes on a 2-core CPU.")
final class SegTrainCommand implements Callable<Integer> {
    private static final SegRecipe D = SegRecipe.defaults();

    @Option(names = "--data", required = true, description = "Folder with one sub-folder per case.") Path data;
    @Option(names = "--out", required = true, description = "Checkpoint folder to write.") Path out;
    @Mixin SegDataCliOptions dataOptions;
    @Mixin LoggerOption logger;
    @Option(names = "--steps", description = "Optimizer steps (default: ${DEFAULT-VALUE}).") int steps = D.steps();
    @Option(names = "--batch-size", description = "Patches per step (default: ${DEFAULT-VALUE}).") int batch = D.batchSize();
    @Option(names = "--patch", description = "Patch side in (downsampled) voxels, a multiple of 2^depth (default: ${DEFAULT-VALUE}).")
    int patch = D.patch();
    @Option(names = "--downsample",
            description = "Train on a grid this many times coarser than the data (1 = full resolution); evaluation interpolates back "
                    + "and scores at full resolution (default: ${DEFAULT-VALUE}).") int downsample = D.downsample();
    @Option(names = "--width", description = "U-Net channels at full resolution (default: ${DEFAULT-VALUE}).") int width = D.width();
    @Option(names = "--depth", description = "U-Net downsamplings (default: ${DEFAULT-VALUE}).") int depth = D.depth();
    @Option(names = "--residual", description = "Residual blocks.") boolean residual = D.residual();
    @Option(names = "--fusion",
            description = "channels (zero-fill + availability-mask channels) or shared (LCKD-style shared encoder, mean-fill) (default: ${DEFAULT-VALUE}).")
    String fusion = D.fusion().name().toLowerCase(Locale.ROOT);
    @Option(names = "--lr", description = "Adam learning rate, decayed linearly to 10% (default: ${DEFAULT-VALUE}).") double lr = D.learningRate();
    @Option(names = "--weight-decay", description = "Adam weight decay (default: ${DEFAULT-VALUE}).") double weightDecay = D.weightDecay();
    @Option(names = "--intensity-scale",
            description = "Contrast augmentation: scale each modality of a patch by U(1-s, 1+s), 0 = off (default: ${DEFAULT-VALUE}).")
    double intensityScale = D.intensityScale();
    @Option(names = "--foreground", description = "Share of patches centred on tumour (default: ${DEFAULT-VALUE}).") double foreground = D.foreground();
    @Option(names = "--no-flips", description = "No random mirroring.") boolean noFlips = !D.flips();
    @Option(names = "--no-modality-dropout", description = "Always give every modality the case has.") boolean noDropout = !D.modalityDropout();
    @Option(names = "--time-limit", description = "Stop after this many seconds of training, 0 = none (default: ${DEFAULT-VALUE}).")
    double timeLimit = D.timeLimitSeconds();
    @Option(names = "--checkpoint-every", description = "Steps between checkpoints (default: ${DEFAULT-VALUE}).") int checkpointEvery = D.checkpointEvery();
    @Option(names = "--resume", description = "Continue the run whose checkpoint is in --out (same settings and seed) to --steps,"
            + " as if it had not stopped: weights, Adam's moments and the patch stream are restored.") boolean resume;
    @Option(names = "--seed", description = "Seed of weights and patches (default: ${DEFAULT-VALUE}).") long seed = D.seed();
    @Option(names = "--device", description = "cpu, cuda or cuda:N (default: ${DEFAULT-VALUE}).") String device = D.device().toString();
    @Option(names = "--regularizer", description = "none or c3r (C3R on segmentation; needs --fusion shared) (default: ${DEFAULT-VALUE}).")
    String regularizer = "none";
    @Option(names = "--c3r-voxels", description = "Voxels per volume for C3R's twin terms (default: ${DEFAULT-VALUE}).") int c3rVoxels = D.c3rVoxels();

    @picocli.CommandLine.Mixin OverwriteOption overwrite;

    @Override
    public Integer call() throws Exception {
        UNetConfig.Fusion f = switch (fusion.toLowerCase(Locale.ROOT)) {
            case "channels" -> UNetConfig.Fusion.CHANNELS;
            case "shared" -> UNetConfig.Fusion.SHARED;
            default -> throw new IllegalArgumentException("--fusion must be channels or shared, got '" + fusion + "'");
        };
        C3RConfig c3r = switch (regularizer.toLowerCase(Locale.ROOT)) {
            case "none" -> null;
            case "c3r" -> C3RConfig.defaults();
            default -> throw new IllegalArgumentException("--regularizer must be none or c3r, got '" + regularizer + "'");
        };
        if (downsample < 1 || downsample > 8) throw new IllegalArgumentException("--downsample must be in 1..8, got " + downsample);
        SegRecipe recipe = D.withSteps(steps).withBatchSize(batch).withPatch(patch).withDownsample(downsample).withWidth(width)
                .withDepth(depth).withResidual(residual).withFusion(f).withLearningRate(lr).withWeightDecay(weightDecay)
                .withForeground(foreground).withFlips(!noFlips).withModalityDropout(!noDropout).withIntensityScale(intensityScale)
                .withTimeLimitSeconds(timeLimit).withCheckpointEvery(checkpointEvery).withC3r(c3r).withC3rVoxels(c3rVoxels)
                .withSeed(seed).withDevice(Device.parse(device));
        SegDataOptions options = dataOptions.apply(SegDataOptions.defaults());
        SegTrainer.Result r = SegPipeline.train(data, options, recipe, out, resume, logger.loggers(), overwrite.overwrite);
        System.out.printf(Locale.ROOT, "seg-train: %d steps in %.0f s, final loss %.4f%s -> %s%n", r.steps(), r.seconds(), r.finalLoss(),
                r.stoppedByTimeLimit() ? " (stopped by --time-limit)" : "", out);
        return 0;
    }
}
