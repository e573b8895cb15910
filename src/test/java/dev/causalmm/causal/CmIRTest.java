package dev.causalmm.causal;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.baselines.LateFusion;
import dev.causalmm.data.MMLSynConfig;
import dev.causalmm.data.MMLSynData;
import dev.causalmm.engine.Engine;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorScope;
import dev.causalmm.nn.EncoderConfig;
import dev.causalmm.nn.MultimodalModel;
import dev.causalmm.train.TrainConfig;
import dev.causalmm.train.TrainResult;
import dev.causalmm.train.Trainer;
import java.util.List;
import org.junit.jupiter.api.Test;

class CmIRTest {
    static final MMLSynData.Splits DATA = MMLSynData.generate(MMLSynConfig.defaults(5).withSizes(2000, 200, 200));

    @Test
    void orthogonalityPenaltyMatchesHandValuesAndVanishesForOrthogonalCodes() {
        try (var s = TensorScope.open("t")) {
            // rows of inv ⟂ rows of spu: C = 0
            Tensor inv = Tensor.of(new double[] {1, 0, 0, 2, 0, 0}, 2, 3);
            Tensor spu = Tensor.of(new double[] {0, 1, 0, 0, 0, 3}, 2, 3);
            assertEquals(0.0, CmIR.orthogonality(inv, spu, 0.1, false).item(), 1e-12);
            // hand-computed: Nor(a) = [[1,0],[0.6,0.8]], Nor(b) = [[0,1],[1,0]] → C = [[0,1],[0.8,0.6]]
            Tensor a = Tensor.of(new double[] {1, 0, 3, 4}, 2, 2);
            Tensor b = Tensor.of(new double[] {0, 5, 2, 0}, 2, 2);
            double diag = (0 + 0.36) / 2, off = (1 + 0.64) / 2;
            assertEquals(diag + 0.01 * off, CmIR.orthogonality(a, b, 0.1, false).item(), 1e-12, "weight α_od² on entries");
            assertEquals(diag + 0.1 * off, CmIR.orthogonality(a, b, 0.1, true).item(), 1e-12, "weight α_od on squares");
        }
    }

    private static double invarianceAfterBind(CmIRConfig cfg) {
        Engine.seed(1);
        CmIR cmir = new CmIR(cfg);
        try (var s = TensorScope.open("t"); MultimodalModel model = cmir.adapt(new LateFusion(new int[] {20, 20}, 2, EncoderConfig.c3rPaper(), false, 1), 1)) {
            cmir.observeData(DATA.train().dataset(), null);
            cmir.bind(model, 1);
            var ds = DATA.train().dataset();
            Tensor x0 = Tensor.of(java.util.Arrays.copyOf(ds.values(0), 16 * 20), 16, 20);
            Tensor x1 = Tensor.of(java.util.Arrays.copyOf(ds.values(1), 16 * 20), 16, 20);
            Tensor y = Tensor.zeros(dev.causalmm.engine.DType.INT64, dev.causalmm.engine.Device.CPU, 16);
            var out = model.forward(List.of(x0, x1), null);
            assertTrue(out.extras().containsKey("cmir.spu1"));
            var o = cmir.compute(model, out, y, 0);
            assertTrue(o.terms().get("cmir.R_rec").item() > 0);
            o.loss().backward();
            assertNotNull(cmir.namedParameters().get("decoder0.layer0.weight").grad(), "decoders train");
            assertNotNull(model.namedParameters().get("split.spu0.weight").grad(), "spurious heads train");
            return o.terms().get("cmir.R_inv").item();
        } finally {
            cmir.close();
        }
    }

    @Test
    void invarianceIsZeroWithoutNoiseAndPositiveWithIt() {
        assertEquals(0.0, invarianceAfterBind(CmIRConfig.defaults().withEnvironments(3, 0.0, false, false)), 0.0);
        assertTrue(invarianceAfterBind(CmIRConfig.defaults().withEnvironments(3, 0.5, false, false)) > 0);
        // the assigned form compares batch means of different samples, so it is not 0 without noise
        double assigned = invarianceAfterBind(CmIRConfig.defaults().withEnvironments(3, 0.5, true, true));
        assertTrue(assigned > 0 && Double.isFinite(assigned), "assigned form: " + assigned);
    }

    @Test
    void reconstructionDecreasesDuringTraining() {
        Engine.seed(2);
        CmIR cmir = new CmIR(CmIRConfig.defaults());
        try (MultimodalModel model = cmir.adapt(new LateFusion(new int[] {20, 20}, 2, EncoderConfig.c3rPaper(), false, 2), 2)) {
            TrainResult r = new Trainer(TrainConfig.defaults(4, 2).withBatchSize(64)).fit(model, cmir, DATA.train().dataset(), DATA.val().dataset());
            double first = r.history().getFirst().terms().get("cmir.R_rec");
            double last = r.last().terms().get("cmir.R_rec");
            assertTrue(last < first * 0.8, "R_rec " + first + " -> " + last);
            assertTrue(r.last().valAccuracy() > 0.75, "the invariant-code predictor learns: " + r.last().valAccuracy());
        } finally {
            cmir.close();
        }
    }

    @Test
    void bindRefusesAModelThatWasNotAdapted() {
        try (var model = new LateFusion(new int[] {2, 2}, 2, EncoderConfig.c3rPaper(), false, 0); var cmir = new CmIR(CmIRConfig.defaults())) {
            var e = assertThrows(IllegalArgumentException.class, () -> cmir.bind(model, 0));
            assertTrue(e.getMessage().contains("adapt"));
        }
        assertThrows(IllegalArgumentException.class, () -> CmIRConfig.defaults().withEnvironments(1, 0.1, false, false));
    }
}
