package dev.causalmm.eval;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.baselines.ConcatFusion;
import dev.causalmm.baselines.LateFusion;
import dev.causalmm.baselines.TMC;
import dev.causalmm.causal.C3R;
import dev.causalmm.causal.C3RConfig;
import dev.causalmm.data.MMLSynConfig;
import dev.causalmm.data.MMLSynData;
import dev.causalmm.data.MultimodalDataset;
import dev.causalmm.engine.Device;
import dev.causalmm.engine.Engine;
import dev.causalmm.engine.Functional;
import dev.causalmm.engine.NoGrad;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorScope;
import dev.causalmm.nn.EncoderConfig;
import dev.causalmm.nn.MultimodalModel;
import dev.causalmm.train.TrainConfig;
import dev.causalmm.train.Trainer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The C3 diagnostic of the deployed predictor: invariant to rescaling the representation by 1/c
 * and the layer that reads it by c (which leaves every prediction unchanged), for models scored
 * in Z-space (concat) and in feature space (late fusion); and TMC is stepped along its own loss.
 */
class C3ScoreTest {
    private static final MMLSynData.Splits DATA =
            MMLSynData.generate(MMLSynConfig.defaults(0).withSizes(4_000, 0, 500).withSpurious(0.7, 0.1));

    private static void train(MultimodalModel model) {
        new Trainer(TrainConfig.defaults(2, 1)).fit(model, DATA.train().dataset(), null);
    }

    /** Multiplies the named parameters by {@code factor} in place. */
    private static void scale(MultimodalModel model, double factor, String... names) {
        try (NoGrad ng = NoGrad.enter()) {
            for (String n : names) {
                Tensor p = model.namedParameters().get(n);
                assertNotNull(p, n);
                p.mul_(factor);
            }
        }
    }

    private static void assertInvariant(MultimodalModel model, List<String> representationLayer, List<String> readers) {
        MultimodalDataset test = DATA.test().dataset();
        C3Score before = C3Score.predictor(model, test, 0.1, 128, Device.CPU);
        assertEquals("predictor", before.space());
        assertTrue(before.necessityRisk() > 0.02 && before.necessityRisk() < 0.98,
                "a step of 0.1·‖Z‖ flips some predictions and not all: " + before.necessityRisk());
        for (double c : new double[] {0.25, 4}) {
            scale(model, 1 / c, representationLayer.toArray(String[]::new));
            scale(model, c, readers.toArray(String[]::new));
            C3Score after = C3Score.predictor(model, test, 0.1, 128, Device.CPU);
            scale(model, c, representationLayer.toArray(String[]::new));
            scale(model, 1 / c, readers.toArray(String[]::new));
            // counts of 500 samples: float rounding may move a sample that sits on the boundary
            assertEquals(before.sufficiencyRisk(), after.sufficiencyRisk(), 2.0 / test.size(), "sufficiency, c = " + c);
            assertEquals(before.necessityRisk(), after.necessityRisk(), 2.0 / test.size(), "necessity, c = " + c);
        }
    }

    @Test
    void representationSpaceScoreIsScaleInvariant() {
        try (var s = TensorScope.open("t"); var model = new ConcatFusion(new int[] {20, 20}, 2, EncoderConfig.c3rPaper(), 5)) {
            Engine.seed(5);
            train(model);
            assertInvariant(model, List.of("encoder0.mlp.layer2.weight", "encoder0.mlp.layer2.bias",
                    "encoder1.mlp.layer2.weight", "encoder1.mlp.layer2.bias"), List.of("classifier.weight"));
        }
    }

    @Test
    void featureSpaceScoreIsScaleInvariant() {
        try (var s = TensorScope.open("t"); var model = new LateFusion(new int[] {20, 20}, 2, EncoderConfig.c3rPaper(), false, 6)) {
            Engine.seed(6);
            train(model);
            assertInvariant(model, List.of("encoder0.mlp.layer2.weight", "encoder0.mlp.layer2.bias",
                    "encoder1.mlp.layer2.weight", "encoder1.mlp.layer2.bias"), List.of("head0.weight", "head1.weight"));
        }
    }

    @Test
    void baseAndC3RModelsAreScoredTheSameWay() {
        // a late-fusion model trained with C3R (its calibrator and auxiliary head exist) is scored on
        // its deployed predictor: exactly the score of a plain late-fusion model holding the same
        // weights, and not C3R's twin view (which reads the auxiliary head)
        try (var s = TensorScope.open("t"); var model = new LateFusion(new int[] {20, 20}, 2, EncoderConfig.c3rPaper(), false, 7);
             var plain = new LateFusion(new int[] {20, 20}, 2, EncoderConfig.c3rPaper(), false, 99);
             var c3r = new C3R(C3RConfig.defaults().withStep(1.0, false, false))) {
            new Trainer(TrainConfig.defaults(1, 1)).fit(model, c3r, DATA.train().dataset(), null);
            try (NoGrad ng = NoGrad.enter()) {
                model.namedParameters().forEach((name, p) -> plain.namedParameters().get(name).copyFrom_(p));
            }
            C3Score withC3R = C3Score.predictor(model, DATA.test().dataset(), 0.1, 256, Device.CPU);
            C3Score base = C3Score.predictor(plain, DATA.test().dataset(), 0.1, 100, Device.CPU);
            assertEquals(base.necessityRisk(), withC3R.necessityRisk(), 1e-12, "the same predictor, the same score (any batch size)");
            assertEquals(base.sufficiencyRisk(), withC3R.sufficiencyRisk(), 1e-12);
            assertEquals(withC3R.sufficiencyRisk(), 1 - Evaluator.evaluate(model, DATA.test().dataset(), 256, Device.CPU).accuracy(), 1e-9,
                    "sufficiency risk = error of the deployed predictor");
            C3Score twin = C3Score.twin(model, c3r, DATA.test().dataset(), 256, Device.CPU);
            assertEquals("c3r_twin", twin.space());
            assertEquals(1.0, twin.etaRel(), "the twin view uses C3R's own training step");
        }
    }

    @Test
    void tmcIsSteppedAlongItsEvidentialLoss() {
        try (var s = TensorScope.open("t"); var model = new TMC(new int[] {3, 3}, 3, EncoderConfig.c3rPaper(), 10, 8)) {
            Tensor alpha = Tensor.of(new float[] {5, 2, 1, 1, 1, 9}, 2, 3);
            Tensor y = Tensor.of(new long[] {0, 2}, 2);
            double[] dir = model.lossAscentDirection(alpha, y).toDoubleArray();
            // ∂/∂α_k [ψ(S) − ψ(α_y)] = ψ'(S) − 1{k = y}·ψ'(α_y): the true class's evidence falls, the others rise
            assertTrue(dir[0] < 0 && dir[1] > 0 && dir[2] > 0, java.util.Arrays.toString(dir));
            assertEquals(dir[1], dir[2], 1e-9, "other classes share ψ'(S)");
            assertTrue(dir[5] < 0 && dir[3] > 0 && dir[4] > 0);
            // not cross-entropy of α as if it were logits: that would be softmax-shaped
            double[] ce = Functional.crossEntropyAscent(alpha, y).toDoubleArray();
            assertNotEquals(ce[1] / ce[2], dir[1] / dir[2], 1e-3);
        }
    }
}
