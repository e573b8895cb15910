package dev.causalmm.train;

import java.util.List;
import java.util.Optional;

/**
 * Flags a run whose training accuracy fell far below its own best: the signature of a collapse
 * (TMC at batch 256 on a 280-row, 40-class set rises to 0.9 and ends near 0.4) that a final test
 * number alone hides. Collapsed means the last epoch's training accuracy is both more than
 * {@link #DROP} below the best epoch's and under {@link #RATIO} of it, so noisy small sets and
 * slow starters are not flagged.
 */
public final class CollapseCheck {
    /** Absolute drop from the best training accuracy that counts as a collapse (with {@link #RATIO}). */
    public static final double DROP = 0.2;
    /** Share of the best training accuracy below which the last epoch counts as collapsed (with {@link #DROP}). */
    public static final double RATIO = 0.5;

    private CollapseCheck() {}

    /** The warning for a run's epochs, or empty when it did not collapse. */
    public static Optional<String> of(List<EpochMetrics> history) {
        if (history.isEmpty()) return Optional.empty();
        EpochMetrics best = history.getFirst();
        for (EpochMetrics m : history) if (m.trainAccuracy() > best.trainAccuracy()) best = m;
        double last = history.getLast().trainAccuracy();
        if (!(last < best.trainAccuracy() - DROP && last < RATIO * best.trainAccuracy())) return Optional.empty();
        return Optional.of(String.format(java.util.Locale.ROOT,
                "training collapsed: final training accuracy %.3f is far below its best %.3f (epoch %d); "
                        + "try a smaller --batch-size or more --epochs (more optimizer steps), or a lower --lr",
                last, best.trainAccuracy(), best.epoch() + 1));
    }
}
