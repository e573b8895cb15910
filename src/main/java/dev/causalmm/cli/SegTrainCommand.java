package dev.causalmm.cli;

import dev.causalmm.causal.C3RConfig;
import dev.causalmm.engine.Device;
import dev.causalmm.nn.UNetConfig;
import dev.causalmm.seg.PatchSampler;
import dev.causalmm.seg.SegDataOptions;
import dev.causalmm.seg.SegPipeline;
import dev.causalmm.seg.SegTrainer;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code causalmm seg-train}: trains a 3-D U-Net on a folder of BraTS-style cases. */
@Command(name = "seg-train", mixinStandardHelpOptions = true,
        description = "Train a 3-D U-Net (WT/TC/ET sigmoid outputs, missing modalities) on DATA's case folders;"
                + " OUT becomes a checkpoint folder (config.json, model.ckpt) for seg-eval and seg-predict, with metrics.csv and"
                + " hparams.yaml written as training goes."
                + " The defaults are sized to finish within 15 minutes on a 2-core CPU.")
final class SegTrainCommand implements Callable<Integer> {
    @Option(names = "--data", required = true, description = "Folder with one sub-folder per case.") Path data;
    @Option(names = "--out", required = true, description = "Checkpoint folder to write.") Path out;
    @Mixin SegDataCliOptions dataOptions;
    @Mixin LoggerOption logger;
    @Option(names = "--steps", defaultValue = "600", description = "Optimizer steps (default: ${DEFAULT-VALUE}).") int steps;
    @Option(names = "--batch-size", defaultValue = "2", description = "Patches per step (default: ${DEFAULT-VALUE}).") int batch;
    @Option(names = "--patch", defaultValue = "48", description = "Patch side in (downsampled) voxels, a multiple of 2^depth (default: ${DEFAULT-VALUE}).") int patch;
    @Option(names = "--downsample", defaultValue = "2",
            description = "Train on a grid this many times coarser than the data (1 = full resolution); evaluation interpolates back "
                    + "and scores at full resolution (default: ${DEFAULT-VALUE}).") int downsample;
    @Option(names = "--width", defaultValue = "8", description = "U-Net channels at full resolution (default: ${DEFAULT-VALUE}).") int width;
    @Option(names = "--depth", defaultValue = "3", description = "U-Net downsamplings (default: ${DEFAULT-VALUE}).") int depth;
    @Option(names = "--residual", description = "Residual blocks.") boolean residual;
    @Option(names = "--fusion", defaultValue = "channels",
            description = "channels (zero-fill + availability-mask channels) or shared (LCKD-style shared encoder, mean-fill) (default: ${DEFAULT-VALUE}).")
    String fusion;
    @Option(names = "--lr", defaultValue = "0.003", description = "Adam learning rate, decayed linearly to 10% (default: ${DEFAULT-VALUE}).") double lr;
    @Option(names = "--weight-decay", defaultValue = "0", description = "Adam weight decay (default: ${DEFAULT-VALUE}).") double weightDecay;
    @Option(names = "--intensity-scale", defaultValue = "0",
            description = "Contrast augmentation: scale each modality of a patch by U(1-s, 1+s), 0 = off (default: ${DEFAULT-VALUE}).")
    double intensityScale;
    @Option(names = "--foreground", defaultValue = "0.5", description = "Share of patches centred on tumour (default: ${DEFAULT-VALUE}).") double foreground;
    @Option(names = "--no-flips", description = "No random mirroring.") boolean noFlips;
    @Option(names = "--no-modality-dropout", description = "Always give every modality the case has.") boolean noDropout;
    @Option(names = "--time-limit", defaultValue = "780", description = "Stop after this many seconds of training, 0 = none (default: ${DEFAULT-VALUE}).") double timeLimit;
    @Option(names = "--checkpoint-every", defaultValue = "100", description = "Steps between checkpoints (default: ${DEFAULT-VALUE}).") int checkpointEvery;
    @Option(names = "--resume", description = "Continue the run whose checkpoint is in --out (same settings and seed) to --steps,"
            + " as if it had not stopped: weights, Adam's moments and the patch stream are restored.") boolean resume;
    @Option(names = "--seed", defaultValue = "1", description = "Seed of weights and patches (default: ${DEFAULT-VALUE}).") long seed;
    @Option(names = "--device", defaultValue = "cpu", description = "cpu, cuda or cuda:N (default: ${DEFAULT-VALUE}).") String device;
    @Option(names = "--regularizer", defaultValue = "none", description = "none or c3r (C3R on segmentation; needs --fusion shared).") String regularizer;
    @Option(names = "--c3r-voxels", defaultValue = "4096", description = "Voxels per volume for C3R's twin terms (default: ${DEFAULT-VALUE}).") int c3rVoxels;

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
        var loggers = logger.loggers();
        if (downsample < 1 || downsample > 8) throw new IllegalArgumentException("--downsample must be in 1..8, got " + downsample);
        int[] p = {patch, patch, patch};
        SegDataOptions options = dataOptions.apply(SegDataOptions.defaults());
        SegTrainer.Settings settings = new SegTrainer.Settings(steps, batch, lr, weightDecay, timeLimit, 0, checkpointEvery, c3r, c3rVoxels,
                Device.parse(device));
        SegTrainer.Result r = SegPipeline.train(data, options, f, width, depth, residual, downsample, p,
                new PatchSampler.Settings(p, foreground, !noFlips, !noDropout, intensityScale), settings, seed, out, resume, loggers);
        System.out.printf(Locale.ROOT, "seg-train: %d steps in %.0f s, final loss %.4f%s -> %s%n", r.steps(), r.seconds(), r.finalLoss(),
                r.stoppedByTimeLimit() ? " (stopped by --time-limit)" : "", out);
        return 0;
    }
}
