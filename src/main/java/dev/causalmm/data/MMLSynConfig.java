package dev.causalmm.data;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Settings of the MMLSynData generator (spec §2.7: CaSN's SN/SF/NC/SP generator lifted to K
 * modalities). Defaults follow the spec: 20,000 train / 500 test samples, block width d = 5,
 * noise std 0.3, spurious degree 0.7 at train and 0.1 at test, K = 2, every modality sees every factor.
 *
 * @param factorMasks per modality, the factor blocks it observes (empty list = all factors everywhere)
 */
public record MMLSynConfig(int trainSize, int valSize, int testSize, int modalities, int blockDim,
                           double spuriousTrain, double spuriousTest, double noiseStd, long seed,
                           List<Set<MMLSynData.Factor>> factorMasks) {

    public MMLSynConfig {
        if (trainSize <= 0 || testSize <= 0 || valSize < 0) {
            throw new IllegalArgumentException("mmlsyn sizes must be positive: train=" + trainSize + " val=" + valSize + " test=" + testSize);
        }
        if (modalities < 1) throw new IllegalArgumentException("mmlsyn needs at least one modality, got " + modalities);
        if (blockDim < 1) throw new IllegalArgumentException("mmlsyn blockDim must be >= 1, got " + blockDim);
        long perSample = (long) modalities * 4 * blockDim + blockDim + 4; // each modality's features (inputDim), the factors
        long largest = Math.max(trainSize, Math.max(valSize, testSize));
        HeapBudget.require("mmlsyn --train-size " + trainSize + " --val-size " + valSize + " --test-size " + testSize,
                largest * 4 * blockDim, ((long) trainSize + valSize + testSize) * perSample, Float.BYTES);
        for (double s : new double[] {spuriousTrain, spuriousTest}) {
            if (!(s >= 0 && s <= 1)) throw new IllegalArgumentException("spurious degree must be in [0, 1], got " + s);
        }
        if (!(noiseStd >= 0 && noiseStd < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("mmlsyn noiseStd must be a finite number >= 0, got " + noiseStd);
        }
        factorMasks = factorMasks == null ? List.of() : factorMasks.stream().map(m -> (Set<MMLSynData.Factor>) EnumSet.copyOf(m)).toList();
        if (!factorMasks.isEmpty() && factorMasks.size() != modalities) {
            throw new IllegalArgumentException("factorMasks has " + factorMasks.size() + " entries for " + modalities + " modalities");
        }
    }

    public static MMLSynConfig defaults(long seed) {
        return new MMLSynConfig(20_000, 2_000, 500, 2, 5, 0.7, 0.1, 0.3, seed, List.of());
    }

    /**
     * An imbalanced task whose auxiliary modality carries label information the predominant one
     * lacks (IMML's setting). Modality 0, the predominant one, observes the sufficient cause SF and
     * the SP block, which here is as predictive at test as in training (s = 0.9 in both, so SP is a
     * noisy view of the cause SN rather than a spurious factor); modality 1 observes only the
     * necessary cause NC. SF cannot tell a cause-free sample with {@code sf = 1} from a caused one,
     * and SP's view is noisy; NC is an independent reading ({@code nc = 1} only under the cause), so
     * using modality 1 adds accuracy and a model that under-trains it loses that (measured in
     * {@code IMMLSyntheticTest}: modality 0 alone ≈ 0.75, modality 1 alone ≈ 0.74, late fusion of
     * both 0.76–0.80 depending on the seeds; Bayes rate 0.85). Modality 0 is the stronger one by unimodal accuracy and by
     * IMML's probe, by a small margin. 2,000 train / 500 validation / 2,000 test samples.
     */
    public static MMLSynConfig imbalancedComplementary(long seed) {
        return new MMLSynConfig(2_000, 500, 2_000, 2, 5, 0.9, 0.9, 0.3, seed,
                List.of(EnumSet.of(MMLSynData.Factor.SF, MMLSynData.Factor.SP), EnumSet.of(MMLSynData.Factor.NC)));
    }

    /** The same settings with a factor mask per modality (the number of modalities follows the list). */
    public MMLSynConfig withFactorMasks(List<Set<MMLSynData.Factor>> masks) {
        return new MMLSynConfig(trainSize, valSize, testSize, masks.size(), blockDim, spuriousTrain, spuriousTest, noiseStd, seed, masks);
    }

    public MMLSynConfig withSizes(int train, int val, int test) {
        return new MMLSynConfig(train, val, test, modalities, blockDim, spuriousTrain, spuriousTest, noiseStd, seed, factorMasks);
    }

    public MMLSynConfig withSpurious(double train, double test) {
        return new MMLSynConfig(trainSize, valSize, testSize, modalities, blockDim, train, test, noiseStd, seed, factorMasks);
    }

    public MMLSynConfig withSeed(long s) {
        return new MMLSynConfig(trainSize, valSize, testSize, modalities, blockDim, spuriousTrain, spuriousTest, noiseStd, s, factorMasks);
    }

    public MMLSynConfig withModalities(int k) {
        return new MMLSynConfig(trainSize, valSize, testSize, k, blockDim, spuriousTrain, spuriousTest, noiseStd, seed, List.of());
    }

    /** Input width of every modality: the four factor blocks, 4·d. */
    public int inputDim() {
        return 4 * blockDim;
    }
}
