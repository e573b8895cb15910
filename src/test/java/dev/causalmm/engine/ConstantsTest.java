package dev.causalmm.engine;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** The shared native constants behind scalar ops, and the one-kernel row/column reductions. */
class ConstantsTest {

    @Test
    void repeatedConstantsShareOneNativeScalarAndStayCorrectPastTheCacheBound() {
        Engine.init();
        assertSame(Constants.scalar(0.25), Constants.scalar(0.25));
        assertSame(Constants.optional(1e-12), Constants.optional(1e-12));
        try (var s = TensorScope.open("t")) {
            Tensor x = Tensor.of(new float[] {1, 2, 3}, 3);
            // more distinct values than the cache holds: the overflow scalars are made and freed per call
            for (int i = 0; i < Constants.MAX_SCALARS + 200; i++) {
                double v = 1 + i / 4096.0;
                assertEquals(6 * v, x.mul(v).sum().item(), 1e-4, "mul by " + v);
                assertEquals(6 + 3 * v, x.add(v).sum().item(), 1e-3, "add " + v);
            }
            assertEquals(2.5, x.clampMin(2.5).min().item(), 1e-6);
            assertEquals(3.0, x.clampMin(2.5).max().item(), 1e-6);
            assertEquals(-1e9, x.maskedFill(x.gt(2.5), -1e9).min().item(), 1);
            assertEquals(0.25, x.mul(0.25).min().item(), 1e-7, "a cached value after the cache filled up");
        }
    }

    @Test
    void rowNormsVarianceAndDiagonalMatchTheirDefinitions() {
        try (var s = TensorScope.open("t")) {
            Tensor m = Tensor.of(new float[] {3, 4, 0, 1, 2, 2, 5, 0, 12}, 3, 3);
            assertArrayEquals(new float[] {5, 3, 13}, m.rowNorms().toFloatArray(), 1e-5f);
            assertArrayEquals(new long[] {3, 1}, m.rowNorms().shape());
            assertArrayEquals(new float[] {3, 2, 12}, m.diagonal().toFloatArray());
            // population variance of the columns {3,1,5}, {4,2,0}, {0,2,12}
            assertArrayEquals(new float[] {8f / 3, 8f / 3, 248f / 9}, m.variance(0, true).toFloatArray(), 1e-4f);
            float[] unit = Functional.normalizeRows(m).toFloatArray();
            assertEquals(0.6f, unit[0], 1e-6f);
            assertEquals(12f / 13, unit[8], 1e-6f);
        }
    }
}
