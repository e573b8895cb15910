package dev.causalmm.causal;

import dev.causalmm.data.ArrayDataset;
import dev.causalmm.data.ModalitySpec;
import java.util.Random;

/**
 * A small 3-class, 2-modality task where modality 0 separates the classes well and modality 1
 * only faintly: the imbalance that OGM-GE, PMR and UMT address.
 */
final class ImbalancedToy {
    static final int DIM = 4;

    private ImbalancedToy() {}

    /** One batch of the task as tensors: inputs per modality and labels. */
    record Rows(java.util.List<dev.causalmm.engine.Tensor> inputs, dev.causalmm.engine.Tensor labels) {}

    static Rows rows(int n, long seed) {
        float[][] v = values(n, seed);
        long[] y = new long[n];
        for (int i = 0; i < n; i++) y[i] = i % 3;
        return new Rows(java.util.List.of(dev.causalmm.engine.Tensor.of(v[0], n, DIM), dev.causalmm.engine.Tensor.of(v[1], n, DIM)),
                dev.causalmm.engine.Tensor.of(y, n));
    }

    static ArrayDataset data(int n, long seed) {
        float[][] v = values(n, seed);
        int[] y = new int[n];
        for (int i = 0; i < n; i++) y[i] = i % 3;
        return new ArrayDataset("imbalanced-toy", ModalitySpec.vectors(DIM, DIM), v, y, null, 3);
    }

    private static float[][] values(int n, long seed) {
        Random r = new Random(seed);
        float[] a = new float[n * DIM];
        float[] b = new float[n * DIM];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 3;
            for (int j = 0; j < DIM; j++) {
                a[i * DIM + j] = (float) ((j == y[i] ? 2.5 : 0) + r.nextGaussian());
                b[i * DIM + j] = (float) ((j == y[i] ? 0.4 : 0) + r.nextGaussian());
            }
        }
        return new float[][] {a, b};
    }
}
