package dev.causalmm.data;

import java.util.SplittableRandom;

/** A synthetic two-modality regression set: y = a·x1 + b·x2 + small noise (each x ~ N(0, I_8)). */
public final class RegressionFixtures {
    public static final int DIM = 8;

    private RegressionFixtures() {}

    /** {@code n} samples drawn with {@code seed}; the coefficients a, b are the same for every seed. */
    public static ArrayDataset twoModalities(String name, int n, long seed, Task.Regression task) {
        SplittableRandom coef = new SplittableRandom(99);
        float[][] w = new float[2][DIM];
        for (int k = 0; k < 2; k++) for (int j = 0; j < DIM; j++) w[k][j] = (float) (0.3 * Gaussian.draw(coef));
        SplittableRandom r = new SplittableRandom(seed);
        float[][] x = {new float[n * DIM], new float[n * DIM]};
        float[] y = new float[n * task.dims()];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int k = 0; k < 2; k++) {
                for (int j = 0; j < DIM; j++) {
                    float v = (float) Gaussian.draw(r);
                    x[k][i * DIM + j] = v;
                    s += w[k][j] * v;
                }
            }
            // further dimensions: the same signal scaled, so every dimension is learnable
            for (int d = 0; d < task.dims(); d++) y[i * task.dims() + d] = (float) ((d + 1) * s + 0.05 * Gaussian.draw(r));
        }
        return ArrayDataset.regression(name, ModalitySpec.vectors(new int[] {DIM, DIM}), x, y, null, task);
    }

    /** Test MAE of predicting the training set's mean target: the baseline a regression model must beat. */
    public static double meanPredictorMae(ArrayDataset train, ArrayDataset test) {
        double mean = 0;
        for (int i = 0; i < train.size(); i++) mean += train.target(i, 0);
        mean /= train.size();
        double mae = 0;
        for (int i = 0; i < test.size(); i++) mae += Math.abs(test.target(i, 0) - mean);
        return mae / test.size();
    }
}
