package dev.causalmm.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.baselines.ConcatFusion;
import dev.causalmm.baselines.LateFusion;
import dev.causalmm.data.MMLSynConfig;
import dev.causalmm.data.MMLSynData;
import dev.causalmm.engine.Engine;
import dev.causalmm.engine.NativeMemory;
import dev.causalmm.eval.Evaluator;
import dev.causalmm.nn.EncoderConfig;
import dev.causalmm.nn.MultimodalModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
    static final MMLSynData.Splits DATA = MMLSynData.generate(MMLSynConfig.defaults(7).withSizes(4000, 500, 500));

    static MultimodalModel lateFusion(long seed) {
        Engine.seed(seed);
        return new LateFusion(new int[] {20, 20}, 2, EncoderConfig.c3rPaper(), false);
    }

    @Test
    void lateFusionLearnsMmlSyn() {
        long live = NativeMemory.liveTensors();
        try (MultimodalModel m = lateFusion(1)) {
            TrainResult r = new Trainer(TrainConfig.defaults(5, 1).withBatchSize(128)).fit(m, DATA.train().dataset(), DATA.val().dataset());
            assertEquals(5, r.history().size());
            assertTrue(r.history().getLast().trainLoss() < r.history().getFirst().trainLoss(), r.history().toString());
            double acc = Evaluator.evaluate(m, DATA.val().dataset(), 256, dev.causalmm.engine.Device.CPU).accuracy();
            // labels are sn with 15 % flips: the Bayes accuracy is 0.85
            assertTrue(acc > 0.75, "val accuracy " + acc);
        }
        assertEquals(live, NativeMemory.liveTensors(), "training leaked tensor handles");
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
        try (MultimodalModel m = lateFusion(99)) { // different init: everything must come from the checkpoint
            resumed = new Trainer(cfg.withCheckpoints(dir, true)).fit(m, DATA.train().dataset(), DATA.val().dataset());
        }
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
            try (MultimodalModel m = new ConcatFusion(new int[] {20, 20}, 2, EncoderConfig.c3rPaper())) {
                var opt = new dev.causalmm.engine.Optimizer.Settings(kind, kind == dev.causalmm.engine.Optimizer.Kind.SGD ? 0.05 : 1e-3, 1e-4, 0.9, 0.999, 1e-8, 0.9);
                TrainConfig cfg = TrainConfig.defaults(3, 5).withOptimizer(opt).withSchedule(new LrSchedule.Cosine(0, 0)).withGradClip(1.0);
                TrainResult r = new Trainer(cfg).fit(m, DATA.train().dataset(), DATA.val().dataset());
                assertTrue(r.last().valAccuracy() > 0.6, kind + " " + r.history());
                assertTrue(r.history().get(2).learningRate() < r.history().get(0).learningRate(), "cosine decays");
            }
        }
    }
}
