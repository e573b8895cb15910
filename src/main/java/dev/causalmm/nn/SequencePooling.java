package dev.causalmm.nn;

import dev.causalmm.engine.Tensor;

/** Reading a stored sequence batch ({@code B×T×(d+1)}, the step mask last) on the device. */
final class SequencePooling {
    private SequencePooling() {}

    /**
     * The step mask, {@code B×T}: 1 where the stored mask exceeds ½ (the stored mask is exactly 0
     * or 1: test-time noise and CmIR's environments leave the mask channel and padded steps as they
     * are; the threshold only guards against rounding).
     */
    static Tensor mask(Tensor x, int features) {
        return x.select(2, features).gt(0.5).to(x.dtype());
    }

    /** Real steps per sample, {@code B} (float). */
    static Tensor lengths(Tensor x, int features) {
        return mask(x, features).sum(1, false);
    }

    /** The mean of {@code h} ({@code B×T×H}) over each sample's real steps; zeros for a sample without any. */
    static Tensor maskedMean(Tensor h, Tensor mask) {
        Tensor m = mask.unsqueeze(2);
        return h.mul(m).sum(1, false).div(m.sum(1, false).clampMin(1));
    }
}
