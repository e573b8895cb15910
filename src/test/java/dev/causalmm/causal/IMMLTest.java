package dev.causalmm.causal;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.baselines.LateFusion;
import dev.causalmm.data.ArrayDataset;
import dev.causalmm.data.ModalitySpec;
import dev.causalmm.engine.DType;
import dev.causalmm.engine.Device;
import dev.causalmm.engine.Engine;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorScope;
import dev.causalmm.nn.EncoderConfig;
import dev.causalmm.nn.ForwardOutput;
import dev.causalmm.nn.MultimodalModel;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IMMLTest {

    /** Eq. 3 for anchors a, partners b, in plain doubles (mean over anchors). */
    private static double reference(double[][] a, double[][] b, double tau) {
        int n = a.length;
        double total = 0;
        for (int i = 0; i < n; i++) {
            double pos = Math.exp(cos(a[i], b[i]) / tau);
            double den = 0;
            for (int j = 0; j < n; j++) {
                den += Math.exp(cos(a[i], b[j]) / tau);
                if (j != i) den += Math.exp(cos(a[i], a[j]) / tau);
            }
            total += -Math.log(pos / den);
        }
        return total / n;
    }

    private static double cos(double[] x, double[] y) {
        double d = 0, nx = 0, ny = 0;
        for (int k = 0; k < x.length; k++) {
            d += x[k] * y[k];
            nx += x[k] * x[k];
            ny += y[k] * y[k];
        }
        return d / Math.sqrt(nx * ny);
    }

    private static double[] flat(double[][] m) {
        double[] f = new double[m.length * m[0].length];
        for (int i = 0; i < m.length; i++) System.arraycopy(m[i], 0, f, i * m[0].length, m[0].length);
        return f;
    }

    @Test
    void ntXentMatchesEquationThreeOnThreeSamples() {
        double[][] a = {{1, 0, 2}, {0.5, -1, 0}, {2, 2, -1}};
        double[][] b = {{0.9, 0.1, 1.8}, {0, -1, 0.2}, {-1, 1, 0}};
        try (var s = TensorScope.open("t")) {
            Tensor ta = Tensor.of(flat(a), 3, 3), tb = Tensor.of(flat(b), 3, 3);
            assertEquals(reference(a, b, 0.5), IMML.ntXent(ta, tb, 0.5).item(), 1e-9);
            assertEquals(reference(b, a, 0.1), IMML.ntXent(tb, ta, 0.1).item(), 1e-9);
            // for M = 2, L_mdke = L^{1,2} + L^{2,1}: swapping the modalities leaves it unchanged
            double l12 = IMML.ntXent(ta, tb, 0.1).add(IMML.ntXent(tb, ta, 0.1)).item();
            double l21 = IMML.ntXent(tb, ta, 0.1).add(IMML.ntXent(ta, tb, 0.1)).item();
            assertEquals(l12, l21, 1e-12);
        }
    }

    @Test
    void sharedMdkeEqualsTheSumOfNtXentOverTheRing() {
        Engine.seed(3);
        try (var s = TensorScope.open("t")) {
            Tensor a = Tensor.randn(DType.FLOAT32, Device.CPU, 16, 5);
            Tensor b = Tensor.randn(DType.FLOAT32, Device.CPU, 16, 5);
            Tensor c = Tensor.randn(DType.FLOAT32, Device.CPU, 16, 5);
            double two = IMML.ntXent(a, b, 0.1).add(IMML.ntXent(b, a, 0.1)).item();
            assertEquals(two, IMML.mdke(List.of(a, b), 0.1).item(), 1e-4 * Math.abs(two));
            double three = IMML.ntXent(a, b, 0.2).add(IMML.ntXent(b, c, 0.2)).add(IMML.ntXent(c, a, 0.2)).item();
            assertEquals(three, IMML.mdke(List.of(a, b, c), 0.2).item(), 1e-4 * Math.abs(three));
            assertNotEquals(two, IMML.ntXent(a, b, 0.1).item() * 2, 1e-3); // the two directions differ: the sum is not trivially symmetric
        }
    }

    @Test
    void rollPairsEachAnchorWithItsNthSuccessor() {
        try (var s = TensorScope.open("t")) {
            Tensor idx = Tensor.of(new long[] {0, 1, 2, 3, 4}, 5);
            assertArrayEquals(new long[] {2, 3, 4, 0, 1}, idx.roll(-2, 0).toLongArray(), "i is paired with (i + 2) mod 5");
        }
    }

    @Test
    void betaSamplerMatchesBetaPointOnePointOne() {
        BetaSampler s = new BetaSampler(0.1, 0.1, 42);
        int n = 100_000;
        double sum = 0, sq = 0;
        for (int i = 0; i < n; i++) {
            double v = s.next();
            assertFalse(Double.isNaN(v));
            assertTrue(v >= 0 && v <= 1);
            sum += v;
            sq += v * v;
        }
        double mean = sum / n, var = sq / n - mean * mean;
        assertEquals(0.5, mean, 0.01);
        assertEquals(0.01 / (0.04 * 1.2), var, 0.005, "Beta(0.1,0.1) variance αβ/((α+β)²(α+β+1)) = 0.2083");
    }

    @Test
    void featureWeightsStartAtOneAndTrainThroughBothLosses() {
        Engine.seed(2);
        IMML imml = new IMML(IMMLConfig.defaults().withPredominant(0));
        try (var s = TensorScope.open("t"); MultimodalModel model = imml.adapt(new LateFusion(new int[] {4, 6}, 3, EncoderConfig.c3rPaper(), false, 2), 2)) {
            imml.bind(model, 2);
            assertTrue(model.namedParameters().containsKey("dk.omega1"));
            List<Tensor> x = List.of(Tensor.rand(DType.FLOAT32, Device.CPU, 8, 4), Tensor.rand(DType.FLOAT32, Device.CPU, 8, 6));
            FeatureWeighting fw = (FeatureWeighting) model;
            assertArrayEquals(fw.base().encode(x).get(1).toFloatArray(), model.encode(x).get(1).toFloatArray(), 0f, "ω = 1 at start");
            Tensor y = Tensor.of(new long[] {0, 1, 2, 0, 1, 2, 0, 1}, 8);
            ForwardOutput out = model.forward(x, null);
            var o = imml.compute(model, out, y, 0);
            assertTrue(o.terms().containsKey("imml.L_mdke") && o.terms().containsKey("imml.L_beta"));
            assertTrue(o.terms().get("imml.L_mdke").item() > 0);
            model.loss(out, y).add(o.loss()).backward();
            assertNotNull(fw.omega(0).grad(), "ω trains");
            assertNotNull(imml.namedParameters().get("proj1.layer0.weight").grad(), "projection heads train");
        } finally {
            imml.close();
        }
    }

    @Test
    void bindRefusesAModelThatWasNotAdapted() {
        try (var model = new LateFusion(new int[] {2, 2}, 2, EncoderConfig.c3rPaper(), false, 0); var imml = new IMML(IMMLConfig.defaults())) {
            var e = assertThrows(IllegalArgumentException.class, () -> imml.bind(model, 0));
            assertTrue(e.getMessage().contains("adapt"));
        }
    }

    @Test
    void predominantModalityIsChosenByUnimodalAccuracy() {
        int n = 600;
        Random r = new Random(3);
        float[] noise = new float[n * 3], signal = new float[n * 3];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 2;
            for (int j = 0; j < 3; j++) {
                noise[i * 3 + j] = (float) r.nextGaussian();
                signal[i * 3 + j] = (float) (y[i] * 2 + 0.5 * r.nextGaussian());
            }
        }
        var ds = new ArrayDataset("imbalanced", List.of(ModalitySpec.vector("noise", 3), ModalitySpec.vector("signal", 3)),
                new float[][] {noise, signal}, y, null, 2);
        IMML imml = new IMML(IMMLConfig.defaults());
        imml.observeData(ds, ds);
        assertEquals(1, imml.predominant());
        assertTrue(IMML.nearestCentroidAccuracy(ds, ds, 1) > 0.9);
        assertTrue(IMML.nearestCentroidAccuracy(ds, ds, 0) < 0.65);
    }
}
