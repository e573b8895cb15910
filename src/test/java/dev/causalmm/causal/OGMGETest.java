package dev.causalmm.causal;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.baselines.ConcatFusion;
import dev.causalmm.data.ArrayDataset;
import dev.causalmm.engine.Optimizer;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorScope;
import dev.causalmm.nn.EncoderConfig;
import dev.causalmm.nn.ForwardOutput;
import dev.causalmm.nn.MultimodalModel;
import dev.causalmm.train.TrainConfig;
import dev.causalmm.train.TrainResult;
import dev.causalmm.train.Trainer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OGMGETest {

    /** The reference's score: Σ_i softmax(l)_i[y_i], in plain doubles. */
    private static double score(double[][] logits, int[] y) {
        double s = 0;
        for (int i = 0; i < y.length; i++) {
            double z = 0;
            for (double v : logits[i]) z += Math.exp(v);
            s += Math.exp(logits[i][y[i]]) / z;
        }
        return s;
    }

    @Test
    void coefficientsFollowEquationTenOnATwoModalityThreeClassBatch() {
        // modality 0 is confident and right, modality 1 nearly uniform: 0 dominates
        double[][] la = {{2, 0, 0}, {0, 1, 0}};
        double[][] lv = {{0, 0, 0}, {1, 0, 0}};
        int[] y = {0, 1};
        double sa = score(la, y), sv = score(lv, y);        // e²/(e²+2) + e/(e+2) = 1.3631; 1/3 + 1/(e+2) = 0.5453
        assertEquals(1.3631, sa, 1e-4);
        assertEquals(0.5453, sv, 1e-4);
        double expected = 1 - Math.tanh(0.5 * sa / sv);    // 1 − tanh(α·ρ) = 0.1517
        try (var s = TensorScope.open("t")) {
            Tensor labels = Tensor.of(new long[] {0, 1}, 2);
            Tensor scores = ModalityLogits.scores(List.of(Tensor.of(new double[] {2, 0, 0, 0, 1, 0}, 2, 3),
                    Tensor.of(new double[] {0, 0, 0, 1, 0, 0}, 2, 3)), labels, null);
            assertArrayEquals(new double[] {sa, sv}, scores.toDoubleArray(), 1e-9);
            double[] c = OGMGE.coefficients(scores, 0.5).toDoubleArray();
            assertEquals(expected, c[0], 1e-9);
            assertEquals(1.0, c[1], 0.0);
            // the weaker modality dominating instead flips which one is damped
            double[] flipped = OGMGE.coefficients(Tensor.of(new double[] {sv, sa}, 2), 0.5).toDoubleArray();
            assertEquals(1.0, flipped[0], 0.0);
            assertEquals(expected, flipped[1], 1e-9);
            // a masked-out row does not count towards its modality's score
            Tensor mask = Tensor.of(new double[] {1, 1, 1, 0}, 2, 2);
            double[] masked = ModalityLogits.scores(List.of(Tensor.of(new double[] {2, 0, 0, 0, 1, 0}, 2, 3),
                    Tensor.of(new double[] {0, 0, 0, 1, 0, 0}, 2, 3)), labels, mask).toDoubleArray();
            assertEquals(1.0 / 3, masked[1], 1e-9);
        }
    }

    private static double[][] rows(Tensor t) {
        int b = (int) t.size(0), d = (int) t.size(1);
        double[] f = t.toDoubleArray();
        double[][] r = new double[b][d];
        for (int i = 0; i < b; i++) System.arraycopy(f, i * d, r[i], 0, d);
        return r;
    }

    /** Concat fusion: l_k = H_k W_kᵀ + b/2 from the classifier's columns for modality k (the reference's split). */
    private static double[][] splitLogits(double[][] h, double[] w, double[] bias, int in, int offset) {
        int c = bias.length;
        double[][] l = new double[h.length][c];
        for (int i = 0; i < h.length; i++) {
            for (int k = 0; k < c; k++) {
                double v = bias[k] / 2;
                for (int j = 0; j < h[i].length; j++) v += h[i][j] * w[k * in + offset + j];
                l[i][k] = v;
            }
        }
        return l;
    }

    @Test
    void theDominantEncodersWeightGradientsAreScaledByItsCoefficientAndNothingElse() {
        try (var s = TensorScope.open("t"); MultimodalModel model = new ConcatFusion(new int[] {4, 4}, 3, EncoderConfig.c3rPaper(), 5);
             OGMGE reg = new OGMGE(OGMGEConfig.defaults().withAlpha(0.5).withNoise(false))) {
            var batch = ImbalancedToy.rows(6, 3);
            model.setTraining(true);
            ForwardOutput out = model.forward(batch.inputs(), null);
            reg.compute(model, out, batch.labels(), 0);
            double[] c = reg.lastCoefficients().toDoubleArray();

            int[] y = java.util.Arrays.stream(batch.labels().toLongArray()).mapToInt(v -> (int) v).toArray();
            double[] w = model.classifier().weight().toDoubleArray();
            double[] bias = model.classifier().bias().toDoubleArray();
            int d0 = model.featureDim(0), in = model.fusedDim();
            double s0 = score(splitLogits(rows(out.features().get(0)), w, bias, in, 0), y);
            double s1 = score(splitLogits(rows(out.features().get(1)), w, bias, in, d0), y);
            int dom = s0 >= s1 ? 0 : 1;
            assertEquals(1 - Math.tanh(0.5 * Math.max(s0, s1) / Math.min(s0, s1)), c[dom], 1e-5);
            assertEquals(1.0, c[1 - dom], 0.0);

            model.loss(out, batch.labels()).backward();
            Map<String, float[]> before = new LinkedHashMap<>();
            model.namedParameters().forEach((n, p) -> before.put(n, p.grad().toFloatArray()));
            reg.afterBackward(model);
            int scaled = 0;
            for (var e : model.namedParameters().entrySet()) {
                String n = e.getKey();
                Tensor p = e.getValue();
                boolean modulated = n.startsWith("encoder" + dom + ".") && p.dim() >= 2;
                double factor = modulated ? c[dom] : 1.0;
                float[] g0 = before.get(n), g1 = p.grad().toFloatArray();
                for (int i = 0; i < g0.length; i++) assertEquals(g0[i] * factor, g1[i], 1e-6 * (1 + Math.abs(g0[i])), n + "[" + i + "]");
                if (modulated) scaled++;
            }
            assertTrue(scaled >= 2, "the dominant encoder's weight matrices were found: " + scaled);
        }
    }

    @Test
    void theProbeFindsEachModalitysOwnWeightsInAConcatModel() {
        try (var s = TensorScope.open("t"); MultimodalModel model = new ConcatFusion(new int[] {4, 4}, 3, EncoderConfig.c3rPaper(), 5)) {
            var batch = ImbalancedToy.rows(3, 3);
            List<List<Tensor>> found = OGMGE.encoderWeights(model, batch.inputs());
            for (int k = 0; k < 2; k++) {
                List<Tensor> expected = new ArrayList<>();
                String prefix = "encoder" + k + ".";
                model.namedParameters().forEach((n, p) -> { if (n.startsWith(prefix) && p.dim() >= 2) expected.add(p); });
                assertEquals(expected, found.get(k), "modality " + k);
            }
            model.namedParameters().values().forEach(p -> assertNull(p.grad(), "the probe leaves no gradient behind"));
        }
    }

    @Test
    void geNoiseHasTheGradientsOwnScale() {
        double[] r = geNoiseAfterOneStep(1);
        double noiseStd = r[0], gradStd = r[1];
        assertTrue(noiseStd > 0.7 * gradStd && noiseStd < 1.3 * gradStd, "noise std " + noiseStd + " vs gradient std " + gradStd);
    }

    @Test
    void geNoiseOnTheDominantEncoderHasTheUnscaledGradientsStd() {
        double[] r = geNoiseAfterOneStep(-1);
        double noiseStd = r[0], rawStd = r[1], k = r[2];
        assertTrue(k < 0.6, "α = 0.5 damps the dominant encoder to k ≤ 1 − tanh(0.5): " + k);
        // the reference: grad * coeff + N(0, grad.std()) with std of the unscaled grad (k·std would be < 0.6·rawStd)
        assertTrue(noiseStd > 0.8 * rawStd && noiseStd < 1.2 * rawStd, "noise std " + noiseStd + " vs unscaled gradient std " + rawStd);
    }

    /**
     * One OGM-GE step (α = 0.5) on the imbalanced toy: the std of the noise GE added to the first
     * weight matrix of encoder {@code encoder} (-1: the dominant one, the smaller coefficient), the std
     * of that matrix's unscaled gradient, and the encoder's coefficient k.
     */
    private static double[] geNoiseAfterOneStep(int encoder) {
        try (var s = TensorScope.open("t"); MultimodalModel model = new ConcatFusion(new int[] {4, 4}, 3, EncoderConfig.c3rPaper(), 5);
             OGMGE reg = new OGMGE(OGMGEConfig.defaults().withAlpha(0.5))) {
            var batch = ImbalancedToy.rows(6, 3);
            dev.causalmm.engine.Engine.seed(4);
            ForwardOutput out = model.forward(batch.inputs(), null);
            reg.compute(model, out, batch.labels(), 0);
            double[] c = reg.lastCoefficients().toDoubleArray();
            int u = encoder >= 0 ? encoder : c[0] < c[1] ? 0 : 1;
            model.loss(out, batch.labels()).backward();
            Tensor p = model.namedParameters().entrySet().stream().filter(e -> e.getKey().startsWith("encoder" + u + ".") && e.getValue().dim() >= 2)
                    .findFirst().orElseThrow().getValue();
            Tensor raw = p.grad().mul(1.0);
            reg.afterBackward(model);
            return new double[] {p.grad().sub(raw.mul(c[u])).std().item(), raw.std().item(), c[u]};
        }
    }

    @Test
    void tmcScoresUseTheDirichletMeanAlphaOverS() {
        try (var s = TensorScope.open("t"); MultimodalModel model = new dev.causalmm.baselines.TMC(new int[] {4, 4}, 3, EncoderConfig.c3rPaper(), 10, 5)) {
            var batch = ImbalancedToy.rows(6, 3);
            ForwardOutput out = model.forward(batch.inputs(), null);
            double[] got = ModalityLogits.scores(ModalityLogits.of(model, out), batch.labels(), null).toDoubleArray();
            long[] y = batch.labels().toLongArray();
            for (int k = 0; k < 2; k++) {
                Tensor alpha = out.modalityLogits().get(k);
                int c = (int) alpha.size(1);
                float[] a = alpha.toFloatArray();
                double expected = 0;
                for (int i = 0; i < y.length; i++) {
                    double sum = 0;
                    for (int j = 0; j < c; j++) sum += a[i * c + j];
                    expected += a[i * c + (int) y[i]] / sum;
                }
                assertEquals(expected, got[k], 1e-4, "modality " + k + ": Σ_i α_y/S");
            }
        }
    }

    private static double displacement(MultimodalModel m, Map<String, float[]> start, String prefix) {
        double d = 0;
        for (var e : m.namedParameters().entrySet()) {
            if (!e.getKey().startsWith(prefix)) continue;
            float[] a = start.get(e.getKey()), b = e.getValue().toFloatArray();
            for (int i = 0; i < a.length; i++) d += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(d);
    }

    /** With SGD (as the reference trains), OGM slows the dominant encoder: it moves less from the same start than without. */
    @Test
    void trainingDampsTheDominantEncoderAndStaysFinite() {
        ArrayDataset train = ImbalancedToy.data(150, 7);
        TrainConfig cfg = TrainConfig.defaults(3, 2).withBatchSize(32)
                .withOptimizer(new Optimizer.Settings(Optimizer.Kind.SGD, 0.05, 0, 0.9, 0.999, 1e-8, 0.9));
        double[] moved = new double[2];
        double[] movedWeak = new double[2];
        TrainResult withOgm = null;
        for (int run = 0; run < 2; run++) {
            try (Regularizer reg = run == 0 ? Regularizer.NONE : new OGMGE(OGMGEConfig.defaults().withAlpha(0.5).withNoise(false));
                 MultimodalModel model = new ConcatFusion(new int[] {4, 4}, 3, EncoderConfig.c3rPaper(), 11)) {
                Map<String, float[]> start = new LinkedHashMap<>();
                model.namedParameters().forEach((n, p) -> start.put(n, p.toFloatArray()));
                TrainResult r = new Trainer(cfg).fit(model, reg, train, null);
                assertTrue(Double.isFinite(r.last().trainLoss()));
                moved[run] = displacement(model, start, "encoder0.");
                movedWeak[run] = displacement(model, start, "encoder1.");
                if (run == 1) withOgm = r;
            }
        }
        double c0 = withOgm.last().terms().get("ogm.coeff0");
        assertTrue(c0 < 0.9, "modality 0 dominates and is damped: mean coefficient " + c0);
        assertEquals(1.0, withOgm.last().terms().get("ogm.coeff1"), 1e-6);
        assertTrue(moved[1] < 0.9 * moved[0], "dominant encoder moved " + moved[1] + " with OGM vs " + moved[0] + " without");
        assertTrue(Double.isFinite(movedWeak[1]) && movedWeak[1] > 0);
        try (Regularizer ge = new OGMGE(OGMGEConfig.defaults());
             MultimodalModel model = new ConcatFusion(new int[] {4, 4}, 3, EncoderConfig.c3rPaper(), 11)) {
            TrainResult r = new Trainer(cfg).fit(model, ge, train, null);
            assertTrue(Double.isFinite(r.last().trainLoss()), "with GE noise: " + r.last());
        }
    }

    @Test
    void modulationStopsOutsideItsEpochs() {
        try (var s = TensorScope.open("t"); MultimodalModel model = new ConcatFusion(new int[] {4, 4}, 3, EncoderConfig.c3rPaper(), 5);
             OGMGE reg = new OGMGE(OGMGEConfig.defaults().withEpochs(1, 2))) {
            var batch = ImbalancedToy.rows(3, 3);
            ForwardOutput out = model.forward(batch.inputs(), null);
            assertNull(reg.compute(model, out, batch.labels(), 0));
            assertNull(reg.lastCoefficients());
            assertNotNull(reg.compute(model, out, batch.labels(), 2));
            assertNull(reg.compute(model, out, batch.labels(), 3));
        }
    }
}
