package dev.causalmm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The 3-D convolution's input gradient for a batch equals, every time, the gradient of each sample
 * computed alone (guards the channels-last workaround in {@link Functional#conv3d}: LibTorch's
 * oneDNN NCDHW kernel gets it wrong for few channels at 32³–48³), and the new 3-D ops have the
 * shapes the U-Net relies on.
 */
class Conv3dGradientTest {
    private static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (2 * r.nextDouble() - 1);
        return v;
    }

    private static float[] inputGrad(float[] x, long[] shape, float[] w, long[] wShape) {
        return grads(x, shape, w, wShape)[0];
    }

    /** {input gradient, weight gradient} of Σ out² / 2-like loss (out · out.detach()). */
    private static float[][] grads(float[] x, long[] shape, float[] w, long[] wShape) {
        try (var s = TensorScope.open("g")) {
            Tensor xt = Tensor.of(x, shape).requiresGrad_(true);
            Tensor wt = Tensor.of(w, wShape).requiresGrad_(true);
            Tensor out = Functional.conv3d(xt, wt, null, 1, 1);
            out.mul(out.detach()).sum().backward();
            return new float[][] {xt.grad().toFloatArray(), wt.grad().toFloatArray()};
        }
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "batch {0}, {1}→{2} channels, side {3}, {4} thread(s)")
    @org.junit.jupiter.params.provider.CsvSource({
        "3, 8, 6, 12, 2",
        "2, 8, 8, 32, 1",    // NCDHW oneDNN: wrong input gradient on every try
        "2, 8, 8, 48, 2",    // NCDHW oneDNN: NaN in 5 of 8 tries
        "2, 2, 8, 48, 2",
    })
    void batchedInputGradientMatchesPerSampleGradients(int batch, int in, int out, int side, int threads) {
        int before = Engine.threads();
        Engine.setThreads(threads);
        try {
            check(batch, in, out, side);
        } finally {
            Engine.setThreads(before);
        }
    }

    private static void check(int batch, int in, int out, int side) {
        long[] shape = {batch, in, side, side, side};
        long[] wShape = {out, in, 3, 3, 3};
        int per = in * side * side * side;
        float[] x = random(batch * per, 1);
        float[] w = random(out * in * 27, 2);
        float[] expected = new float[batch * per];
        double[] expectedW = new double[w.length];      // the batch's weight gradient = the sum of the samples'
        for (int b = 0; b < batch; b++) {
            float[] one = java.util.Arrays.copyOfRange(x, b * per, (b + 1) * per);
            float[][] g = grads(one, new long[] {1, in, side, side, side}, w, wShape);
            System.arraycopy(g[0], 0, expected, b * per, per);
            for (int i = 0; i < w.length; i++) expectedW[i] += g[1][i];
        }
        for (int rep = 0; rep < 3; rep++) {
            float[][] got = grads(x, shape, w, wShape);
            double worst = 0;
            for (int i = 0; i < got[0].length; i++) worst = Math.max(worst, Math.abs(got[0][i] - expected[i]));
            assertTrue(worst < 1e-3 * side / 12.0, "repeat " + rep + ": batched input gradient differs by " + worst);
            double worstW = 0, scale = 0;
            for (int i = 0; i < w.length; i++) {
                worstW = Math.max(worstW, Math.abs(got[1][i] - expectedW[i]));
                scale = Math.max(scale, Math.abs(expectedW[i]));
            }
            assertTrue(worstW < 1e-4 * scale, "repeat " + rep + ": batched weight gradient differs by " + worstW + " (largest " + scale + ")");
        }
    }

    @Test
    void shapesOfTheThreeDimensionalOps() {
        try (var s = TensorScope.open("shapes")) {
            Tensor x = Tensor.of(random(2 * 4 * 8 * 8 * 8, 3), 2, 4, 8, 8, 8);
            Tensor w = Tensor.of(random(6 * 4 * 27, 4), 6, 4, 3, 3, 3);
            assertEquals(java.util.List.of(2L, 6L, 4L, 4L, 4L), box(Functional.conv3d(x, w, null, 2, 1).shape()));
            Tensor wt = Tensor.of(random(4 * 5 * 8, 5), 4, 5, 2, 2, 2);
            assertEquals(java.util.List.of(2L, 5L, 16L, 16L, 16L), box(Functional.convTranspose3d(x, wt, null, 2).shape()));
            Tensor n = Functional.groupNorm(x, 4, Tensor.ones(4), Tensor.zeros(4), 1e-5);
            assertEquals(0.0, n.select(0, 1).select(0, 2).mean().item(), 1e-5);
            assertEquals(1.0, n.select(0, 1).select(0, 2).square().mean().item(), 1e-3);
            Tensor neg = Functional.leakyRelu(Tensor.full(-2, DType.FLOAT32, Device.CPU, 3), 0.01);
            assertEquals(-0.02, neg.select(0, 0).item(), 1e-6);
            Tensor logits = Tensor.of(new float[] {0f, 2f}, 2);
            Tensor target = Tensor.of(new float[] {1f, 0f}, 2);
            double expected = (Math.log(2) + Math.log(1 + Math.exp(2))) / 2;
            assertEquals(expected, Functional.bceWithLogits(logits, target).item(), 1e-5);
            Tensor f = Tensor.of(new float[] {1, 2, 3}, 3).flip(0);
            assertEquals(3.0, f.select(0, 0).item(), 0);
        }
    }

    private static java.util.List<Long> box(long[] a) {
        return java.util.Arrays.stream(a).boxed().toList();
    }
}
