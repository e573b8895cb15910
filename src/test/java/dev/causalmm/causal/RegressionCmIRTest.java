package dev.causalmm.causal;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.baselines.LateFusion;
import dev.causalmm.data.ArrayDataset;
import dev.causalmm.data.ModalitySpec;
import dev.causalmm.data.RegressionFixtures;
import dev.causalmm.data.Task;
import dev.causalmm.engine.Device;
import dev.causalmm.engine.Engine;
import dev.causalmm.eval.Evaluator;
import dev.causalmm.nn.EncoderConfig;
import dev.causalmm.nn.MultimodalModel;
import dev.causalmm.train.EpochMetrics;
import dev.causalmm.train.TrainConfig;
import dev.causalmm.train.TrainResult;
import dev.causalmm.train.Trainer;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegressionCmIRTest {

    @Test
    void cmirTrainsARegressionWithFiniteTermsAndBeatsTheMeanPredictor() {
        Task.Regression task = Task.Regression.scalar(Task.Loss.L1);
        ArrayDataset train = RegressionFixtures.twoModalities("train", 600, 11, task);
        ArrayDataset test = RegressionFixtures.twoModalities("test", 200, 12, task);
        double baseline = RegressionFixtures.meanPredictorMae(train, test);
        Engine.seed(5);
        EncoderConfig enc = new EncoderConfig(List.of(32), dev.causalmm.nn.Activation.RELU, false);
        try (CmIR cmir = new CmIR(CmIRConfig.defaults());
             MultimodalModel model = cmir.adapt(new LateFusion(ModalitySpec.vectors(new int[] {8, 8}), task, enc, false, 5), 5)) {
            assertEquals(task, model.task(), "the CmIR split keeps the base model's task");
            TrainResult fit = new Trainer(TrainConfig.defaults(12, 5).withBatchSize(32)).fit(model, cmir, train, null);
            List<EpochMetrics> h = fit.history();
            assertTrue(h.getLast().trainLoss() < 0.5 * h.getFirst().trainLoss(),
                    "loss falls: " + h.getFirst().trainLoss() + " → " + h.getLast().trainLoss());
            for (EpochMetrics m : h) {
                for (String term : List.of("cmir.R_inv", "cmir.R_dec", "cmir.R_rec")) {
                    assertTrue(Double.isFinite(m.terms().get(term)), term + " at epoch " + m.epoch() + ": " + m.terms());
                }
            }
            double mae = Evaluator.evaluate(model, test, 64, Device.CPU).regression().mae();
            assertTrue(mae < 0.25 * baseline, "test MAE " + mae + " vs training-mean predictor " + baseline);
        }
    }
}
