package dev.causalmm.causal;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.baselines.LateFusion;
import dev.causalmm.data.ArrayDataset;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorScope;
import dev.causalmm.nn.EncoderConfig;
import dev.causalmm.nn.ForwardOutput;
import dev.causalmm.nn.MultimodalModel;
import dev.causalmm.train.TrainConfig;
import dev.causalmm.train.TrainResult;
import dev.causalmm.train.Trainer;
import java.util.List;
import org.junit.jupiter.api.Test;

class PMRTest {

    private static double[] flat(double[][] m) {
        double[] f = new double[m.length * m[0].length];
        for (int i = 0; i < m.length; i++) System.arraycopy(m[i], 0, f, i * m[0].length, m[0].length);
        return f;
    }

    private static double[][] dist(double[][] h, double[][] p) {
        double[][] d = new double[h.length][p.length];
        for (int i = 0; i < h.length; i++) {
            for (int c = 0; c < p.length; c++) {
                double s = 0;
                for (int j = 0; j < h[i].length; j++) s += (h[i][j] - p[c][j]) * (h[i][j] - p[c][j]);
                d[i][c] = Math.sqrt(s);
            }
        }
        return d;
    }

    /** softmax(−d)_i[y_i] per row. */
    private static double[] trueProb(double[][] d, int[] y) {
        double[] p = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            double z = 0;
            for (double v : d[i]) z += Math.exp(-v);
            p[i] = Math.exp(-d[i][y[i]]) / z;
        }
        return p;
    }

    private static double sum(double[] a) {
        double s = 0;
        for (double v : a) s += v;
        return s;
    }

    private static double pce(double[][] d, int[] y) {
        double s = 0;
        for (double p : trueProb(d, y)) s -= Math.log(p);
        return s / y.length;
    }

    // epoch 0: one batch whose rows are the prototypes (one row per class)
    static final double[][] A0 = {{1, 0}, {0, 1}, {-1, 0}};
    static final double[][] V0 = {{0.5, 0.5}, {0.4, 0.6}, {0.6, 0.4}};
    // epoch 1: modality a still separates the classes, modality v's rows all sit in the middle
    static final double[][] A1 = {{0.9, 0.1}, {0, 1}, {-1, 0.2}};
    static final double[][] V1 = {{0.5, 0.5}, {0.5, 0.5}, {0.5, 0.5}};
    static final int[] Y = {0, 1, 2};

    private static ForwardOutput out(double[][] a, double[][] v) {
        List<Tensor> h = List.of(Tensor.of(flat(a), 3, 2).to(dev.causalmm.engine.DType.FLOAT32),
                Tensor.of(flat(v), 3, 2).to(dev.causalmm.engine.DType.FLOAT32));
        return new ForwardOutput(h, null, null, Tensor.zeros(3, 3), List.of());
    }

    @Test
    void distancesAreEuclideanToEachPrototype() {
        try (var s = TensorScope.open("t")) {
            double[] d = PMR.distances(Tensor.of(flat(A1), 3, 2), Tensor.of(flat(A0), 3, 2)).toDoubleArray();
            assertArrayEquals(flat(dist(A1, A0)), d, 2e-6); // an exact 0 reads 1e-6: the squared distance is kept ≥ 1e-12
            assertEquals(Math.sqrt(0.01 + 0.01), d[0], 1e-9); // ‖(0.9, 0.1) − (1, 0)‖
        }
    }

    @Test
    void theWeakerModalityGetsAlphaTimesItsPrototypicalCrossEntropy() {
        try (var s = TensorScope.open("t"); MultimodalModel model = new LateFusion(new int[] {2, 2}, 3, EncoderConfig.c3rPaper(), false, 1);
             PMR pmr = new PMR(PMRConfig.defaults().withAlpha(0.7))) {
            Tensor y = Tensor.of(new long[] {0, 1, 2}, 3);
            pmr.compute(model, out(A0, V0), y, 0);
            Regularizer.Output o = pmr.compute(model, out(A1, V1), y, 1);  // epoch 1 starts: P = epoch 0's class means
            assertArrayEquals(flat(A0), pmr.prototypes().get(0).toDoubleArray(), 1e-6);
            assertArrayEquals(flat(V0), pmr.prototypes().get(1).toDoubleArray(), 1e-6);

            double sa = sum(trueProb(dist(A1, A0), Y)), sv = sum(trueProb(dist(V1, V0), Y));
            assertTrue(sa / sv > 1, "ρ = s_a/s_v > 1: a leads");          // ρ ≈ 1.66
            assertEquals(sa / sv, o.terms().get("pmr.ratio").item(), 1e-5);
            double expected = 0.7 * pce(dist(V1, V0), Y);                 // only v, the weaker, gets α·PCE
            assertEquals(expected, o.loss().item(), 1e-5);
            assertEquals(pce(dist(A1, A0), Y), o.terms().get("pmr.pce0").item(), 1e-5);
        }
    }

    @Test
    void prototypesBlendWithMomentumAtEachEpochsEnd() {
        try (var s = TensorScope.open("t"); MultimodalModel model = new LateFusion(new int[] {2, 2}, 3, EncoderConfig.c3rPaper(), false, 1);
             PMR pmr = new PMR(PMRConfig.defaults().withMomentum(0.2))) {
            Tensor y = Tensor.of(new long[] {0, 1, 2}, 3);
            pmr.compute(model, out(A0, V0), y, 0);
            pmr.compute(model, out(A1, V1), y, 1);
            pmr.compute(model, out(A1, V1), y, 1);     // two batches in epoch 1: the means are A1 and V1 again
            pmr.compute(model, out(A0, V0), y, 2);
            double[] p = pmr.prototypes().get(0).toDoubleArray();
            double[] a0 = flat(A0), a1 = flat(A1);
            for (int i = 0; i < p.length; i++) assertEquals(0.8 * a1[i] + 0.2 * a0[i], p[i], 1e-6, "P ← 0.8·mean + 0.2·P at " + i);
        }
    }

    @Test
    void equalScoresAddNoTerm() {
        try (var s = TensorScope.open("t")) {
            assertArrayEquals(new double[] {0, 0}, PMR.weakerWeights(Tensor.of(new double[] {1.5, 1.5}, 2), 1.0).toDoubleArray());
            assertArrayEquals(new double[] {0, 2}, PMR.weakerWeights(Tensor.of(new double[] {1.5, 1.2}, 2), 2.0).toDoubleArray());
        }
    }

    /** A short run: finite, and the weaker modality's prototypical CE falls as PMR trains it. */
    @Test
    void trainingLowersTheWeakModalitysPrototypicalLoss() {
        ArrayDataset train = ImbalancedToy.data(150, 7);
        try (PMR pmr = new PMR(PMRConfig.defaults());
             MultimodalModel model = new LateFusion(new int[] {4, 4}, 3, EncoderConfig.c3rPaper(), false, 3)) {
            TrainResult r = new Trainer(TrainConfig.defaults(6, 2).withBatchSize(32)).fit(model, pmr, train, null);
            assertTrue(Double.isFinite(r.last().trainLoss()));
            double first = r.history().get(1).terms().get("pmr.pce1"), last = r.last().terms().get("pmr.pce1");
            assertTrue(last < first, "PCE of modality 1: " + first + " -> " + last);
            assertTrue(r.last().terms().get("pmr.ratio") > 1, "modality 0 leads: ρ = " + r.last().terms().get("pmr.ratio"));
        }
    }
}
