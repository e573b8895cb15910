package dev.causalmm.causal;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.baselines.LateFusion;
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
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An imbalanced two-modality task: modality 0 observes every MMLSynData factor, modality 1 only
 * the spurious block (weakly informative, noisy). Late fusion vs late fusion + IMML, five seeds,
 * test accuracy and a Student t-test.
 *
 * <p>A measured report, not an assertion of the paper's claim: on this task IMML did not beat late
 * fusion (2026-11-24, 2,000 training samples, 10 epochs: 0.7885 vs 0.7834 at the default γ, p = 0.47;
 * γ = (1e−2, 0.2), (0.1, 0.5), (1e−3, 2) gave 0.787, 0.783, 0.783, none significant). The test asserts
 * only that IMML trains (every run above 0.7) and prints the numbers.
 */
class IMMLSyntheticTest {
    static final int SEEDS = 5;

    static double run(MMLSynData.Splits data, long seed, boolean imml) {
        try (Regularizer reg = imml ? new IMML(IMMLConfig.defaults().withSeed(seed)) : Regularizer.NONE;
             MultimodalModel model = reg.adapt(new LateFusion(new int[] {20, 20}, 2, EncoderConfig.c3rPaper(), false, seed), seed)) {
            new Trainer(TrainConfig.defaults(Integer.getInteger("imml.epochs", 10), seed).withBatchSize(64))
                    .fit(model, reg, data.train().dataset(), data.val().dataset());
            return Evaluator.evaluate(model, data.test().dataset(), 512, Device.CPU).accuracy();
        }
    }

    @Test
    void lateFusionWithAndWithoutImmlOnAnImbalancedTask() {
        var cfg = new MMLSynConfig(Integer.getInteger("imml.n", 2000), 500, 2000, 2, 5, 0.1, 0.1, 0.3, 7,
                List.of(EnumSet.allOf(MMLSynData.Factor.class), EnumSet.of(MMLSynData.Factor.SP)));
        MMLSynData.Splits data = MMLSynData.generate(cfg);
        double[] base = new double[SEEDS], imml = new double[SEEDS];
        for (int s = 0; s < SEEDS; s++) {
            base[s] = run(data, s + 1, false);
            imml[s] = run(data, s + 1, true);
        }
        TTest.Result t = TTest.student(imml, base);
        System.out.printf("IMML imbalanced: late fusion %s mean %.4f | +IMML %s mean %.4f | t = %.3f, p = %.4f%n",
                Arrays.toString(base), Arrays.stream(base).average().orElseThrow(), Arrays.toString(imml),
                Arrays.stream(imml).average().orElseThrow(), t.t(), t.p());
        assertTrue(Arrays.stream(imml).allMatch(a -> a > 0.7), "IMML runs train: " + Arrays.toString(imml));
    }
}
