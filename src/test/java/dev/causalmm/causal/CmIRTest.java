package dev.causalmm.causal;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.baselines.LateFusion;
import dev.causalmm.data.MMLSynConfig;
import dev.causalmm.data.MMLSynData;
import dev.causalmm.engine.Engine;
import dev.causalmm.engine.NoGrad;
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
        return invarianceAfterBind(cfg, 1.0, null);
    }

    /**
     * R_inv of one batch after the invariant heads' outputs are scaled by {@code c} (weights and
     * biases) and the next layer (late fusion's heads) by 1/c, which leaves every prediction as it
     * was; {@code logitsOut} receives the fused logits.
     */
    private static double invarianceAfterBind(CmIRConfig cfg, double c, double[][] logitsOut) {
        Engine.seed(1);
        CmIR cmir = new CmIR(cfg);
        try (var s = TensorScope.open("t"); MultimodalModel model = cmir.adapt(new LateFusion(new int[] {20, 20}, 2, EncoderConfig.c3rPaper(), false, 1), 1)) {
            cmir.observeData(DATA.train().dataset(), null);
            cmir.bind(model, 1);
            if (c != 1.0) {
                var params = model.namedParameters();
                try (var ng = NoGrad.enter()) {
                    for (int m = 0; m < 2; m++) {
                        params.get("split.inv" + m + ".weight").mul_(c);
                        params.get("split.inv" + m + ".bias").mul_(c);
                        String head = "head" + m + ".weight";
                        String key = params.keySet().stream().filter(k -> k.equals(head) || k.endsWith("." + head)).findFirst().orElseThrow();
                        params.get(key).mul_(1 / c);
                    }
                }
            }
            var ds = DATA.train().dataset();
            Tensor x0 = Tensor.of(java.util.Arrays.copyOf(ds.values(0), 16 * 20), 16, 20);
            Tensor x1 = Tensor.of(java.util.Arrays.copyOf(ds.values(1), 16 * 20), 16, 20);
            Tensor y = Tensor.zeros(dev.causalmm.engine.DType.INT64, dev.causalmm.engine.Device.CPU, 16);
            Engine.seed(7); // the same environment noise whatever c is
            var out = model.forward(List.of(x0, x1), null);
            if (logitsOut != null) logitsOut[0] = out.logits().toDoubleArray();
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
    void invarianceIsUnchangedWhenTheInvariantCodesAreRescaled() {
        for (CmIRConfig cfg : List.of(CmIRConfig.defaults(), CmIRConfig.defaults().withEnvironments(3, 0.5, true, true))) {
            double[][] logits = new double[1][], scaledLogits = new double[1][];
            double base = invarianceAfterBind(cfg, 1.0, logits);
            assertTrue(base > 0 && Double.isFinite(base), "R_inv " + base);
            for (double c : new double[] {0.25, 4}) {
                double scaled = invarianceAfterBind(cfg, c, scaledLogits);
                assertArrayEquals(logits[0], scaledLogits[0], 1e-4, "the rescaled model predicts the same (c = " + c + ")");
                assertEquals(base, scaled, 1e-4 * base, "R_inv unchanged by rescaling the codes by c = " + c + " (" + cfg + ")");
            }
        }
        // the spec's plain L1 changes by c; the relative L1 does not
        try (var s = TensorScope.open("t")) {
            Engine.seed(3);
            Tensor clean = Tensor.randn(dev.causalmm.engine.DType.FLOAT32, dev.causalmm.engine.Device.CPU, 32, 8);
            Tensor noisy = clean.add(Tensor.randn(dev.causalmm.engine.DType.FLOAT32, dev.causalmm.engine.Device.CPU, 32, 8), 0.3);
            double plain = clean.sub(noisy).abs().mean().item();
            double rel = CmIR.relativeL1(clean, noisy, CmIR.codeScale(clean)).item();
            for (double c : new double[] {0.25, 4}) {
                Tensor a = clean.mul(c), b = noisy.mul(c);
                assertEquals(c * plain, a.sub(b).abs().mean().item(), 1e-5, "plain L1 scales with c");
                assertEquals(rel, CmIR.relativeL1(a, b, CmIR.codeScale(a)).item(), 1e-5 * rel, "relative L1 does not");
            }
        }
    }

    @Test
    void environmentLevelsSpreadOverTheConfiguredRange() {
        CmIRConfig d = CmIRConfig.defaults();
        assertArrayEquals(new double[] {1, 2, 3}, new double[] {d.level(1), d.level(2), d.level(3)}, 1e-12);
        CmIRConfig r = d.withEnvironments(4, 0.5, false, false).withNoiseRange(0.5, 3.5);
        assertArrayEquals(new double[] {0.5, 1.5, 2.5, 3.5}, new double[] {r.level(1), r.level(2), r.level(3), r.level(4)}, 1e-12);
        CmIRConfig spec = d.withEnvironments(3, 0.1, false, false);
        assertEquals(0.3, spec.level(3), 1e-12, "alphaMax 0: the spec's alpha1·e");
        assertThrows(IllegalArgumentException.class, () -> d.withNoiseRange(2, 1));
        assertThrows(IllegalArgumentException.class, () -> d.withNoiseRange(Double.NaN, 3));
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
