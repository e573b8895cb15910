package dev.causalmm.baselines;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.causal.C3R;
import dev.causalmm.causal.C3RConfig;
import dev.causalmm.data.ArrayDataset;
import dev.causalmm.data.ModalitySpec;
import dev.causalmm.data.RegressionFixtures;
import dev.causalmm.data.Task;
import dev.causalmm.engine.DType;
import dev.causalmm.engine.Device;
import dev.causalmm.engine.Engine;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorScope;
import dev.causalmm.eval.EvalResult;
import dev.causalmm.eval.Evaluator;
import dev.causalmm.eval.RegressionMetrics;
import dev.causalmm.nn.EncoderConfig;
import dev.causalmm.nn.MultimodalModel;
import dev.causalmm.train.TrainConfig;
import dev.causalmm.train.Trainer;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegressionModelsTest {
    static final List<ModalitySpec> SPECS = ModalitySpec.vectors(new int[] {RegressionFixtures.DIM, RegressionFixtures.DIM});
    static final EncoderConfig SMALL = new EncoderConfig(List.of(16), dev.causalmm.nn.Activation.RELU, false);

    @Test
    void everyRegressionModelOutputsTheTargetsSize() {
        Task.Regression task = new Task.Regression(3, Task.Loss.MSE);
        for (String name : Baselines.REGRESSION_NAMES) {
            try (var s = TensorScope.open("t"); MultimodalModel m = Baselines.create(name, SPECS, task, SMALL, 10, 1)) {
                Tensor x = Tensor.randn(DType.FLOAT32, Device.CPU, 4, RegressionFixtures.DIM);
                var out = m.forward(List.of(x, x), null);
                assertArrayEquals(new long[] {4, 3}, out.logits().shape(), name);
                assertEquals(task, m.task(), name);
                assertEquals(0, m.numClasses(), name);
            }
        }
    }

    @Test
    void mseAndL1LossesAndTheirAscentDirectionsMatchHandValues() {
        try (var s = TensorScope.open("t");
             MultimodalModel mse = new ConcatFusion(SPECS, new Task.Regression(2, Task.Loss.MSE), SMALL, 1);
             MultimodalModel l1 = new LateFusion(SPECS, new Task.Regression(2, Task.Loss.L1), SMALL, true, 1)) {
            Tensor pred = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
            Tensor y = Tensor.of(new float[] {0, 2, 5, 1}, 2, 2);           // ŷ − y = 1, 0, −2, 3
            assertEquals((1 + 0 + 4 + 9) / 4.0, mse.fusedLoss(pred, y).item(), 1e-6);
            assertEquals((1 + 0 + 2 + 3) / 4.0, l1.fusedLoss(pred, y).item(), 1e-6);
            assertArrayEquals(new float[] {1, 0, -2, 3}, mse.lossAscentDirection(pred, y).toFloatArray());
            assertArrayEquals(new float[] {1, 0, -1, 1}, l1.lossAscentDirection(pred, y).toFloatArray());
        }
    }

    @Test
    void aLabelOfTheWrongKindIsRefusedNamingTheTask() {
        try (var s = TensorScope.open("t");
             MultimodalModel reg = new LateFusion(SPECS, Task.Regression.scalar(Task.Loss.L1), SMALL, false, 1);
             MultimodalModel cls = new LateFusion(SPECS, 3, SMALL, false, 1)) {
            Tensor x = Tensor.randn(DType.FLOAT32, Device.CPU, 2, RegressionFixtures.DIM);
            var e = assertThrows(IllegalArgumentException.class,
                    () -> reg.loss(reg.forward(List.of(x, x), null), Tensor.of(new long[] {0, 1}, 2)));
            assertTrue(e.getMessage().contains("regression (1-dimensional target, L1 loss)"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> cls.loss(cls.forward(List.of(x, x), null), Tensor.of(new float[] {0.5f, 1}, 2, 1)));
            assertTrue(e.getMessage().contains("classification (3 classes)"), e.getMessage());
        }
    }

    @Test
    void classificationOnlyModelsAndC3RRefuseRegression() {
        Task.Regression task = Task.Regression.scalar(Task.Loss.MSE);
        for (String name : List.of("tmc", "qmf", "mmbt")) {
            var e = assertThrows(IllegalArgumentException.class, () -> Baselines.create(name, SPECS, task, SMALL, 10, 1));
            assertTrue(e.getMessage().contains("'" + name + "'") && e.getMessage().contains("regression"), e.getMessage());
        }
        try (var s = TensorScope.open("t"); MultimodalModel m = new ConcatFusion(SPECS, task, SMALL, 1); C3R c3r = new C3R(C3RConfig.defaults())) {
            var e = assertThrows(IllegalArgumentException.class, () -> c3r.bind(m, 1));
            assertTrue(e.getMessage().startsWith("C3R is defined for classification"), e.getMessage());
        }
    }

    @Test
    void lateFusionLearnsASyntheticRegressionWellBelowTheTrainingMeanPredictor() {
        Task.Regression task = Task.Regression.scalar(Task.Loss.L1);
        ArrayDataset train = RegressionFixtures.twoModalities("train", 600, 1, task);
        ArrayDataset test = RegressionFixtures.twoModalities("test", 200, 2, task);
        double baseline = RegressionFixtures.meanPredictorMae(train, test);
        Engine.seed(3);
        try (MultimodalModel model = Baselines.create("late-fusion", SPECS, task, SMALL, train.size(), 3)) {
            var fit = new Trainer(TrainConfig.defaults(30, 3).withBatchSize(32)).fit(model, train, test);
            assertTrue(fit.history().getLast().trainLoss() < fit.history().getFirst().trainLoss(), "training loss falls");
            assertTrue(Double.isNaN(fit.history().getLast().trainAccuracy()), "no accuracy on a regression task");
            EvalResult r = Evaluator.evaluate(model, test, 64, Device.CPU);
            RegressionMetrics m = r.regression();
            assertNotNull(m);
            assertEquals(200, m.n());
            assertTrue(m.mae() < 0.25 * baseline, "test MAE " + m.mae() + " vs training-mean predictor " + baseline);
            assertEquals(m.mae(), r.loss(), 1e-4, "the L1 loss is the MAE");
            assertTrue(m.corr() > 0.9, "Pearson r " + m.corr());
        }
    }
}
