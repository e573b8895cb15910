package dev.causalmm.train;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.causalmm.causal.Regularizer;
import dev.causalmm.engine.Tensor;
import dev.causalmm.io.Json;
import dev.causalmm.nn.ForwardOutput;
import dev.causalmm.nn.MultimodalModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trainer's named pieces: its state record, the step-budget mode and the regulariser's gradient hook. */
class TrainerPiecesTest {
    @AfterEach
    void stopTrackingTensorMemory() {
        dev.causalmm.engine.NativeMemory.stopTrackingTensorMemory();
    }

    private static TrainerState state(long seed, String optimizer) {
        ObjectNode sched = Json.object();
        sched.put("current", 0.01);
        sched.putNull("best");
        sched.put("bad", 0);
        EpochMetrics m = new EpochMetrics(0, 0.7, 0.5, Double.NaN, 0.6, 1e-3, 1.5, 128, Map.of("c3.risk", 0.25));
        return new TrainerState(0, 8, seed, 3, optimizer, sched, Double.NEGATIVE_INFINITY, -1, 0, List.of(m));
    }

    @Test
    void trainerStateSurvivesItsJsonAndReadsStatesWithoutAStep() throws Exception {
        TrainerState st = state(3, "ADAM");
        TrainerState back = TrainerState.fromJson(Json.MAPPER.readTree(Json.MAPPER.writeValueAsBytes(st.toJson())));
        assertEquals(st.history(), back.history(), "history round-trips");
        assertEquals(8, back.step());
        assertEquals(Double.NEGATIVE_INFINITY, back.bestVal());
        ObjectNode old = st.toJson();
        old.remove("step");
        assertEquals(-1, TrainerState.fromJson(old).step(), "a checkpoint from before the step was recorded still reads");
    }

    @Test
    void aResumeWithOtherSeedAndOptimizerNamesBothInOneMessage() {
        TrainConfig cfg = TrainConfig.defaults(3, 1).withOptimizer(TrainConfig.adam(1e-3));
        var e = assertThrows(IllegalArgumentException.class, () -> state(3, "SGD").checkCompatible(cfg, Path.of("out/last.ckpt")));
        assertTrue(e.getMessage().contains("out/last.ckpt holds a run of seed 3, optimizer SGD; it differs in seed (3, this run 1), optimizer (SGD, this run ADAM); use a fresh --out"),
                e.getMessage());
        assertDoesNotThrow(() -> state(1, "ADAM").checkCompatible(cfg, Path.of("x")));
    }

    @Test
    void aStepBudgetEndsPartWayThroughAnEpochAndResumesToTheSameWeights(@TempDir Path dir) {
        // 4000 rows / 500 = 8 steps an epoch; 11 steps = one full epoch and 3 steps of the second
        TrainConfig cfg = TrainConfig.defaults(99, 2).withBatchSize(500).withStepBudget(11);
        try (MultimodalModel a = TrainerTest.lateFusion(2); MultimodalModel b = TrainerTest.lateFusion(2)) {
            TrainResult r = new Trainer(cfg).fit(a, TrainerTest.DATA.train().dataset(), null);
            assertEquals(2, r.history().size());
            assertEquals(3 * 500, r.history().get(1).samples(), "the second epoch stops after the budget's 3 steps");
            // the same budget, stopped after the first epoch's checkpoint and resumed
            new Trainer(cfg.withStepBudget(8).withCheckpoints(dir, true)).fit(b, TrainerTest.DATA.train().dataset(), null);
            TrainResult resumed = new Trainer(cfg.withCheckpoints(dir, true)).fit(b, TrainerTest.DATA.train().dataset(), null);
            assertEquals(0, resumed.resumedFrom());
            assertEquals(r.last().trainLoss(), resumed.last().trainLoss(), 0.0);
        }
    }

    @Test
    void aListenerStopPartWayThroughAnEpochIsCheckpointedAndResumedAtTheNextStep(@TempDir Path dir) throws Exception {
        // 4000 rows / 500 = 8 steps an epoch, 2 epochs; a listener stops the first run after 3 steps
        TrainConfig cfg = TrainConfig.defaults(2, 2).withBatchSize(500).withCheckpoints(dir, true);
        TrainingListener stopAfter3 = new TrainingListener() {
            private int steps;

            @Override
            public void onBatchEnd(int epoch, int step, int stepsInEpoch, long seen, java.util.function.DoubleSupplier loss) {
                steps++;
            }

            @Override
            public boolean stopRequested() {
                return steps >= 3;
            }
        };
        try (MultimodalModel m = TrainerTest.lateFusion(2)) {
            TrainResult first = new Trainer(cfg).addListener(stopAfter3).fit(m, TrainerTest.DATA.train().dataset(), null);
            assertTrue(first.stoppedEarly());
            assertEquals(3 * 500, first.last().samples());
            TrainerState st = TrainerState.fromJson(new CheckpointStore(dir).readLast().state());
            assertEquals(3, st.step());
            assertEquals(-1, st.epoch(), "no epoch completed yet");
            TrainResult rest = new Trainer(cfg).fit(m, TrainerTest.DATA.train().dataset(), null);
            assertFalse(rest.stoppedEarly());
            assertEquals(2, rest.history().size(), "the cut-short epoch is replaced, not repeated");
            assertEquals(5 * 500, rest.history().get(0).samples(), "epoch 0 continued at its 4th step");
            assertEquals(16, TrainerState.fromJson(new CheckpointStore(dir).readLast().state()).step());
        }
    }

    @Test
    void theLinearScheduleDecaysToItsEndFactorOverTheRun() {
        LrScheduler s = new LrScheduler(new LrSchedule.Linear(0.1), 0.5, 10);
        assertEquals(0.5, s.rateFor(0), 1e-12);
        assertEquals(0.5 * (1 - 0.9 * 0.5), s.rateFor(5), 1e-12);
        assertEquals(0.5 * (1 - 0.9 * 0.9), s.rateFor(9), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> new LrSchedule.Linear(1.5));
    }

    @Test
    void theRegularizersGradientHookRunsOncePerStepWithGradientsPresent() {
        AtomicInteger calls = new AtomicInteger();
        Regularizer hook = new Regularizer() {
            @Override public String name() { return "hook"; }
            @Override public Output compute(MultimodalModel model, ForwardOutput out, Tensor labels, int epoch) { return null; }
            @Override public void afterBackward(MultimodalModel model) {
                assertNotNull(model.parameters().getFirst().grad(), "called after backward, before the optimizer clears gradients");
                calls.incrementAndGet();
            }
            @Override public void close() {}
        };
        try (MultimodalModel m = TrainerTest.lateFusion(3)) {
            new Trainer(TrainConfig.defaults(1, 3).withBatchSize(1000)).fit(m, hook, TrainerTest.DATA.train().dataset(), null);
        }
        assertEquals(4, calls.get(), "4000 rows in batches of 1000");
    }

    @Test
    void regressionEpochsAreSelectedByNegatedValidationLossNotNaNAccuracy() {
        EpochMetrics cls = new EpochMetrics(0, 0.7, 0.5, 0.9, 0.6, 1e-3, 1, 8, Map.of());
        EpochMetrics reg = new EpochMetrics(0, 0.7, Double.NaN, 0.9, Double.NaN, 1e-3, 1, 8, Map.of());
        EpochMetrics noVal = new EpochMetrics(0, 0.7, Double.NaN, Double.NaN, Double.NaN, 1e-3, 1, 8, Map.of());
        assertEquals(0.6, cls.selectionScore());
        assertEquals(-0.9, reg.selectionScore());
        assertTrue(Double.isNaN(noVal.selectionScore()));
        EarlyStopping s = new EarlyStopping(1, false);
        assertTrue(s.observe(0, new EpochMetrics(0, 1, Double.NaN, 1.2, Double.NaN, 1e-3, 1, 8, Map.of()).selectionScore(), Map.of()));
        assertFalse(s.observe(1, new EpochMetrics(1, 1, Double.NaN, 1.3, Double.NaN, 1e-3, 1, 8, Map.of()).selectionScore(), Map.of()));
        assertEquals(0, s.bestEpoch());
        assertTrue(s.exhausted());
    }
}
