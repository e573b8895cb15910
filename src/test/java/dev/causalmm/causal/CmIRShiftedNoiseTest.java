package dev.causalmm.causal;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.baselines.LateFusion;
import dev.causalmm.data.ArrayDataset;
import dev.causalmm.data.MMLSynConfig;
import dev.causalmm.data.MMLSynData;
import dev.causalmm.engine.Device;
import dev.causalmm.engine.Engine;
import dev.causalmm.eval.Evaluator;
import dev.causalmm.eval.TTest;
import dev.causalmm.nn.EncoderConfig;
import dev.causalmm.nn.MultimodalModel;
import dev.causalmm.train.TrainConfig;
import dev.causalmm.train.Trainer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * A shifted-noise task: train on clean MMLSynData, test with Gaussian noise of a level CmIR's
 * virtual environments never used (their intensities are 0.1, 0.2, 0.3 training-std units; the
 * test noise is {@value #TEST_NOISE_STD_UNITS} std units on both modalities). Late fusion vs late
 * fusion + CmIR over five seeds, with a Student t-test.
 *
 * <p>A measured report, not an assertion of the paper's claim, which did not reproduce here
 * (2026-11-24, 4,000 training samples, 8 epochs, test noise 3 std units): default settings
 * (α1 = 0.1, λ = 0.1) 0.7700 vs 0.7715 for late fusion (p = 0.74); stronger invariance
 * (α1 = 0.5, λ_inv = 1) 0.7506, significantly worse (p = 0.002). The test asserts only that CmIR
 * trains (every run above 0.6) and prints the numbers.
 */
class CmIRShiftedNoiseTest {
    static final int SEEDS = 5;
    static final double TEST_NOISE_STD_UNITS = 3.0;

    static double run(MMLSynData.Splits data, ArrayDataset noisyTest, long seed, boolean cmir) {
        try (Regularizer reg = cmir ? new CmIR(CmIRConfig.defaults().withSeed(seed)) : Regularizer.NONE;
             MultimodalModel model = reg.adapt(new LateFusion(new int[] {20, 20}, 2, EncoderConfig.c3rPaper(), false, seed), seed)) {
            new Trainer(TrainConfig.defaults(8, seed).withBatchSize(64)).fit(model, reg, data.train().dataset(), null);
            return Evaluator.evaluate(model, noisyTest, 512, Device.CPU).accuracy();
        }
    }

    private static double meanStd(float[] values, int dim) {
        int n = values.length / dim;
        double total = 0;
        for (int j = 0; j < dim; j++) {
            double s = 0, sq = 0;
            for (int i = 0; i < n; i++) {
                s += values[i * dim + j];
                sq += values[i * dim + j] * values[i * dim + j];
            }
            total += Math.sqrt(Math.max(0, sq / n - (s / n) * (s / n)));
        }
        return total / dim;
    }

    @Test
    void lateFusionWithAndWithoutCmirUnderUnseenTestNoise() {
        MMLSynData.Splits data = MMLSynData.generate(MMLSynConfig.defaults(11).withSizes(4000, 0, 2000).withSpurious(0.7, 0.7));
        ArrayDataset train = data.train().dataset();
        double[] sigma = {TEST_NOISE_STD_UNITS * meanStd(train.values(0), 20), TEST_NOISE_STD_UNITS * meanStd(train.values(1), 20)};
        ArrayDataset noisyTest = data.test().dataset().withGaussianNoise("mmlsyn-test-noisy", sigma, 99);
        double[] base = new double[SEEDS], cmir = new double[SEEDS];
        for (int s = 0; s < SEEDS; s++) {
            base[s] = run(data, noisyTest, s + 1, false);
            cmir[s] = run(data, noisyTest, s + 1, true);
        }
        TTest.Result t = TTest.student(cmir, base);
        System.out.printf("CmIR shifted noise (σ = %s): late fusion %s mean %.4f | +CmIR %s mean %.4f | t = %.3f, p = %.4f%n",
                Arrays.toString(sigma), Arrays.toString(base), Arrays.stream(base).average().orElseThrow(), Arrays.toString(cmir),
                Arrays.stream(cmir).average().orElseThrow(), t.t(), t.p());
        assertTrue(Arrays.stream(cmir).allMatch(a -> a > 0.6), "CmIR runs train: " + Arrays.toString(cmir));
    }
}
