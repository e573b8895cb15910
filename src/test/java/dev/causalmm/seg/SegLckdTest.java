package dev.causalmm.seg;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.causalmm.data.Gaussian;
import dev.causalmm.engine.Optimizer;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorScope;
import dev.causalmm.io.Json;
import dev.causalmm.io.UserInputException;
import dev.causalmm.nn.Init;
import dev.causalmm.nn.UNet3d;
import dev.causalmm.nn.UNetConfig;
import dev.causalmm.train.Checkpoint;
import dev.causalmm.train.metrics.MetricsLoggers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LCKD on segmentation: the election finds the modality that carries the tumour, the distillation
 * term is an L1 distance to the detached teacher over the samples that have both (zero for a student
 * equal to its teacher, smaller after training on it), the channel-fusion U-Net is refused, and a
 * resumed LCKD run (teachers included) equals an uninterrupted one.
 */
class SegLckdTest {
    private static final int N = 16;
    private static final int[] PATCH = {N, N, N};

    @TempDir Path dir;

    /** Two modalities: "noise" (pure noise) and "signal" (bright in WT, brighter in TC, brightest in ET), regions of a synthetic case. */
    private static SegVolume noiseAndSignal(String id, long seed) {
        SegVolume v = SyntheticBrats.make(id, N, 0b0001, seed);
        SplittableRandom r = new SplittableRandom(seed * 31 + 7);
        byte[] regions = v.regions();
        float[] noise = new float[regions.length], signal = new float[regions.length];
        for (int i = 0; i < regions.length; i++) {
            int b = regions[i];
            signal[i] = (float) (1.5 * (b & 1) + 1.5 * (b >> 1 & 1) + 1.5 * (b >> 2 & 1) + 0.3 * Gaussian.draw(r));
            noise[i] = (float) Gaussian.draw(r);
        }
        return new SegVolume(id, v.shape(), List.of("noise", "signal"), new float[][] {noise, signal}, regions, v.geometry());
    }

    private static UNetConfig shared(int k) {
        return new UNetConfig(k, 3, 4, 16, 1, false, UNetConfig.Fusion.SHARED, 0.01);
    }

    private static SegRecipe recipe(int steps, LckdConfig lckd, long seed) {
        return SegTrainingTest.TEST.withSteps(steps).withBatchSize(2).withLearningRate(1e-2).withLogEvery(1).withFusion(UNetConfig.Fusion.SHARED)
                .withLckd(lckd).withSeed(seed);
    }

    @Test
    void theElectionPicksTheModalityThatCarriesTheTumourForEveryRegion() throws Exception {
        List<SegVolume> vols = List.of(noiseAndSignal("a", 1), noiseAndSignal("b", 2), noiseAndSignal("c", 3));
        UNetConfig uc = new UNetConfig(2, 3, 8, 32, 2, false, UNetConfig.Fusion.SHARED, 0.01);
        SegModelConfig cfg = new SegModelConfig(uc, List.of("noise", "signal"), PATCH, 3, "brats2018", null);
        PatchSampler sampler = new PatchSampler(vols, new PatchSampler.Settings(PATCH, 0.7, true, true), 3);
        Path out = dir.resolve("elect");
        try (UNet3d model = new UNet3d(uc, Init.seeded(3))) {
            SegTrainer.train(model, cfg, sampler, recipe(100, new LckdConfig(0.1, 99, 4), 3), out, null, false, MetricsLoggers.DEFAULT);
        }
        JsonNode report = Json.MAPPER.readTree(out.resolve(SegTask.LCKD_FILE).toFile());
        JsonNode elections = report.get("elections");
        assertEquals(2, elections.size(), "elections after steps 1 and 100: " + report);
        assertEquals(1, elections.get(0).get("afterStep").asInt());
        assertEquals(100, elections.get(1).get("afterStep").asInt());
        for (String region : SegLckd.REGIONS) assertEquals("signal", report.get("teachers").get(region).asText(), region + ": " + report);
        JsonNode dice = elections.get(1).get("dice");
        System.out.println("LCKD election on noise/signal after 100 steps: " + dice);
        double signalWt = dice.get("signal").get(0).asDouble(), noiseWt = dice.get("noise").get(0).asDouble();
        assertTrue(signalWt > noiseWt + 0.2, "WT Dice of the signal alone " + signalWt + ", of the noise alone " + noiseWt);
        JsonNode state = Checkpoint.read(out.resolve(SegCheckpoint.WEIGHTS)).state().get("task").get("lckd");
        assertEquals(report, state, "lckd.json is the checkpoint's LCKD state");
    }

    @Test
    void eachRegionElectsItsBestModalitySkippingModalitiesNoPatchHas() {
        double nan = Double.NaN;
        double[][] dice = {{0.2, 0.5, nan}, {0.7, 0.5, nan}, {nan, 0.1, nan}};
        assertArrayEquals(new int[] {1, 0, 2}, LckdElection.winners(dice, new int[] {0, 2, 2}),
                "WT: the best; TC: a tie goes to the first modality; ET: nothing scored keeps the previous teacher");
    }

    @Test
    void electionPatchesTakeEveryCaseInTurnWithAllItsModalitiesAndTumour() {
        List<SegVolume> vols = List.of(SyntheticBrats.make("a", N, 0b0101, 1), SyntheticBrats.make("b", N, 0b1111, 2),
                SyntheticBrats.make("c", N, 0b0011, 3));
        PatchSampler sampler = new PatchSampler(vols, new PatchSampler.Settings(PATCH, 0, true, true), 4);
        PatchSampler.Batch p = SegLckd.electionPatches(sampler, 5, 11);
        int[] expected = {0b0101, 0b1111, 0b0011, 0b0101, 0b1111};
        int pv = N * N * N;
        for (int b = 0; b < 5; b++) {
            int bits = 0;
            for (int m = 0; m < 4; m++) if (p.mask()[b * 4 + m] != 0) bits |= 1 << m;
            assertEquals(expected[b], bits, "patch " + b + " has every modality of case " + (b % 3));
            double wt = 0;
            for (int i = 0; i < pv; i++) wt += p.y()[b * 3 * pv + i];
            assertTrue(wt > 0, "patch " + b + " contains tumour");
        }
        assertArrayEquals(p.x(), SegLckd.electionPatches(sampler, 5, 11).x(), "drawn from the seed");
    }

    @Test
    void distillationIsTheL1DistanceToTheTeacherOverSamplesThatHaveBoth() {
        try (var scope = TensorScope.open("t")) {
            // B=2, K=3, C=2, 2×2×2: modality 1 = teacher + 0.5 in sample 0 and + 3 in sample 1; modality 2 = teacher + 1
            float[] f = new float[2 * 3 * 16];
            for (int b = 0; b < 2; b++) {
                for (int i = 0; i < 16; i++) {
                    float t = (float) Math.sin(b * 16 + i);
                    f[(b * 3) * 16 + i] = t;
                    f[(b * 3 + 1) * 16 + i] = t + (b == 0 ? 0.5f : 3f);
                    f[(b * 3 + 2) * 16 + i] = t + 1f;
                }
            }
            Tensor features = Tensor.of(f, 2, 3, 2, 2, 2, 2);
            Tensor all = Tensor.of(new float[] {1, 1, 1, 1, 1, 1}, 2, 3);
            assertEquals((0.5 + 3) / 2 + 1, SegLckd.distillation(features, all, new int[] {0}).item(), 1e-5, "mean over samples, summed over students");
            Tensor noTeacherInSample1 = Tensor.of(new float[] {1, 1, 1, 0, 1, 1}, 2, 3);
            assertEquals(0.5 + 1, SegLckd.distillation(features, noTeacherInSample1, new int[] {0}).item(), 1e-5,
                    "a sample without the teacher is left out");
            Tensor noStudent2 = Tensor.of(new float[] {1, 1, 0, 1, 1, 0}, 2, 3);
            assertEquals((0.5 + 3) / 2, SegLckd.distillation(features, noStudent2, new int[] {0}).item(), 1e-5,
                    "an absent student is left out");
            Tensor same = Tensor.of(new float[2 * 3 * 16], 2, 3, 2, 2, 2, 2).add(Tensor.of(f, 2, 3, 2, 2, 2, 2).narrow(1, 0, 1));
            assertEquals(0, SegLckd.distillation(same, all, new int[] {0, 2}).item(), 1e-7, "students equal to their teachers");
        }
    }

    @Test
    void trainingOnTheDistillationTermShrinksIt() {
        List<SegVolume> vols = List.of(SyntheticBrats.make("a", N, 0b1111, 1), SyntheticBrats.make("b", N, 0b1011, 2));
        PatchSampler sampler = new PatchSampler(vols, new PatchSampler.Settings(PATCH, 0.5, false, false), 5);
        PatchSampler.Batch batch = sampler.batch(0, 2);
        try (UNet3d model = new UNet3d(shared(4), Init.seeded(5));
             Optimizer opt = new Optimizer(SegTrainingTest.TEST.withLearningRate(1e-2).optimizer(), new ArrayList<>(model.namedParameters().values()))) {
            double first = Double.NaN, last = Double.NaN;
            for (int s = 0; s < 15; s++) {
                try (var scope = TensorScope.open("step")) {
                    Tensor mask = Tensor.of(batch.mask(), 2, 4);
                    UNet3d.Output o = model.forward(Tensor.of(batch.x(), batch.inputShape()), mask);
                    Tensor kd = SegLckd.distillation(o.modalityFeatures(), mask, new int[] {0});
                    kd.backward();
                    opt.step();
                    opt.zeroGrad();
                    last = kd.item();
                    if (s == 0) first = last;
                }
            }
            assertTrue(first > 0, "different modalities have different features at the start: " + first);
            assertTrue(last < 0.5 * first, "distillation " + first + " -> " + last);
        }
    }

    @Test
    void lckdWithTheChannelFusionUNetIsRefused() {
        UNetConfig uc = new UNetConfig(4, 3, 4, 16, 1, false, UNetConfig.Fusion.CHANNELS, 0.01);
        SegModelConfig cfg = new SegModelConfig(uc, SyntheticBrats.MODALITIES, PATCH, 5, "brats2018", null);
        PatchSampler sampler = new PatchSampler(List.of(SyntheticBrats.make("a", N, 0b1111, 1)), new PatchSampler.Settings(PATCH, 0.5, true, true), 5);
        try (UNet3d model = new UNet3d(uc, Init.seeded(5))) {
            UserInputException e = assertThrows(UserInputException.class, () -> SegTrainer.train(model, cfg, sampler,
                    recipe(2, LckdConfig.defaults(), 5).withFusion(UNetConfig.Fusion.CHANNELS), dir.resolve("refused"), null));
            assertTrue(e.getMessage().contains("--fusion shared"), e.getMessage());
        }
        assertFalse(SegCheckpoint.exists(dir.resolve("refused")));
    }

    @Test
    void badLckdSettingsAreRefusedNamingTheOption() {
        assertTrue(assertThrows(UserInputException.class, () -> LckdConfig.defaults().withWeight(-1)).getMessage().contains("--lckd.weight"));
        assertTrue(assertThrows(UserInputException.class, () -> LckdConfig.defaults().withElectEvery(0)).getMessage().contains("--lckd.elect-every"));
        assertTrue(assertThrows(UserInputException.class, () -> LckdConfig.defaults().withElectionPatches(0)).getMessage()
                .contains("--lckd.election-patches"));
        assertEquals(new LckdConfig(0.1, 100, 8), LckdConfig.defaults(), "the reference's kd_wt and val_pred_every");
    }

    /** One seg-train invocation with LCKD (elections after steps 1, 3, 5), as SegResumeTest runs them. */
    private static SegTrainer.Result run(Path out, double timeLimit, boolean resume) throws Exception {
        return run(out, timeLimit, resume, new LckdConfig(0.5, 2, 2));
    }

    private static SegTrainer.Result run(Path out, double timeLimit, boolean resume, LckdConfig lckd) throws Exception {
        UNetConfig uc = shared(4);
        SegModelConfig cfg = new SegModelConfig(uc, SyntheticBrats.MODALITIES, PATCH, 9, "brats2018", null);
        List<SegVolume> vols = List.of(SyntheticBrats.make("a", N, 0b0101, 1), SyntheticBrats.make("b", N, 0b1111, 2));
        PatchSampler sampler = new PatchSampler(vols, new PatchSampler.Settings(PATCH, 0.5, true, true), 9 ^ 77);
        try (UNet3d model = new UNet3d(uc, Init.seeded(9))) {
            return SegTrainer.train(model, cfg, sampler, recipe(6, lckd, 9).withLearningRate(3e-3)
                    .withTimeLimitSeconds(timeLimit).withCheckpointEvery(2), out, null, resume, MetricsLoggers.DEFAULT);
        }
    }

    @Test
    void resumingWithOtherLckdSettingsIsRefused() throws Exception {
        Path out = dir.resolve("other");
        run(out, 1e-9, false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run(out, 0, true, new LckdConfig(0.2, 2, 2)));
        assertTrue(e.getMessage().contains("lckdWeight") && e.getMessage().contains("use a fresh --out"), e.getMessage());
    }

    private static Map<String, float[]> weights(Path out) throws Exception {
        Map<String, float[]> w = new LinkedHashMap<>();
        try (UNet3d model = new UNet3d(shared(4), Init.seeded(99))) {
            Checkpoint.read(out.resolve(SegCheckpoint.WEIGHTS)).restoreInto(model.namedParameters(), out.toString());
            model.namedParameters().forEach((k, v) -> w.put(k, v.toFloatArray()));
        }
        return w;
    }

    @Test
    void aResumedLckdRunEqualsTheUninterruptedRunTeachersIncluded() throws Exception {
        Path whole = dir.resolve("whole"), parts = dir.resolve("parts");
        SegTrainer.Result a = run(whole, 0, false);
        assertTrue(run(parts, 1e-9, true).stoppedByTimeLimit());
        for (int k = 2; k <= 3; k++) run(parts, 1e-9, true);       // steps 2 and 3, each a fresh process-like run
        SegTrainer.Result b = run(parts, 0, true);
        assertEquals(6, b.steps());
        assertEquals(3, b.lossCurve().size(), "the last run took only the remaining steps");
        assertEquals(a.finalLoss(), b.finalLoss(), 1e-6);
        JsonNode la = Checkpoint.read(whole.resolve(SegCheckpoint.WEIGHTS)).state().get("task").get("lckd");
        JsonNode lb = Checkpoint.read(parts.resolve(SegCheckpoint.WEIGHTS)).state().get("task").get("lckd");
        assertEquals(3, la.get("elections").size(), la.toString());
        assertEquals(la, lb, "the same elections with the same Dice");
        Map<String, float[]> wa = weights(whole), wb = weights(parts);
        double maxDiff = 0;
        for (String k : wa.keySet()) for (int i = 0; i < wa.get(k).length; i++) maxDiff = Math.max(maxDiff, Math.abs(wa.get(k)[i] - wb.get(k)[i]));
        assertTrue(maxDiff <= 1e-6, "resumed weights differ by " + maxDiff);
        assertTrue(Files.readString(whole.resolve("metrics.csv")).contains("reg/lckd.kd"), "the distillation term is a metric column");
    }
}
