package dev.causalmm.seg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.causalmm.causal.C3RConfig;
import dev.causalmm.nn.Init;
import dev.causalmm.nn.UNet3d;
import dev.causalmm.nn.UNetConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A tiny U-Net learns the planted tumours of synthetic volumes on the CPU (issue 11's test). */
class SegTrainingTest {
    private static final int N = 32;

    private static List<SegVolume> cases(int count, long seed) {
        List<SegVolume> out = new ArrayList<>();
        for (int i = 0; i < count; i++) out.add(SyntheticBrats.make("case" + i, N, 0b1111, seed + i));
        return out;
    }

    /** The library's recipe with no time limit and checkpoints only at the end: what these tests vary from. */
    static final SegRecipe TEST = SegRecipe.defaults().withTimeLimitSeconds(0).withCheckpointEvery(0);

    @Test
    void tinyUNetSegmentsPlantedTumours() throws Exception {
        UNetConfig uc = new UNetConfig(4, 3, 8, 32, 2, false, UNetConfig.Fusion.CHANNELS, 0.01);
        SegModelConfig cfg = new SegModelConfig(uc, SyntheticBrats.MODALITIES, new int[] {N, N, N}, 7, "brats2018", null);
        PatchSampler sampler = new PatchSampler(cases(4, 100), new PatchSampler.Settings(new int[] {24, 24, 24}, 0.7, true, true), 3);
        try (UNet3d model = new UNet3d(uc, Init.seeded(7))) {
            SegTrainer.Result r = SegTrainer.train(model, cfg, sampler,
                    TEST.withSteps(100).withLearningRate(1e-2).withLogEvery(20).withSeed(7), null, null);
            assertEquals(100, r.steps());
            SegVolume test = SyntheticBrats.make("held-out", N, 0b1111, 999);
            byte[] pred = SlidingWindow.regions(SlidingWindow.predict(model, test, 0b1111,
                    new SlidingWindow.Settings(new int[] {N, N, N}, 0.5, SlidingWindow.Blend.GAUSSIAN)), new double[] {0.5, 0.5, 0.5}, 0);
            double wt = RegionMetrics.dice(pred, test.regions(), SegVolume.WT);
            double tc = RegionMetrics.dice(pred, test.regions(), SegVolume.TC);
            System.out.printf("synthetic held-out Dice WT %.3f TC %.3f ET %.3f, loss %.4f, %.1f s%n", wt, tc,
                    RegionMetrics.dice(pred, test.regions(), SegVolume.ET), r.finalLoss(), r.seconds());
            assertTrue(wt > 0.8, "WT Dice " + wt);
            assertTrue(tc > 0.5, "TC Dice " + tc);
        }
    }

    @Test
    void c3rTrainsTheSharedEncoderVariant() throws Exception {
        UNetConfig uc = new UNetConfig(4, 3, 4, 16, 1, true, UNetConfig.Fusion.SHARED, 0.01);
        SegModelConfig cfg = new SegModelConfig(uc, SyntheticBrats.MODALITIES, new int[] {16, 16, 16}, 5, "brats2018", null);
        List<SegVolume> vols = List.of(SyntheticBrats.make("a", 16, 0b0101, 1), SyntheticBrats.make("b", 16, 0b1111, 2));
        PatchSampler sampler = new PatchSampler(vols, new PatchSampler.Settings(new int[] {16, 16, 16}, 0.5, true, true), 3);
        try (UNet3d model = new UNet3d(uc, Init.seeded(5))) {
            SegTrainer.Result r = SegTrainer.train(model, cfg, sampler,
                    TEST.withSteps(4).withLearningRate(1e-3).withLogEvery(1).withC3r(C3RConfig.defaults()).withC3rVoxels(256).withSeed(5), null, null);
            assertEquals(4, r.steps());
            assertTrue(Double.isFinite(r.finalLoss()) && r.finalLoss() > 0, "loss " + r.finalLoss());
            assertEquals(4, r.lossCurve().size());
        }
    }

    @Test
    void aNonFiniteLossStopsTheRunBeforeAnythingIsWritten(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        UNetConfig uc = new UNetConfig(4, 3, 4, 16, 1, false, UNetConfig.Fusion.CHANNELS, 0.01);
        SegModelConfig cfg = new SegModelConfig(uc, SyntheticBrats.MODALITIES, new int[] {16, 16, 16}, 5, "brats2018", null);
        SegVolume v = SyntheticBrats.make("a", 16, 0b1111, 1);
        for (float[] ch : v.channels()) java.util.Arrays.fill(ch, Float.NaN);   // every patch carries NaN
        PatchSampler sampler = new PatchSampler(List.of(v), new PatchSampler.Settings(new int[] {16, 16, 16}, 0.5, false, false), 3);
        try (UNet3d model = new UNet3d(uc, Init.seeded(5))) {
            // the loss is read back only every 3 steps (logEvery) and at checkpoints (every 3)
            var e = org.junit.jupiter.api.Assertions.assertThrows(dev.causalmm.train.NonFiniteLossException.class,
                    () -> SegTrainer.train(model, cfg, sampler, TEST.withSteps(10).withBatchSize(1).withLearningRate(1e-3).withLogEvery(3).withCheckpointEvery(3).withSeed(5), dir, null));
            assertTrue(e.getMessage().contains("NaN"), e.getMessage());
            assertTrue(!SegCheckpoint.exists(dir), "no checkpoint of a diverged run");
        }
    }
}
