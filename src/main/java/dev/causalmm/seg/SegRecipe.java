package dev.causalmm.seg;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.causalmm.causal.C3RConfig;
import dev.causalmm.engine.Device;
import dev.causalmm.engine.Optimizer;
import dev.causalmm.io.Json;
import dev.causalmm.io.UserInputException;
import dev.causalmm.nn.UNetConfig;
import dev.causalmm.train.LrSchedule;
import java.util.List;
import java.util.Locale;

/**
 * Everything {@code seg-train} decides about a run besides the data: the network, the patches, the
 * optimizer and the step budget. {@link #defaults()} is the recipe sized to finish within 15
 * minutes on a 2-core CPU; the CLI's options start from it, so the defaults live here only.
 *
 * @param steps optimizer steps (the step budget) (default 600)
 * @param batchSize patches per step (default 2)
 * @param patch patch side in (downsampled) voxels, a multiple of 2^depth (default 48)
 * @param downsample train on a grid this many times coarser than the data (1 = full resolution) (default 2)
 * @param width U-Net channels at full resolution (default 8)
 * @param depth U-Net downsamplings (default 3)
 * @param residual residual blocks (default false)
 * @param fusion zero-fill + availability channels, or the shared encoder (default UNetConfig.Fusion.CHANNELS)
 * @param learningRate Adam's rate, decayed linearly to 10 % over the steps (default 0.003)
 * @param weightDecay Adam's L2 weight decay (default 0)
 * @param foreground share of patches centred on tumour (default 0.5)
 * @param flips random mirroring per axis (default true)
 * @param modalityDropout a random non-empty subset of the case's modalities per patch (default true)
 * @param intensityScale contrast augmentation U(1 − s, 1 + s), 0 = off (default 0)
 * @param timeLimitSeconds stop early (with a warning) after this long; 0 = none (default 780)
 * @param logEvery steps between log lines and metric rows (0 = a twentieth of the steps) (default 0)
 * @param checkpointEvery steps between checkpoints (0 = only at the end) (default 100)
 * @param c3r C3R on segmentation, or null for the plain loss (default none)
 * @param c3rVoxels voxels per volume C3R's twin terms use (default 4096)
 * @param lckd LCKD's teacher election and distillation, or null for none (default none; needs the shared encoder)
 * @param seed seed of the weights, the patches and C3R's voxel draws (default 1)
 * @param device where to train (default Device.CPU)
 */
public record SegRecipe(int steps, int batchSize, int patch, int downsample, int width, int depth, boolean residual, UNetConfig.Fusion fusion, double learningRate, double weightDecay, double foreground, boolean flips, boolean modalityDropout, double intensityScale, double timeLimitSeconds, int logEvery, int checkpointEvery, C3RConfig c3r, int c3rVoxels, LckdConfig lckd, long seed, Device device) {

    public SegRecipe {
        if (steps <= 0) throw new UserInputException("steps must be > 0, got " + steps);
        if (batchSize <= 0) throw new UserInputException("batch size must be > 0, got " + batchSize);
        if (patch <= 0) throw new UserInputException("patch side must be > 0, got " + patch);
        if (downsample < 1 || downsample > 8) throw new UserInputException("downsample (--downsample) must be in 1..8, got " + downsample);
        if (!(learningRate > 0 && learningRate <= Optimizer.Settings.MAX_LR)) {
            throw new UserInputException("learning rate (--lr) must be in (0, " + Optimizer.Settings.MAX_LR + "], got " + learningRate);
        }
        if (!(timeLimitSeconds >= 0)) throw new UserInputException("time limit must be >= 0, got " + timeLimitSeconds);
        if (checkpointEvery < 0) throw new UserInputException("checkpoint interval (--checkpoint-every) must be >= 0, got " + checkpointEvery);
        if (logEvery < 0) throw new UserInputException("log interval must be >= 0, got " + logEvery);
        if (c3r != null && c3rVoxels <= 0) throw new UserInputException("C3R voxel sample must be > 0, got " + c3rVoxels);
        if (fusion == null) fusion = UNetConfig.Fusion.CHANNELS;
        if (device == null) device = Device.CPU;
    }

    /** The recipe {@code seg-train} runs without options. */
    public static SegRecipe defaults() {
        return new SegRecipe(600, 2, 48, 2, 8, 3, false, UNetConfig.Fusion.CHANNELS, 0.003, 0, 0.5, true, true, 0, 780, 0, 100, null, 4096, null, 1, Device.CPU);
    }

    /** Steps between log lines: {@code logEvery}, or a twentieth of the run when it is 0. */
    public int logInterval() {
        return logEvery > 0 ? logEvery : Math.max(1, steps / 20);
    }

    /** The cube patch as sides {px, py, pz}. */
    public int[] patchSides() {
        return new int[] {patch, patch, patch};
    }

    public PatchSampler.Settings sampling() {
        return new PatchSampler.Settings(patchSides(), foreground, flips, modalityDropout, intensityScale);
    }

    /** The U-Net for {@code modalities} input channels: bottleneck width 8 × {@code width}. */
    public UNetConfig unet(int modalities) {
        return new UNetConfig(modalities, 3, width, Math.max(width, width * 8), depth, residual, fusion, 0.01);
    }

    public Optimizer.Settings optimizer() {
        return new Optimizer.Settings(Optimizer.Kind.ADAM, learningRate, weightDecay, 0.9, 0.999, 1e-8, 0);
    }

    /** The learning rate over the step budget: linear decay to 10 %. */
    public LrSchedule schedule() {
        return new LrSchedule.Linear(0.1);
    }

    /**
     * What a resumed run must share with the run it continues (besides the network, seed, patch and
     * batch size, checked separately): they shape the patch draws, C3R's draws, LCKD's elections and
     * the optimizer's trajectory (LCKD's fields are 0 when it is off). {@code sampler} is
     * {@link PatchSampler#VERSION}; {@code sampling} is how the patches are actually drawn (the
     * sampler's settings).
     */
    public ObjectNode identity(PatchSampler.Settings sampling) {
        ObjectNode r = Json.object();
        r.put("sampler", PatchSampler.VERSION);
        r.put("foreground", sampling.foregroundFraction());
        r.put("flips", sampling.flips());
        r.put("modalityDropout", sampling.modalityDropout());
        r.put("intensityScale", sampling.intensityScale());
        r.put("regularizer", c3r == null ? "none" : "c3r");
        r.put("c3rVoxels", c3r == null ? 0 : c3rVoxels);
        r.put("lckdWeight", lckd == null ? 0 : lckd.weight());
        r.put("lckdElectEvery", lckd == null ? 0 : lckd.electEvery());
        r.put("lckdElectionPatches", lckd == null ? 0 : lckd.electionPatches());
        r.put("learningRate", learningRate);
        r.put("weightDecay", weightDecay);
        return r;
    }

    public SegRecipe withSteps(int value) {
        return new SegRecipe(value, batchSize, patch, downsample, width, depth, residual, fusion, learningRate, weightDecay, foreground, flips, modalityDropout, intensityScale, timeLimitSeconds, logEvery, checkpointEvery, c3r, c3rVoxels, lckd, seed, device);
    }

    public SegRecipe withBatchSize(int value) {
        return new SegRecipe(steps, value, patch, downsample, width, depth, residual, fusion, learningRate, weightDecay, foreground, flips, modalityDropout, intensityScale, timeLimitSeconds, logEvery, checkpointEvery, c3r, c3rVoxels, lckd, seed, device);
    }

    public SegRecipe withPatch(int value) {
        return new SegRecipe(steps, batchSize, value, downsample, width, depth, residual, fusion, learningRate, weightDecay, foreground, flips, modalityDropout, intensityScale, timeLimitSeconds, logEvery, checkpointEvery, c3r, c3rVoxels, lckd, seed, device);
    }

    public SegRecipe withDownsample(int value) {
        return new SegRecipe(steps, batchSize, patch, value, width, depth, residual, fusion, learningRate, weightDecay, foreground, flips, modalityDropout, intensityScale, timeLimitSeconds, logEvery, checkpointEvery, c3r, c3rVoxels, lckd, seed, device);
    }

    public SegRecipe withWidth(int value) {
        return new SegRecipe(steps, batchSize, patch, downsample, value, depth, residual, fusion, learningRate, weightDecay, foreground, flips, modalityDropout, intensityScale, timeLimitSeconds, logEvery, checkpointEvery, c3r, c3rVoxels, lckd, seed, device);
    }

    public SegRecipe withDepth(int value) {
        return new SegRecipe(steps, batchSize, patch, downsample, width, value, residual, fusion, learningRate, weightDecay, foreground, flips, modalityDropout, intensityScale, timeLimitSeconds, logEvery, checkpointEvery, c3r, c3rVoxels, lckd, seed, device);
    }

    public SegRecipe withResidual(boolean value) {
        return new SegRecipe(steps, batchSize, patch, downsample, width, depth, value, fusion, learningRate, weightDecay, foreground, flips, modalityDropout, intensityScale, timeLimitSeconds, logEvery, checkpointEvery, c3r, c3rVoxels, lckd, seed, device);
    }

    public SegRecipe withFusion(UNetConfig.Fusion value) {
        return new SegRecipe(steps, batchSize, patch, downsample, width, depth, residual, value, learningRate, weightDecay, foreground, flips, modalityDropout, intensityScale, timeLimitSeconds, logEvery, checkpointEvery, c3r, c3rVoxels, lckd, seed, device);
    }

    public SegRecipe withLearningRate(double value) {
        return new SegRecipe(steps, batchSize, patch, downsample, width, depth, residual, fusion, value, weightDecay, foreground, flips, modalityDropout, intensityScale, timeLimitSeconds, logEvery, checkpointEvery, c3r, c3rVoxels, lckd, seed, device);
    }

    public SegRecipe withWeightDecay(double value) {
        return new SegRecipe(steps, batchSize, patch, downsample, width, depth, residual, fusion, learningRate, value, foreground, flips, modalityDropout, intensityScale, timeLimitSeconds, logEvery, checkpointEvery, c3r, c3rVoxels, lckd, seed, device);
    }

    public SegRecipe withForeground(double value) {
        return new SegRecipe(steps, batchSize, patch, downsample, width, depth, residual, fusion, learningRate, weightDecay, value, flips, modalityDropout, intensityScale, timeLimitSeconds, logEvery, checkpointEvery, c3r, c3rVoxels, lckd, seed, device);
    }

    public SegRecipe withFlips(boolean value) {
        return new SegRecipe(steps, batchSize, patch, downsample, width, depth, residual, fusion, learningRate, weightDecay, foreground, value, modalityDropout, intensityScale, timeLimitSeconds, logEvery, checkpointEvery, c3r, c3rVoxels, lckd, seed, device);
    }

    public SegRecipe withModalityDropout(boolean value) {
        return new SegRecipe(steps, batchSize, patch, downsample, width, depth, residual, fusion, learningRate, weightDecay, foreground, flips, value, intensityScale, timeLimitSeconds, logEvery, checkpointEvery, c3r, c3rVoxels, lckd, seed, device);
    }

    public SegRecipe withIntensityScale(double value) {
        return new SegRecipe(steps, batchSize, patch, downsample, width, depth, residual, fusion, learningRate, weightDecay, foreground, flips, modalityDropout, value, timeLimitSeconds, logEvery, checkpointEvery, c3r, c3rVoxels, lckd, seed, device);
    }

    public SegRecipe withTimeLimitSeconds(double value) {
        return new SegRecipe(steps, batchSize, patch, downsample, width, depth, residual, fusion, learningRate, weightDecay, foreground, flips, modalityDropout, intensityScale, value, logEvery, checkpointEvery, c3r, c3rVoxels, lckd, seed, device);
    }

    public SegRecipe withLogEvery(int value) {
        return new SegRecipe(steps, batchSize, patch, downsample, width, depth, residual, fusion, learningRate, weightDecay, foreground, flips, modalityDropout, intensityScale, timeLimitSeconds, value, checkpointEvery, c3r, c3rVoxels, lckd, seed, device);
    }

    public SegRecipe withCheckpointEvery(int value) {
        return new SegRecipe(steps, batchSize, patch, downsample, width, depth, residual, fusion, learningRate, weightDecay, foreground, flips, modalityDropout, intensityScale, timeLimitSeconds, logEvery, value, c3r, c3rVoxels, lckd, seed, device);
    }

    public SegRecipe withC3r(C3RConfig value) {
        return new SegRecipe(steps, batchSize, patch, downsample, width, depth, residual, fusion, learningRate, weightDecay, foreground, flips, modalityDropout, intensityScale, timeLimitSeconds, logEvery, checkpointEvery, value, c3rVoxels, lckd, seed, device);
    }

    /** {@code none} (no regulariser) or {@code c3r} (C3R at its defaults), as the command line names them. */
    public SegRecipe withRegularizer(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "none" -> withC3r(null);
            case "c3r" -> withC3r(C3RConfig.defaults());
            default -> throw new UserInputException("--regularizer must be none or c3r, got '" + name + "'");
        };
    }

    public SegRecipe withLckd(LckdConfig value) {
        return new SegRecipe(steps, batchSize, patch, downsample, width, depth, residual, fusion, learningRate, weightDecay, foreground, flips, modalityDropout, intensityScale, timeLimitSeconds, logEvery, checkpointEvery, c3r, c3rVoxels, value, seed, device);
    }

    public SegRecipe withC3rVoxels(int value) {
        return new SegRecipe(steps, batchSize, patch, downsample, width, depth, residual, fusion, learningRate, weightDecay, foreground, flips, modalityDropout, intensityScale, timeLimitSeconds, logEvery, checkpointEvery, c3r, value, lckd, seed, device);
    }

    public SegRecipe withSeed(long value) {
        return new SegRecipe(steps, batchSize, patch, downsample, width, depth, residual, fusion, learningRate, weightDecay, foreground, flips, modalityDropout, intensityScale, timeLimitSeconds, logEvery, checkpointEvery, c3r, c3rVoxels, lckd, value, device);
    }

    public SegRecipe withDevice(Device value) {
        return new SegRecipe(steps, batchSize, patch, downsample, width, depth, residual, fusion, learningRate, weightDecay, foreground, flips, modalityDropout, intensityScale, timeLimitSeconds, logEvery, checkpointEvery, c3r, c3rVoxels, lckd, seed, value);
    }
}
