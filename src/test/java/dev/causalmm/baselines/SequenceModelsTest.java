package dev.causalmm.baselines;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.causal.Regularizer;
import dev.causalmm.causal.Regularizers;
import dev.causalmm.data.ArrayDataset;
import dev.causalmm.data.SequenceData;
import dev.causalmm.engine.Device;
import dev.causalmm.eval.Evaluator;
import dev.causalmm.nn.EncoderConfig;
import dev.causalmm.nn.MultimodalModel;
import dev.causalmm.train.TrainConfig;
import dev.causalmm.train.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Sequence modalities pass the MultimodalModel seam: models and regularisers train on them unchanged. */
class SequenceModelsTest {
    static final ArrayDataset TRAIN = SequenceData.generate("seq-train", 512, 6, 4, 1);
    static final ArrayDataset TEST = SequenceData.generate("seq-test", 256, 6, 4, 2);

    static double train(String model, String regularizer, int epochs) {
        try (Regularizer reg = Regularizers.create(regularizer);
             MultimodalModel m = reg.adapt(Baselines.create(model, TRAIN.modalities(), 2, EncoderConfig.c3rPaper(), TRAIN.size(), 1), 1)) {
            new Trainer(TrainConfig.defaults(epochs, 1).withBatchSize(64)).fit(m, reg, TRAIN, null);
            return Evaluator.evaluate(m, TEST, 256, Device.CPU).accuracy();
        }
    }

    @Test
    void lateFusionWithAndWithoutC3RLearnsAVariableLengthSequenceTask() {
        double plain = train("late-fusion", "none", 10);
        double c3r = train("late-fusion", "c3r", 10);
        System.out.printf("sequences: late fusion %.3f, +c3r %.3f%n", plain, c3r);
        assertTrue(plain > 0.8, "late fusion: " + plain);
        assertTrue(c3r > 0.8, "late fusion + c3r: " + c3r);
    }

    /** One epoch of every model with every regulariser on sequences: finite losses and terms. */
    @ParameterizedTest
    @ValueSource(strings = {"late-fusion", "concat", "concatbow", "tmc", "qmf", "mmbt-small"})
    void everyRegulariserPlugsIntoEveryModelOnSequences(String model) {
        ArrayDataset small = SequenceData.generate("seq-small", 128, 5, 3, 3);
        for (String r : Regularizers.NAMES) {
            try (Regularizer reg = Regularizers.create(r);
                 MultimodalModel m = reg.adapt(Baselines.create(model, small.modalities(), 2, EncoderConfig.c3rPaper(), small.size(), 2), 2)) {
                if (reg instanceof dev.causalmm.causal.UMT umt) umt.withTeachers(s -> Baselines.create(model, small.modalities(), 2,
                        EncoderConfig.c3rPaper(), small.size(), s));
                var last = new Trainer(TrainConfig.defaults(1, 1).withBatchSize(32)).fit(m, reg, small, small).last();
                assertTrue(Double.isFinite(last.trainLoss()) && Double.isFinite(last.valLoss()), model + "+" + r + ": " + last);
                last.terms().forEach((k, v) -> assertTrue(Double.isFinite(v), model + "+" + r + " term " + k + " = " + v));
            }
        }
    }
}
