package dev.causalmm.baselines;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.causal.C3R;
import dev.causalmm.causal.C3RConfig;
import dev.causalmm.causal.Regularizer;
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

class TmcQmfTest {

    /** DS combination of two Dirichlets in plain doubles (spec §5.5). */
    private static double[] combineByHand(double[] a1, double[] a2) {
        int c = a1.length;
        double s1 = 0, s2 = 0;
        for (int k = 0; k < c; k++) {
            s1 += a1[k];
            s2 += a2[k];
        }
        double[] b1 = new double[c], b2 = new double[c];
        for (int k = 0; k < c; k++) {
            b1[k] = (a1[k] - 1) / s1;
            b2[k] = (a2[k] - 1) / s2;
        }
        double u1 = c / s1, u2 = c / s2, kappa = 0;
        for (int i = 0; i < c; i++) for (int j = 0; j < c; j++) if (i != j) kappa += b1[i] * b2[j];
        double[] b = new double[c];
        double sumB = 0;
        for (int k = 0; k < c; k++) {
            b[k] = (b1[k] * b2[k] + b1[k] * u2 + b2[k] * u1) / (1 - kappa);
            sumB += b[k];
        }
        double u = u1 * u2 / (1 - kappa);
        assertEquals(1.0, sumB + u, 1e-12, "beliefs and uncertainty of the combination sum to 1");
        double s = c / u;
        double[] alpha = new double[c];
        for (int k = 0; k < c; k++) alpha[k] = b[k] * s + 1;
        return alpha;
    }

    @Test
    void dempsterShaferCombinationMatchesHandIsCommutativeAndVacuousIsNeutral() {
        double[] a1 = {3.0, 1.5, 1.0}, a2 = {1.2, 4.0, 2.0};
        try (var s = TensorScope.open("t")) {
            Tensor t1 = Tensor.of(a1, 1, 3), t2 = Tensor.of(a2, 1, 3);
            assertArrayEquals(combineByHand(a1, a2), TMC.combine(t1, t2, 3).toDoubleArray(), 1e-12);
            assertArrayEquals(TMC.combine(t1, t2, 3).toDoubleArray(), TMC.combine(t2, t1, 3).toDoubleArray(), 1e-12, "commutative");
            assertArrayEquals(a1, TMC.combine(t1, Tensor.of(new double[] {1, 1, 1}, 1, 3), 3).toDoubleArray(), 1e-12, "vacuous opinion");
            // three modalities fold left and every intermediate opinion still sums to 1 (checked in combineByHand)
            double[] a3 = {2.0, 2.0, 5.0};
            assertArrayEquals(combineByHand(combineByHand(a1, a2), a3),
                    TMC.combineAll(List.of(t1, t2, Tensor.of(a3, 1, 3)), 3).toDoubleArray(), 1e-10);
        }
    }

    /** ψ by recurrence to x ≥ 6 and the asymptotic series. */
    private static double digamma(double x) {
        double r = 0;
        while (x < 6) {
            r -= 1 / x;
            x += 1;
        }
        double f = 1 / (x * x);
        return r + Math.log(x) - 0.5 / x - f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f / 240)));
    }

    private static double lgamma(double x) {
        return dev.causalmm.eval.TTestAccess.lgamma(x);
    }

    @Test
    void evidentialLossMatchesHandComputation() {
        double[] a = {3.0, 1.5, 2.0};
        int y = 1;
        double s = 6.5;
        double fit = digamma(s) - digamma(a[y]);
        double[] at = {a[0], 1.0, a[2]};
        double st = at[0] + at[1] + at[2];
        double kl = lgamma(st) - (lgamma(at[0]) + lgamma(at[1]) + lgamma(at[2])) - lgamma(3);
        for (double v : at) kl += (v - 1) * (digamma(v) - digamma(st));
        try (var sc = TensorScope.open("t")) {
            Tensor alpha = Tensor.of(a, 1, 3);
            Tensor label = Tensor.of(new long[] {y}, 1);
            assertEquals(fit, TMC.evidentialLoss(alpha, label, 0).item(), 1e-9);
            assertEquals(fit + 0.3 * kl, TMC.evidentialLoss(alpha, label, 0.3).item(), 1e-9);
        }
    }

    @Test
    void qmfRankingSignToleranceAndFirstBatch() {
        try (var s = TensorScope.open("t")) {
            Tensor idx = Tensor.of(new long[] {0, 1}, 2);
            // flat history (first batch): the term is exactly 0, never NaN
            assertEquals(0.0, QMF.rankingLoss(Tensor.of(new float[] {5, -3}, 2), Tensor.zeros(4), idx).item());
            // sample 0 has the larger accumulated loss (Ĥ0 = 1, Ĥ1 = 0): t = +1 for the pair (0,1), μ = 1
            Tensor history = Tensor.of(new float[] {4, 0, 2, 1}, 4);
            // w0 − w1 = 0.5 ≤ μ: within tolerance, no penalty
            assertEquals(0.0, QMF.rankingLoss(Tensor.of(new float[] {1.5f, 1.0f}, 2), history, idx).item(), 1e-7);
            // w0 − w1 = 3 > μ = 1: penalty (3 − 1) for the pair (0,1); the wrapped pair (1,0) has t = −1: max(0, −(−3)... )
            // pair (1,0): t = sign(0 − 1) = −1, w1 − w0 = −3 → t·(w1 − w0) − μ = 3 − 1 = 2
            assertEquals((2.0 + 2.0) / 2, QMF.rankingLoss(Tensor.of(new float[] {4f, 1f}, 2), history, idx).item(), 1e-6);
        }
    }

    @Test
    void immlMixesThroughTmcsEvidentialLoss() {
        MMLSynData.Splits data = MMLSynData.generate(MMLSynConfig.defaults(2).withSizes(2000, 300, 100));
        Engine.seed(1);
        var imml = new dev.causalmm.causal.IMML(dev.causalmm.causal.IMMLConfig.defaults().withPredominant(0));
        try (MultimodalModel m = imml.adapt(Baselines.create("tmc", new int[] {20, 20}, 2, EncoderConfig.c3rPaper(), 2000, 1), 1)) {
            TrainResult r = new Trainer(TrainConfig.defaults(3, 1).withBatchSize(64)).fit(m, imml, data.train().dataset(), data.val().dataset());
            assertTrue(Double.isFinite(r.last().terms().get("imml.L_beta")), r.last().terms().toString());
            assertTrue(r.last().valAccuracy() > 0.7, "val accuracy " + r.last().valAccuracy());
        } finally {
            imml.close();
        }
    }

    @Test
    void tmcAndQmfTrainAndTakeC3r() {
        MMLSynData.Splits data = MMLSynData.generate(MMLSynConfig.defaults(2).withSizes(2000, 300, 100));
        for (String name : new String[] {"tmc", "qmf"}) {
            for (boolean c3r : new boolean[] {false, true}) {
                try (MultimodalModel m = Baselines.create(name, new int[] {20, 20}, 2, EncoderConfig.c3rPaper(), 2000, 1);
                     Regularizer reg = c3r ? new C3R(C3RConfig.defaults()) : Regularizer.NONE) {
                    TrainResult r = new Trainer(TrainConfig.defaults(3, 1).withBatchSize(64)).fit(m, reg, data.train().dataset(), data.val().dataset());
                    assertTrue(Double.isFinite(r.last().trainLoss()), name + " loss " + r.last().trainLoss());
                    assertTrue(r.last().valAccuracy() > 0.75, name + (c3r ? "+c3r" : "") + " val accuracy " + r.last().valAccuracy());
                }
            }
        }
    }
}
