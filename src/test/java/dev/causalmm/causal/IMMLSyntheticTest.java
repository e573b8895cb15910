package dev.causalmm.causal;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.baselines.LateFusion;
import dev.causalmm.data.MMLSynConfig;
import dev.causalmm.data.MMLSynData;
import dev.causalmm.engine.Device;
import dev.causalmm.eval.Evaluator;
import dev.causalmm.eval.TTest;
import dev.causalmm.nn.EncoderConfig;
import dev.causalmm.nn.MultimodalModel;
import dev.causalmm.train.TrainConfig;
import dev.causalmm.train.Trainer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * IMML on an imbalanced task whose auxiliary modality carries label information the predominant
 * one lacks ({@link MMLSynConfig#imbalancedComplementary}: modality 0 sees SF and SP, modality 1
 * only NC). Over {@value #SEEDS} seeds: late fusion on modality 0 alone (what is lost when the
 * auxiliary modality is not used), late fusion on both, and late fusion + IMML on both; test
 * accuracy and Welch's t-tests, printed.
 *
 * <p>The test asserts what held on every seed: IMML's probe picks modality 0 as the predominant
 * one and every run trains (above 0.6; chance is 0.5). Differences between the three settings are
 * printed, not asserted: the seed-to-seed spread (0.67–0.80) is as large as them. γ = (0.1, 1) was
 * chosen on validation seeds 101..105 from (1e−2, 1), (1e−2, 10), (0.1, 1), (1e−3, 0.1), not on the
 * test seeds. Measured numbers (seeded initialisation, 2026-11-28): docs/results.md, "IMML".
 */
class IMMLSyntheticTest {
    static final int SEEDS = Integer.getInteger("imml.seeds", 5);
    static final long FIRST_SEED = Long.getLong("imml.firstSeed", 1);
    static final int EPOCHS = Integer.getInteger("imml.epochs", 10);

    static double run(MMLSynData.Splits data, long seed, IMMLConfig imml) {
        int[] dims = new int[data.config().modalities()];
        Arrays.fill(dims, data.config().inputDim());
        try (Regularizer reg = imml != null ? new IMML(imml.withSeed(seed)) : Regularizer.NONE;
             MultimodalModel model = reg.adapt(new LateFusion(dims, 2, EncoderConfig.c3rPaper(), false, seed), seed)) {
            new Trainer(TrainConfig.defaults(EPOCHS, seed).withBatchSize(64)).fit(model, reg, data.train().dataset(), data.val().dataset());
            return Evaluator.evaluate(model, data.test().dataset(), 512, Device.CPU).accuracy();
        }
    }

    private static double mean(double[] a) {
        return Arrays.stream(a).average().orElseThrow();
    }

    @Test
    void lateFusionWithAndWithoutImmlWhenTheAuxiliaryModalityCarriesMissingInformation() {
        MMLSynConfig cfg = MMLSynConfig.imbalancedComplementary(7);
        MMLSynData.Splits data = MMLSynData.generate(cfg);
        // the predominant modality alone: same generator, same factors for modality 0, no modality 1
        MMLSynData.Splits alone = MMLSynData.generate(cfg.withFactorMasks(List.of(cfg.factorMasks().get(0))));
        // γ chosen on validation seeds 101..105 from (1e-2, 1) (the default), (1e-2, 10), (0.1, 1), (1e-3, 0.1)
        double g1 = Double.parseDouble(System.getProperty("imml.gamma1", "0.1"));
        double g2 = Double.parseDouble(System.getProperty("imml.gamma2", "1"));
        IMMLConfig immlConfig = IMMLConfig.defaults().withGammas(g1, g2).withPredominant(0);
        IMML probe = new IMML(IMMLConfig.defaults());
        probe.observeData(data.train().dataset(), data.val().dataset());
        int chosen = probe.predominant();
        probe.close();
        double[] predominant = new double[SEEDS], base = new double[SEEDS], imml = new double[SEEDS];
        for (int s = 0; s < SEEDS; s++) {
            long seed = FIRST_SEED + s;
            predominant[s] = run(alone, seed, null);
            base[s] = run(data, seed, null);
            imml[s] = run(data, seed, immlConfig);
        }
        TTest.Result aux = TTest.welch(base, predominant);
        TTest.Result t = TTest.welch(imml, base);
        System.out.printf("IMML complementary (seeds %d..%d, %d epochs, γ = (%g, %g), probe picks modality %d): modality 0 alone %s mean %.4f"
                        + " | late fusion %s mean %.4f (vs alone: t = %.3f, p = %.4f) | +IMML %s mean %.4f | Welch t = %.3f, p = %.4f%n",
                FIRST_SEED, FIRST_SEED + SEEDS - 1, EPOCHS, g1, g2, chosen, Arrays.toString(predominant), mean(predominant),
                Arrays.toString(base), mean(base), aux.t(), aux.p(), Arrays.toString(imml), mean(imml), t.t(), t.p());
        assertEquals(0, chosen, "IMML's probe finds modality 0 predominant");
        for (double[] runs : List.of(predominant, base, imml)) {
            assertTrue(Arrays.stream(runs).allMatch(a -> a > 0.6 && a <= 1), "every run trains: " + Arrays.toString(runs));
        }
    }
}
