package dev.causalmm.seg;

import dev.causalmm.engine.Functional;
import dev.causalmm.engine.Tensor;

/**
 * Soft Dice + BCE on the sigmoid region channels, as LCKD trains its three region outputs (spec
 * §5.7): per channel {@code 1 − (2Σpg + 1)/(Σp + Σg + 1)} over the whole batch, averaged over
 * channels, plus the mean binary cross-entropy with logits. The +1 smoothing makes a channel with
 * no foreground in the patch and none predicted cost nothing.
 */
public final class SegLoss {
    private SegLoss() {}

    /** @param logits {@code B×R×D×H×W}; @param targets the same shape, 0/1 */
    public static Tensor diceBce(Tensor logits, Tensor targets) {
        return softDice(logits.sigmoid(), targets).add(Functional.bceWithLogits(logits, targets));
    }

    /** {@code mean_r (1 − (2Σpg + 1)/(Σp + Σg + 1))} with sums over batch and voxels. */
    public static Tensor softDice(Tensor probs, Tensor targets) {
        long[] dims = {0, 2, 3, 4};
        Tensor inter = probs.mul(targets).sum(dims, false);
        Tensor denom = probs.sum(dims, false).add(targets.sum(dims, false)).add(1.0);
        return inter.mul(2.0).add(1.0).div(denom).neg().add(1.0).mean();
    }
}
