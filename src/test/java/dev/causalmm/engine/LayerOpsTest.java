package dev.causalmm.engine;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** The image, sequence and attention ops against computations written out in Java. */
class LayerOpsTest {
    @Test
    void conv2dWithSamePaddingMatchesTheSum() {
        try (var s = TensorScope.open("t")) {
            // 1×2×3×3 input, 1 output channel, 3×3 kernel, padding 1
            float[] x = new float[18], w = new float[18];
            for (int i = 0; i < 18; i++) {
                x[i] = i * 0.5f - 3;
                w[i] = (i % 5) * 0.25f - 0.5f;
            }
            float[] y = Functional.conv2d(Tensor.of(x, 1, 2, 3, 3), Tensor.of(w, 1, 2, 3, 3), Tensor.of(new float[] {0.1f}, 1), 1, 1).toFloatArray();
            for (int r = 0; r < 3; r++) {
                for (int c = 0; c < 3; c++) {
                    double want = 0.1;
                    for (int ch = 0; ch < 2; ch++) {
                        for (int dr = -1; dr <= 1; dr++) {
                            for (int dc = -1; dc <= 1; dc++) {
                                int rr = r + dr, cc = c + dc;
                                if (rr < 0 || rr > 2 || cc < 0 || cc > 2) continue;
                                want += x[ch * 9 + rr * 3 + cc] * w[ch * 9 + (dr + 1) * 3 + (dc + 1)];
                            }
                        }
                    }
                    assertEquals(want, y[r * 3 + c], 1e-5, "output (" + r + ", " + c + ")");
                }
            }
        }
    }

    @Test
    void poolingEmbeddingAndLayerNorm() {
        try (var s = TensorScope.open("t")) {
            Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, 1, 1, 4, 4);
            assertArrayEquals(new float[] {6, 8, 14, 16}, Functional.maxPool2d(x, 2).toFloatArray());
            assertArrayEquals(new float[] {4.5f, 12.5f}, Functional.adaptiveAvgPool2d(x, 2, 1).toFloatArray(), 1e-6f);

            Tensor table = Tensor.of(new float[] {0, 0, 1, 2, 3, 4}, 3, 2);
            Tensor ids = Tensor.of(new long[] {2, 0, 1}, 3);
            assertArrayEquals(new float[] {3, 4, 0, 0, 1, 2}, Functional.embedding(table, ids).toFloatArray());

            Tensor row = Tensor.of(new float[] {1, 2, 3, 6}, 1, 4);
            float[] ln = Functional.layerNorm(row, Tensor.of(new float[] {1, 1, 2, 1}, 4), Tensor.of(new float[] {0, 0, 0, 1}, 4), 1e-5).toFloatArray();
            double mean = 3, var = (4 + 1 + 0 + 9) / 4.0;
            double[] want = {(1 - mean) / Math.sqrt(var + 1e-5), (2 - mean) / Math.sqrt(var + 1e-5),
                    2 * 0.0, (6 - mean) / Math.sqrt(var + 1e-5) + 1};
            for (int i = 0; i < 4; i++) assertEquals(want[i], ln[i], 1e-5);
        }
    }

    @Test
    void scaledDotProductAttentionIsSoftmaxOfScaledScores() {
        try (var s = TensorScope.open("t")) {
            Engine.seed(4);
            Tensor q = Tensor.randn(DType.FLOAT32, Device.CPU, 1, 3, 4);
            Tensor k = Tensor.randn(DType.FLOAT32, Device.CPU, 1, 3, 4);
            Tensor v = Tensor.randn(DType.FLOAT32, Device.CPU, 1, 3, 4);
            float[] got = Functional.scaledDotProductAttention(q, k, v).toFloatArray();
            float[] qa = q.toFloatArray(), ka = k.toFloatArray(), va = v.toFloatArray();
            for (int i = 0; i < 3; i++) {
                double[] sc = new double[3];
                double max = Double.NEGATIVE_INFINITY, z = 0;
                for (int j = 0; j < 3; j++) {
                    for (int d = 0; d < 4; d++) sc[j] += qa[i * 4 + d] * ka[j * 4 + d];
                    sc[j] /= 2; // √4
                    max = Math.max(max, sc[j]);
                }
                for (int j = 0; j < 3; j++) z += Math.exp(sc[j] - max);
                for (int d = 0; d < 4; d++) {
                    double o = 0;
                    for (int j = 0; j < 3; j++) o += Math.exp(sc[j] - max) / z * va[j * 4 + d];
                    assertEquals(o, got[i * 4 + d], 1e-5);
                }
            }
            Tensor ones = Tensor.ones(10_000);
            assertSame(ones, Functional.dropout(ones, 0.5, false), "dropout off at evaluation: no native call, no copy");
            float[] kept = Functional.dropout(ones, 0.5, true).toFloatArray();
            int zeros = 0;
            for (float kv : kept) {
                if (kv == 0) zeros++;
                else assertEquals(2f, kv, "survivors are scaled by 1/(1 − p)");
            }
            assertEquals(0.5, zeros / 10_000.0, 0.03);
        }
    }
}
