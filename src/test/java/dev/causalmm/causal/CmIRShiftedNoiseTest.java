package dev.causalmm.causal;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.baselines.LateFusion;
import dev.causalmm.data.ArrayDataset;
import dev.causalmm.data.MMLSynConfig;
import dev.causalmm.data.MMLSynData;
import dev.causalmm.engine.Device;
import dev.causalmm.eval.Evaluator;
import dev.causalmm.eval.TTest;
import dev.causalmm.nn.EncoderConfig;
import dev.causalmm.nn.MultimodalModel;
import dev.causalmm.train.TrainConfig;
import dev.causalmm.train.TrainResult;
import dev.causalmm.train.Trainer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * A shifted-noise task: train on clean MMLSynData, test with Gaussian noise of
 * {@value #TEST_NOISE_STD_UNITS} std units on both modalities. CmIR's default virtual environments
 * (levels 1, 2, 3 training-std units) cover that level; its invariance term is the relative
 * (scale-invariant) L1 of {@link CmIR}. Late fusion vs late fusion + CmIR over {@value #SEEDS}
 * seeds, with Welch's t-test; the numbers are printed.
 *
 * <p>Measured (2026-11-28, 4,000 training samples, 8 epochs, CPU, seeded initialisation): seeds 1..5,
 * late fusion 0.766 vs + CmIR (defaults) 0.736, Welch p < 1e−4 — CmIR is worse, on every seed
 * (docs/results.md, "CmIR"). Ablation on seeds 101..105, measured before the seeded initialisation
 * (late fusion 0.7689): λ_inv = 0 (split heads, R_dec and R_rec only) 0.7667, p = 0.73;
 * λ_inv = 0.1 with the clean input as a fourth environment 0.7324, p = 0.0007; λ_inv = 1 0.6765,
 * p < 1e−4. The loss grows with the invariance weight. The test asserts what held on every seed:
 * every run trains (accuracy under the test noise above 0.6) and R_inv is finite and falls during
 * training (it also falls at λ_inv = 0, so this checks the term, not its effect).
 */
class CmIRShiftedNoiseTest {
    static final int SEEDS = Integer.getInteger("cmir.seeds", 5);
    static final long FIRST_SEED = Long.getLong("cmir.firstSeed", 1);
    static final double TEST_NOISE_STD_UNITS = 3.0;

    /** Test accuracy under the shifted noise; {@code rInv} (if not null) receives R_inv of the first and last epoch. */
    static double run(MMLSynData.Splits data, ArrayDataset noisyTest, long seed, CmIRConfig cmir, double[] rInv) {
        try (Regularizer reg = cmir != null ? new CmIR(cmir.withSeed(seed)) : Regularizer.NONE;
             MultimodalModel model = reg.adapt(new LateFusion(new int[] {20, 20}, 2, EncoderConfig.c3rPaper(), false, seed), seed)) {
            TrainResult r = new Trainer(TrainConfig.defaults(8, seed).withBatchSize(64)).fit(model, reg, data.train().dataset(), null);
            if (rInv != null) {
                rInv[0] = r.history().getFirst().terms().get("cmir.R_inv");
                rInv[1] = r.last().terms().get("cmir.R_inv");
            }
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
    void lateFusionWithAndWithoutCmirUnderShiftedTestNoise() {
        MMLSynData.Splits data = MMLSynData.generate(MMLSynConfig.defaults(11).withSizes(4000, 0, 2000).withSpurious(0.7, 0.7));
        ArrayDataset train = data.train().dataset();
        double[] sigma = {TEST_NOISE_STD_UNITS * meanStd(train.values(0), 20), TEST_NOISE_STD_UNITS * meanStd(train.values(1), 20)};
        ArrayDataset noisyTest = data.test().dataset().withGaussianNoise("mmlsyn-test-noisy", sigma, 99);
        CmIRConfig cfg = CmIRConfig.defaults();
        if (System.getProperty("cmir.lambdaInv") != null) {
            cfg = cfg.withLambdas(Double.parseDouble(System.getProperty("cmir.lambdaInv")), cfg.lambdaDec(), cfg.lambdaRec());
        }
        if (Boolean.getBoolean("cmir.includeClean")) cfg = cfg.withEnvironments(cfg.environments(), cfg.alpha1(), false, true)
                .withNoiseRange(cfg.alpha1(), 3.0);
        double[] base = new double[SEEDS], cmir = new double[SEEDS];
        double[][] rInv = new double[SEEDS][2];
        for (int s = 0; s < SEEDS; s++) {
            base[s] = run(data, noisyTest, FIRST_SEED + s, null, null);
            cmir[s] = run(data, noisyTest, FIRST_SEED + s, cfg, rInv[s]);
        }
        TTest.Result t = TTest.welch(cmir, base);
        System.out.printf("CmIR shifted noise (σ = %s, seeds %d..%d, %s): late fusion %s mean %.4f | +CmIR %s mean %.4f"
                        + " | Welch t = %.3f, p = %.4f | R_inv first→last epoch %s%n",
                Arrays.toString(sigma), FIRST_SEED, FIRST_SEED + SEEDS - 1, cfg, Arrays.toString(base), Arrays.stream(base).average().orElseThrow(),
                Arrays.toString(cmir), Arrays.stream(cmir).average().orElseThrow(), t.t(), t.p(), Arrays.deepToString(rInv));
        assertTrue(Arrays.stream(base).allMatch(a -> a > 0.6), "late fusion runs train: " + Arrays.toString(base));
        assertTrue(Arrays.stream(cmir).allMatch(a -> a > 0.6), "CmIR runs train: " + Arrays.toString(cmir));
        for (double[] r : rInv) assertTrue(Double.isFinite(r[0]) && r[1] < r[0], "R_inv falls: " + Arrays.deepToString(rInv));
    }
}
