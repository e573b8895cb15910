package dev.causalmm.seg;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.causal.C3RConfig;
import dev.causalmm.engine.Tensor;
import dev.causalmm.nn.Init;
import dev.causalmm.nn.UNet3d;
import dev.causalmm.nn.UNetConfig;
import dev.causalmm.train.Checkpoint;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code seg-train --resume}: a run stopped after k steps and resumed from its checkpoint folder ends
 * with the same weights as one uninterrupted run with the same seed, for the plain U-Net and for C3R
 * (whose own parameters and voxel stream must be restored too). The stop uses the time limit
 * (an ε limit stops after exactly one step), so every resume below takes exactly one more step,
 * then the last one finishes the budget; the checkpoint's step and the resumed run's loss curve
 * prove the steps were continued, not redone.
 */
class SegResumeTest {
    private static final int STEPS = 6;

    @TempDir Path dir;

    private record Setup(UNetConfig unet, SegModelConfig config, List<SegVolume> volumes, C3RConfig c3r) {}

    private static Setup plain() {
        UNetConfig uc = new UNetConfig(4, 3, 4, 16, 2, false, UNetConfig.Fusion.CHANNELS, 0.01);
        SegModelConfig cfg = new SegModelConfig(uc, SyntheticBrats.MODALITIES, new int[] {16, 16, 16}, 11, "brats2018", null);
        return new Setup(uc, cfg, List.of(SyntheticBrats.make("a", 20, 0b1111, 1), SyntheticBrats.make("b", 20, 0b1011, 2)), null);
    }

    private static Setup c3r() {
        UNetConfig uc = new UNetConfig(4, 3, 4, 16, 1, true, UNetConfig.Fusion.SHARED, 0.01);
        SegModelConfig cfg = new SegModelConfig(uc, SyntheticBrats.MODALITIES, new int[] {16, 16, 16}, 5, "brats2018", null);
        return new Setup(uc, cfg, List.of(SyntheticBrats.make("a", 16, 0b0101, 1), SyntheticBrats.make("b", 16, 0b1111, 2)),
                C3RConfig.defaults());
    }

    /** One seg-train invocation as the CLI makes it: a fresh model, a fresh sampler with the run's seed. */
    private static SegTrainer.Result run(Setup s, Path out, double timeLimit, boolean resume) throws Exception {
        long seed = s.config().seed();
        PatchSampler sampler = new PatchSampler(s.volumes(), new PatchSampler.Settings(s.config().patch(), 0.5, true, true), seed ^ 77);
        try (UNet3d model = new UNet3d(s.unet(), Init.seeded(seed))) {
            return SegTrainer.train(model, s.config(), sampler,
                    SegTrainingTest.TEST.withSteps(STEPS).withLearningRate(3e-3).withWeightDecay(1e-4).withTimeLimitSeconds(timeLimit)
                            .withLogEvery(1).withCheckpointEvery(2).withC3r(s.c3r()).withC3rVoxels(128).withSeed(seed),
                    out, null, resume, dev.causalmm.train.metrics.MetricsLoggers.DEFAULT);
        }
    }

    /** Every stored tensor of a checkpoint folder (the U-Net's and C3R's), restored into fresh modules. */
    private static Map<String, float[]> weights(Setup s, Path out) throws Exception {
        Map<String, float[]> w = new LinkedHashMap<>();
        try (UNet3d model = new UNet3d(s.unet(), Init.seeded(99))) {
            Map<String, Tensor> named = new LinkedHashMap<>(model.namedParameters());
            SegC3R c3r = s.c3r() == null ? null : new SegC3R(s.c3r(), model, 128, 99);
            try {
                if (c3r != null) c3r.namedParameters().forEach((k, v) -> named.put("c3r." + k, v));
                Checkpoint.read(out.resolve(SegCheckpoint.WEIGHTS)).restoreInto(named, out.toString());
                named.forEach((k, v) -> w.put(k, v.toFloatArray()));
            } finally {
                if (c3r != null) c3r.close();
            }
        }
        return w;
    }

    private static int step(Path out) throws Exception {
        return Checkpoint.read(out.resolve(SegCheckpoint.WEIGHTS)).state().get("step").asInt();
    }

    private void resumedEqualsUninterrupted(Setup s) throws Exception {
        Path whole = dir.resolve("whole"), parts = dir.resolve("parts");
        SegTrainer.Result a = run(s, whole, 0, false);
        assertEquals(STEPS, a.steps());

        SegTrainer.Result first = run(s, parts, 1e-9, true);      // no checkpoint yet: a fresh start, stopped after one step
        assertTrue(first.stoppedByTimeLimit());
        assertEquals(1, step(parts));
        for (int k = 2; k <= 3; k++) {
            run(s, parts, 1e-9, true);
            assertEquals(k, step(parts), "each resumed run continues from the last step");
        }
        SegTrainer.Result last = run(s, parts, 0, true);
        assertEquals(STEPS, last.steps());
        assertEquals(STEPS - 3, last.lossCurve().size(), "the last run took only the remaining steps");
        assertEquals(STEPS, step(parts));
        assertEquals(a.finalLoss(), last.finalLoss(), 1e-6, "running loss continued");

        Map<String, float[]> wa = weights(s, whole), wb = weights(s, parts);
        assertEquals(wa.keySet(), wb.keySet());
        if (s.c3r() != null) assertTrue(wa.keySet().stream().anyMatch(k -> k.startsWith("c3r.")), "C3R's parameters are checkpointed");
        double maxDiff = 0, maxChange = 0;
        Map<String, float[]> init = new LinkedHashMap<>();
        try (UNet3d fresh = new UNet3d(s.unet(), Init.seeded(s.config().seed()))) {
            fresh.namedParameters().forEach((k, v) -> init.put(k, v.toFloatArray()));
        }
        for (String k : wa.keySet()) {
            float[] x = wa.get(k), y = wb.get(k);
            assertEquals(x.length, y.length, k);
            for (int i = 0; i < x.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(x[i] - y[i]));
                if (init.containsKey(k)) maxChange = Math.max(maxChange, Math.abs(x[i] - init.get(k)[i]));
            }
        }
        assertTrue(maxChange > 1e-3, "training moved the weights (max change " + maxChange + ")");
        assertTrue(maxDiff <= 1e-6, "resumed weights differ from the uninterrupted run's by " + maxDiff);
    }

    @Test
    void resumedPlainRunEqualsUninterruptedRun() throws Exception {
        resumedEqualsUninterrupted(plain());
    }

    @Test
    void resumedC3RRunEqualsUninterruptedRun() throws Exception {
        resumedEqualsUninterrupted(c3r());
    }

    @Test
    void refusesACheckpointOfAnotherRun() throws Exception {
        Setup s = plain();
        Path out = dir.resolve("other");
        run(s, out, 1e-9, false);
        Setup otherSeed = new Setup(s.unet(), new SegModelConfig(s.unet(), s.config().modalities(), s.config().patch(), 12, "brats2018", null),
                s.volumes(), null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run(otherSeed, out, 0, true));
        assertTrue(e.getMessage().contains("seed"), e.getMessage());
        UNetConfig wider = new UNetConfig(4, 3, 8, 16, 2, false, UNetConfig.Fusion.CHANNELS, 0.01);
        Setup otherNet = new Setup(wider, new SegModelConfig(wider, s.config().modalities(), s.config().patch(), 11, "brats2018", null),
                s.volumes(), null);
        e = assertThrows(IllegalArgumentException.class, () -> run(otherNet, out, 0, true));
        assertTrue(e.getMessage().contains("unet"), e.getMessage());
    }

    @Test
    void refusesACheckpointWrittenBeforeSegTrainSharedTheTrainer() throws Exception {
        Setup s = plain();
        Path out = dir.resolve("old");
        run(s, out, 1e-9, false);
        Checkpoint ck = Checkpoint.read(out.resolve(SegCheckpoint.WEIGHTS));
        com.fasterxml.jackson.databind.node.ObjectNode old = dev.causalmm.io.Json.object();   // the state seg-train wrote before
        old.set("recipe", ck.state().get("task").get("recipe"));
        old.put("step", 1);
        old.put("loss", 0.5);
        old.put("steps", STEPS);
        old.put("batchSize", SegTrainingTest.TEST.batchSize());
        old.put("seed", s.config().seed());
        try (UNet3d model = new UNet3d(s.unet(), Init.seeded(1))) {
            SegCheckpoint.write(out, s.config(), model, ck.optimizerState(), old);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run(s, out, 0, true));
        assertTrue(e.getMessage().contains("written by an earlier seg-train") && e.getMessage().contains("use a fresh --out"),
                e.getMessage());
    }
}
