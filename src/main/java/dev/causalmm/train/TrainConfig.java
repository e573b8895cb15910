package dev.causalmm.train;

import dev.causalmm.engine.Device;
import dev.causalmm.engine.Optimizer;
import dev.causalmm.engine.Precision;
import java.nio.file.Path;

/**
 * Everything the {@link Trainer} needs to know, with the spec's defaults (Adam, lr 1e-3 — the
 * C3R paper's 0.1 is unstable for these nets, spec §2.6 — weight decay 1e-4, batch 256).
 *
 * @param earlyStopPatience epochs without a better validation accuracy before stopping (0 = off)
 * @param gradClipNorm      maximum joint L2 norm of the gradients (0 = no clipping)
 * @param checkpointDir     where {@code last.ckpt} is written after every epoch (null = none)
 * @param resume            continue from {@code checkpointDir/last.ckpt} when it exists
 * @param restoreBest       at the end, put back the weights of the best validation epoch (default:
 *                          only with early stopping, where it is what one expects; a fixed-length
 *                          run keeps its last weights, as the papers' protocols do)
 * @param precision         float32 math, TF32 on CUDA, or bf16 autocast around the forward pass
 *                          (float32 master weights); see {@link Precision}
 * @param stepBudget        0: train {@code epochs} epochs; otherwise the run's length in optimizer
 *                          steps, counted over epochs of the loader (the last one may stop part way;
 *                          {@code epochs} is then ignored): a mode of the same trainer, for data whose
 *                          epochs are long or endless
 */
public record TrainConfig(int epochs, int batchSize, Optimizer.Settings optimizer, LrSchedule schedule,
                          int earlyStopPatience, double gradClipNorm, long seed, Device device,
                          Path checkpointDir, boolean resume, boolean restoreBest, int prefetch, Precision precision,
                          long stepBudget) {

    /** The configuration without a step budget: {@code epochs} epochs. */
    public TrainConfig(int epochs, int batchSize, Optimizer.Settings optimizer, LrSchedule schedule,
                       int earlyStopPatience, double gradClipNorm, long seed, Device device,
                       Path checkpointDir, boolean resume, boolean restoreBest, int prefetch, Precision precision) {
        this(epochs, batchSize, optimizer, schedule, earlyStopPatience, gradClipNorm, seed, device, checkpointDir, resume, restoreBest,
                prefetch, precision, 0);
    }

    /** The configuration as before precision was a setting: float32 math. */
    public TrainConfig(int epochs, int batchSize, Optimizer.Settings optimizer, LrSchedule schedule,
                       int earlyStopPatience, double gradClipNorm, long seed, Device device,
                       Path checkpointDir, boolean resume, boolean restoreBest, int prefetch) {
        this(epochs, batchSize, optimizer, schedule, earlyStopPatience, gradClipNorm, seed, device, checkpointDir, resume, restoreBest,
                prefetch, Precision.FP32);
    }

    public TrainConfig {
        if (precision == null) precision = Precision.FP32;
        if (epochs <= 0) throw new IllegalArgumentException("epochs must be > 0, got " + epochs);
        if (batchSize <= 0) throw new IllegalArgumentException("batch size must be > 0, got " + batchSize);
        if (earlyStopPatience < 0) throw new IllegalArgumentException("early-stopping patience must be >= 0");
        if (gradClipNorm < 0) throw new IllegalArgumentException("gradient clip norm must be >= 0");
        if (stepBudget < 0) throw new IllegalArgumentException("step budget must be >= 0 (0 = train by epochs), got " + stepBudget);
    }

    /** Whether the run's length is a step budget rather than a number of epochs. */
    public boolean byStepBudget() {
        return stepBudget > 0;
    }

    /** The run's length as {@code steps} optimizer steps over as many epochs of the loader as they take. */
    public TrainConfig withStepBudget(long steps) {
        return new TrainConfig(epochs, batchSize, optimizer, schedule, earlyStopPatience, gradClipNorm, seed, device, checkpointDir, resume,
                restoreBest, prefetch, precision, steps);
    }

    public static Optimizer.Settings adam(double lr) {
        return new Optimizer.Settings(Optimizer.Kind.ADAM, lr, 1e-4, 0.9, 0.999, 1e-8, 0);
    }

    public static TrainConfig defaults(int epochs, long seed) {
        return new TrainConfig(epochs, 256, adam(1e-3), new LrSchedule.Constant(), 0, 0, seed, Device.CPU,
                null, false, false, 4);
    }

    public TrainConfig withOptimizer(Optimizer.Settings o) {
        return new TrainConfig(epochs, batchSize, o, schedule, earlyStopPatience, gradClipNorm, seed, device, checkpointDir, resume, restoreBest, prefetch, precision, stepBudget);
    }

    public TrainConfig withSchedule(LrSchedule s) {
        return new TrainConfig(epochs, batchSize, optimizer, s, earlyStopPatience, gradClipNorm, seed, device, checkpointDir, resume, restoreBest, prefetch, precision, stepBudget);
    }

    public TrainConfig withBatchSize(int b) {
        return new TrainConfig(epochs, b, optimizer, schedule, earlyStopPatience, gradClipNorm, seed, device, checkpointDir, resume, restoreBest, prefetch, precision, stepBudget);
    }

    public TrainConfig withEpochs(int e) {
        return new TrainConfig(e, batchSize, optimizer, schedule, earlyStopPatience, gradClipNorm, seed, device, checkpointDir, resume, restoreBest, prefetch, precision, stepBudget);
    }

    /** Early stopping after {@code patience} flat epochs (0 = off); turns best-weight restoring on with it. */
    public TrainConfig withEarlyStopping(int patience) {
        return new TrainConfig(epochs, batchSize, optimizer, schedule, patience, gradClipNorm, seed, device, checkpointDir, resume, patience > 0, prefetch, precision, stepBudget);
    }

    public TrainConfig withGradClip(double norm) {
        return new TrainConfig(epochs, batchSize, optimizer, schedule, earlyStopPatience, norm, seed, device, checkpointDir, resume, restoreBest, prefetch, precision, stepBudget);
    }

    public TrainConfig withDevice(Device d) {
        return new TrainConfig(epochs, batchSize, optimizer, schedule, earlyStopPatience, gradClipNorm, seed, d, checkpointDir, resume, restoreBest, prefetch, precision, stepBudget);
    }

    public TrainConfig withCheckpoints(Path dir, boolean resumeIfPresent) {
        return new TrainConfig(epochs, batchSize, optimizer, schedule, earlyStopPatience, gradClipNorm, seed, device, dir, resumeIfPresent, restoreBest, prefetch, precision, stepBudget);
    }

    public TrainConfig withPrecision(Precision p) {
        return new TrainConfig(epochs, batchSize, optimizer, schedule, earlyStopPatience, gradClipNorm, seed, device, checkpointDir, resume, restoreBest, prefetch, p, stepBudget);
    }

    public TrainConfig withRestoreBest(boolean on) {
        return new TrainConfig(epochs, batchSize, optimizer, schedule, earlyStopPatience, gradClipNorm, seed, device, checkpointDir, resume, on, prefetch, precision, stepBudget);
    }
}
