package dev.causalmm.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.baselines.ConcatFusion;
import dev.causalmm.baselines.LateFusion;
import dev.causalmm.data.MMLSynConfig;
import dev.causalmm.data.MMLSynData;
import dev.causalmm.engine.Engine;
import dev.causalmm.engine.NativeMemory;
import dev.causalmm.engine.Precision;
import dev.causalmm.eval.Evaluator;
import dev.causalmm.nn.EncoderConfig;
import dev.causalmm.nn.MultimodalModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
    @org.junit.jupiter.api.AfterEach
    void stopTrackingTensorMemory() {
        dev.causalmm.engine.NativeMemory.stopTrackingTensorMemory(); // its book slows every later test in this JVM
    }

    static final MMLSynData.Splits DATA = MMLSynData.generate(MMLSynConfig.defaults(7).withSizes(4000, 500, 500));

    static MultimodalModel lateFusion(long seed) {
        return new LateFusion(new int[] {20, 20}, 2, EncoderConfig.c3rPaper(), false, seed);
    }

    @Test
    void lateFusionLearnsMmlSyn() {
        long live = NativeMemory.unclosedTensors();
        try (MultimodalModel m = lateFusion(1)) {
            TrainResult r = new Trainer(TrainConfig.defaults(5, 1).withBatchSize(128)).fit(m, DATA.train().dataset(), DATA.val().dataset());
            assertEquals(5, r.history().size());
            assertTrue(r.history().getLast().trainLoss() < r.history().getFirst().trainLoss(), r.history().toString());
            double acc = Evaluator.evaluate(m, DATA.val().dataset(), 256, dev.causalmm.engine.Device.CPU).accuracy();
            // labels are sn with 15 % flips: the Bayes accuracy is 0.85
            assertTrue(acc > 0.75, "val accuracy " + acc);
        }
        assertEquals(live, NativeMemory.unclosedTensors(), "training leaked tensor handles");
    }

    @Test
    void bf16AutocastTrainsLateFusionWithC3RAndKeepsFloat32Weights() {
        long live = NativeMemory.unclosedTensors();
        double[] acc = new double[2];
        int k = 0;
        for (Precision p : new Precision[] {Precision.FP32, Precision.BF16}) {
            try (MultimodalModel m = lateFusion(1); var c3r = new dev.causalmm.causal.C3R(dev.causalmm.causal.C3RConfig.defaults())) {
                TrainConfig cfg = TrainConfig.defaults(4, 1).withBatchSize(128).withPrecision(p);
                TrainResult r = new Trainer(cfg).fit(m, c3r, DATA.train().dataset(), DATA.val().dataset());
                assertTrue(r.history().getLast().trainLoss() < r.history().getFirst().trainLoss(), p + ": " + r.history());
                for (var param : m.namedParameters().entrySet()) {
                    assertEquals(dev.causalmm.engine.DType.FLOAT32, param.getValue().dtype(), p + ": master weight " + param.getKey());
                }
                acc[k++] = Evaluator.evaluate(m, DATA.val().dataset(), 256, dev.causalmm.engine.Device.CPU).accuracy();
            }
        }
        assertTrue(acc[1] > 0.75, "bf16 val accuracy " + acc[1]);
        assertEquals(acc[0], acc[1], 0.05, "bf16 lands near float32");
        assertFalse(dev.causalmm.engine.Autocast.isEnabled(dev.causalmm.engine.Device.CPU), "the trainer closed its autocast region");
        assertEquals(live, NativeMemory.unclosedTensors(), "training leaked tensor handles");
    }

    /**
     * The trainer's own AdamW (FlatAdam, what Optimizer runs) with gradient clipping and validation every epoch: over
     * 1,000 steps (epochs 1–8 at batch 32) LibTorch's count of CPU tensor blocks stays where it was
     * after epoch 0. One LibTorch temporary leaked per step would add 1,000.
     */
    @Test
    void adamwWithClippingLeavesLibTorchsTensorMemoryFlatOverAThousandSteps() {
        NativeMemory.trackTensorMemory();
        var adamw = new dev.causalmm.engine.Optimizer.Settings(dev.causalmm.engine.Optimizer.Kind.ADAMW, 1e-3, 0.01, 0.9, 0.999, 1e-8, 0);
        TrainConfig cfg = TrainConfig.defaults(9, 2).withBatchSize(32).withOptimizer(adamw).withGradClip(0.5);
        List<long[]> afterEpoch = new java.util.ArrayList<>();
        try (MultimodalModel m = lateFusion(2)) {
            new Trainer(cfg).addListener(new TrainingListener() {
                @Override
                public void onEpochEnd(EpochMetrics metrics) {
                    afterEpoch.add(new long[] {NativeMemory.liveTensorBlocks(), NativeMemory.liveTensorBytes()});
                }
            }).fit(m, DATA.train().dataset(), DATA.val().dataset());
        }
        assertEquals(9, afterEpoch.size());
        long grownBlocks = afterEpoch.getLast()[0] - afterEpoch.getFirst()[0];
        long grownBytes = afterEpoch.getLast()[1] - afterEpoch.getFirst()[1];
        assertTrue(grownBlocks <= 5, "LibTorch holds " + grownBlocks + " more CPU blocks (" + grownBytes + " bytes) after 1,000 steps");
    }

    /**
     * Validation every epoch goes through one loader: the host batch buffers allocated (pinned on
     * CUDA, freed only by the garbage collector) stop growing after the first epoch.
     */
    @Test
    void validationReusesOneSetOfBatchBuffersAcrossEpochs() {
        List<Long> afterEpoch = new java.util.ArrayList<>();
        try (MultimodalModel m = lateFusion(4)) {
            new Trainer(TrainConfig.defaults(4, 4).withBatchSize(256)).addListener(new TrainingListener() {
                @Override
                public void onEpochEnd(EpochMetrics metrics) {
                    afterEpoch.add(dev.causalmm.engine.HostBuffers.allocations());
                }
            }).fit(m, DATA.train().dataset(), DATA.val().dataset());
        }
        assertEquals(4, afterEpoch.size());
        assertEquals(List.of(afterEpoch.get(0), afterEpoch.get(0), afterEpoch.get(0), afterEpoch.get(0)), afterEpoch,
                "host buffers allocated by the end of each epoch");
    }

    @Test
    void resumeContinuesWithIdenticalLosses(@TempDir Path dir) throws Exception {
        TrainConfig cfg = TrainConfig.defaults(4, 3).withBatchSize(256);
        List<EpochMetrics> straight;
        try (MultimodalModel m = lateFusion(3)) {
            straight = new Trainer(cfg).fit(m, DATA.train().dataset(), DATA.val().dataset()).history();
        }
        try (MultimodalModel m = lateFusion(3)) {
            new Trainer(cfg.withEpochs(2).withCheckpoints(dir, true)).fit(m, DATA.train().dataset(), DATA.val().dataset());
        }
        assertTrue(Files.exists(dir.resolve("last.ckpt")));
        TrainResult resumed;
        List<String> notices = new java.util.ArrayList<>();
        TrainingListener notice = new TrainingListener() {
            int epochs;

            @Override
            public void onTrainStart(TrainConfig config, int stepsPerEpoch) {
                epochs = config.epochs();
            }

            @Override
            public void onResume(int epoch, Path checkpoint) {
                notices.add(LoggingListener.resumeMessage("lf", epoch, epochs, checkpoint));
            }
        };
        try (MultimodalModel m = lateFusion(99)) { // different init: everything must come from the checkpoint
            resumed = new Trainer(cfg.withCheckpoints(dir, true)).addListener(notice).fit(m, DATA.train().dataset(), DATA.val().dataset());
        }
        assertEquals(List.of("lf: resuming from epoch 3 of 4 (" + dir.resolve("last.ckpt") + ")"), notices, "the user is told where it resumes");
        assertEquals(1, resumed.resumedFrom());
        assertEquals(4, resumed.history().size());
        for (int e = 0; e < 4; e++) {
            assertEquals(straight.get(e).trainLoss(), resumed.history().get(e).trainLoss(), 0.0, "epoch " + e);
            assertEquals(straight.get(e).valAccuracy(), resumed.history().get(e).valAccuracy(), 0.0, "epoch " + e);
        }
    }

    @Test
    void concatTrainsWithAllOptimizersAndSchedules() {
        for (var kind : dev.causalmm.engine.Optimizer.Kind.values()) {
            try (MultimodalModel m = new ConcatFusion(new int[] {20, 20}, 2, EncoderConfig.c3rPaper(), 5)) {
                var opt = new dev.causalmm.engine.Optimizer.Settings(kind, kind == dev.causalmm.engine.Optimizer.Kind.SGD ? 0.05 : 1e-3, 1e-4, 0.9, 0.999, 1e-8, 0.9);
                TrainConfig cfg = TrainConfig.defaults(3, 5).withOptimizer(opt).withSchedule(new LrSchedule.Cosine(0, 0)).withGradClip(1.0);
                TrainResult r = new Trainer(cfg).fit(m, DATA.train().dataset(), DATA.val().dataset());
                assertTrue(r.last().valAccuracy() > 0.6, kind + " " + r.history());
                assertTrue(r.history().get(2).learningRate() < r.history().get(0).learningRate(), "cosine decays");
            }
        }
    }

    @Test
    void earlyStoppingGradientSyncAndListenersAreCalled() {
        java.util.concurrent.atomic.AtomicInteger syncs = new java.util.concurrent.atomic.AtomicInteger();
        java.util.List<String> events = new java.util.ArrayList<>();
        TrainingListener recorder = new TrainingListener() {
            @Override public void onTrainStart(TrainConfig c, int steps) { events.add("start:" + steps); }
            @Override public void onEpochEnd(EpochMetrics m) { events.add("epoch:" + m.epoch()); }
            @Override public void onTrainEnd(TrainResult r) { events.add("end"); }
        };
        // lr so small that validation accuracy never improves after the first epoch: patience 2 stops at epoch 3
        TrainConfig cfg = TrainConfig.defaults(20, 4).withOptimizer(TrainConfig.adam(1e-9)).withEarlyStopping(2).withBatchSize(500);
        try (MultimodalModel m = lateFusion(4)) {
            TrainResult r = new Trainer(cfg).addListener(recorder).gradientSync(p -> {
                assertFalse(p.isEmpty());
                assertNotNull(p.get(0).grad(), "sync runs after backward, before the optimizer clears gradients");
                syncs.incrementAndGet();
            }).fit(m, DATA.train().dataset(), DATA.val().dataset());
            assertTrue(r.stoppedEarly(), r.toString());
            assertEquals(3, r.history().size());
            assertEquals(0, r.bestEpoch());
            assertEquals(3 * 8, syncs.get(), "one sync per step");
            assertEquals(java.util.List.of("start:8", "epoch:0", "epoch:1", "epoch:2", "end"), events);
        }
    }

    @Test
    void trainsWithoutValidationData() {
        try (MultimodalModel m = lateFusion(5)) {
            TrainResult r = new Trainer(TrainConfig.defaults(2, 5)).fit(m, DATA.train().dataset(), null);
            assertTrue(Double.isNaN(r.last().valAccuracy()));
            assertEquals(1, r.bestEpoch(), "without validation the last epoch is the best");
        }
    }

    @Test
    void aNonFiniteLossStopsTrainingBeforeItsEpochIsCheckpointed(@TempDir Path dir) {
        List<NonFiniteLossException> seen = new java.util.ArrayList<>();
        TrainingListener l = new TrainingListener() {
            @Override public void onNonFiniteLoss(NonFiniteLossException e) { seen.add(e); }
        };
        TrainConfig cfg = TrainConfig.defaults(3, 6).withOptimizer(TrainConfig.adam(1e9)).withBatchSize(100).withCheckpoints(dir, true);
        try (MultimodalModel m = lateFusion(6)) {
            var e = assertThrows(NonFiniteLossException.class, () -> new Trainer(cfg).addListener(l).fit(m, DATA.train().dataset(), DATA.val().dataset()));
            assertEquals(List.of(e), seen, "listeners hear of it first");
            assertEquals(0, e.epoch(), e.getMessage());
            assertTrue(e.step() >= 1 && e.step() < 20, "the first step's loss is finite, a later one is not: " + e.getMessage());
            assertTrue(e.getMessage().contains("training diverged") && e.getMessage().contains("epoch 1, step " + (e.step() + 1) + " of"), e.getMessage());
        }
        assertFalse(Files.exists(dir.resolve("last.ckpt")), "the diverged epoch is not saved");
    }
}
